using System.Security.Cryptography;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// A wrong passphrase fails every command with pgBackRest's exit code, a plainer message than its own, and changes
/// nothing in the repository.
/// </summary>
public sealed class EncryptionTests(ITestOutputHelper output)
{
    private const string Passphrase = "the right passphrase";

    [Fact]
    public async Task A_wrong_passphrase_fails_every_command_cleanly_and_leaves_the_repository_untouched()
    {
        string[] options = ["repo1-cipher-type=aes-256-cbc", $"repo1-cipher-pass={Passphrase}", "compress-type=zst", "repo1-bundle=y"];
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, options);
        Assert.Equal(0, (await stack.PgrestAsync("stanza-create")).ExitCode);
        Assert.Equal(0, (await stack.PgrestAsync("--type=full", "backup")).ExitCode);
        var wal = Path.Combine(stack.Cluster.DataDirectory, "pg_wal",
            Directory.GetFiles(Path.Combine(stack.Cluster.DataDirectory, "pg_wal"), "0000000100000000000000*").Select(Path.GetFileName).Order().Last()!);
        // PostgreSQL archives the backup history file (….backup) after the backup has ended; let it land first.
        var archiveStatus = Path.Combine(stack.Cluster.DataDirectory, "pg_wal", "archive_status");
        for (var wait = 0; wait < 100 && Directory.GetFiles(archiveStatus, "*.ready").Length > 0; wait++)
            await Task.Delay(100);
        var before = Fingerprint(stack.RepoPath);

        stack.WriteConfig(["repo1-cipher-type=aes-256-cbc", "repo1-cipher-pass=a wrong passphrase", "compress-type=zst", "repo1-bundle=y"]);
        foreach (var command in new[] { new[] { "check" }, ["--type=full", "backup"], ["archive-push", wal], ["archive-get", "000000010000000000000001", stack.Work.Combine("x")] })
        {
            var result = await stack.PgrestAsync(command);
            var theirs = await stack.PgbackrestAsync(command);
            output.WriteLine($"{string.Join(' ', command)} -> {result.ExitCode}\n{result.StandardError}{result.StandardOutput}\npgbackrest -> {theirs.ExitCode}\n{theirs.StandardError}");
            // pgBackRest parses what the wrong key decrypts to: random bytes give a format, open or crypto error.
            Assert.Contains(theirs.ExitCode, (int[])[29, 41, 95, 103]);
            Assert.Equal(theirs.ExitCode == 103 ? 103 : 95, result.ExitCode);
            Assert.Contains("passphrase is probably wrong", result.StandardError + result.StandardOutput);
            Assert.DoesNotContain("a wrong passphrase", result.StandardError + result.StandardOutput);
        }

        var info = await stack.PgrestAsync("info");
        Assert.Contains("passphrase is probably wrong", info.StandardOutput);

        await stack.Cluster.StopAsync();
        var restore = await stack.PgrestAsync("--delta", "restore");
        var theirRestore = await stack.PgbackrestAsync("--delta", "restore");
        output.WriteLine($"restore -> {restore.ExitCode}\n{restore.StandardError}\npgbackrest -> {theirRestore.ExitCode}\n{theirRestore.StandardError}");
        // restore warns about each repository it cannot read and fails with 'no backup set found', as pgBackRest does.
        Assert.Equal(75, theirRestore.ExitCode);
        Assert.Equal(75, restore.ExitCode);
        Assert.Contains("passphrase is probably wrong", restore.StandardError);
        Assert.Equal(before, Fingerprint(stack.RepoPath));
    }

    /// <summary>Every repository file and its SHA-1, so any change shows.</summary>
    private static string Fingerprint(string root) =>
        string.Join('\n', Directory.GetFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Where(f => new FileInfo(f).LinkTarget is null)
            .Select(f => f[root.Length..] + " " + Convert.ToHexStringLower(SHA1.HashData(File.ReadAllBytes(f)))));
}
