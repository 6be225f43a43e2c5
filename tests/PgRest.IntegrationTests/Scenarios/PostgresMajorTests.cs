using System.Globalization;
using System.Text.Json;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// The core path on a real cluster of every major 12 to 18: stanza-create, check, a full backup under pgbench load, an
/// incremental, point-in-time recovery by time (pgrest) and then by xid on the first timeline (the real pgBackRest,
/// from pgrest's repository), verify and expire. The real pgBackRest that reads the repository is 2.45 up to
/// PostgreSQL 15 and 2.55.1 from 16 (2.45 refuses 16 and later).
/// </summary>
public sealed class PostgresMajorTests(ITestOutputHelper output)
{
    public static TheoryData<int> Majors() => [.. PgCluster.Majors];

    /// <summary>The real pgBackRest release that supports <paramref name="major"/>, by its <see cref="Stack.ExpectAsync"/> name.</summary>
    public static string UpstreamFor(int major) => major <= 15 ? "pgbackrest" : "pgbackrest-2.55";

    [Theory]
    [MemberData(nameof(Majors))]
    public async Task Backup_under_load_and_recovery_to_a_time_and_an_xid_work_on_each_major(int major)
    {
        string upstream = UpstreamFor(major);
        await using var stack = await Stack.CreateAsync(major: major);
        await Run(stack, "pgrest", "stanza-create");
        await Run(stack, "pgrest", "check");
        await stack.Cluster.PgbenchAsync("-i", "-s", "1", "-q");

        Task load = stack.Cluster.PgbenchAsync("-T", "4", "-c", "2");
        await Run(stack, "pgrest", "--type=full", "backup");
        await load;
        await stack.Cluster.PgbenchAsync("-T", "2");
        await Run(stack, "pgrest", "--type=incr", "backup");
        await Task.Delay(1100); // backup stop times are whole seconds: the time target must be in a later one

        await stack.Cluster.ExecuteAsync("create table orders (id int primary key)");
        string xid = (await stack.Cluster.QueryScalarAsync<string>(
            "with inserted as (insert into orders select generate_series(1, 100) returning 1) select txid_current()::text"))!;
        string atXid = await DataAsync(stack.Cluster);
        await stack.Cluster.PgbenchAsync("-t", "50");
        await stack.Cluster.ExecuteAsync("insert into orders select generate_series(101, 300)");
        string time = (await stack.Cluster.QueryScalarAsync<string>("select to_char(clock_timestamp(), 'YYYY-MM-DD HH24:MI:SS.USOF')"))!;
        string atTime = await DataAsync(stack.Cluster);
        await Task.Delay(1100);
        await stack.Cluster.ExecuteAsync("drop table orders; update pgbench_accounts set abalance = 0");
        await Run(stack, "pgrest", "check");
        await stack.Cluster.StopAsync();

        await Run(stack, "pgrest", "--type=time", $"--target={time}", "--target-action=promote", "--delta", "restore");
        await stack.Cluster.StartAsync();
        await stack.WaitForPromotionAsync();
        Assert.Equal(atTime, await DataAsync(stack.Cluster));
        Assert.Equal(2, await stack.CurrentTimelineAsync());
        await Run(stack, "pgrest", "check"); // timeline 2's history file is archived before the next promotion picks a timeline
        await stack.Cluster.StopAsync();

        // The real pgBackRest restores pgrest's backup and replays pgrest's archive along timeline 1.
        await Run(stack, upstream, "--type=xid", $"--target={xid}", "--target-timeline=1", "--target-action=promote", "--delta", "restore");
        await stack.Cluster.StartAsync();
        await stack.WaitForPromotionAsync();
        Assert.Equal(atXid, await DataAsync(stack.Cluster));
        Assert.Equal(3, await stack.CurrentTimelineAsync());

        await Run(stack, "pgrest", "check");
        Assert.Contains("status: ok", (await Run(stack, "pgrest", "--log-level-console=info", "verify", "--verbose")).StandardOutput, StringComparison.Ordinal);
        await Run(stack, upstream, "verify");
        using (var ours = JsonDocument.Parse((await Run(stack, "pgrest", "info", "--output=json")).StandardOutput))
        using (var theirs = JsonDocument.Parse((await Run(stack, upstream, "info", "--output=json")).StandardOutput))
        {
            Assert.Equal(UpstreamBlockIncrTests.Backups(theirs), UpstreamBlockIncrTests.Backups(ours));
            Assert.Equal($"{major}-1", ours.RootElement[0].GetProperty("archive")[0].GetProperty("id").GetString());
            Assert.Equal(theirs.RootElement[0].GetProperty("archive").GetRawText(), ours.RootElement[0].GetProperty("archive").GetRawText());
        }

        // A second full leaves the first set and the WAL before it to expire.
        await Run(stack, "pgrest", "--type=full", "backup");
        await Run(stack, "pgrest", "--repo1-retention-full=1", "expire");
        using var after = JsonDocument.Parse((await Run(stack, upstream, "info", "--output=json")).StandardOutput);
        var backup = Assert.Single(after.RootElement[0].GetProperty("backup").EnumerateArray());
        Assert.Equal("full", backup.GetProperty("type").GetString());
        Assert.Equal(backup.GetProperty("archive").GetProperty("start").GetString(),
            after.RootElement[0].GetProperty("archive")[0].GetProperty("min").GetString());
    }

    /// <summary>What a user compares after a recovery: the rows of orders and pgbench's balances and history.</summary>
    internal static async Task<string> DataAsync(PgCluster cluster) => (await cluster.QueryScalarAsync<string>(
        "select (select count(*) || '/' || coalesce(sum(id), 0) from orders) || '/' || " +
        "(select sum(abalance) || '/' || count(*) from pgbench_accounts) || '/' || (select count(*) from pgbench_history)"))!;

    private Task<ProcessResult> Run(Stack stack, string tool, params string[] arguments) => stack.ExpectAsync(output, tool, arguments);
}
