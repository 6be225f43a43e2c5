using System.Globalization;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// The 3 pm scenario of the PITR tutorial, end to end with pgrest alone: a full backup, rows written, a target
/// captured, the table dropped, then restore to the target with --delta and promote. The table and every row must be
/// back and the cluster on timeline 2.
/// </summary>
public sealed class PointInTimeRecoveryTests(ITestOutputHelper output)
{
    private const int Rows = 1000;

    [Theory]
    [InlineData("time")]
    [InlineData("name")]
    [InlineData("xid")]
    [InlineData("lsn")]
    public async Task Restore_to_the_moment_before_drop_table_brings_every_row_back(string type)
    {
        await using var stack = await Stack.CreateAsync();
        await Run(stack, "stanza-create");
        await Run(stack, "check");
        await Run(stack, "--type=full", "backup");
        // Backup stop times are whole seconds: a time target must be in a later second to select this backup.
        await Task.Delay(1100);

        await stack.Cluster.ExecuteAsync("create table orders (id serial primary key, item text not null, created_at timestamptz default now())");
        string target;
        if (type == "xid")
        {
            target = (await stack.Cluster.QueryScalarAsync<string>(
                $"with inserted as (insert into orders (item) select 'item ' || g from generate_series(1, {Rows}) g returning 1) select txid_current()::text"))!;
        }
        else
        {
            await stack.Cluster.ExecuteAsync($"insert into orders (item) select 'item ' || g from generate_series(1, {Rows}) g");
            target = type switch
            {
                "time" => (await stack.Cluster.QueryScalarAsync<string>("select to_char(clock_timestamp(), 'YYYY-MM-DD HH24:MI:SS.USOF')"))!,
                "name" => "before_drop_" + DateTime.UtcNow.Ticks.ToString(CultureInfo.InvariantCulture),
                "lsn" => (await stack.Cluster.QueryScalarAsync<string>("select pg_current_wal_lsn()::text"))!,
                _ => throw new ArgumentOutOfRangeException(nameof(type)),
            };
            if (type == "name")
                await stack.Cluster.ExecuteAsync($"select pg_create_restore_point('{target}')");
        }

        if (type == "time")
            await Task.Delay(1100);
        await stack.Cluster.ExecuteAsync("drop table orders");
        await Run(stack, "check"); // switches WAL and waits until the segment with the drop is archived
        await stack.Cluster.StopAsync();

        await Run(stack, $"--type={type}", $"--target={target}", "--target-action=promote", "--delta", "restore");
        var autoConf = File.ReadAllText(Path.Combine(stack.Cluster.DataDirectory, "postgresql.auto.conf"));
        Assert.Contains($"recovery_target_{type} = '{target}'", autoConf);
        Assert.Contains("recovery_target_action = 'promote'", autoConf);
        Assert.Contains($"restore_command = '{Tools.Pgrest} --config={stack.ConfigPath}", autoConf);
        Assert.True(File.Exists(Path.Combine(stack.Cluster.DataDirectory, "recovery.signal")));

        await stack.Cluster.StartAsync();
        await stack.WaitForPromotionAsync();
        Assert.Equal(Rows, await stack.Cluster.QueryScalarAsync<long>("select count(*) from orders"));
        Assert.Equal(Rows, await stack.Cluster.QueryScalarAsync<long>("select count(distinct item) from orders"));
        Assert.Equal(2, await stack.CurrentTimelineAsync());
        Assert.Contains("archive recovery complete", stack.ReadLog());
    }

    [Fact]
    public async Task Restore_immediate_gives_the_cluster_as_it_was_at_the_backup()
    {
        await using var stack = await Stack.CreateAsync();
        await Run(stack, "stanza-create");
        await stack.Cluster.ExecuteAsync($"create table orders as select g as id from generate_series(1, {Rows}) g");
        await Run(stack, "--type=full", "backup");
        await stack.Cluster.ExecuteAsync("drop table orders; create table later_table (id int)");
        await Run(stack, "check");
        await stack.Cluster.StopAsync();

        await Run(stack, "--type=immediate", "--target-action=promote", "--delta", "restore");
        var autoConf = File.ReadAllText(Path.Combine(stack.Cluster.DataDirectory, "postgresql.auto.conf"));
        Assert.Contains("recovery_target = 'immediate'", autoConf);

        await stack.Cluster.StartAsync();
        await stack.WaitForPromotionAsync();
        Assert.Equal(Rows, await stack.Cluster.QueryScalarAsync<long>("select count(*) from orders"));
        Assert.Equal(0L, await stack.Cluster.QueryScalarAsync<long>("select count(*) from pg_class where relname = 'later_table'"));
        Assert.Equal(2, await stack.CurrentTimelineAsync());
    }

    private Task<ProcessResult> Run(Stack stack, params string[] arguments) =>
        stack.ExpectAsync(output, "pgrest", ["--log-level-console=info", .. arguments]);
}
