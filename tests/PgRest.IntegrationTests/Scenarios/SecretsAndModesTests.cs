using System.Collections.Concurrent;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// An encrypted repository with async archiving and trace-level log files, every command run under umask 000: the
/// passphrase never appears in a process listing (async workers included), a log file, an output or an error message
/// (a wrong passphrase given in the environment is not echoed either); every repository and spool file is 0640 and
/// every repository path 0750, as pgBackRest makes them, and no log or spool file is more open than 0640.
/// </summary>
public sealed class SecretsAndModesTests(ITestOutputHelper output)
{
    private const string Passphrase = "correct-horse-battery-staple-4711";
    private const string WrongPassphrase = "not-the-passphrase-0815";

    [Fact]
    public async Task No_secret_reaches_a_listing_a_log_or_a_message_and_modes_do_not_follow_the_umask()
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest,
            ["repo1-cipher-type=aes-256-cbc", $"repo1-cipher-pass={Passphrase}", "archive-async=y", "process-max=2", "compress-type=lz4", "log-level-file=trace"]);
        using var watching = new CancellationTokenSource();
        var commandLines = new ConcurrentDictionary<string, bool>();
        var watcher = Task.Run(() => WatchCommandLines(commandLines, watching.Token));
        var outputs = new List<string>();

        async Task<ProcessResult> RunAsync(IReadOnlyDictionary<string, string?>? environment, params string[] arguments)
        {
            // The loosest umask: pgrest must set its modes itself.
            var result = await ProcessRunner.RunAsync("sh", ["-c", "umask 000; exec \"$0\" \"$@\"", Tools.Pgrest, $"--config={stack.ConfigPath}", $"--stanza={stack.Stanza}", .. arguments],
                PgCluster.OsUser, environment, TimeSpan.FromMinutes(3));
            output.WriteLine($"$ umask 000; pgrest {string.Join(' ', arguments)} -> {result.ExitCode}\n{result.StandardError}");
            outputs.Add(result.StandardOutput + result.StandardError);
            return result;
        }

        async Task ExpectAsync(params string[] arguments) => Assert.Equal(0, (await RunAsync(null, arguments)).ExitCode);

        await ExpectAsync("stanza-create");
        await stack.Cluster.ExecuteAsync("create table t as select g, md5(g::text) as payload from generate_series(1, 20000) g");
        await ExpectAsync("--log-level-console=debug", "--type=full", "backup");
        for (var i = 0; i < 3; i++)
            await stack.Cluster.ExecuteAsync("insert into t select g, md5(g::text) from generate_series(1, 2000) g; select pg_switch_wal()");
        await ExpectAsync("--log-level-console=debug", "check");
        await ExpectAsync("--type=incr", "backup");
        await ExpectAsync("info");
        await ExpectAsync("--output=json", "info");
        var verify = await RunAsync(null, "--output=text", "--verbose", "verify");
        Stack.AssertVerifiedClean("pgrest", verify.StandardOutput);
        await ExpectAsync("archive-get", "000000010000000000000002", stack.Work.Combine("RECOVERYXLOG"));
        var wrong = await RunAsync(new Dictionary<string, string?> { ["PGBACKREST_REPO1_CIPHER_PASS"] = WrongPassphrase }, "info");
        Assert.Contains("passphrase", wrong.StandardOutput + wrong.StandardError, StringComparison.Ordinal);
        await watching.CancelAsync();
        await watcher;

        var pgrestLines = commandLines.Keys.Where(line => line.Contains(Tools.Pgrest, StringComparison.Ordinal)).ToList();
        output.WriteLine($"{pgrestLines.Count} distinct pgrest command lines seen, {pgrestLines.Count(line => line.Contains("archive-push", StringComparison.Ordinal))} of archive-push");
        Assert.NotEmpty(pgrestLines);
        foreach (var line in commandLines.Keys)
            Assert.DoesNotContain(Passphrase, line, StringComparison.Ordinal);
        foreach (var text in outputs)
        {
            Assert.DoesNotContain(Passphrase, text, StringComparison.Ordinal);
            Assert.DoesNotContain(WrongPassphrase, text, StringComparison.Ordinal);
        }

        var logs = Directory.GetFiles(stack.Work.Combine("log"));
        Assert.Contains(logs, log => log.EndsWith("-archive-push-async.log", StringComparison.Ordinal));
        foreach (var log in logs)
        {
            var text = await File.ReadAllTextAsync(log);
            Assert.DoesNotContain(Passphrase, text, StringComparison.Ordinal);
            Assert.DoesNotContain(WrongPassphrase, text, StringComparison.Ordinal);
            // A log file is opened with 0640 under the umask of whoever started the command first (PostgreSQL's
            // archiver has 077): never more than 0640.
            Assert.True((File.GetUnixFileMode(log) & ~(UnixFileMode)0b110_100_000) == 0, $"{log} is {File.GetUnixFileMode(log)}");
        }

        foreach (var file in Directory.GetFiles(stack.RepoPath, "*", SearchOption.AllDirectories))
            Assert.True(File.GetUnixFileMode(file) == (UnixFileMode)0b110_100_000, $"{file} is {File.GetUnixFileMode(file)}");
        foreach (var file in Directory.GetFiles(stack.Work.Combine("spool"), "*", SearchOption.AllDirectories))
            Assert.True((File.GetUnixFileMode(file) & ~(UnixFileMode)0b110_100_000) == 0, $"{file} is {File.GetUnixFileMode(file)}");

        foreach (var directory in Directory.GetDirectories(stack.RepoPath, "*", SearchOption.AllDirectories))
            Assert.True(File.GetUnixFileMode(directory) == (UnixFileMode)0b111_101_000, $"{directory} is {File.GetUnixFileMode(directory)}");
    }

    /// <summary>What <c>ps</c> shows: every process's command line, sampled until cancelled.</summary>
    private static async Task WatchCommandLines(ConcurrentDictionary<string, bool> seen, CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            foreach (var process in Directory.GetDirectories("/proc"))
            {
                if (!char.IsAsciiDigit(Path.GetFileName(process)[0]))
                    continue;
                try
                {
                    var line = (await File.ReadAllTextAsync(Path.Combine(process, "cmdline"), CancellationToken.None)).Replace('\0', ' ');
                    if (line.Length > 0)
                        seen.TryAdd(line, true);
                }
                catch (IOException)
                {
                    // The process has gone.
                }
                catch (UnauthorizedAccessException)
                {
                }
            }

            try
            {
                await Task.Delay(5, cancellation);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
