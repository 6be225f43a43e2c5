using System.Text.Json;
using System.Text.RegularExpressions;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// Stanza management and control commands against the real pgBackRest 2.45 on one host: stop/start and the commands a
/// stop blocks, locks the two tools share, stanza-upgrade after a new initdb, stanza-delete, annotate, and repo-ls /
/// repo-get, whose output must equal pgBackRest's on the same repository.
/// </summary>
public sealed partial class StanzaControlTests(ITestOutputHelper output)
{
    private const string CipherPass = "control-test-passphrase";

    public enum Tool { Pgrest, Pgbackrest }

    [Fact]
    public async Task Stop_blocks_the_commands_pgbackrest_blocks_and_start_releases_them()
    {
        await using var stack = await Stack.CreateAsync();
        await Expect(stack, Tool.Pgrest, "stanza-create");
        var segment = await ArchiveOneSegmentAsync(stack);

        await Expect(stack, Tool.Pgrest, "stop");
        Assert.True(File.Exists(stack.Work.Combine("lock", "demo.stop")));
        foreach (var tool in new[] { Tool.Pgrest, Tool.Pgbackrest })
        {
            var again = await Expect(stack, tool, "stop");
            Assert.Contains("WARN: stop file already exists for stanza demo", again.StandardError);
        }

        var destination = stack.Work.Combine("spool", "fetched");
        string[][] blocked =
        [
            ["--type=full", "backup"], ["expire"], ["stanza-create"], ["stanza-upgrade"], ["archive-get", segment, destination],
        ];
        foreach (var arguments in blocked)
        {
            foreach (var tool in new[] { Tool.Pgrest, Tool.Pgbackrest })
            {
                var result = await Run(stack, tool, arguments);
                Assert.True(result.ExitCode == 62, $"{tool} {string.Join(' ', arguments)} exited {result.ExitCode}:\n{result.StandardError}");
                Assert.Contains("ERROR: [062]: stop file exists for stanza demo", result.StandardError);
            }
        }

        // A stop does not keep anyone from reading: info, repo-ls and a missing WAL (exit 1, not 62) still work.
        await Expect(stack, Tool.Pgrest, "info");
        await Expect(stack, Tool.Pgrest, "repo-ls");
        Assert.Equal(1, (await Run(stack, Tool.Pgrest, "archive-get", "0000000100000000000000FE", destination)).ExitCode);

        // pgBackRest's start removes pgrest's stop file: the file is the same.
        await Expect(stack, Tool.Pgbackrest, "start");
        Assert.False(File.Exists(stack.Work.Combine("lock", "demo.stop")));
        var notStopped = await Expect(stack, Tool.Pgrest, "start");
        Assert.Contains("WARN: stop file does not exist for stanza demo", notStopped.StandardError);
        await Expect(stack, Tool.Pgrest, "stanza-create");

        // Without --stanza the stop applies to all stanzas.
        Assert.Equal(0, (await RunForAllStanzas(stack, Tools.Pgbackrest, "stop")).ExitCode);
        Assert.True(File.Exists(stack.Work.Combine("lock", "all.stop")));
        var all = await Run(stack, Tool.Pgrest, "stanza-create");
        Assert.Equal(62, all.ExitCode);
        Assert.Contains("stop file exists for all stanzas", all.StandardError);
        Assert.Equal(0, (await RunForAllStanzas(stack, Tools.Pgrest, "start")).ExitCode);
        Assert.False(File.Exists(stack.Work.Combine("lock", "all.stop")));
        Assert.Equal(0, (await Run(stack, Tool.Pgrest, "archive-get", segment, destination)).ExitCode);
    }

    [Theory]
    [InlineData(Tool.Pgrest, Tool.Pgbackrest)]
    [InlineData(Tool.Pgbackrest, Tool.Pgrest)]
    public async Task A_running_backup_excludes_the_other_tool_and_stop_force_terminates_it(Tool holder, Tool other)
    {
        await using var stack = await Stack.CreateAsync();
        await Expect(stack, Tool.Pgrest, "stanza-create");
        // With archiving failing (the command names pgbackrest to pass its check), the backup waits for its WAL (archive-timeout) while holding the backup lock.
        await stack.Cluster.SetSettingsAsync(new Dictionary<string, string> { ["archive_command"] = "'/bin/false pgbackrest'" });
        var lockFile = stack.Work.Combine("lock", "demo-backup.lock");
        var running = Run(stack, holder, "--type=full", "--archive-timeout=60", "backup");
        var content = await WaitForLockAsync(lockFile, running);

        var match = LockContent().Match(content);
        Assert.True(match.Success, $"lock file content '{content}' is not pgBackRest's");
        var pid = match.Groups["pid"].Value;

        var refused = await Run(stack, other, "--type=full", "backup");
        Assert.Equal(50, refused.ExitCode);
        Assert.Contains($"ERROR: [050]: unable to acquire lock on file '{lockFile}': Resource temporarily unavailable", refused.StandardError);

        var stop = await Expect(stack, other, "--force", "--log-level-console=info", "stop");
        Assert.Contains($"sent term signal to process {pid}", stop.StandardOutput);
        var terminated = await running.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(63, terminated.ExitCode);
        Assert.False(File.Exists(lockFile));
        await Expect(stack, holder, "start");
    }

    [Fact]
    public async Task Stanza_upgrade_after_a_new_initdb_adds_history_exactly_as_pgbackrest_does()
    {
        await using var stack = await Stack.CreateAsync();
        await Expect(stack, Tool.Pgrest, "stanza-create");
        var upToDate = await Expect(stack, Tool.Pgrest, "--log-level-console=info", "stanza-upgrade");
        Assert.Contains("stanza 'demo' on repo1 is already up to date", upToDate.StandardOutput);
        var oldSystemId = (await stack.Cluster.ControlDataAsync())["Database system identifier"];

        await stack.Cluster.ReinitializeAsync(PgCluster.DefaultMajor);
        var newSystemId = (await stack.Cluster.ControlDataAsync())["Database system identifier"];
        Assert.NotEqual(oldSystemId, newSystemId);
        var copy = CopyRepo(stack, "repo-pgbackrest");

        await Expect(stack, Tool.Pgrest, "stanza-upgrade");
        await Expect(stack, Tool.Pgbackrest, $"--repo1-path={copy}", "stanza-upgrade");
        foreach (var file in new[] { "archive/demo/archive.info", "backup/demo/backup.info" })
        {
            foreach (var name in new[] { file, file + ".copy" })
                Assert.Equal(File.ReadAllText(Path.Combine(copy, name)), File.ReadAllText(Path.Combine(stack.RepoPath, name)));
        }

        var archiveInfo = File.ReadAllText(Path.Combine(stack.RepoPath, "archive/demo/archive.info"));
        Assert.Contains($"1={{\"db-id\":{oldSystemId},\"db-version\":\"15\"}}", archiveInfo);
        Assert.Contains($"2={{\"db-id\":{newSystemId},\"db-version\":\"15\"}}", archiveInfo);

        // pgBackRest accepts the upgraded stanza: WAL of the new cluster goes to 15-2 and check passes.
        await stack.Cluster.ExecuteAsync("select 1");
        await Expect(stack, Tool.Pgbackrest, "check");
        Assert.True(Directory.Exists(Path.Combine(stack.RepoPath, "archive/demo/15-2")));
        var info = JsonDocument.Parse((await Expect(stack, Tool.Pgbackrest, "info", "--output=json")).StandardOutput).RootElement[0];
        Assert.Equal(2, info.GetProperty("db").GetArrayLength());
        Assert.Equal("15-2", info.GetProperty("archive")[1].GetProperty("id").GetString());
        var again = await Expect(stack, Tool.Pgrest, "--log-level-console=info", "stanza-upgrade");
        Assert.Contains("stanza 'demo' on repo1 is already up to date", again.StandardOutput);
    }

    [Fact]
    public async Task Stanza_delete_needs_stop_and_a_stopped_cluster_or_force_then_removes_the_stanza()
    {
        await using var stack = await Stack.CreateAsync();
        await Expect(stack, Tool.Pgrest, "stanza-create");
        await Expect(stack, Tool.Pgrest, "--type=full", "backup");

        foreach (var tool in new[] { Tool.Pgrest, Tool.Pgbackrest })
        {
            var noStop = await Run(stack, tool, "stanza-delete");
            Assert.Equal(55, noStop.ExitCode);
            Assert.Contains("stop file does not exist for stanza 'demo'", noStop.StandardError);
        }

        await Expect(stack, Tool.Pgrest, "stop");
        foreach (var tool in new[] { Tool.Pgrest, Tool.Pgbackrest })
        {
            var running = await Run(stack, tool, "stanza-delete");
            Assert.Equal(38, running.ExitCode);
            Assert.Contains("postmaster.pid exists - looks like PostgreSQL is running. To delete stanza 'demo' on repo1", running.StandardError);
        }

        var twoRepos = await Run(stack, Tool.Pgrest, $"--repo2-path={stack.Work.Combine("repo2")}", "stanza-delete");
        Assert.Equal(37, twoRepos.ExitCode);
        Assert.Contains("stanza-delete command requires option: repo", twoRepos.StandardError);

        await Expect(stack, Tool.Pgrest, "--force", "stanza-delete");
        Assert.False(Directory.Exists(Path.Combine(stack.RepoPath, "archive", "demo")));
        Assert.False(Directory.Exists(Path.Combine(stack.RepoPath, "backup", "demo")));
        Assert.False(File.Exists(stack.Work.Combine("lock", "demo.stop")));
        var info = JsonDocument.Parse((await Expect(stack, Tool.Pgbackrest, "info", "--output=json")).StandardOutput).RootElement[0];
        Assert.Equal("missing stanza path", info.GetProperty("status").GetProperty("message").GetString());
        // Deleting what is not there succeeds quietly, as in pgBackRest.
        await Expect(stack, Tool.Pgrest, "stanza-delete");
    }

    [Fact]
    public async Task Annotate_repo_ls_and_repo_get_on_an_encrypted_repository_match_pgbackrest()
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, ["repo1-cipher-type=aes-256-cbc", $"repo1-cipher-pass={CipherPass}"]);
        await Expect(stack, Tool.Pgrest, "stanza-create");
        var segment = await ArchiveOneSegmentAsync(stack);
        await Expect(stack, Tool.Pgrest, "--type=full", "--annotation=owner=team", "--annotation=drop=me", "backup");
        var label = JsonDocument.Parse((await Expect(stack, Tool.Pgrest, "info", "--output=json")).StandardOutput)
            .RootElement[0].GetProperty("backup")[0].GetProperty("label").GetString()!;

        // annotate: pgrest on the repository, pgBackRest on a copy; the decrypted backup.info files must be equal.
        var copy = CopyRepo(stack, "repo-pgbackrest");
        string[] annotate = [$"--set={label}", "--annotation=drop=", "--annotation=ticket=PG-42", "annotate"];
        await Expect(stack, Tool.Pgrest, annotate);
        await Expect(stack, Tool.Pgbackrest, [$"--repo1-path={copy}", .. annotate]);
        Assert.Equal(
            (await Expect(stack, Tool.Pgbackrest, $"--repo1-path={copy}", "repo-get", "backup/demo/backup.info")).StandardOutput,
            (await Expect(stack, Tool.Pgbackrest, "repo-get", "backup/demo/backup.info")).StandardOutput);
        var shown = JsonDocument.Parse((await Expect(stack, Tool.Pgbackrest, "info", "--output=json", $"--set={label}")).StandardOutput)
            .RootElement[0].GetProperty("backup")[0].GetProperty("annotation");
        Assert.Equal("{\"owner\":\"team\",\"ticket\":\"PG-42\"}", JsonSerializerHelpers.Normalize(shown.GetRawText()));
        await Expect(stack, Tool.Pgbackrest, "verify");
        Assert.Equal(75, (await Run(stack, Tool.Pgrest, "--set=20000101-000000F", "--annotation=a=b", "annotate")).ExitCode);

        string[][] listings =
        [
            ["repo-ls"], ["repo-ls", "--output=json"], ["repo-ls", "--recurse"], ["repo-ls", "--recurse", "--sort=desc", "backup"],
            ["repo-ls", "--recurse", "--output=json", "--filter=(info|manifest)$"], ["repo-ls", "--output=json", $"backup/demo/{label}/backup.manifest"],
            ["repo-ls", "--output=json", stack.RepoPath + "/backup/demo"], ["repo-ls", "--output=json", "no/such/path"],
        ];
        foreach (var arguments in listings)
            await ExpectSameOutput(stack, arguments);

        var walPath = Directory.EnumerateFiles(Path.Combine(stack.RepoPath, "archive/demo/15-1"), segment + "-*", SearchOption.AllDirectories).Single();
        string[] files =
        [
            "archive/demo/archive.info", "backup/demo/backup.info.copy", $"backup/demo/{label}/backup.manifest",
            $"backup/demo/backup.history/{label[..4]}/{label}.manifest.gz", Path.GetRelativePath(stack.RepoPath, walPath),
            $"backup/demo/{label}/pg_data/PG_VERSION.gz", stack.RepoPath + $"/backup/demo/{label}/pg_data/global/pg_control.gz",
        ];
        foreach (var file in files)
        {
            var digest = await ExpectSameOutput(stack, ["repo-get", file], binary: true);
            Assert.NotEqual(Sha1Of(Path.Combine(stack.RepoPath, file)), digest);
            Assert.Equal(Sha1Of(Path.Combine(stack.RepoPath, file)), await ExpectSameOutput(stack, ["repo-get", "--raw", file], binary: true));
        }

        var manifest = await Expect(stack, Tool.Pgrest, "repo-get", $"backup/demo/{label}/backup.manifest");
        Assert.StartsWith("[backrest]\n", manifest.StandardOutput);
        foreach (var tool in new[] { Tool.Pgrest, Tool.Pgbackrest })
        {
            Assert.Equal(55, (await Run(stack, tool, "repo-get", "archive/demo/15-1/missing")).ExitCode);
            var ignored = await Run(stack, tool, "repo-get", "--ignore-missing", "archive/demo/15-1/missing");
            Assert.Equal((1, ""), (ignored.ExitCode, ignored.StandardOutput));
            var outside = await Run(stack, tool, "repo-get", "/etc/passwd");
            Assert.Equal(96, outside.ExitCode);
            Assert.Contains($"absolute path '/etc/passwd' is not in base path '{stack.RepoPath}'", outside.StandardError);
        }
    }

    /// <summary>Forces a WAL switch and waits until the segment is archived; returns its name.</summary>
    private static async Task<string> ArchiveOneSegmentAsync(Stack stack)
    {
        var segment = (await stack.Cluster.QueryScalarAsync<string>("select pg_walfile_name(pg_current_wal_lsn())"))!;
        await stack.Cluster.ExecuteAsync("create table filler as select g from generate_series(1, 1000) g");
        await stack.Cluster.ExecuteAsync("select pg_switch_wal()");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!Directory.EnumerateFiles(stack.RepoPath, segment + "-*", SearchOption.AllDirectories).Any())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{segment} was not archived; log:\n{stack.ReadLog()}");
            await Task.Delay(100);
        }

        return segment;
    }

    /// <summary>Stops the cluster, replaces it with a freshly initdb-ed one (new system id) and starts it.</summary>
    private static string CopyRepo(Stack stack, string name)
    {
        var destination = stack.Work.Combine(name);
        ProcessRunner.RunAsync("cp", ["-a", stack.RepoPath, destination]).GetAwaiter().GetResult().EnsureSuccess("cp");
        return destination;
    }

    private static async Task<string> WaitForLockAsync(string lockFile, Task<ProcessResult> running)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (running.IsCompleted)
            {
                var result = await running;
                throw new InvalidOperationException($"backup ended before it was stopped ({result.ExitCode}):\n{result.StandardError}");
            }

            // The holder writes the content right after taking the lock; an empty read means "not yet".
            if (File.Exists(lockFile) && await ProcessRunner.RunAsync("cat", [lockFile]) is { ExitCode: 0, StandardOutput.Length: > 0 } read)
                return read.StandardOutput;
            await Task.Delay(50);
        }

        throw new TimeoutException($"{lockFile} was not written");
    }

    private static string Sha1Of(string path) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(File.ReadAllBytes(path)));

    /// <summary>Runs both tools; their exit codes and stdout must be equal (compared by SHA-1 when binary). Returns stdout or its SHA-1.</summary>
    private async Task<string> ExpectSameOutput(Stack stack, string[] arguments, bool binary = false)
    {
        async Task<(int, string)> Capture(string tool)
        {
            if (!binary)
            {
                var result = await Stack.RunRawAsync(tool, [$"--config={stack.ConfigPath}", "--stanza=demo", .. arguments]);
                return (result.ExitCode, result.StandardOutput);
            }

            var quoted = string.Join(' ', arguments.Select(argument => "'" + argument + "'"));
            var piped = await Stack.RunRawAsync("/bin/bash", ["-c", $"set -o pipefail; {tool} --config={stack.ConfigPath} --stanza=demo {quoted} | sha1sum"]);
            return (piped.ExitCode, piped.StandardOutput.Split(' ')[0]);
        }

        var (pgbackrestCode, pgbackrestOutput) = await Capture(Tools.Pgbackrest);
        var (pgrestCode, pgrestOutput) = await Capture(Tools.Pgrest);
        output.WriteLine($"$ {string.Join(' ', arguments)} -> {pgbackrestCode}/{pgrestCode}\n{pgbackrestOutput}");
        Assert.Equal(0, pgbackrestCode);
        Assert.Equal((pgbackrestCode, pgbackrestOutput), (pgrestCode, pgrestOutput));
        return pgrestOutput;
    }

    private static Task<ProcessResult> RunForAllStanzas(Stack stack, string tool, string command) =>
        Stack.RunRawAsync(tool, [$"--config={stack.ConfigPath}", command]);

    private Task<ProcessResult> Run(Stack stack, Tool tool, params string[] arguments) =>
        tool == Tool.Pgrest ? stack.PgrestAsync(arguments) : stack.PgbackrestAsync(arguments);

    private Task<ProcessResult> Expect(Stack stack, Tool tool, params string[] arguments) =>
        stack.ExpectAsync(output, tool == Tool.Pgrest ? "pgrest" : "pgbackrest", arguments);

    [GeneratedRegex("""^\{"execId":"[0-9]+-[0-9a-f]{8}","pid":(?<pid>[0-9]+)\}$""")]
    private static partial Regex LockContent();
}
