using System.Diagnostics;
using System.Text.Json;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// The live progress line: drawn on a terminal (a pseudo-terminal made by util-linux's <c>script</c>) by backup,
/// restore and verify, absent through a pipe and with <c>--no-progress</c>; and a running backup's progress in
/// <c>info</c>, text and JSON, as pgBackRest 2.48+ shows it.
/// </summary>
public sealed class ProgressTests(ITestOutputHelper output)
{
    private const string EraseLine = "\r\u001b[K";

    [Fact]
    public async Task A_terminal_shows_the_progress_line_a_pipe_does_not_and_info_shows_a_running_backup()
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, ["compress-type=gz", "compress-level=9", "repo1-retention-full=9"]);
        await stack.ExpectAsync(output, "pgrest", "stanza-create");
        // Text that compresses slowly at gz level 9, so the backup runs for seconds.
        await stack.Cluster.ExecuteAsync("create table progress_data as select g, md5(g::text) || md5((g * 7)::text) || md5((g * 13)::text) as t from generate_series(1, 1500000) g");
        await stack.Cluster.ExecuteAsync("checkpoint");

        var backup = StartInTerminal(stack, "--type=full", "backup");
        var (json, text, theirs) = await WatchRunningBackupAsync(stack, backup);
        var terminal = await FinishAsync(backup);
        output.WriteLine($"info while the backup ran: {json}\n{text}\npgBackRest 2.45's info: {theirs}");
        Assert.Contains(EraseLine + "backup ", terminal);
        Assert.Matches(@"backup [0-9.]+[KMG]?B/[0-9.]+[KMG]?B \([0-9.]+%\), [0-9]+/[0-9]+ files", terminal);
        Assert.True(terminal.LastIndexOf(EraseLine, StringComparison.Ordinal) > terminal.LastIndexOf(" files, ", StringComparison.Ordinal), "the line is erased at the end");

        var lockStatus = JsonDocument.Parse(json).RootElement[0].GetProperty("status").GetProperty("lock").GetProperty("backup");
        Assert.True(lockStatus.GetProperty("held").GetBoolean());
        Assert.InRange(lockStatus.GetProperty("size-cplt").GetInt64(), 0, lockStatus.GetProperty("size").GetInt64());
        Assert.Matches(@"status: error \(no valid backups, backup/expire running - [0-9]+\.[0-9]{2}% complete\)", text);
        // pgBackRest 2.45 reads the progress pgrest records in the lock file the same way.
        Assert.Equal(StatusLine(theirs), StatusLine(text));

        var piped = await stack.PgrestAsync("--type=incr", "backup");
        Assert.Equal(0, piped.ExitCode);
        Assert.DoesNotContain("\u001b[K", piped.StandardError + piped.StandardOutput);

        var quiet = await FinishAsync(StartInTerminal(stack, "--no-progress", "--type=incr", "backup"));
        Assert.DoesNotContain("\u001b[K", quiet);

        await stack.Cluster.StopAsync();
        string target = stack.Work.CreateSubdirectory("restored");
        Assert.Contains(EraseLine + "restore ", await FinishAsync(StartInTerminal(stack, $"--pg1-path={target}", "restore")));
        Assert.Contains(EraseLine + "verify ", await FinishAsync(StartInTerminal(stack, "verify")));
    }

    /// <summary>The status line, its percentage masked (the two tools read the lock file a moment apart).</summary>
    private static string StatusLine(string info) =>
        System.Text.RegularExpressions.Regex.Replace(info.Split('\n').First(l => l.StartsWith("    status: ", StringComparison.Ordinal)), "[0-9]+\\.[0-9]{2}%", "N%");

    /// <summary>Runs pgrest as postgres inside <c>script</c>, whose pseudo-terminal is pgrest's stderr; returns the process.</summary>
    private static Process StartInTerminal(Stack stack, params string[] arguments)
    {
        var command = string.Join(' ', new[] { Tools.Pgrest, $"--config={stack.ConfigPath}", $"--stanza={stack.Stanza}" }.Concat(arguments).Select(a => $"'{a}'"));
        var start = new ProcessStartInfo("runuser")
        {
            ArgumentList = { "-u", PgCluster.OsUser, "--", "script", "--quiet", "--flush", "--return", "--command", command, "/dev/null" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = "/tmp",
        };
        return Process.Start(start)!;
    }

    private async Task<string> FinishAsync(Process process)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        var terminal = await stdout + await stderr;
        output.WriteLine($"terminal (exit {process.ExitCode}): {terminal.Replace("\u001b", "ESC").Replace("\r", "CR")}");
        Assert.Equal(0, process.ExitCode);
        process.Dispose();
        return terminal;
    }

    /// <summary>info (JSON, text) by pgrest and text by pgBackRest 2.45, taken once the lock file records progress.</summary>
    private static async Task<(string Json, string Text, string Theirs)> WatchRunningBackupAsync(Stack stack, Process backup)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (DateTime.UtcNow < deadline && !backup.HasExited)
        {
            var json = (await stack.PgrestAsync("--output=json", "info")).StandardOutput;
            if (json.Contains("\"size-cplt\"", StringComparison.Ordinal))
            {
                var text = (await stack.PgrestAsync("info")).StandardOutput;
                var theirs = (await stack.PgbackrestAsync("info")).StandardOutput;
                return (json, text, theirs);
            }

            await Task.Delay(100);
        }

        Assert.Fail("no running backup was seen in info");
        return default;
    }
}
