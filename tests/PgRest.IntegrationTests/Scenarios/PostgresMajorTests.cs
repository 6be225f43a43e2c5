using System.Globalization;
using System.Text.Json;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// The core path on a real cluster of every major 12 to 18: stanza-create, check, a full backup under pgbench load (pgrest),
/// an incremental on it (the real pgBackRest), point-in-time recovery by time (pgrest, from that incremental) and then
/// by xid on the first timeline (the real pgBackRest), verify and expire. The real pgBackRest that reads the repository is 2.45 up to
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
        if (major >= 17) // WAL summaries (pg_wal/summaries) are written while the backups run
            await stack.Cluster.SetSettingsAsync(new Dictionary<string, string> { ["summarize_wal"] = "on" });
        await stack.Cluster.PgbenchAsync("-i", "-s", "1", "-q");

        Task load = stack.Cluster.PgbenchAsync("-T", "4", "-c", "2");
        await Run(stack, "pgrest", "--type=full", "backup");
        await load;
        await stack.Cluster.PgbenchAsync("-T", "2");
        await Run(stack, upstream, "--type=incr", "backup"); // the real pgBackRest continues pgrest's set
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
        if (major >= 17)
        {
            // Unlike the reference says, pgBackRest 2.55.1 copies pg_wal/summaries/*.summary (only WAL and archive_status
            // are left out): pgrest's full lists them, and pgBackRest's incr on it finds each unchanged (a reference).
            var backups = JsonDocument.Parse((await Run(stack, "pgrest", "info", "--output=json")).StandardOutput).RootElement[0].GetProperty("backup");
            string full = backups[0].GetProperty("label").GetString()!;
            var summaries = SummaryEntries(await File.ReadAllTextAsync(Path.Combine(stack.RepoPath, "backup", stack.Stanza, full, "backup.manifest")));
            var inIncr = SummaryEntries(await File.ReadAllTextAsync(
                Path.Combine(stack.RepoPath, "backup", stack.Stanza, backups[1].GetProperty("label").GetString()!, "backup.manifest")));
            Assert.NotEmpty(summaries);
            Assert.All(summaries, entry => Assert.Contains($"\"reference\":\"{full}\"", inIncr[entry.Key], StringComparison.Ordinal));
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(stack.Cluster.DataDirectory, "pg_wal", "summaries")));
        }

        await Run(stack, "pgrest", "--log-level-console=info", "verify");
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

    /// <summary>
    /// One stanza carried from PostgreSQL 12 to 18 a major at a time, as pg_upgrade leaves it (a new cluster initdb'd at
    /// the same pg1-path): before stanza-upgrade both tools refuse the same way; after it a new history id and archive id;
    /// at the end pgBackRest 2.55.1 lists the same seven histories and backups, and every old backup restores into a
    /// cluster of its own version.
    /// </summary>
    [Fact]
    public async Task Stanza_upgrade_carries_a_stanza_from_12_to_18_and_every_old_backup_restores_into_its_own_version()
    {
        await using var stack = await Stack.CreateAsync(major: PgCluster.Majors[0]);
        await Run(stack, "pgrest", "stanza-create");
        Dictionary<int, string> labels = [];

        foreach (int major in PgCluster.Majors)
        {
            if (major != PgCluster.Majors[0])
            {
                await stack.Cluster.ReinitializeAsync(major);
                foreach (string[] command in new string[][] { ["check"], ["--type=full", "backup"] })
                {
                    var ours = await stack.PgrestAsync(command);
                    var theirs = await Stack.RunToolAsync(stack, UpstreamFor(major), command);
                    output.WriteLine($"$ {string.Join(' ', command)} before stanza-upgrade to {major}: pgrest {ours.ExitCode}, {UpstreamFor(major)} {theirs.ExitCode}\n{ours.StandardError}{theirs.StandardError}");
                    Assert.NotEqual(0, ours.ExitCode);
                    Assert.Equal(theirs.ExitCode, ours.ExitCode);
                    Assert.Equal(ErrorLine(theirs), ErrorLine(ours));
                }

                await Run(stack, "pgrest", "stanza-upgrade");
            }

            await stack.Cluster.ExecuteAsync($"create table marker as select {major} as major");
            await Run(stack, "pgrest", "check");
            await Run(stack, "pgrest", "--type=full", "backup");
            var info = JsonDocument.Parse((await Run(stack, "pgrest", "info", "--output=json")).StandardOutput).RootElement[0];
            labels[major] = info.GetProperty("backup").EnumerateArray().Last().GetProperty("label").GetString()!;
        }

        using (var ours = JsonDocument.Parse((await Run(stack, "pgrest", "info", "--output=json")).StandardOutput))
        using (var theirs = JsonDocument.Parse((await Run(stack, "pgbackrest-2.55", "info", "--output=json")).StandardOutput))
        {
            var stanza = ours.RootElement[0];
            Assert.Equal(PgCluster.Majors.Select((major, index) => $"{major}-{index + 1}"),
                stanza.GetProperty("archive").EnumerateArray().Select(archive => archive.GetProperty("id").GetString()));
            Assert.Equal(PgCluster.Majors.Count, stanza.GetProperty("db").GetArrayLength());
            Assert.Equal(theirs.RootElement[0].GetProperty("db").GetRawText(), stanza.GetProperty("db").GetRawText());
            Assert.Equal(theirs.RootElement[0].GetProperty("archive").GetRawText(), stanza.GetProperty("archive").GetRawText());
            Assert.Equal(UpstreamBlockIncrTests.Backups(theirs), UpstreamBlockIncrTests.Backups(ours));
        }

        await Run(stack, "pgbackrest-2.55", "verify");
        foreach (int major in PgCluster.Majors.SkipLast(1))
        {
            await using var restored = await PgCluster.CreateAsync(new PgClusterOptions { Major = major, Start = false });
            restored.EmptyDataDirectory();

            await Run(stack, "pgrest", $"--pg1-path={restored.DataDirectory}", $"--set={labels[major]}", "--type=immediate", "--target-action=promote", "restore");
            await restored.StartAsync();
            await restored.WaitForPromotionAsync();
            Assert.Equal(major, await restored.QueryScalarAsync<int>("select major from marker"));
            Assert.Equal(major * 10000, await restored.QueryScalarAsync<int>("select current_setting('server_version_num')::int") / 10000 * 10000);
        }
    }

    /// <summary>The error a tool printed; pgBackRest 2.55 logs it on stdout after a time stamp, 2.45 on stderr.</summary>
    /// <summary>
    /// The longer scenarios on three majors: asynchronous archive-push and archive-get, a standby made by a restore with
    /// --type=standby and backed up with --backup-standby, that backup restored by the real pgBackRest, and page
    /// checksums: a corrupted page is reported by the backup when the cluster has checksums, and not looked for when it
    /// has none.
    /// </summary>
    [Theory]
    [InlineData(12, true)]
    [InlineData(16, false)]
    [InlineData(18, true)]
    public async Task Async_archiving_a_standby_backup_and_page_checksums_work_on_major(int major, bool checksums)
    {
        string[] asyncArchive = ["archive-async=y", "process-max=2"];
        await using var stack = await Stack.CreateAsync(major: major, dataChecksums: checksums, globalOptions: asyncArchive);
        await Run(stack, "pgrest", "stanza-create");
        await stack.Cluster.PgbenchAsync("-i", "-s", "1", "-q");
        await stack.Cluster.ExecuteAsync("create table probe as select g, md5(g::text) as v from generate_series(1, 20000) g");
        await Run(stack, "pgrest", "--type=full", "backup");
        Assert.True(Directory.Exists(Path.Combine(stack.Work.Combine("spool"), "archive", stack.Stanza, "out")), "archive-push went through the spool");

        await using var standby = await PgCluster.CreateAsync(new PgClusterOptions { Major = major, Start = false, DataChecksums = checksums });
        standby.EmptyDataDirectory();
        await Run(stack, "pgrest", $"--pg1-path={standby.DataDirectory}", "--type=standby",
            $"--recovery-option=primary_conninfo=host={stack.Cluster.SocketDirectory} port={stack.Cluster.Port} user={PgCluster.DatabaseUser}", "restore");
        await standby.StartAsync();
        Assert.True(await standby.QueryScalarAsync<bool>("select pg_is_in_recovery()"));
        Assert.True(Directory.Exists(Path.Combine(stack.Work.Combine("spool"), "archive", stack.Stanza, "in")), "the standby's archive-get prefetched into the spool");
        stack.WriteConfig(asyncArchive, [$"pg2-path={standby.DataDirectory}", $"pg2-port={standby.Port}", $"pg2-socket-path={standby.SocketDirectory}"]);

        await stack.Cluster.PgbenchAsync("-T", "2");
        string data = await DataAsync(stack.Cluster, "probe");
        var fromStandby = await Run(stack, "pgrest", "--log-level-console=detail", "--backup-standby", "--type=incr", "backup");
        Assert.Contains($"backup file {standby.DataDirectory}/base/", fromStandby.StandardOutput, StringComparison.Ordinal);

        await using (var restored = await PgCluster.CreateAsync(new PgClusterOptions { Major = major, Start = false, DataChecksums = checksums }))
        {
            restored.EmptyDataDirectory();
            await Run(stack, UpstreamFor(major), $"--pg1-path={restored.DataDirectory}", "--type=immediate", "--target-action=promote", "restore");
            await restored.StartAsync();
            await restored.WaitForPromotionAsync();
            Assert.Equal(data, await DataAsync(restored, "probe"));
        }

        // One byte of the third page of probe flipped while the primary is down; nothing rewrites a clean page.
        string probe = Path.Combine(stack.Cluster.DataDirectory, (await stack.Cluster.QueryScalarAsync<string>("select pg_relation_filepath('probe')"))!);
        await stack.Cluster.StopAsync();
        await using (FileStream file = new(probe, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = 2 * 8192 + 5000;
            int value = file.ReadByte();
            file.Position--;
            file.WriteByte((byte)(value ^ 0x04));
        }

        await stack.Cluster.StartAsync();
        var full = await Run(stack, "pgrest", "--type=full", "backup");
        string label = JsonDocument.Parse((await Run(stack, "pgrest", "info", "--output=json")).StandardOutput).RootElement[0]
            .GetProperty("backup").EnumerateArray().Last().GetProperty("label").GetString()!;
        string manifest = await File.ReadAllTextAsync(Path.Combine(stack.RepoPath, "backup", stack.Stanza, label, "backup.manifest"));
        if (checksums)
        {
            Assert.Contains($"WARN: invalid page checksum found in file {probe} at page(s) 2", full.StandardError, StringComparison.Ordinal);
            Assert.Contains("option-checksum-page=true", manifest, StringComparison.Ordinal);
            Assert.Contains("\"checksum-page-error\":[2]", manifest, StringComparison.Ordinal);
        }
        else
        {
            Assert.DoesNotContain("invalid page checksum", full.StandardError, StringComparison.Ordinal);
            Assert.Contains("option-checksum-page=false", manifest, StringComparison.Ordinal);
        }

        await Run(stack, UpstreamFor(major), "verify");
    }

    private static Dictionary<string, string> SummaryEntries(string manifest) => manifest.Split('\n')
        .Where(line => line.StartsWith("pg_data/pg_wal/summaries/", StringComparison.Ordinal))
        .ToDictionary(line => line[..line.IndexOf('=', StringComparison.Ordinal)], line => line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..]);

    private static string ErrorLine(ProcessResult result) =>
        (result.StandardError + result.StandardOutput).Split('\n').Where(line => line.Contains("ERROR:", StringComparison.Ordinal))
            .Select(line => line[line.IndexOf("ERROR:", StringComparison.Ordinal)..]).FirstOrDefault() ?? "(no error)";

    /// <summary>What a user compares after a recovery: the rows of orders and pgbench's balances and history.</summary>
    internal static async Task<string> DataAsync(PgCluster cluster, string table = "orders") => (await cluster.QueryScalarAsync<string>(
        $"select (select count(*) || '/' || count(distinct {table}) from {table}) || '/' || " +
        "(select sum(abalance) || '/' || count(*) from pgbench_accounts) || '/' || (select count(*) from pgbench_history)"))!;

    private Task<ProcessResult> Run(Stack stack, string tool, params string[] arguments) => stack.ExpectAsync(output, tool, arguments);
}
