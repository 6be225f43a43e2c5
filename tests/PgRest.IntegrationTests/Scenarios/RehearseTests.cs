using System.Diagnostics;
using System.Text.Json;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// rehearse beside a running cluster: it restores the newest backup into a scratch directory, recovers it to the end of
/// the archive (or a target), counts the rows of the largest database, and leaves nothing behind: not the directory,
/// not a server, not a file in the cluster's own directories or a new timeline in the archive. A damaged or missing WAL
/// segment, a target the archive does not reach, a query that fails: each is a failed verdict with a reason and a
/// non-zero exit code.
/// </summary>
public sealed class RehearseTests(ITestOutputHelper output)
{
    private const int RowsAtBackup = 1000, RowsAfterBackup = 500;

    /// <summary>major, repository options, and whether the cluster has a tablespace and pg_wal linked outside PGDATA.</summary>
    public static TheoryData<int, string[], bool> Cases => new()
    {
        { 12, [], false },
        { 15, ["repo1-cipher-type=aes-256-cbc", "repo1-cipher-pass=rehearse-secret", "compress-type=lz4"], true },
        { 17, ["repo1-bundle=y", "repo1-block=y", "compress-type=zst"], false },
        { 18, [], true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_good_backup_recovers_to_the_end_of_the_archive_with_every_row_and_leaves_nothing_behind(int major, string[] repoOptions, bool linked)
    {
        await using var stack = await Stack.CreateAsync(major: major, globalOptions: repoOptions, separateWal: linked);
        string? tablespace = null;
        if (linked)
        {
            tablespace = stack.Work.CreateSubdirectory("ts1");
            await stack.Cluster.ExecuteAsync($"create tablespace ts1 location '{tablespace}'");
        }

        await CreateShopAsync(stack, linked ? " tablespace ts1" : "");
        await Run(stack, "stanza-create");
        await Run(stack, "--type=full", "backup");
        await ExecuteInShopAsync(stack, $"insert into orders select g, 'item ' || g from generate_series({RowsAtBackup + 1}, {RowsAtBackup + RowsAfterBackup}) g");
        await Run(stack, "check");
        var before = Snapshot(stack, tablespace);

        var scratch = stack.Work.Combine("rehearsal");
        var result = await Json(stack, $"--rehearse-path={scratch}", "rehearse");
        var report = JsonDocument.Parse(result.StandardOutput).RootElement[0];
        Assert.Equal("passed", report.GetProperty("status").GetString());
        var query = report.GetProperty("query");
        Assert.Equal("shop", query.GetProperty("database").GetString());
        var counts = query.GetProperty("rows").EnumerateArray().ToDictionary(row => row[0].GetString()!, row => long.Parse(row[1].GetString()!));
        Assert.Equal(new Dictionary<string, long> { ["public.customers"] = 20, ["public.orders"] = RowsAtBackup + RowsAfterBackup }, counts);
        var recovery = report.GetProperty("recovery");
        Assert.Equal(recovery.GetProperty("archive-end").GetString(), SegmentOf(recovery));
        Assert.True(recovery.GetProperty("wal-bytes").GetInt64() > 0);
        Assert.StartsWith(major.ToString(), report.GetProperty("server").GetProperty("version").GetString());

        // Nothing left: the directory, a server, a file of the cluster's, a timeline in the archive.
        Assert.False(Directory.Exists(scratch));
        Assert.DoesNotContain(ServerProcesses(), line => line.Contains(scratch));
        Assert.Equal(before, Snapshot(stack, tablespace));
        Assert.Empty(Directory.EnumerateFiles(stack.RepoPath, "*.history", SearchOption.AllDirectories));
        Assert.Equal(RowsAtBackup + RowsAfterBackup, await CountOrdersAsync(stack));

        var text = await Run(stack, "rehearse");
        Assert.Contains("    status: passed\n", text.StandardOutput);
        Assert.Contains($"public.orders     {RowsAtBackup + RowsAfterBackup}", text.StandardOutput);
    }

    [Fact]
    public async Task A_backup_in_an_s3_repository_rehearses_and_the_archive_gets_no_new_timeline()
    {
        var repository = await ObjectStoreRepos.S3Async(1, ObjectStoreRepos.UniquePath("rehearse"));
        await using var stack = await Stack.CreateAsync(repositoryOptions: repository, globalOptions: ["compress-type=zst"]);
        await CreateShopAsync(stack, "");
        await Run(stack, "stanza-create");
        await Run(stack, "--type=full", "backup");
        await ExecuteInShopAsync(stack, $"insert into orders select g, 'late' from generate_series({RowsAtBackup + 1}, {RowsAtBackup + RowsAfterBackup}) g");
        await Run(stack, "check");

        var report = JsonDocument.Parse((await Json(stack, "rehearse")).StandardOutput).RootElement[0];
        Assert.Equal("passed", report.GetProperty("status").GetString());
        Assert.Equal((RowsAtBackup + RowsAfterBackup).ToString(), report.GetProperty("query").GetProperty("rows")[1][1].GetString());
        var archive = await Run(stack, "--recurse", "repo-ls", "archive");
        Assert.Contains(".zst", archive.StandardOutput);
        Assert.DoesNotContain(".history", archive.StandardOutput);
    }

    [Theory]
    [InlineData("damaged")]
    [InlineData("missing")]
    public async Task A_damaged_or_missing_segment_after_the_backup_fails_with_its_name(string fault)
    {
        await using var stack = await Stack.CreateAsync();
        await CreateShopAsync(stack, "");
        await Run(stack, "stanza-create");
        await Run(stack, "--type=full", "backup");
        var segments = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            await ExecuteInShopAsync(stack, $"insert into orders select g, 'more' from generate_series({RowsAtBackup + 1 + i * 100}, {RowsAtBackup + 100 + i * 100}) g");
            segments.Add((await stack.Cluster.QueryScalarAsync<string>("select pg_walfile_name(pg_current_wal_lsn())"))!);
            await Run(stack, "check");
        }

        var stored = Directory.EnumerateFiles(stack.RepoPath, segments[1] + "-*", SearchOption.AllDirectories).Single();
        if (fault == "missing")
        {
            File.Delete(stored);
        }
        else
        {
            using var file = new FileStream(stored, FileMode.Open, FileAccess.ReadWrite);
            file.Position = file.Length / 2;
            file.Write(new byte[64]);
        }

        var scratch = stack.Work.Combine("rehearsal");
        var result = await stack.PgrestAsync("--output=json", $"--rehearse-path={scratch}", "rehearse");
        output.WriteLine(result.StandardOutput + result.StandardError);
        Assert.Equal(28, result.ExitCode);
        var report = JsonDocument.Parse(result.StandardOutput).RootElement[0];
        Assert.Equal("failed", report.GetProperty("status").GetString());
        var message = report.GetProperty("error").GetProperty("message").GetString()!;
        Assert.Contains($"{segments[1]} is missing or damaged", message);
        if (fault == "damaged")
            Assert.Contains("ERROR: [", message);
        Assert.Contains($"ERROR: [028]: recovery ended at ", result.StandardError);
        Assert.Equal(segments[0], SegmentOf(report.GetProperty("recovery")));
        Assert.False(Directory.Exists(scratch));
        Assert.DoesNotContain(ServerProcesses(), line => line.Contains(scratch));
    }

    [Fact]
    public async Task A_target_stops_recovery_there_and_a_target_beyond_the_archive_fails()
    {
        await using var stack = await Stack.CreateAsync(major: 16);
        await CreateShopAsync(stack, "");
        await Run(stack, "stanza-create");
        await Run(stack, "--type=full", "backup");
        var xid = await QueryInShopAsync(stack, $"select txid_current()::text; insert into orders select g, 'late' from generate_series({RowsAtBackup + 1}, {RowsAtBackup + RowsAfterBackup}) g");
        await Run(stack, "check");

        // The cluster is stopped: its binaries are found from rehearse-bin-path.
        await stack.Cluster.StopAsync();
        var bin = $"--rehearse-bin-path={Path.GetDirectoryName(PgCluster.ServerBin(16, "postgres"))}";
        var result = await Json(stack, bin, "--type=xid", $"--target={xid}", "--target-exclusive",
            "--rehearse-query=select count(*) as orders, count(*) filter (where item = 'late') as late from orders", "rehearse");
        var report = JsonDocument.Parse(result.StandardOutput).RootElement[0];
        Assert.Equal("passed", report.GetProperty("status").GetString());
        var query = report.GetProperty("query");
        Assert.Equal(["orders", "late"], query.GetProperty("columns").EnumerateArray().Select(column => column.GetString()));
        Assert.Equal([RowsAtBackup.ToString(), "0"], query.GetProperty("rows")[0].EnumerateArray().Select(value => value.GetString()));

        var beyond = await stack.PgrestAsync(bin, "--type=time", $"--target={DateTimeOffset.Now.AddDays(1):yyyy-MM-dd HH:mm:sszzz}", "rehearse");
        output.WriteLine(beyond.StandardOutput + beyond.StandardError);
        Assert.Equal(102, beyond.ExitCode);
        Assert.Contains("    status: failed\n", beyond.StandardOutput);
        Assert.Contains("recovery ended before configured recovery target was reached", beyond.StandardError);
    }

    [Fact]
    public async Task On_postgresql_12_a_target_the_archive_does_not_reach_fails_although_the_server_promotes()
    {
        await using var stack = await Stack.CreateAsync(major: 12);
        await CreateShopAsync(stack, "");
        await Run(stack, "stanza-create");
        await Run(stack, "--type=full", "backup");
        await Run(stack, "check");

        var beyond = await stack.PgrestAsync("--output=json", "--type=time", $"--target={DateTimeOffset.Now.AddDays(1):yyyy-MM-dd HH:mm:sszzz}", "rehearse");
        output.WriteLine(beyond.StandardOutput + beyond.StandardError);
        Assert.Equal(28, beyond.ExitCode);
        var error = JsonDocument.Parse(beyond.StandardOutput).RootElement[0].GetProperty("error").GetProperty("message").GetString();
        Assert.Contains("without reaching the target", error);
    }

    [Fact]
    public async Task An_offline_backup_starts_without_archive_recovery()
    {
        await using var stack = await Stack.CreateAsync();
        await CreateShopAsync(stack, "");
        await Run(stack, "stanza-create");
        await stack.Cluster.StopAsync();
        await Run(stack, "--no-online", "--type=full", "backup");

        var bin = $"--rehearse-bin-path={Path.GetDirectoryName(PgCluster.ServerBin(PgCluster.DefaultMajor, "postgres"))}";
        var report = JsonDocument.Parse((await Json(stack, bin, "rehearse")).StandardOutput).RootElement[0];
        Assert.Equal("passed", report.GetProperty("status").GetString());
        Assert.Equal(RowsAtBackup.ToString(), report.GetProperty("query").GetProperty("rows")[1][1].GetString());
        Assert.Equal(JsonValueKind.Null, report.GetProperty("recovery").GetProperty("end-lsn").ValueKind);
    }

    [Fact]
    public async Task It_refuses_pg1_path_and_a_non_empty_directory_and_a_failing_query_fails()
    {
        await using var stack = await Stack.CreateAsync();
        await CreateShopAsync(stack, "");
        await Run(stack, "stanza-create");
        await Run(stack, "--type=full", "backup");

        var intoCluster = await stack.PgrestAsync($"--rehearse-path={stack.Cluster.DataDirectory}", "rehearse");
        Assert.Equal(32, intoCluster.ExitCode);
        Assert.Contains("is pg1-path", intoCluster.StandardError);
        var inside = await stack.PgrestAsync($"--rehearse-path={Path.Combine(stack.Cluster.DataDirectory, "scratch")}", "rehearse");
        Assert.Equal(32, inside.ExitCode);
        Assert.False(Directory.Exists(Path.Combine(stack.Cluster.DataDirectory, "scratch")));

        var busy = stack.Work.CreateSubdirectory("busy");
        File.WriteAllText(Path.Combine(busy, "keep.txt"), "mine");
        var nonEmpty = await stack.PgrestAsync($"--rehearse-path={busy}", "rehearse");
        Assert.Equal(40, nonEmpty.ExitCode);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(busy, "keep.txt")));

        var empty = stack.Work.CreateSubdirectory("empty");
        var failing = await stack.PgrestAsync($"--rehearse-path={empty}", "--rehearse-query=select * from no_such_table", "rehearse");
        output.WriteLine(failing.StandardOutput + failing.StandardError);
        Assert.Equal(57, failing.ExitCode);
        Assert.Contains("    status: failed\n", failing.StandardOutput);
        Assert.Contains("relation \"no_such_table\" does not exist", failing.StandardError);
        // A directory the user made is emptied, not removed.
        Assert.True(Directory.Exists(empty));
        Assert.Empty(Directory.EnumerateFileSystemEntries(empty));
    }

    [Fact]
    public async Task Sigterm_during_recovery_stops_the_server_and_removes_the_directory()
    {
        await using var stack = await Stack.CreateAsync();
        await CreateShopAsync(stack, "");
        await Run(stack, "stanza-create");
        await Run(stack, "--type=full", "backup");
        // Enough WAL that recovery takes a moment.
        for (var i = 0; i < 6; i++)
        {
            await ExecuteInShopAsync(stack, "insert into orders select g + 100000 * " + (i + 1) + ", repeat('x', 200) from generate_series(1, 30000) g");
            await Run(stack, "check");
        }

        var scratch = stack.Work.Combine("rehearsal");
        var run = stack.PgrestAsync("--log-level-console=info", $"--rehearse-path={scratch}", "rehearse");
        var deadline = Stopwatch.StartNew();
        while (!ServerProcesses().Any(line => line.Contains(scratch)) && deadline.Elapsed < TimeSpan.FromSeconds(60) && !run.IsCompleted)
            await Task.Delay(20);
        Assert.False(run.IsCompleted, "rehearse ended before its server started");
        var pgrest = ProcessesMatching("rehearse").Select(line => line.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries))
            .First(fields => fields[1].StartsWith(Tools.Pgrest))[0];
        Process.Start("kill", ["-TERM", pgrest]).WaitForExit();

        var result = await run;
        output.WriteLine(result.StandardOutput + result.StandardError);
        Assert.Equal(63, result.ExitCode);
        Assert.False(Directory.Exists(scratch));
        Assert.DoesNotContain(ServerProcesses(), line => line.Contains(scratch));
    }

    /// <summary>Database shop (the largest): orders and customers, in <paramref name="tablespace"/> when given.</summary>
    private static async Task CreateShopAsync(Stack stack, string tablespace)
    {
        await stack.Cluster.ExecuteAsync("create database shop" + tablespace);
        await ExecuteInShopAsync(stack, "create table orders (id int primary key, item text not null); "
            + $"insert into orders select g, 'item ' || g from generate_series(1, {RowsAtBackup}) g; "
            + "create table customers as select g as id from generate_series(1, 20) g");
    }

    private static async Task ExecuteInShopAsync(Stack stack, string sql) => await QueryInShopAsync(stack, sql);

    private static async Task<string?> QueryInShopAsync(Stack stack, string sql)
    {
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(stack.Cluster.ConnectionString) { Database = "shop" }.ConnectionString;
        await using var session = new Npgsql.NpgsqlConnection(connection);
        await session.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, session);
        return (await command.ExecuteScalarAsync())?.ToString();
    }

    private static async Task<long> CountOrdersAsync(Stack stack) => long.Parse((await QueryInShopAsync(stack, "select count(*) from orders"))!);

    /// <summary>The segment recovery's last record is in.</summary>
    private static string SegmentOf(JsonElement recovery)
    {
        var end = recovery.GetProperty("end-lsn").GetString()!.Split('/');
        var lsn = (Convert.ToUInt64(end[0], 16) << 32) + Convert.ToUInt64(end[1], 16) - 1;
        return $"{recovery.GetProperty("timeline").GetUInt32():X8}{lsn >> 32:X8}{(lsn & 0xFFFFFFFF) >> 24:X8}";
    }

    /// <summary>
    /// What a rehearsal writing into the cluster's own directories would leave: the tablespace's entries, and timeline
    /// history or recovery files in the cluster's pg_wal (a promotion writes the first).
    /// </summary>
    private static string Snapshot(Stack stack, string? tablespace)
    {
        var wal = Directory.Exists(stack.Cluster.WalDirectory) ? stack.Cluster.WalDirectory : Path.Combine(stack.Cluster.DataDirectory, "pg_wal");
        var entries = Directory.EnumerateFileSystemEntries(wal).Where(path => path.EndsWith(".history") || Path.GetFileName(path).StartsWith("RECOVERY"));
        if (tablespace is not null)
            entries = entries.Concat(Directory.EnumerateFileSystemEntries(tablespace));
        return string.Join('\n', entries.Order(StringComparer.Ordinal));
    }

    private static IEnumerable<string> ServerProcesses() => ProcessesMatching("postgres");

    private static List<string> ProcessesMatching(string word)
    {
        using var ps = Process.Start(new ProcessStartInfo("ps", ["-eo", "pid,args"]) { RedirectStandardOutput = true })!;
        var lines = ps.StandardOutput.ReadToEnd().Split('\n').Select(line => line.Trim());
        ps.WaitForExit();
        return lines.Where(line => line.Contains(word) && !line.Contains(" ps ")).ToList();
    }

    /// <summary>JSON output: the log stays at its default (warn) so stdout is only the report.</summary>
    private Task<ProcessResult> Json(Stack stack, params string[] arguments) => stack.ExpectAsync(output, "pgrest", ["--output=json", .. arguments]);

    private Task<ProcessResult> Run(Stack stack, params string[] arguments) =>
        stack.ExpectAsync(output, "pgrest", ["--log-level-console=info", .. arguments]);
}
