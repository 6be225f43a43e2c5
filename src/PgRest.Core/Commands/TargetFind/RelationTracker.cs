using PgRest.Postgres;
using PgRest.Postgres.WalRecords;

namespace PgRest.Commands.TargetFind;

/// <summary>What one committed transaction did to a tracked table.</summary>
public sealed record RelationEvent(CatalogRelation Relation, uint Xid, DateTimeOffset CommitTime, Lsn CommitLsn, uint Timeline,
    bool Dropped, bool Truncated, long RowsDeleted, long RowsUpdated)
{
    public string Action => Dropped ? "DROP" : Truncated ? "TRUNCATE"
        : string.Join(", ", new[] { RowsDeleted > 0 ? $"{RowsDeleted} row{(RowsDeleted == 1 ? "" : "s")} deleted" : null,
            RowsUpdated > 0 ? $"{RowsUpdated} row{(RowsUpdated == 1 ? "" : "s")} updated" : null }.Where(part => part is not null));
}

/// <summary>A table of the wanted name created in the WAL read (none of the backups had it).</summary>
public sealed record RelationCreated(CatalogRelation Relation, uint Xid, DateTimeOffset CommitTime, Lsn CommitLsn);

/// <summary>
/// Follows tables through the WAL and lists the committed transactions that dropped, truncated, or deleted or updated
/// rows of them. Pure: records in, events out. A table is followed by its pg_class row (whose place moves with each
/// update of the row) and by the file node that row names: TRUNCATE and VACUUM FULL give the table a new file in the
/// same transaction that updates its row, and the transaction's commit drops the old file. Changes are kept per
/// transaction until its commit (subtransactions folded in) or dropped at its abort.
/// </summary>
public sealed class RelationTracker
{
    private sealed class Tracked(CatalogRelation relation)
    {
        public CatalogRelation Relation { get; set; } = relation;

        public TupleId PgClassTuple { get; set; } = relation.PgClassTuple;

        public bool Gone { get; set; }
    }

    /// <summary>What a transaction did so far, per tracked table (its index).</summary>
    private sealed class Pending
    {
        public readonly Dictionary<int, Change> Changes = [];

        public readonly HashSet<uint> TouchedFiles = [];

        public readonly List<CatalogRelation> Created = [];

        public Change For(int table)
        {
            if (!Changes.TryGetValue(table, out var change))
                Changes[table] = change = new Change();
            return change;
        }
    }

    private sealed class Change
    {
        public long Deleted, Updated;
        public bool CatalogRowDeleted, Truncated;
        public TupleId? CatalogRowMovedTo;
        public uint? NewFileNode;
        public bool NewFileNodeUnknown;
    }

    private readonly List<Tracked> _tables;
    private readonly List<CatalogWatch> _watches;
    private readonly List<RelationCreated> _created = [];
    private readonly int _versionNum;
    private readonly DateTimeOffset? _from, _to;
    private readonly Dictionary<uint, Pending> _pending = [];
    private readonly Dictionary<uint, uint> _parentOf = [];
    private readonly List<RelationEvent> _events = [];
    private readonly List<string> _warnings = [];

    /// <param name="watches">Where tables of the name would be created: each one created is followed from its commit on.</param>
    public RelationTracker(IEnumerable<CatalogRelation> tables, int versionNum, DateTimeOffset? from = null, DateTimeOffset? to = null,
        IEnumerable<CatalogWatch>? watches = null)
    {
        _tables = tables.Select(table => new Tracked(table)).ToList();
        _watches = watches?.ToList() ?? [];
        _versionNum = versionNum;
        _from = from;
        _to = to;
    }

    public IReadOnlyList<RelationEvent> Events => _events;

    public IReadOnlyList<RelationCreated> Created => _created;

    /// <summary>Every table followed: those of the backup's catalog, then those created since.</summary>
    public IEnumerable<CatalogRelation> Relations => _tables.Select(table => table.Relation);

    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Records read, and those of resource managers or kinds this search does not need (counted, not read).</summary>
    public long Records { get; private set; }

    public SortedDictionary<string, long> Skipped { get; } = new(StringComparer.Ordinal);

    /// <summary>The first commit after <c>--to</c> ends the search.</summary>
    public bool PastEnd { get; private set; }

    public bool AllGone => _tables.All(table => table.Gone);

    /// <summary>Takes one record; false once nothing more can be found (every table dropped, or past <c>--to</c>).</summary>
    public bool OnRecord(WalRecord record)
    {
        Records++;
        bool used = record.ResourceManagerId switch
        {
            ResourceManager.Heap => OnHeap(record),
            ResourceManager.Transaction => OnTransaction(record),
            ResourceManager.Storage => OnStorage(record),
            ResourceManager.Xlog => true,
            _ => false,
        };
        if (!used)
            Skip(record);
        else if (record.Xid != 0 && record.ResourceManagerId != ResourceManager.Transaction)
            NoteTouchedFiles(record);

        // A table of the name may be created again after a drop: only without watches does a drop end the search.
        return !PastEnd && !(AllGone && _watches.Count == 0);
    }

    private void Skip(WalRecord record)
    {
        var name = ResourceManagerName(record.ResourceManagerId);
        Skipped[name] = Skipped.GetValueOrDefault(name) + 1;
        if (record.Xid != 0)
            NoteTouchedFiles(record);
    }

    /// <summary>Files a transaction wrote pages of: a new file that got pages was rewritten (VACUUM FULL), not truncated.</summary>
    private void NoteTouchedFiles(WalRecord record)
    {
        if (record.Blocks.Count == 0)
            return;
        var pending = PendingOf(record.Xid);
        foreach (var block in record.Blocks)
            pending.TouchedFiles.Add(block.Node.Relation);
    }

    private bool OnHeap(WalRecord record)
    {
        switch (HeapRecords.Operation(record))
        {
            case HeapRecords.Delete when HeapRecords.TryParseDelete(record, out var delete):
                for (var i = 0; i < _tables.Count; i++)
                {
                    var table = _tables[i];
                    if (table.Gone || delete.Node.Database != table.Relation.DatabaseId)
                        continue;
                    if (delete.Node.Relation == table.Relation.FileNode && !delete.Speculative)
                        PendingOf(record.Xid).For(i).Deleted++;
                    else if (delete.Node.Relation == table.Relation.PgClassFileNode && delete.Old == CatalogTuple(record.Xid, i))
                        PendingOf(record.Xid).For(i).CatalogRowDeleted = true;
                }

                return true;
            case HeapRecords.Update or HeapRecords.HotUpdate when HeapRecords.TryParseUpdate(record, out var update):
                FollowCreatedRows(record, update);
                for (var i = 0; i < _tables.Count; i++)
                {
                    var table = _tables[i];
                    if (table.Gone || update.Node.Database != table.Relation.DatabaseId)
                        continue;
                    if (update.Node.Relation == table.Relation.FileNode)
                        PendingOf(record.Xid).For(i).Updated++;
                    else if (update.Node.Relation == table.Relation.PgClassFileNode && update.Old == CatalogTuple(record.Xid, i))
                        OnCatalogRowUpdate(record, PendingOf(record.Xid).For(i), update.New!.Value);
                }

                return true;
            case HeapRecords.Truncate when HeapRecords.TryParseTruncate(record, out var database, out var relationIds):
                for (var i = 0; i < _tables.Count; i++)
                {
                    if (!_tables[i].Gone && database == _tables[i].Relation.DatabaseId && relationIds.Contains(_tables[i].Relation.RelationId))
                        PendingOf(record.Xid).For(i).Truncated = true;
                }

                return true;
            case HeapRecords.Insert:
                OnInsert(record);
                return true;
            case HeapRecords.Inplace or HeapRecords.Lock or HeapRecords.Confirm:
                return true;
            default:
                return false;
        }
    }

    /// <summary>A table created in this transaction whose new pg_class row is updated again before the commit (CREATE TABLE with a key does).</summary>
    private void FollowCreatedRows(WalRecord record, HeapChange update)
    {
        if (!_pending.TryGetValue(record.Xid, out var pending))
            return;
        for (var i = 0; i < pending.Created.Count; i++)
        {
            var created = pending.Created[i];
            if (update.Node.Database != created.DatabaseId || update.Node.Relation != created.PgClassFileNode || update.Old != created.PgClassTuple)
                continue;
            var fileNode = HeapRecords.TryReadNewTupleUInt32(record, CatalogReader.ClassFileNode, out var value, out var unchanged) && !unchanged
                ? value : created.FileNode;
            pending.Created[i] = created with { PgClassTuple = update.New!.Value, FileNode = fileNode };
        }
    }

    /// <summary>A new pg_class row of the wanted name and schema: a table to follow once its transaction commits.</summary>
    private void OnInsert(WalRecord record)
    {
        if (record.Block(0) is not { } block)
            return;
        foreach (var watch in _watches)
        {
            if (block.Node.Database != watch.DatabaseId || block.Node.Relation != watch.PgClassFileNode)
                continue;
            if (!HeapRecords.TryReadInsert(record, out var tid, out var data))
            {
                _warnings.Add($"a pg_class row inserted at {record.Start} cannot be read: a table created there is not followed");
                continue;
            }

            if (CatalogReader.MatchTable(data, _versionNum, watch.NamespaceId, watch.Name) is { } table)
            {
                PendingOf(record.Xid).Created.Add(new CatalogRelation(watch.Database, watch.DatabaseId, watch.Schema, watch.Name, table.RelationId,
                    table.FileNode, watch.PgClassFileNode, tid, true));
            }
        }
    }

    /// <summary>Where the table's pg_class row is for transaction <paramref name="xid"/>: moved by its own updates (DROP updates, then deletes it).</summary>
    private TupleId CatalogTuple(uint xid, int table) =>
        _pending.TryGetValue(xid, out var pending) && pending.Changes.TryGetValue(table, out var change) && change.CatalogRowMovedTo is { } moved
            ? moved : _tables[table].PgClassTuple;

    /// <summary>The table's pg_class row moved: note where, and the file node the new row names.</summary>
    private void OnCatalogRowUpdate(WalRecord record, Change change, TupleId movedTo)
    {
        change.CatalogRowMovedTo = movedTo;
        if (HeapRecords.TryReadNewTupleUInt32(record, CatalogReader.ClassFileNode, out var fileNode, out var unchanged))
        {
            if (!unchanged)
                change.NewFileNode = fileNode;
        }
        else
        {
            change.NewFileNodeUnknown = true;
        }
    }

    private bool OnStorage(WalRecord record)
    {
        if (!HeapRecords.TryParseSmgrTruncate(record, out var node, out var blocks))
            return (record.Info & 0xF0) == 0x10;
        // VACUUM cuts empty pages off without a transaction id; a transaction that empties a table it created does it with one.
        for (var i = 0; i < _tables.Count; i++)
        {
            var table = _tables[i];
            if (!table.Gone && blocks == 0 && record.Xid != 0 && node.Database == table.Relation.DatabaseId && node.Relation == table.Relation.FileNode)
                PendingOf(record.Xid).For(i).Truncated = true;
        }

        return true;
    }

    private bool OnTransaction(WalRecord record)
    {
        var op = XactRecords.Operation(record);
        if (op == XactRecords.Assignment)
        {
            if (XactRecords.TryParseAssignment(record, out var top, out var subtransactions))
            {
                foreach (var sub in subtransactions)
                    _parentOf[sub] = top;
            }

            return true;
        }

        if (op == XactRecords.Prepare)
            return true;
        if (!XactRecords.TryParseEnd(record, _versionNum, out var end))
            return false;

        var pending = TakePending(end);
        if (!end.Committed)
            return true;
        if (_to is { } to && end.Time > to)
        {
            PastEnd = true;
            return true;
        }

        for (var i = 0; i < _tables.Count; i++)
            Apply(i, pending?.Changes.GetValueOrDefault(i), pending, end, record);
        foreach (var created in pending?.Created ?? [])
        {
            _tables.Add(new Tracked(created));
            _created.Add(new RelationCreated(created, end.Xid, end.Time, record.Start));
        }

        return true;
    }

    /// <summary>What the transaction and its subtransactions did, taken out of the pending set.</summary>
    private Pending? TakePending(XactEnd end)
    {
        Pending? merged = null;
        foreach (var xid in end.Subtransactions.Prepend(end.Xid).Concat(_parentOf.Where(pair => pair.Value == end.Xid).Select(pair => pair.Key)).ToList())
        {
            _parentOf.Remove(xid);
            if (!_pending.Remove(xid, out var part))
                continue;
            if (merged is null)
            {
                merged = part;
                continue;
            }

            foreach (var file in part.TouchedFiles)
                merged.TouchedFiles.Add(file);
            merged.Created.AddRange(part.Created);
            foreach (var (table, change) in part.Changes)
                Merge(merged.For(table), change);
        }

        return merged;
    }

    private static void Merge(Change into, Change change)
    {
        into.Deleted += change.Deleted;
        into.Updated += change.Updated;
        into.CatalogRowDeleted |= change.CatalogRowDeleted;
        into.Truncated |= change.Truncated;
        into.CatalogRowMovedTo = change.CatalogRowMovedTo ?? into.CatalogRowMovedTo;
        into.NewFileNode = change.NewFileNode ?? into.NewFileNode;
        into.NewFileNodeUnknown |= change.NewFileNodeUnknown;
    }

    /// <summary>A committed transaction's effect on table <paramref name="index"/>: an event to list, and where the table is now.</summary>
    private void Apply(int index, Change? change, Pending? pending, XactEnd end, WalRecord commit)
    {
        var table = _tables[index];
        if (table.Gone)
            return;
        var relation = table.Relation;
        bool fileDropped = end.DroppedRelations.Any(node => node.Database == relation.DatabaseId && node.Relation == relation.FileNode);
        if (change is null && !fileDropped)
            return;
        change ??= new Change();

        bool dropped = change.CatalogRowDeleted;
        bool truncated = change.Truncated;
        if (change.CatalogRowMovedTo is { } movedTo)
            table.PgClassTuple = movedTo;
        if (!dropped && change.NewFileNode is { } newFile && newFile != relation.FileNode)
        {
            // A new file with pages written in the same transaction is a rewrite (VACUUM FULL, CLUSTER, ALTER TABLE).
            truncated |= pending?.TouchedFiles.Contains(newFile) != true;
            table.Relation = relation with { FileNode = newFile };
        }
        else if (!dropped && fileDropped)
        {
            truncated = true;
            _warnings.Add($"transaction {end.Xid} dropped the file of {relation.Schema}.{relation.Name} but its new file could not be read "
                + "from the WAL: changes after it are not followed");
            table.Gone = true;
        }

        if (dropped)
            table.Gone = true;
        if (!dropped && !truncated && change.Deleted == 0 && change.Updated == 0)
            return;
        if (_from is { } from && end.Time < from)
            return;
        _events.Add(new RelationEvent(relation, end.Xid, end.Time, commit.Start, commit.Timeline, dropped, truncated, change.Deleted, change.Updated));
    }

    private Pending PendingOf(uint xid)
    {
        if (!_pending.TryGetValue(xid, out var pending))
            _pending[xid] = pending = new Pending();
        return pending;
    }

    private static readonly string[] ResourceManagerNames =
    [
        "XLOG", "Transaction", "Storage", "CLOG", "Database", "Tablespace", "MultiXact", "RelMap", "Standby", "Heap2", "Heap", "Btree",
        "Hash", "Gin", "Gist", "Sequence", "SPGist", "BRIN", "CommitTs", "ReplicationOrigin", "Generic", "LogicalMessage",
    ];

    public static string ResourceManagerName(byte id) => id < ResourceManagerNames.Length ? ResourceManagerNames[id] : $"custom {id}";
}
