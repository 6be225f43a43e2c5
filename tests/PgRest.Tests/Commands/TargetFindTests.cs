using PgRest.Commands.TargetFind;
using PgRest.Info;
using PgRest.Postgres;
using PgRest.Postgres.WalRecords;
using PgRest.Repository;
using PgRest.Tests.Postgres;

namespace PgRest.Tests.Commands;

/// <summary>
/// target-find's pieces on what pgBackRest 2.59.1 and PostgreSQL 15 and 17 wrote: the table found in a backup's
/// catalog (a block-incremental backup), and the tracker's events checked against the WAL by another route.
/// </summary>
public class TargetFindTests
{
    public static TheoryData<string, string> Fixtures => new() { { "pg15-block-plain", "15-1" }, { "pg17-block-plain", "17-1" } };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task The_catalog_of_a_block_incremental_backup_names_the_table_and_its_file(string fixture, string archiveId)
    {
        _ = archiveId;
        var (manifest, relations) = await CatalogAsync(fixture, "public.pgbench_accounts");

        var accounts = Assert.Single(relations);
        Assert.Equal(("postgres", 5u), (accounts.Database, accounts.DatabaseId));
        // The fixture's README: pgbench_accounts is base/5/16396.
        Assert.Equal(16396u, accounts.FileNode);
        Assert.Contains(manifest.Files, file => file.Name == $"pg_data/base/5/{accounts.FileNode}" && file.BlockIncrSize > 0);
        Assert.True(accounts.Live);
        Assert.Empty((await CatalogAsync(fixture, "public.no_such_table")).Relations);
        Assert.Empty((await CatalogAsync(fixture, "nowhere.pgbench_accounts")).Relations);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Every_pgbench_transaction_is_found_as_one_row_updated(string fixture, string archiveId)
    {
        var (manifest, relations) = await CatalogAsync(fixture, "public.pgbench_accounts");
        var tellers = Assert.Single((await CatalogAsync(fixture, "public.pgbench_tellers")).Relations);
        var tracker = new RelationTracker(relations, PgVersions.VersionNumFromVersion(manifest.DbVersion));

        // The other route: each pgbench transaction also updates one pgbench_tellers row.
        HashSet<uint> tellerUpdaters = [];
        var committed = new HashSet<uint>();
        Read(fixture, archiveId, Lsn.Parse(manifest.LsnStart!), record =>
        {
            if (record.ResourceManagerId == ResourceManager.Heap && HeapRecords.TryParseUpdate(record, out var update) && update.Node.Relation == tellers.FileNode)
                tellerUpdaters.Add(record.Xid);
            if (record.ResourceManagerId == ResourceManager.Transaction && XactRecords.TryParseEnd(record, 150000, out var end) && end.Committed)
                committed.Add(end.Xid);
            return tracker.OnRecord(record);
        });

        Assert.NotEmpty(tracker.Events);
        Assert.All(tracker.Events, found => Assert.Equal((1L, 0L, false, false), (found.RowsUpdated, found.RowsDeleted, found.Dropped, found.Truncated)));
        Assert.Equal(tellerUpdaters.Where(committed.Contains).Order(), tracker.Events.Select(found => found.Xid).Order());
        Assert.Equal(tracker.Events.OrderBy(found => found.CommitLsn).Select(found => found.CommitLsn), tracker.Events.Select(found => found.CommitLsn));
        Assert.True(tracker.Skipped.ContainsKey("Btree"));
        Assert.False(tracker.Skipped.ContainsKey("Heap"));
    }

    [Fact]
    public void The_restore_command_stops_before_the_transaction_on_its_timeline()
    {
        var relation = new CatalogRelation("app", 16384, "public", "orders", 16385, 16385, 1259, new TupleId(0, 3), true);
        var found = new RelationEvent(relation, 745, DateTimeOffset.UnixEpoch, new Lsn(0x3000D28), 2, true, false, 0, 0);

        Assert.Equal(["--stanza=main", "--set=20261203-101010F", "--type=xid", "--target=745", "--target-exclusive", "--target-timeline=2", "--target-action=promote"],
            TargetFindPlanner.RestoreOptions("main", "20261203-101010F", found, 1));
        Assert.Equal("DROP", found.Action);
        Assert.Equal("3 rows deleted, 1 row updated", (found with { Dropped = false, RowsDeleted = 3, RowsUpdated = 1 }).Action);
    }

    [Fact]
    public void Timelines_are_followed_through_the_newest_branch_that_leaves_after_the_backup()
    {
        Dictionary<uint, string> histories = new()
        {
            [2] = "1\t0/5000000\tno recovery target specified\n",
            [3] = "1\t0/2000000\tbefore the backup\n",
            [4] = "1\t0/5000000\tno recovery target specified\n2\t0/9000000\tat xid 900\n",
        };
        var path = TimelineHistory.Path(1, new Lsn(0x3000028), histories);

        Assert.Equal([new TimelineStart(1, Lsn.Invalid), new TimelineStart(2, new Lsn(0x5000000)), new TimelineStart(4, new Lsn(0x9000000))], path);
        const ulong segment = 16 * 1024 * 1024;
        Assert.Equal([1u, 1u, 2u, 2u, 4u], new ulong[] { 3, 4, 5, 8, 9 }.Select(number => TimelineHistory.TimelineOf(path, number, segment)));
        Assert.Equal([new TimelineStart(1, Lsn.Invalid)], TimelineHistory.Path(1, new Lsn(0x6000000), new Dictionary<uint, string> { [3] = histories[3] }));
    }

    [Fact]
    public void Relation_names_default_to_public_and_may_name_the_database()
    {
        Assert.Equal(new RelationName(null, "public", "orders"), RelationName.Parse("orders"));
        Assert.Equal(new RelationName(null, "sales", "orders"), RelationName.Parse("sales.orders"));
        Assert.Equal(new RelationName("app", "sales", "orders"), RelationName.Parse("app.sales.orders"));
        Assert.Equal(Errors.ErrorCode.OptionInvalidValue, Assert.Throws<Errors.PgRestException>(() => RelationName.Parse("a..b")).Code);
    }

    private static async Task<(Manifest Manifest, List<CatalogRelation> Relations)> CatalogAsync(string fixture, string relation)
    {
        var repo = FixtureRepositories.Open(fixture);
        var info = await BackupStore.LoadInfoAsync(repo, "main", CancellationToken.None);
        var full = info.Current.Keys.First(label => label.EndsWith('F'));
        var manifest = await BackupStore.LoadManifestAsync(repo, "main", full, info, CancellationToken.None);
        return (manifest, (await BackupCatalog.FindAsync(repo, "main", manifest, RelationName.Parse(relation), CancellationToken.None)).Found);
    }

    private static void Read(string fixture, string archiveId, Lsn start, Func<WalRecord, bool> onRecord)
    {
        var segments = FixtureRepositories.Segments(fixture, archiveId).ToList();
        var header = WalHeader.Read(segments[0].Bytes);
        using var reader = new WalStreamReader(header.Version, header.SegmentSize, start);
        foreach (var (name, bytes) in segments)
        {
            var number = WalSegmentName.Parse(name).SegmentNumber(header.SegmentSize);
            if (number < reader.NextSegmentNumber)
                continue;
            Assert.True(reader.Feed(bytes, number, 1, onRecord) || reader.StoppedByCaller, reader.StopReason);
        }
    }
}
