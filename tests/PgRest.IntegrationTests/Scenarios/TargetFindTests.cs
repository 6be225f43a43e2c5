using System.Text.Json;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// The 3 pm scenario without knowing the time: rows written and changed after a full backup, then the table dropped,
/// truncated or emptied by a transaction target-find is not told about. target-find must name that transaction (the
/// xid the damaging session saw) among the table's changes, and the restore it prints must bring back every row and
/// none of the damage. One case per PostgreSQL major, with the repository options and WAL compression varied.
/// </summary>
public sealed class TargetFindTests(ITestOutputHelper output)
{
    private const int RowsAtBackup = 1000, RowsAfterBackup = 500, RowsUpdated = 10;

    /// <summary>major, damage, wal_compression, repository options, and whether the table is created only after the backup.</summary>
    public static TheoryData<int, string, string, string[], bool> Cases => new()
    {
        { 12, "drop", "off", [], false },
        { 13, "delete", "on", ["compress-type=gz"], false },
        { 14, "truncate", "on", [], true },
        { 15, "truncate", "lz4", ["repo1-cipher-type=aes-256-cbc", "repo1-cipher-pass=target-find-secret", "compress-type=lz4"], false },
        { 16, "delete", "off", ["repo1-bundle=y", "repo1-block=y", "compress-type=zst"], false },
        { 17, "drop", "on", ["repo1-bundle=y", "compress-type=zst"], true },
        { 18, "truncate", "off", [], false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task The_damaging_transaction_is_found_and_its_restore_brings_every_row_back(int major, string damage, string walCompression, string[] repoOptions,
        bool createdAfterBackup)
    {
        await using var stack = await Stack.CreateAsync(major: major, globalOptions: repoOptions);
        await stack.Cluster.SetSettingsAsync(new Dictionary<string, string> { ["wal_compression"] = walCompression });
        await Run(stack, "stanza-create");
        var create = "create table orders (id int primary key, item text not null); "
            + $"insert into orders select g, 'item ' || g from generate_series(1, {RowsAtBackup}) g";
        await stack.Cluster.ExecuteAsync("create table other (id int); insert into other select generate_series(1, 100)" + (createdAfterBackup ? "" : "; " + create));
        await Run(stack, "--type=full", "backup");
        // A table created after the newest backup is in no backup's catalog: its creation in the WAL names it.
        if (createdAfterBackup)
            await stack.Cluster.ExecuteAsync(create);

        // Good work after the backup, a rename the search must follow, and another table's damage it must not report.
        await stack.Cluster.ExecuteAsync($"insert into orders select g, 'item ' || g from generate_series({RowsAtBackup + 1}, {RowsAtBackup + RowsAfterBackup}) g");
        var updateXid = await stack.Cluster.QueryScalarAsync<string>($"select txid_current()::text; update orders set item = item || ' changed' where id <= {RowsUpdated}");
        await stack.Cluster.ExecuteAsync("alter table orders rename to orders_renamed; alter table orders_renamed rename to orders; delete from other");
        // A checkpoint first: the damage's catalog change then comes as a full-page image, compressed as configured.
        await stack.Cluster.ExecuteAsync("checkpoint");
        var damageXid = await stack.Cluster.QueryScalarAsync<string>("select txid_current()::text; " + damage switch
        {
            "drop" => "drop table orders",
            "truncate" => "truncate orders",
            _ => "delete from orders",
        });
        await stack.Cluster.ExecuteAsync("create table later (id int); insert into later values (1)");
        await Run(stack, "check");
        // A backup after a drop does not have the table: the search starts from the newest backup that does.
        if (damage == "drop" && !createdAfterBackup)
            await Run(stack, "--type=full", "backup");

        var found = await stack.PgrestAsync("--relation=public.orders", "--output=json", "target-find");
        output.WriteLine(found.StandardOutput + found.StandardError);
        found.EnsureSuccess("target-find");
        var events = JsonDocument.Parse(found.StandardOutput).RootElement[0].GetProperty("events").EnumerateArray().ToList();
        var update = Assert.Single(events, e => e.GetProperty("xid").GetInt64().ToString() == updateXid);
        Assert.Equal(("update", RowsUpdated), (update.GetProperty("action").GetString(), update.GetProperty("rows-updated").GetInt32()));
        var damaging = events[^1];
        Assert.Equal(damageXid, damaging.GetProperty("xid").GetInt64().ToString());
        Assert.Equal(damage, damaging.GetProperty("action").GetString());
        if (damage == "delete")
            Assert.Equal(RowsAtBackup + RowsAfterBackup, damaging.GetProperty("rows-deleted").GetInt32());
        Assert.Equal(2, events.Count);
        var text = await Run(stack, "--relation=orders", "target-find");
        Assert.Contains(damaging.GetProperty("command").GetString()!, text.StandardOutput);

        await stack.Cluster.StopAsync();
        var restoreOptions = damaging.GetProperty("restore").EnumerateArray().Select(option => option.GetString()!).ToList();
        Assert.Equal($"--stanza={stack.Stanza}", restoreOptions[0]);
        await Run(stack, [.. restoreOptions.Skip(1), "--delta", "restore"]);
        await stack.Cluster.StartAsync();
        await stack.WaitForPromotionAsync();
        Assert.Equal(RowsAtBackup + RowsAfterBackup, await stack.Cluster.QueryScalarAsync<long>("select count(*) from orders"));
        Assert.Equal(RowsUpdated, await stack.Cluster.QueryScalarAsync<long>("select count(*) from orders where item like '% changed'"));
        Assert.Equal(0L, await stack.Cluster.QueryScalarAsync<long>("select count(*) from other"));
        Assert.Equal(0L, await stack.Cluster.QueryScalarAsync<long>("select count(*) from pg_class where relname = 'later'"));
    }

    [Fact]
    public async Task A_table_no_backup_has_is_a_clear_error()
    {
        await using var stack = await Stack.CreateAsync();
        await Run(stack, "stanza-create");
        await Run(stack, "--type=full", "backup");

        var missing = await stack.PgrestAsync("--relation=public.never_created", "target-find");
        Assert.Equal(80, missing.ExitCode);
        Assert.StartsWith("ERROR: [080]: relation 'public.never_created' not found: no backup's catalog has it and the WAL read from backup ",
            missing.StandardError);
        var malformed = await stack.PgrestAsync("--relation=a.b.c.d", "target-find");
        Assert.Equal(32, malformed.ExitCode);
    }

    private Task<ProcessResult> Run(Stack stack, params string[] arguments) =>
        stack.ExpectAsync(output, "pgrest", ["--log-level-console=info", .. arguments]);
}
