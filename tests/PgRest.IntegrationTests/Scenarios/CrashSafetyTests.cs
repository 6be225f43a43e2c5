using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// kill -9 at the worst moments. Each command is killed at the points where it changes the repository, pg_wal or the
/// data directory (pgrest's test-only crash points: PGREST_TEST_CRASH_AT and friends, see PgRest.Common.CrashPoint),
/// and at seeded random moments from outside. After each kill the next run of the same command succeeds, pgrest verify
/// and the real pgBackRest's verify find the repository clean, info from both tools lists the same, and every segment
/// archive-push said it stored comes back byte-identical through the real pgBackRest.
/// </summary>
public sealed partial class CrashSafetyTests(ITestOutputHelper output)
{
    private const int KilledExitCode = 128 + 9;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Archive_push_killed_anywhere_loses_no_segment_and_the_next_push_succeeds(bool async)
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, async ? ["archive-async=y", "process-max=2"] : []);
        await stack.ExpectAsync(output, "pgrest", "stanza-create");
        // This test is PostgreSQL's archive_command: the server keeps every segment until the test pushed it.
        await stack.Cluster.SetSettingsAsync(new Dictionary<string, string> { ["archive_command"] = "''" });
        var role = async ? "archive-push:async" : "archive-push";
        var pushed = new Dictionary<string, byte[]>();

        async Task<string> NextSegmentAsync()
        {
            var name = await stack.SwitchSegmentAsync();
            pushed[name] = await File.ReadAllBytesAsync(Path.Combine(stack.Cluster.DataDirectory, "pg_wal", name));
            return Path.Combine(stack.Cluster.DataDirectory, "pg_wal", name);
        }

        var learned = await RunAsync(stack, null, "archive-push", await NextSegmentAsync());
        Assert.Equal(0, learned.Result.ExitCode);
        var points = learned.Points.Where(point => point.Role == role).ToList();
        Assert.Contains(points, point => point.Name == "repo-write");
        var (tried, killed) = (0, 0);
        foreach (var point in points.DistinctBy(point => point.Name))
        {
            var segment = await NextSegmentAsync();
            var run = await RunAsync(stack, $"{role}@{point.Name}@", "archive-push", segment);
            tried++;
            Assert.True(run.Killed, $"{point} was not reached:\n{run.Result.StandardError}");
            killed++;
            // Killed in the foreground, PostgreSQL sees a failure; killed in the worker, the foreground starts another.
            Assert.Equal(async ? 0 : KilledExitCode, run.Result.ExitCode);
            await ExpectPushedAsync(stack, segment);
        }

        var random = new Random(17);
        for (var trial = 0; trial < 6; trial++)
        {
            var segment = await NextSegmentAsync();
            killed += await KillAfterAsync(stack, TimeSpan.FromMilliseconds(random.Next(2, async ? 60 : 25)), "archive-push", segment) ? 1 : 0;
            tried++;
            await ExpectPushedAsync(stack, segment);
        }

        output.WriteLine($"{role}: {tried} kills tried ({points.Count} points learned), {killed} killed, {pushed.Count} segments pushed");
        foreach (var (name, bytes) in pushed)
        {
            var copy = stack.Work.Combine("got-" + name);
            await stack.ExpectAsync(output, "pgbackrest", "archive-get", name, copy);
            var got = await File.ReadAllBytesAsync(copy);
            Assert.True(bytes.SequenceEqual(got), $"{name} came back different");
        }

        await ExpectCleanAsync(stack);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Archive_get_killed_anywhere_leaves_no_partial_segment_for_postgresql(bool async)
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, async ? ["archive-async=y", "process-max=2"] : []);
        await stack.ExpectAsync(output, "pgrest", "stanza-create");
        var original = new Dictionary<string, byte[]>();
        for (var i = 0; i < 8; i++)
        {
            var name = await stack.SwitchSegmentAsync();
            original[name] = await File.ReadAllBytesAsync(Path.Combine(stack.Cluster.DataDirectory, "pg_wal", name));
        }

        var segments = original.Keys.ToList();
        await stack.ExpectAsync(output, "pgrest", "check");
        var destinationDirectory = stack.Work.CreateSubdirectory("pg_wal_of_a_standby");
        var destination = Path.Combine(destinationDirectory, "RECOVERYXLOG");

        var learned = await RunAsync(stack, null, "archive-get", segments[0], destination);
        Assert.Equal(0, learned.Result.ExitCode);
        var points = learned.Points.Where(point => point.Name.StartsWith("file-", StringComparison.Ordinal)).DistinctBy(point => (point.Role, point.Name)).ToList();
        Assert.Contains(points, point => point.Role == "archive-get" && point.Name == "file-move");
        var next = 1;
        foreach (var point in points)
        {
            var segment = segments[next++ % segments.Count];
            File.Delete(destination);
            // An empty queue: the worker fetches the segment, as when PostgreSQL asks for one it has not prefetched.
            var queue = Path.Combine(stack.Work.Combine("spool"), "archive", stack.Stanza, "in");
            if (Directory.Exists(queue))
                Directory.Delete(queue, recursive: true);
            var run = await RunAsync(stack, $"{point.Role}@{point.Name}@", "archive-get", segment, destination);
            Assert.True(run.Killed, $"{point} was not reached:\n{run.Result.StandardError}");
            // PostgreSQL reads the destination only when restore_command succeeds, but it must never find a part of one there.
            if (File.Exists(destination))
                Assert.True(original[segment].SequenceEqual(File.ReadAllBytes(destination)), $"killed at {point}: a partial {segment} was left");
            File.Delete(destination);
            var again = await RunAsync(stack, null, "archive-get", segment, destination);
            Assert.True(again.Result.ExitCode == 0, $"after a kill at {point}: {again.Result.StandardError}");
            Assert.True(original[segment].SequenceEqual(File.ReadAllBytes(destination)), $"after a kill at {point}: {segment} came back different");
        }

        output.WriteLine($"archive-get{(async ? " async" : "")}: {points.Count} points killed at: {string.Join(", ", points)}");
        await ExpectCleanAsync(stack);
    }

    public static TheoryData<string, bool> BackupCases() => new()
    {
        { "full", false },
        { "incr", false },
        { "full", true },
        { "incr", true },
    };

    [Theory]
    [MemberData(nameof(BackupCases))]
    public async Task A_backup_killed_at_any_step_is_followed_by_one_that_succeeds_and_verifies(string type, bool blockIncremental)
    {
        // One worker: the points come in the same order in every run. Retention 2: each backup's expire runs too.
        string[] options = ["process-max=1", "repo1-retention-full=2", "manifest-save-threshold=1", .. blockIncremental
            ? new[] { "repo1-bundle=y", "repo1-block=y", "compress-type=zst" } : ["compress-type=lz4"]];
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, options);
        var upstream = blockIncremental ? "pgbackrest-2.55" : "pgbackrest";
        await stack.ExpectAsync(output, "pgrest", "stanza-create");
        await stack.Cluster.ExecuteAsync("create table t as select g, md5(g::text) as payload from generate_series(1, 50000) g");
        if (type == "incr")
            await stack.ExpectAsync(output, "pgrest", "--type=full", "backup");

        async Task ChangeDataAsync() =>
            await stack.Cluster.ExecuteAsync("update t set payload = md5(payload) where g % 7 = 0; insert into t select g, md5(g::text) from generate_series(1, 100) g");

        await ChangeDataAsync();
        var learned = await RunAsync(stack, null, "--type=" + type, "backup");
        Assert.Equal(0, learned.Result.ExitCode);
        var chosen = ChooseBackupPoints(learned.Points, (await stack.Cluster.QueryScalarAsync<string>("select pg_relation_filepath('t')"))!);
        var (tried, killed) = (0, 0);
        foreach (var point in chosen)
        {
            await ChangeDataAsync();
            var run = await RunAsync(stack, point.Target, "--type=" + type, "backup");
            tried++;
            Assert.True(run.Killed, $"{point.Target} was not reached:\n{run.Result.StandardError}");
            Assert.Equal(KilledExitCode, run.Result.ExitCode);
            killed++;
            await stack.ExpectAsync(output, "pgrest", "--type=" + type, "backup");
            await ExpectCleanAsync(stack, upstream);
        }

        var random = new Random(type.Length * 31 + (blockIncremental ? 1 : 0));
        for (var trial = 0; trial < 2; trial++)
        {
            await ChangeDataAsync();
            killed += await KillAfterAsync(stack, TimeSpan.FromMilliseconds(random.Next(100, 1500)), "--type=" + type, "backup") ? 1 : 0;
            tried++;
            await stack.ExpectAsync(output, "pgrest", "--type=" + type, "backup");
            await ExpectCleanAsync(stack, upstream);
        }

        output.WriteLine($"backup --type={type}{(blockIncremental ? " block incremental" : "")}: {tried} kills tried, {killed} killed "
            + $"({learned.Points.Count} points learned); at: {string.Join(", ", chosen.Select(point => point.Target))}");

        // The last backup restores, with the real pgBackRest, to the data as it is now.
        var expected = await stack.Cluster.QueryScalarAsync<string>("select count(*) || '/' || sum(hashtext(payload)) from t");
        await stack.Cluster.StopAsync();
        stack.Cluster.EmptyDataDirectory();
        await stack.ExpectAsync(output, upstream, "--type=immediate", "--target-action=promote", "restore");
        await stack.Cluster.StartAsync();
        await stack.WaitForPromotionAsync();
        Assert.Equal(expected, await stack.Cluster.QueryScalarAsync<string>("select count(*) || '/' || sum(hashtext(payload)) from t"));
    }

    [Fact]
    public async Task Expire_killed_at_any_step_is_finished_by_the_next_expire()
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, ["compress-type=lz4", "repo1-retention-full=9"]);
        await stack.ExpectAsync(output, "pgrest", "stanza-create");
        await stack.Cluster.ExecuteAsync("create table t as select g from generate_series(1, 10000) g");
        await stack.ExpectAsync(output, "pgrest", "--type=full", "backup");

        async Task NextBackupAsync()
        {
            await stack.Cluster.ExecuteAsync("insert into t select g from generate_series(1, 1000) g; select pg_switch_wal()");
            await stack.ExpectAsync(output, "pgrest", "--type=full", "backup");
        }

        await NextBackupAsync();
        var learned = await RunAsync(stack, null, "--repo1-retention-full=1", "expire");
        Assert.Equal(0, learned.Result.ExitCode);
        var points = Spread(learned.Points.Where(point => point.Role == "expire").DistinctBy(point => point.Target).ToList(), 12);
        Assert.Contains(points, point => point.Name == "repo-path-remove");
        foreach (var point in points)
        {
            await NextBackupAsync();
            var run = await RunAsync(stack, point.Target, "--repo1-retention-full=1", "expire");
            Assert.True(run.Killed, $"{point.Target} was not reached:\n{run.Result.StandardError}");
            await stack.ExpectAsync(output, "pgrest", "--repo1-retention-full=1", "expire");
            await ExpectCleanAsync(stack);
            var info = JsonNode.Parse((await stack.ExpectAsync(output, "pgbackrest", "info", "--output=json")).StandardOutput)!;
            Assert.Single(info[0]!["backup"]!.AsArray());
        }

        output.WriteLine($"expire: {points.Count} kills ({learned.Points.Count} points learned); at: {string.Join(", ", points.Select(point => point.Target))}");
    }

    [Fact]
    public async Task Stanza_create_upgrade_and_delete_killed_at_any_step_are_finished_by_their_next_run()
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest);
        var stanzas = Enumerable.Range(1, 12).Select(n => "s" + n.ToString(CultureInfo.InvariantCulture)).ToList();
        await File.AppendAllTextAsync(stack.ConfigPath, string.Concat(stanzas.Concat(stanzas.Select(Twin)).Select(stanza =>
            $"\n[{stanza}]\npg1-path={stack.Cluster.DataDirectory}\npg1-port={stack.Cluster.Port}\npg1-socket-path={stack.Cluster.SocketDirectory}\n")));
        var free = new Queue<string>(stanzas);
        var upstreamOutcomes = new List<string>();

        // stanza-create
        var learned = await RunInStanzaAsync(stack, null, free.Dequeue(), "stanza-create");
        Assert.Equal(0, learned.Result.ExitCode);
        var createPoints = learned.Points.Where(point => point.Name == "repo-write").ToList();
        Assert.Equal(4, createPoints.Count); // archive.info, its copy, backup.info, its copy
        foreach (var point in createPoints)
        {
            var stanza = free.Dequeue();
            var run = await RunInStanzaAsync(stack, $"stanza-create@{point.Name}@{point.Detail.Replace("/s1/", $"/{stanza}/", StringComparison.Ordinal)}", stanza, "stanza-create");
            Assert.True(run.Killed, $"{point} was not reached:\n{run.Result.StandardError}");
            upstreamOutcomes.Add("stanza-create: " + await CompareWithPgbackrestAsync(stack, stanza, "stanza-create"));
            var again = await RunInStanzaAsync(stack, null, stanza, "stanza-create");
            Assert.True(again.Result.ExitCode == 0, $"stanza-create after a kill at {point}: {again.Result.StandardError}");
            await ExpectCleanAsync(stack, "pgbackrest", stanza);
        }

        // stanza-delete, of the stanzas just made
        var extra = free.Dequeue();
        Assert.Equal(0, (await RunInStanzaAsync(stack, null, extra, "stanza-create")).Result.ExitCode);
        List<string> deleted = [.. stanzas[1..5], extra];
        List<CrashPoint>? deletePoints = null;
        for (var index = 0; index < deleted.Count; index++)
        {
            var stanza = deleted[index];
            Assert.Equal(0, (await RunInStanzaAsync(stack, null, stanza, "stop")).Result.ExitCode);
            if (deletePoints is null)
            {
                var first = await RunInStanzaAsync(stack, null, stanza, "--force", "stanza-delete");
                Assert.Equal(0, first.Result.ExitCode);
                deletePoints = first.Points.Where(point => point.Role == "stanza-delete").DistinctBy(point => point.Name).ToList();
                Assert.Contains(deletePoints, point => point.Name == "repo-path-remove");
            }
            else
            {
                var point = deletePoints[index % deletePoints.Count];
                var run = await RunInStanzaAsync(stack, $"stanza-delete@{point.Name}@", stanza, "--force", "stanza-delete");
                Assert.True(run.Killed, $"{point} was not reached:\n{run.Result.StandardError}");
                Assert.Equal(0, (await RunInStanzaAsync(stack, null, Twin(stanza), "stop")).Result.ExitCode);
                upstreamOutcomes.Add("stanza-delete: " + await CompareWithPgbackrestAsync(stack, stanza, "--force", "stanza-delete"));
                var again = await RunInStanzaAsync(stack, null, stanza, "--force", "stanza-delete");
                Assert.True(again.Result.ExitCode == 0, $"stanza-delete after a kill at {point}: {again.Result.StandardError}");
            }

            Assert.False(Directory.Exists(Path.Combine(stack.RepoPath, "archive", stanza)));
            Assert.False(Directory.Exists(Path.Combine(stack.RepoPath, "backup", stanza)));
            Assert.Equal(0, (await RunInStanzaAsync(stack, null, stanza, "start")).Result.ExitCode);
        }

        // stanza-upgrade: a new cluster (new system identifier) in the same directory, as pg_upgrade leaves it.
        var upgraded = free.Dequeue();
        Assert.Equal(0, (await RunInStanzaAsync(stack, null, upgraded, "stanza-create")).Result.ExitCode);
        await stack.Cluster.ReinitializeAsync(stack.Cluster.Major);
        var upgrade = await RunInStanzaAsync(stack, null, upgraded, "stanza-upgrade");
        Assert.Equal(0, upgrade.Result.ExitCode);
        var upgradePoints = upgrade.Points.Where(point => point.Name == "repo-write").ToList();
        Assert.NotEmpty(upgradePoints);
        foreach (var point in upgradePoints)
        {
            var stanza = free.Dequeue();
            Assert.Equal(0, (await RunInStanzaAsync(stack, null, stanza, "stanza-create")).Result.ExitCode);
            await stack.Cluster.ReinitializeAsync(stack.Cluster.Major);
            var run = await RunInStanzaAsync(stack, $"stanza-upgrade@{point.Name}@{point.Detail.Replace($"/{upgraded}/", $"/{stanza}/", StringComparison.Ordinal)}", stanza, "stanza-upgrade");
            Assert.True(run.Killed, $"{point} was not reached:\n{run.Result.StandardError}");
            upstreamOutcomes.Add("stanza-upgrade: " + await CompareWithPgbackrestAsync(stack, stanza, "stanza-upgrade"));
            var again = await RunInStanzaAsync(stack, null, stanza, "stanza-upgrade");
            Assert.True(again.Result.ExitCode == 0, $"stanza-upgrade after a kill at {point}: {again.Result.StandardError}");
            await ExpectCleanAsync(stack, "pgbackrest", stanza);
        }

        output.WriteLine($"stanza-create: {createPoints.Count} kills; stanza-delete: {deleted.Count - 1} kills at {string.Join(", ", deletePoints!)}; stanza-upgrade: {upgradePoints.Count} kills");
        output.WriteLine("pgBackRest on the same leftovers:\n  " + string.Join("\n  ", upstreamOutcomes));
    }

    [Fact]
    public async Task A_killed_restore_cannot_start_and_the_next_delta_restore_brings_the_backup_back()
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, ["compress-type=lz4", "process-max=1"]);
        await stack.ExpectAsync(output, "pgrest", "stanza-create");
        await stack.Cluster.ExecuteAsync("create table t as select g, md5(g::text) as payload from generate_series(1, 50000) g");
        await stack.ExpectAsync(output, "pgrest", "--type=full", "backup");
        const string sum = "select count(*) || '/' || sum(hashtext(payload)) from t";
        var expected = await stack.Cluster.QueryScalarAsync<string>(sum);
        var control = Path.Combine(stack.Cluster.DataDirectory, "global", "pg_control");
        string[] restore = ["--type=immediate", "--target-action=promote", "restore"];

        await stack.Cluster.StopAsync();
        stack.Cluster.EmptyDataDirectory();
        var learned = await RunAsync(stack, null, restore);
        Assert.Equal(0, learned.Result.ExitCode);
        var files = learned.Points.Where(point => point.Name == "restore-file").ToList();
        var controlAt = files.FindIndex(point => point.Detail == control);
        Assert.True(controlAt >= 0, "pg_control is restored");
        List<CrashPoint> chosen = [files[0], files[files.Count / 3], files[2 * files.Count / 3], files[controlAt]];
        var kills = 0;
        foreach (var point in chosen)
        {
            stack.Cluster.EmptyDataDirectory();
            var run = await RunAsync(stack, $"restore@{point.Name}@{point.Detail}", restore);
            Assert.True(run.Killed, $"{point} was not reached:\n{run.Result.StandardError}");
            kills++;
            // pg_control comes last, under a temporary name: a cluster restored in part cannot be started by mistake.
            Assert.False(File.Exists(control), $"killed at {point}: pg_control is in place");
            await ExpectRestoredAsync("--delta");
        }

        var random = new Random(5);
        for (var trial = 0; trial < 2; trial++)
        {
            stack.Cluster.EmptyDataDirectory();
            kills += await KillAfterAsync(stack, TimeSpan.FromMilliseconds(random.Next(50, 400)), restore) ? 1 : 0;
            await ExpectRestoredAsync("--delta");
        }

        output.WriteLine($"restore: {chosen.Count + 2} kills tried, {kills} killed ({learned.Points.Count} points learned)");
        await ExpectCleanAsync(stack);

        async Task ExpectRestoredAsync(string option)
        {
            await stack.ExpectAsync(output, "pgrest", [option, .. restore]);
            await stack.Cluster.StartAsync();
            await stack.WaitForPromotionAsync();
            Assert.Equal(expected, await stack.Cluster.QueryScalarAsync<string>(sum));
            await stack.Cluster.StopAsync();
        }
    }

    private static string Twin(string stanza) => stanza + "-twin";

    /// <summary>
    /// The same input for the real pgBackRest: what the killed command left of <paramref name="stanza"/> is copied to its
    /// twin and pgBackRest runs the command there; it may finish or refuse with its error code (2.45 refuses what a kill
    /// between stanza-create's two info files leaves, and a directory holding a killed write's temporary file), and
    /// pgrest must then finish the twin as well. Returns pgBackRest's outcome.
    /// </summary>
    private async Task<string> CompareWithPgbackrestAsync(Stack stack, string stanza, params string[] arguments)
    {
        foreach (var kind in new[] { "archive", "backup" })
        {
            var (from, to) = (Path.Combine(stack.RepoPath, kind, stanza), Path.Combine(stack.RepoPath, kind, Twin(stanza)));
            if (Directory.Exists(to))
                Directory.Delete(to, recursive: true);
            if (Directory.Exists(from))
                (await ProcessRunner.RunAsync("cp", ["-a", from, to])).EnsureSuccess("cp");
        }

        var upstream = await RunToolAsync(stack, "pgbackrest", Twin(stanza), arguments);
        output.WriteLine($"$ pgbackrest --stanza={Twin(stanza)} {string.Join(' ', arguments)} (on what the kill left) -> {upstream.ExitCode}\n{upstream.StandardError}");
        Assert.True(upstream.ExitCode == 0 || ErrorLine().IsMatch(upstream.StandardError), $"pgBackRest failed without an error code: {upstream.StandardError}");
        var ours = await RunInStanzaAsync(stack, null, Twin(stanza), arguments);
        Assert.True(ours.Result.ExitCode == 0, $"pgrest {string.Join(' ', arguments)} on what the kill left: {ours.Result.StandardError}");
        return upstream.ExitCode == 0 ? "finished" : ErrorLine().Match(upstream.StandardError).Value;
    }

    [GeneratedRegex(@"ERROR: \[\d{3}\]: [^\n]*")]
    private static partial Regex ErrorLine();

    /// <summary>
    /// Of a backup's points, every one that writes or removes something other than a copied file (manifests, info
    /// files, the latest link, expire's removals), before and after the copy of the table the test changes (copied by
    /// every backup), and the first copied file.
    /// </summary>
    private static List<CrashPoint> ChooseBackupPoints(IReadOnlyList<CrashPoint> points, string tableFile)
    {
        static bool Copied(CrashPoint point) => point.Name is "repo-write" or "repo-written"
            && (point.Detail.Contains("/pg_data/", StringComparison.Ordinal) || point.Detail.Contains("/bundle/", StringComparison.Ordinal));
        var copied = points.Where(Copied).ToList();
        var chosen = points.Where(point => !Copied(point)).DistinctBy(point => point.Target).ToList();
        chosen.AddRange(copied.Where(point => IsFile(point.Detail, "/pg_data/" + tableFile)));
        var others = Spread(chosen.OrderBy(point => point.Number).ToList(), 12);
        return [copied[0], .. others.Where(point => point != copied[0])];
    }

    /// <summary>Whether a stored path is <paramref name="file"/>'s, under whatever compression extension.</summary>
    private static bool IsFile(string stored, string file)
    {
        var at = stored.IndexOf(file, StringComparison.Ordinal);
        var end = at + file.Length;
        return at >= 0 && (end == stored.Length || (stored[end] == '.' && stored.IndexOf('/', end) < 0));
    }

    /// <summary>At most <paramref name="count"/> of the points, spread evenly, the first and last included.</summary>
    private static List<CrashPoint> Spread(List<CrashPoint> points, int count) =>
        points.Count <= count ? points : [.. Enumerable.Range(0, count).Select(i => points[i * (points.Count - 1) / (count - 1)]).Distinct()];

    private Task<CrashRun> RunAsync(Stack stack, string? target, params string[] arguments) => CrashPoints.RunAsync(stack, output, target, stack.Stanza, arguments);

    private Task<CrashRun> RunInStanzaAsync(Stack stack, string? target, string stanza, params string[] arguments) =>
        CrashPoints.RunAsync(stack, output, target, stanza, arguments);

    /// <summary>Runs pgrest and kills it (SIGKILL, with any worker it started) after <paramref name="delay"/>; true when it was still running.</summary>
    private async Task<bool> KillAfterAsync(Stack stack, TimeSpan delay, params string[] arguments)
    {
        using var timer = new CancellationTokenSource(delay);
        try
        {
            var result = await ProcessRunner.RunAsync(Tools.Pgrest, [$"--config={stack.ConfigPath}", $"--stanza={stack.Stanza}", .. arguments], PgCluster.OsUser,
                timeout: TimeSpan.FromMinutes(3), cancellationToken: timer.Token);
            output.WriteLine($"$ pgrest {string.Join(' ', arguments)}  [kill after {delay.TotalMilliseconds} ms] -> {result.ExitCode}, finished first");
            return false;
        }
        catch (OperationCanceledException)
        {
            output.WriteLine($"$ pgrest {string.Join(' ', arguments)}  [kill after {delay.TotalMilliseconds} ms] -> killed");
            return true;
        }
    }

    private async Task ExpectPushedAsync(Stack stack, string segment)
    {
        var again = await RunAsync(stack, null, "archive-push", segment);
        Assert.True(again.Result.ExitCode == 0, $"the push after a kill failed: {again.Result.StandardError}");
    }

    /// <summary>Both tools verify the repository and list the same stanza, backups and archive range.</summary>
    private async Task ExpectCleanAsync(Stack stack, string upstream = "pgbackrest", string? stanza = null)
    {
        var summaries = new List<string>();
        foreach (var tool in new[] { "pgrest", upstream })
        {
            // Both tools' verify exit 0 even when they find damage: the status line tells.
            var verify = await RunToolAsync(stack, tool, stanza, "--output=text", "--verbose", "verify");
            Assert.True(verify.ExitCode == 0, $"{tool} verify: {verify.StandardError}{verify.StandardOutput}");
            Stack.AssertVerifiedClean(tool, verify.StandardOutput);
            var info = await RunToolAsync(stack, tool, stanza, "info", "--output=json");
            Assert.True(info.ExitCode == 0, $"{tool} info: {info.StandardError}");
            summaries.Add(InfoSummary.Of(info.StandardOutput));
        }

        Assert.Equal(summaries[1], summaries[0]);
    }

    private static Task<ProcessResult> RunToolAsync(Stack stack, string tool, string? stanza, params string[] arguments)
    {
        var path = tool switch { "pgrest" => Tools.Pgrest, "pgbackrest" => Tools.Pgbackrest, _ => Tools.PgbackrestNewer };
        return ProcessRunner.RunAsync(path, [$"--config={stack.ConfigPath}", $"--stanza={stanza ?? stack.Stanza}", .. arguments], PgCluster.OsUser, timeout: TimeSpan.FromMinutes(3));
    }

}
