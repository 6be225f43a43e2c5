using System.Text.RegularExpressions;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// Cases where a new user found pgrest different from pgBackRest 2.45, each run with both tools on the same input:
/// remote hosts, a backup when archiving is broken, what restore writes into restore_command, and what a backup leaves
/// out of the manifest.
/// </summary>
public sealed partial class ParityTests(ITestOutputHelper output)
{
    private static readonly string[] Tools = ["pgrest", "pgbackrest"];

    private async Task<ProcessResult> RunAsync(Stack stack, string tool, params string[] arguments)
    {
        var result = tool == "pgrest" ? await stack.PgrestAsync(arguments) : await stack.PgbackrestAsync(arguments);
        output.WriteLine($"$ {tool} {string.Join(' ', arguments)} -> {result.ExitCode}\n{result.StandardOutput}{result.StandardError}");
        return result;
    }

    [Theory]
    [InlineData("--repo1-host=backup1.invalid")]
    [InlineData("--pg1-host=db1.invalid")]
    public async Task A_repository_or_cluster_on_another_host_fails_before_anything_is_written(string hostOption)
    {
        await using var stack = await Stack.CreateAsync();
        var results = new Dictionary<string, ProcessResult>();
        foreach (var tool in Tools)
        {
            var result = results[tool] = await RunAsync(stack, tool, hostOption, "stanza-create");
            Assert.NotEqual(0, result.ExitCode);
            Assert.Empty(Directory.EnumerateFileSystemEntries(stack.RepoPath));
        }

        if (hostOption.StartsWith("--repo1-host", StringComparison.Ordinal))
        {
            // Both start ssh to the host, which cannot be resolved: [125] and what ssh said.
            Assert.Equal(125, results["pgbackrest"].ExitCode);
            Assert.Equal(125, results["pgrest"].ExitCode);
            Assert.Contains("remote-0 process on 'backup1.invalid' terminated unexpectedly [255]: ssh: Could not resolve hostname backup1.invalid",
                results["pgrest"].StandardError, StringComparison.Ordinal);
            Assert.Contains("ssh: Could not resolve hostname backup1.invalid", results["pgbackrest"].StandardError + results["pgbackrest"].StandardOutput, StringComparison.Ordinal);
        }
        else
        {
            // Both start ssh to the database host, warn that pg1 cannot be checked and fail with [056], in the same words.
            Assert.Equal(56, results["pgbackrest"].ExitCode);
            Assert.Equal(56, results["pgrest"].ExitCode);
            Assert.Contains("WARN: unable to check pg1: [UnknownError] remote-0 process on 'db1.invalid' terminated unexpectedly [255]: ssh: Could not resolve hostname db1.invalid",
                results["pgrest"].StandardError, StringComparison.Ordinal);
            Assert.Equal(results["pgbackrest"].StandardError, results["pgrest"].StandardError);
        }
    }

    [Fact]
    public async Task A_backup_fails_before_copying_anything_when_wal_does_not_reach_the_archive()
    {
        await using var stack = await Stack.CreateAsync();
        await stack.ExpectAsync(output, "pgrest", "stanza-create");
        // Archiving that fails every time; the word pgbackrest keeps pgBackRest's archive_command check satisfied.
        await stack.Cluster.SetSettingsAsync(new Dictionary<string, string> { ["archive_command"] = "'/bin/false pgbackrest'" });

        foreach (var tool in Tools)
        {
            var result = await RunAsync(stack, tool, "--log-level-console=detail", "--archive-timeout=3", "--type=full", "backup");

            Assert.Equal(82, result.ExitCode);
            Assert.Matches(ArchiveTimeout(), result.StandardError);
            Assert.Contains("check archive for", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain("backup file", result.StandardOutput, StringComparison.Ordinal);
            Assert.DoesNotContain(Directory.GetDirectories(Path.Combine(stack.RepoPath, "backup", Stack.StanzaName)), IsLabel);
        }
    }

    [Fact]
    public async Task Restore_writes_cmd_or_the_path_it_was_started_by_into_restore_command()
    {
        await using var stack = await Stack.CreateAsync();
        await stack.ExpectAsync(output, "pgrest", "stanza-create");
        await stack.ExpectAsync(output, "pgrest", "--type=full", "backup");

        var links = stack.Work.CreateSubdirectory("links");
        foreach (var tool in Tools)
        {
            var target = stack.Work.Combine("restore-cmd-" + tool);
            await RunAsync(stack, tool, $"--pg1-path={target}", "--cmd=/opt/wrapper/backup-tool", "restore");
            Assert.StartsWith("restore_command = '/opt/wrapper/backup-tool --config=", RestoreCommandOf(target), StringComparison.Ordinal);

            // Started through a symlink: the symlink's path, not the binary it points at.
            var link = Path.Combine(links, tool + "-link");
            File.CreateSymbolicLink(link, tool == "pgrest" ? Infrastructure.Tools.Pgrest : Infrastructure.Tools.Pgbackrest);
            var linked = stack.Work.Combine("restore-link-" + tool);
            var result = await Stack.RunRawAsync(link, [$"--config={stack.ConfigPath}", $"--stanza={Stack.StanzaName}", $"--pg1-path={linked}", "restore"]);
            Assert.True(result.ExitCode == 0, result.StandardError);
            Assert.StartsWith($"restore_command = '{link} --config=", RestoreCommandOf(linked), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Both_tools_leave_pg_internal_init_out_of_the_backup()
    {
        // pgBackRest's backup insists on an archive_command that runs pgbackrest.
        await using var stack = await Stack.CreateAsync(Archiver.Pgbackrest);
        await stack.ExpectAsync(output, "pgrest", "stanza-create");
        Assert.True(File.Exists(Path.Combine(stack.Cluster.DataDirectory, "global", "pg_internal.init")), "the cluster has a global/pg_internal.init");

        foreach (var tool in Tools)
        {
            await stack.ExpectAsync(output, tool, "--type=full", "backup");
            var info = await stack.ExpectAsync(output, tool, "info", "--output=json");
            var label = LastLabel().Matches(info.StandardOutput)[^1].Groups["label"].Value;
            var manifest = File.ReadAllText(Path.Combine(stack.RepoPath, "backup", Stack.StanzaName, label, "backup.manifest"));
            Assert.DoesNotContain("pg_internal.init", manifest, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_command_started_in_the_background_ends_on_sigint_as_pgbackrest_s_does()
    {
        await using var stack = await Stack.CreateAsync();
        await stack.ExpectAsync(output, "pgrest", "stanza-create");
        // A backup that waits (for WAL that never reaches the archive) long enough to be interrupted.
        await stack.Cluster.SetSettingsAsync(new Dictionary<string, string> { ["archive_command"] = "'/bin/false pgbackrest'" });

        foreach (var tool in Tools)
        {
            var program = tool == "pgrest" ? Infrastructure.Tools.Pgrest : Infrastructure.Tools.Pgbackrest;
            var log = stack.Work.Combine("background-" + tool + ".out");
            // A non-interactive shell starts background jobs with SIGINT ignored; both tools must handle it anyway.
            var script = $"{program} --config={stack.ConfigPath} --stanza={Stack.StanzaName} --log-level-console=info --type=full --archive-timeout=60 backup > {log} 2>&1 & "
                + "pid=$!; sleep 3; kill -INT $pid; wait $pid; echo rc=$?";
            var result = await Stack.RunRawAsync("bash", ["-c", script]);
            var text = File.ReadAllText(log);
            output.WriteLine($"{tool}: {result.StandardOutput}{text}");

            Assert.Contains("rc=63", result.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("INFO: backup command end: terminated on signal [SIGINT]", text, StringComparison.Ordinal);
            Assert.DoesNotContain("ERROR", text, StringComparison.Ordinal);
        }
    }

    private static string RestoreCommandOf(string pgPath) =>
        File.ReadAllLines(Path.Combine(pgPath, "postgresql.auto.conf")).Last(line => line.StartsWith("restore_command = ", StringComparison.Ordinal));

    private static bool IsLabel(string path) => LabelName().IsMatch(Path.GetFileName(path));

    [GeneratedRegex(@"WAL segment [0-9A-F]{24} was not archived before the 3000ms timeout")]
    private static partial Regex ArchiveTimeout();

    [GeneratedRegex(@"^[0-9]{8}-[0-9]{6}F")]
    private static partial Regex LabelName();

    [GeneratedRegex("\"label\":\"(?<label>[0-9]{8}-[0-9]{6}F)\"")]
    private static partial Regex LastLabel();
}
