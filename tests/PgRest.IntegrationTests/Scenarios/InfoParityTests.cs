using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// <c>info</c> in the states a monitoring script meets, text and JSON, run by pgBackRest 2.45 and pgrest on the same two
/// repositories and compared byte for byte (stdout, stderr, exit code): an empty repository, a stanza without WAL or
/// backups, a missing stanza, <c>--set</c> of a backup that does not exist (status 6), a backup in one repository only
/// (<c>mixed</c>, a line per repository), and a repository whose backup.info is corrupt or unreadable (status 99 with
/// its cause under the status line).
/// </summary>
public sealed class InfoParityTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Info_shows_every_error_state_as_pgBackRest_does()
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgbackrest);
        string repo2 = stack.Work.CreateSubdirectory("repo2");
        string[] twoRepos = [$"repo2-path={repo2}"];
        stack.WriteConfig(twoRepos);
        string empty1 = stack.Work.CreateSubdirectory("empty1"), empty2 = stack.Work.CreateSubdirectory("empty2");

        await CompareAsync(stack, "an empty repository", $"--config={stack.ConfigPath}", $"--repo1-path={empty1}", $"--repo2-path={empty2}", "info");
        await CompareAsync(stack, "an empty repository", $"--config={stack.ConfigPath}", $"--repo1-path={empty1}", $"--repo2-path={empty2}", "--output=json", "info");
        await CompareAsync(stack, "a missing stanza", $"--config={stack.ConfigPath}", "--stanza=nope", "info");
        await CompareAsync(stack, "a missing stanza", $"--config={stack.ConfigPath}", "--stanza=nope", "--output=json", "info");
        await CompareAsync(stack, "a missing stanza", $"--config={stack.ConfigPath}", "--stanza=nope", "--set=20260101-000000F", "info");

        await stack.ExpectAsync(output, "pgbackrest", "stanza-create");
        await CompareAsync(stack, "no WAL, no backups", "info");
        await CompareAsync(stack, "no WAL, no backups", "--output=json", "info");
        await CompareAsync(stack, "--set of a missing backup", "--set=20260101-000000F", "info");
        await CompareAsync(stack, "--set of a missing backup", "--set=20260101-000000F", "--output=json", "info");

        await stack.ExpectAsync(output, "pgbackrest", "--repo=1", "--type=full", "backup");
        string label = Path.GetFileName(Directory.GetDirectories(Path.Combine(stack.RepoPath, "backup", stack.Stanza), "*F").Single());
        await CompareAsync(stack, "a backup in repo1 only", "info");
        await CompareAsync(stack, "a backup in repo1 only", "--output=json", "info");
        await CompareAsync(stack, "a backup in repo1 only", $"--set={label}", "info");
        await CompareAsync(stack, "a backup in repo1 only", "--set=20260101-000000F", "info");

        // WAL ranges that differ: the oldest segment only in repo2, so the repositories' min/max disagree.
        var oldest = Directory.GetFiles(Path.Combine(stack.RepoPath, "archive", stack.Stanza), "0000000100000000000000*", SearchOption.AllDirectories).Order().First();
        File.Delete(oldest);
        await CompareAsync(stack, "WAL ranges that differ between repositories", "info");
        await CompareAsync(stack, "WAL ranges that differ between repositories", "--output=json", "info");

        string backupInfo = Path.Combine(repo2, "backup", stack.Stanza, "backup.info");
        File.Copy(backupInfo, backupInfo + ".saved");
        foreach (string file in new[] { backupInfo, backupInfo + ".copy" })
            await File.WriteAllTextAsync(file, "garbage\n");
        await CompareAsync(stack, "a corrupt backup.info in repo2", "info");
        await CompareAsync(stack, "a corrupt backup.info in repo2", "--output=json", "info");
        await CompareAsync(stack, "a corrupt backup.info in repo2", "--repo=2", "info");
        await CompareAsync(stack, "a corrupt backup.info in repo2", "--repo=2", "--output=json", "info");

        foreach (string file in new[] { backupInfo, backupInfo + ".copy" })
        {
            File.Copy(backupInfo + ".saved", file, overwrite: true);
            File.SetUnixFileMode(file, UnixFileMode.None);
        }

        await CompareAsync(stack, "an unreadable backup.info in repo2", "info");
        await CompareAsync(stack, "an unreadable backup.info in repo2", "--repo=2", "--output=json", "info");
    }

    /// <summary>Runs both tools; arguments that start with <c>--config=</c> are given alone, else with the stack's stanza.</summary>
    private async Task CompareAsync(Stack stack, string state, params string[] arguments)
    {
        bool raw = arguments[0].StartsWith("--config=", StringComparison.Ordinal);
        var theirs = raw ? await Stack.RunRawAsync(Tools.Pgbackrest, arguments) : await stack.PgbackrestAsync(arguments);
        var ours = raw ? await Stack.RunRawAsync(Tools.Pgrest, arguments) : await stack.PgrestAsync(arguments);
        output.WriteLine($"{state}: {string.Join(' ', arguments)} -> pgbackrest {theirs.ExitCode}, pgrest {ours.ExitCode}\n{theirs.StandardOutput}{theirs.StandardError}");
        Assert.True(theirs == ours,
            $"{state}: {string.Join(' ', arguments)}\npgbackrest exit {theirs.ExitCode}:\n{theirs.StandardOutput}{theirs.StandardError}\npgrest exit {ours.ExitCode}:\n{ours.StandardOutput}{ours.StandardError}");
    }
}
