using System.Diagnostics;
using System.Security.Cryptography;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// stanza-rekey on two encrypted repositories: killed with SIGKILL at random moments, every info file stays readable
/// with the old or the new passphrase and a rerun finishes; afterwards the real pgBackRest 2.45 with the new
/// passphrase lists, verifies and restores, no other file changed, and the old passphrase fails plainly. The same on
/// an S3 repository (Ceph RGW).
/// </summary>
public sealed class StanzaRekeyTests(ITestOutputHelper output)
{
    private const string Old1 = "the old passphrase of repo1", Old2 = "the old passphrase of repo2";
    private const string New1 = "a new passphrase for repo1", New2 = "a new passphrase for repo2";
    private const int Trials = 30;

    [Fact]
    public async Task Rekey_survives_kills_and_pgbackrest_reads_the_result_with_the_new_passphrase()
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, ["repo1-cipher-type=aes-256-cbc", $"repo1-cipher-pass={Old1}"]);
        string repo2 = stack.Work.CreateSubdirectory("repo2"), pristine1 = stack.Work.Combine("pristine1"), pristine2 = stack.Work.Combine("pristine2");
        string[] Options(string pass1, string pass2) =>
        [
            "repo1-cipher-type=aes-256-cbc", $"repo1-cipher-pass={pass1}", $"repo2-path={repo2}", "repo2-cipher-type=aes-256-cbc",
            $"repo2-cipher-pass={pass2}", "compress-type=zst", "repo1-retention-full=9", "repo2-retention-full=9",
        ];

        stack.WriteConfig(Options(Old1, Old2));
        await stack.ExpectAsync(output, "pgrest", "stanza-create");
        await stack.ExpectAsync(output, "pgrest", "--type=full", "backup");
        await stack.ExpectAsync(output, "pgrest", "--repo=2", "--type=full", "backup");
        await stack.Cluster.ExecuteAsync("create table rekey_marker as select g as id from generate_series(1, 5000) g");
        await stack.ExpectAsync(output, "pgrest", "--repo=1", "--type=incr", "backup");
        await stack.ExpectAsync(output, "pgrest", "check");
        await stack.Cluster.StopAsync();
        await CopyAsync(stack.RepoPath, pristine1);
        await CopyAsync(repo2, pristine2);
        var untouched = OtherFiles(stack.RepoPath) + OtherFiles(repo2);

        stack.WriteConfig([.. Options(Old1, Old2), $"repo1-cipher-pass-new={New1}", $"repo2-cipher-pass-new={New2}"]);
        var stopwatch = Stopwatch.StartNew();
        await stack.ExpectAsync(output, "pgrest", "stanza-rekey");
        var duration = stopwatch.Elapsed;
        await ExpectAllUnderAsync(stack.RepoPath, New1);
        await ExpectAllUnderAsync(repo2, New2);
        Assert.Equal(untouched, OtherFiles(stack.RepoPath) + OtherFiles(repo2));

        var random = new Random(20261203);
        var states = new Dictionary<string, int>();
        for (var trial = 0; trial < Trials; trial++)
        {
            await CopyAsync(pristine1, stack.RepoPath);
            await CopyAsync(pristine2, repo2);
            // Start-up and reading take the first part of a run; the writes come after it.
            var delay = TimeSpan.FromMilliseconds((0.2 + random.NextDouble() * 0.9) * duration.TotalMilliseconds);
            await RunAndKillAsync(stack, delay);
            var state = (await StateAsync(stack.RepoPath, Old1, New1)) + " " + (await StateAsync(repo2, Old2, New2));
            states[state] = states.GetValueOrDefault(state) + 1;
            await stack.ExpectAsync(output, "pgrest", "stanza-rekey");
            await ExpectAllUnderAsync(stack.RepoPath, New1);
            await ExpectAllUnderAsync(repo2, New2);
        }

        // And at each of its crash points: just before and just after each file is replaced.
        await CopyAsync(pristine1, stack.RepoPath);
        await CopyAsync(pristine2, repo2);
        var learned = await CrashPoints.RunAsync(stack, output, null, stack.Stanza, "stanza-rekey");
        Assert.Equal(0, learned.Result.ExitCode);
        var points = learned.Points.Where(point => point.Role == "stanza-rekey").ToList();
        Assert.Equal(16, points.Count); // four info files per repository, each written and then visible
        foreach (var point in points)
        {
            await CopyAsync(pristine1, stack.RepoPath);
            await CopyAsync(pristine2, repo2);
            var run = await CrashPoints.RunAsync(stack, output, $"stanza-rekey@{point.Number}", stack.Stanza, "stanza-rekey");
            Assert.True(run.Killed, $"{point} was not reached");
            var state = (await StateAsync(stack.RepoPath, Old1, New1)) + " " + (await StateAsync(repo2, Old2, New2));
            states[state] = states.GetValueOrDefault(state) + 1;
            await stack.ExpectAsync(output, "pgrest", "stanza-rekey");
            await ExpectAllUnderAsync(stack.RepoPath, New1);
            await ExpectAllUnderAsync(repo2, New2);
        }

        output.WriteLine($"one rekey took {duration.TotalMilliseconds:0} ms; after {Trials} kills at random moments and {points.Count} at its crash points the info files were (o = old, n = new passphrase; " +
            $"archive.info, .copy, backup.info, .copy per repository):\n" + string.Join('\n', states.Select(s => $"  {s.Key}: {s.Value}")));

        stack.WriteConfig(Options(New1, New2));
        await stack.ExpectAsync(output, "pgbackrest", "info");
        await stack.ExpectAsync(output, "pgbackrest", "--repo=1", "verify");
        await stack.ExpectAsync(output, "pgbackrest", "--repo=2", "verify");
        string target = stack.Work.CreateSubdirectory("restored");
        await stack.ExpectAsync(output, "pgbackrest", "--repo=1", $"--pg1-path={target}", "restore");
        Assert.True(File.Exists(Path.Combine(target, "PG_VERSION")));

        stack.WriteConfig(Options(Old1, Old2));
        var info = await stack.PgrestAsync("--repo=1", "info");
        Assert.True(info.StandardOutput.Contains("passphrase is probably wrong", StringComparison.Ordinal), info.StandardOutput);
    }

    [Fact]
    public async Task Rekey_of_an_s3_repository_is_read_by_pgbackrest_with_the_new_passphrase()
    {
        string[] Options(string pass) => ["repo1-cipher-type=aes-256-cbc", $"repo1-cipher-pass={pass}", "repo1-retention-full=9"];
        var s3 = await ObjectStoreRepos.S3Async(1, ObjectStoreRepos.UniquePath("rekey"));
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, Options(Old1), repositoryOptions: s3);
        await stack.ExpectAsync(output, "pgrest", "stanza-create");
        await stack.ExpectAsync(output, "pgrest", "--type=full", "backup");
        await stack.ExpectAsync(output, "pgrest", "check");

        stack.WriteConfig([.. Options(Old1), $"repo1-cipher-pass-new={New1}"]);
        await stack.ExpectAsync(output, "pgrest", "stanza-rekey");
        await stack.ExpectAsync(output, "pgrest", "stanza-rekey");

        stack.WriteConfig(Options(New1));
        Assert.Contains("status: ok", (await stack.ExpectAsync(output, "pgbackrest", "info")).StandardOutput);
        await stack.ExpectAsync(output, "pgbackrest", "verify");
        stack.WriteConfig(Options(Old1));
        Assert.Contains("passphrase is probably wrong", (await stack.PgrestAsync("info")).StandardOutput);
    }

    [Fact]
    public async Task Rekey_refuses_an_unencrypted_repository_and_a_missing_new_passphrase()
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, start: false);
        await stack.ExpectAsync(output, "pgrest", "--no-online", "stanza-create");

        stack.WriteConfig(["repo1-cipher-pass-new=a new passphrase"]);
        var unencrypted = await stack.PgrestAsync("--repo=1", "stanza-rekey");
        output.WriteLine(unencrypted.StandardError);
        Assert.Equal(31, unencrypted.ExitCode);
        Assert.Contains("repo1 is not encrypted", unencrypted.StandardError);
        Assert.Contains("encryption cannot be turned on for an existing repository", unencrypted.StandardError);

        var onCommandLine = await stack.PgrestAsync("--repo1-cipher-pass-new=secret-on-the-command-line", "stanza-rekey");
        Assert.Equal(31, onCommandLine.ExitCode);
        Assert.DoesNotContain("secret-on-the-command-line", onCommandLine.StandardError);
    }

    /// <summary>Starts stanza-rekey as postgres (setpriv execs, so the pid is pgrest's) and SIGKILLs it after <paramref name="delay"/>.</summary>
    private async Task RunAndKillAsync(Stack stack, TimeSpan delay)
    {
        var start = new ProcessStartInfo("setpriv")
        {
            ArgumentList = { "--reuid=postgres", "--regid=postgres", "--init-groups", Tools.Pgrest, $"--config={stack.ConfigPath}", $"--stanza={stack.Stanza}", "stanza-rekey" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = "/tmp",
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await Task.Delay(delay);
        if (!process.HasExited)
            process.Kill();
        await process.WaitForExitAsync();
        var error = await stderr;
        Assert.True(process.ExitCode is 0 or 137 or -1, $"stanza-rekey exited {process.ExitCode}:\n{error}");
        // A lock file left by the killed process is released by the kernel; it is not a stale lock.
    }

    /// <summary>For each of the four info files of a repository: o (old passphrase), n (new) or ! (neither).</summary>
    private static async Task<string> StateAsync(string repo, string oldPass, string newPass)
    {
        var state = "";
        foreach (var file in InfoFiles(repo))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            state += Decrypts(bytes, oldPass) ? "o" : Decrypts(bytes, newPass) ? "n" : "!";
        }

        Assert.DoesNotContain("!", state);
        return state;
    }

    private static async Task ExpectAllUnderAsync(string repo, string pass)
    {
        foreach (var file in InfoFiles(repo))
            Assert.True(Decrypts(await File.ReadAllBytesAsync(file), pass), $"{file} does not decrypt with the new passphrase");
    }

    private static IEnumerable<string> InfoFiles(string repo) =>
        from kind in new[] { ("archive", "archive.info"), ("backup", "backup.info") }
        from suffix in new[] { "", ".copy" }
        select Path.Combine(repo, kind.Item1, Stack.StanzaName, kind.Item2 + suffix);

    /// <summary>OpenSSL's salted AES-256-CBC (EVP_BytesToKey with SHA-1, as pgBackRest): true when the padding and the info file's first line check out.</summary>
    private static bool Decrypts(byte[] file, string passphrase)
    {
        if (file.Length < 32 || System.Text.Encoding.ASCII.GetString(file, 0, 8) != "Salted__")
            return false;
        var salt = file[8..16];
        var pass = System.Text.Encoding.UTF8.GetBytes(passphrase);
        var material = new List<byte>();
        byte[] previous = [];
        while (material.Count < 48)
        {
            previous = SHA1.HashData([.. previous, .. pass, .. salt]);
            material.AddRange(previous);
        }

        using var aes = Aes.Create();
        aes.Key = [.. material.Take(32)];
        try
        {
            byte[] iv = [.. material.Skip(32).Take(16)];
            var plain = aes.DecryptCbc(file[16..], iv, PaddingMode.PKCS7);
            return System.Text.Encoding.UTF8.GetString(plain).StartsWith("[backrest]", StringComparison.Ordinal);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>Every file but the info files, with its SHA-1: what a rekey must leave alone.</summary>
    private static string OtherFiles(string repo) =>
        string.Join('\n', Directory.GetFiles(repo, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith("archive.info", StringComparison.Ordinal) && !Path.GetFileName(f).StartsWith("backup.info", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => f[repo.Length..] + " " + Convert.ToHexStringLower(SHA1.HashData(File.ReadAllBytes(f))))) + "\n";

    private static async Task CopyAsync(string from, string to)
    {
        (await ProcessRunner.RunAsync("rm", ["-rf", to])).EnsureSuccess("rm");
        (await ProcessRunner.RunAsync("cp", ["-a", from, to])).EnsureSuccess("cp -a");
    }
}
