using System.Buffers.Binary;

namespace PgRest.Postgres.WalRecords;

/// <summary>The end of a transaction as its commit or abort record tells it (xl_xact_commit/abort with xl_xact_xinfo).</summary>
public sealed record XactEnd(bool Committed, uint Xid, DateTimeOffset Time, uint Database, uint[] Subtransactions, RelFileNode[] DroppedRelations);

/// <summary>Transaction records (RM_XACT_ID): commit, abort, their prepared forms, and subtransaction assignment.</summary>
public static class XactRecords
{
    public const byte Commit = 0x00, Prepare = 0x10, Abort = 0x20, CommitPrepared = 0x30, AbortPrepared = 0x40, Assignment = 0x50;
    private const byte OpMask = 0x70, HasInfo = 0x80;
    private const uint HasDbInfo = 1 << 0, HasSubxacts = 1 << 1, HasRelFileNodes = 1 << 2, HasInvals = 1 << 3, HasTwoPhase = 1 << 4,
        HasDroppedStats = 1 << 8;

    /// <summary>PostgreSQL's epoch for TimestampTz: microseconds since 2000-01-01 00:00:00 UTC.</summary>
    public static readonly DateTimeOffset Epoch = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static byte Operation(WalRecord record) => (byte)(record.Info & OpMask);

    /// <summary>A commit or abort (prepared or not); false for other transaction records or a malformed one.</summary>
    public static bool TryParseEnd(WalRecord record, int versionNum, out XactEnd end)
    {
        end = null!;
        byte op = Operation(record);
        if (op is not (Commit or Abort or CommitPrepared or AbortPrepared))
            return false;
        var data = record.MainData.Span;
        var reader = new SpanReader(data);
        if (!reader.TryInt64(out long micros))
            return false;
        uint xinfo = 0;
        if ((record.Info & HasInfo) != 0 && !reader.TryUInt32(out xinfo))
            return false;
        uint database = 0, subCount = 0, relCount = 0;
        if ((xinfo & HasDbInfo) != 0 && !(reader.TryUInt32(out database) && reader.Skip(4)))
            return false;
        uint[] subtransactions = [];
        if ((xinfo & HasSubxacts) != 0)
        {
            if (!reader.TryUInt32(out subCount) || !reader.TryUInt32Array(subCount, out subtransactions))
                return false;
        }

        RelFileNode[] dropped = [];
        if ((xinfo & HasRelFileNodes) != 0)
        {
            if (!reader.TryUInt32(out relCount) || relCount > (uint)data.Length / 12)
                return false;
            dropped = new RelFileNode[relCount];
            for (var i = 0; i < relCount; i++)
            {
                if (!(reader.TryUInt32(out var tablespace) && reader.TryUInt32(out var db) && reader.TryUInt32(out var relation)))
                    return false;
                dropped[i] = new RelFileNode(tablespace, db, relation);
            }
        }

        bool committed = op is Commit or CommitPrepared;
        uint xid = record.Xid;
        if (op is CommitPrepared or AbortPrepared)
        {
            // The prepared transaction's own xid follows the dropped statistics and (commit only) the invalidations.
            if ((xinfo & HasDroppedStats) != 0 && !(reader.TryUInt32(out var stats) && reader.Skip(stats * (versionNum >= 180000 ? 16u : 12u))))
                return false;
            if (committed && (xinfo & HasInvals) != 0 && !(reader.TryUInt32(out var messages) && reader.Skip(messages * 16)))
                return false;
            if ((xinfo & HasTwoPhase) == 0 || !reader.TryUInt32(out xid))
                return false;
        }

        end = new XactEnd(committed, xid, Epoch.AddTicks(micros * 10), database, subtransactions, dropped);
        return true;
    }

    /// <summary>XLOG_XACT_ASSIGNMENT: subtransactions of a top transaction, logged when a backend has many.</summary>
    public static bool TryParseAssignment(WalRecord record, out uint top, out uint[] subtransactions)
    {
        subtransactions = [];
        var reader = new SpanReader(record.MainData.Span);
        return reader.TryUInt32(out top) && reader.TryUInt32(out var count) && reader.TryUInt32Array(count, out subtransactions);
    }
}

/// <summary>Bounds-checked little-endian reads over a record's main data.</summary>
internal ref struct SpanReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _at;

    public bool Skip(uint count)
    {
        if (count > (uint)(_data.Length - _at))
            return false;
        _at += (int)count;
        return true;
    }

    public bool TryUInt32(out uint value)
    {
        value = 0;
        if (_data.Length - _at < 4)
            return false;
        value = BinaryPrimitives.ReadUInt32LittleEndian(_data[_at..]);
        _at += 4;
        return true;
    }

    public bool TryInt64(out long value)
    {
        value = 0;
        if (_data.Length - _at < 8)
            return false;
        value = BinaryPrimitives.ReadInt64LittleEndian(_data[_at..]);
        _at += 8;
        return true;
    }

    public bool TryUInt32Array(uint count, out uint[] values)
    {
        values = [];
        if (count > (uint)(_data.Length - _at) / 4)
            return false;
        values = new uint[count];
        for (var i = 0; i < count; i++)
            TryUInt32(out values[i]);
        return true;
    }
}
