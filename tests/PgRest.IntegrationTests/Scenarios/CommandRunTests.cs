using System.Text.Json;
using System.Text.RegularExpressions;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// How commands run, side by side with pgBackRest 2.45 on twin stacks: which commands write a log file, the expire a
/// backup goes on to (its own begin line and log file), and commands whose output is data printing nothing else.
/// </summary>
public sealed partial class CommandRunTests(ITestOutputHelper output)
{
    /// <summary>The log files and the expire begin line one tool leaves after the same commands on its own stack.</summary>
    private async Task<(string[] LogFiles, string ExpireBegin, string[] Modes)> RunTheDayAsync(Archiver tool)
    {
        await using var stack = await Stack.CreateAsync(tool, ["log-level-console=info", "repo1-retention-full=1"]);
        var name = tool == Archiver.Pgrest ? "pgrest" : "pgbackrest";
        await stack.ExpectAsync(output, name, "stanza-create");
        await stack.ExpectAsync(output, name, "check");
        await stack.ExpectAsync(output, name, "--type=full", "backup");
        await stack.ExpectAsync(output, name, "--type=full", "backup");
        await stack.ExpectAsync(output, name, "info");
        await stack.ExpectAsync(output, name, "repo-ls");

        var logDirectory = stack.Work.Combine("log");
        var files = Directory.GetFiles(logDirectory).Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal).ToArray();
        var expireLog = File.ReadAllText(Path.Combine(logDirectory, "demo-expire.log"));
        var begin = expireLog.Split('\n').Last(line => line.Contains("expire command begin", StringComparison.Ordinal));
        // Versions, exec ids and this stack's paths differ between the twins; what is listed must not.
        var normalized = ExecId().Replace(begin[begin.IndexOf("expire command begin", StringComparison.Ordinal)..], "");
        normalized = Version().Replace(normalized, "expire command begin <version>:");
        var modes = Directory.GetFiles(logDirectory).Order(StringComparer.Ordinal).Select(path => File.GetUnixFileMode(path).ToString()).ToArray();
        return (files, normalized.Replace(stack.Work.Path, "<work>", StringComparison.Ordinal), modes);
    }

    [Fact]
    public async Task The_same_commands_leave_the_same_log_files_and_a_backup_s_expire_logs_like_pgbackrest_s()
    {
        var pgrest = await RunTheDayAsync(Archiver.Pgrest);
        var pgbackrest = await RunTheDayAsync(Archiver.Pgbackrest);
        output.WriteLine($"pgrest:     {string.Join(", ", pgrest.LogFiles)}\n            {pgrest.ExpireBegin}");
        output.WriteLine($"pgbackrest: {string.Join(", ", pgbackrest.LogFiles)}\n            {pgbackrest.ExpireBegin}");

        // archive-push, check, info and repo-ls write no log file; the backup's expire writes its own.
        Assert.Equal(["demo-backup.log", "demo-expire.log", "demo-stanza-create.log"], pgbackrest.LogFiles);
        Assert.Equal(pgbackrest.LogFiles, pgrest.LogFiles);
        Assert.Equal(pgbackrest.ExpireBegin, pgrest.ExpireBegin);
        Assert.Equal(pgbackrest.Modes, pgrest.Modes);
        Assert.DoesNotContain("--type", pgrest.ExpireBegin, StringComparison.Ordinal);
        Assert.DoesNotContain("--pg1-path", pgrest.ExpireBegin, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Repo_ls_json_and_repo_get_print_only_their_data_even_at_log_level_info()
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, ["log-level-console=info"]);
        await stack.ExpectAsync(output, "pgrest", "stanza-create");

        foreach (var tool in new[] { "pgrest", "pgbackrest" })
        {
            var listing = await stack.ExpectAsync(output, tool, "repo-ls", "--output=json", "--recurse");
            using var json = JsonDocument.Parse(listing.StandardOutput);
            Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
            Assert.True(json.RootElement.TryGetProperty("backup/demo/backup.info", out _), listing.StandardOutput);

            var fetched = await stack.ExpectAsync(output, tool, "repo-get", "backup/demo/backup.info");
            Assert.Equal(File.ReadAllText(Path.Combine(stack.RepoPath, "backup", "demo", "backup.info")), fetched.StandardOutput);
        }
    }

    [GeneratedRegex(@" --exec-id=\S+")]
    private static partial Regex ExecId();

    [GeneratedRegex(@"expire command begin [0-9.]+:")]
    private static partial Regex Version();
}
