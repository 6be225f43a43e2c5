using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// <c>check</c>, <c>restore</c> and <c>archive-get</c> on bad input, run by pgBackRest 2.45 and pgrest on the same two
/// repositories and compared byte for byte (exit code, stdout, stderr): a missing pg1-path, a wrong port, a corrupt
/// archive.info or backup.info in one repository, a truncated WAL segment in one repository. Where one repository can
/// still serve, both warn about the other and succeed; where none can, both fail with the same code and message.
/// </summary>
public sealed class ErrorParityTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Check_restore_and_archive_get_fail_on_bad_input_as_pgBackRest_does()
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgbackrest);
        string repo1 = stack.RepoPath, repo2 = stack.Work.CreateSubdirectory("repo2");
        stack.WriteConfig([$"repo2-path={repo2}"]);
        await stack.ExpectAsync(output, "pgbackrest", "stanza-create");
        await stack.ExpectAsync(output, "pgbackrest", "check");

        await CompareAsync(stack, "a missing pg1-path", "--pg1-path=/nonexistent", "check");
        await CompareAsync(stack, "a wrong port", "--pg1-port=1", "check");

        await ArchiveGetCasesAsync(stack, repo1);

        await stack.ExpectAsync(output, "pgbackrest", "--repo=1", "--type=full", "backup");
        await stack.Cluster.StopAsync();
        string target = stack.Work.CreateSubdirectory("restore-target");
        string backupInfo = Path.Combine(repo1, "backup", stack.Stanza, "backup.info");
        File.Copy(backupInfo, backupInfo + ".saved");
        await CorruptAsync(backupInfo);
        await CompareAsync(stack, "a corrupt backup.info in repo1, no backup in repo2", $"--pg1-path={target}", "restore");
        await CompareAsync(stack, "a corrupt backup.info in repo1", $"--pg1-path={target}", "--repo=1", "restore");
        foreach (string file in new[] { backupInfo, backupInfo + ".copy" })
            File.Copy(backupInfo + ".saved", file, overwrite: true);
        await CompareAsync(stack, "--set of a backup in no repository", $"--pg1-path={target}", "--set=20260101-000000F", "restore");
        await CompareAsync(stack, "a time before every backup", $"--pg1-path={target}", "--type=time", "--target=2020-01-01 00:00:00+00", "restore");
        Assert.Empty(Directory.GetFileSystemEntries(target));
    }

    private async Task ArchiveGetCasesAsync(Stack stack, string repo1)
    {
        string archive1 = Path.Combine(repo1, "archive", stack.Stanza);
        string stored = Directory.GetFiles(archive1, "0000000100000000000000*", SearchOption.AllDirectories).Order().First();
        string segment = Path.GetFileName(stored)[..24];
        string destination = stack.Work.Combine("RECOVERYXLOG");

        await TruncateAsync(stored);
        await CompareArchiveGetAsync(stack, "a truncated segment in repo1", segment, destination, "--repo=1");
        await CompareArchiveGetAsync(stack, "a truncated segment in repo1, whole in repo2", segment, destination);

        string archiveInfo = Path.Combine(archive1, "archive.info");
        File.Copy(archiveInfo, archiveInfo + ".saved");
        await CorruptAsync(archiveInfo);
        await CompareArchiveGetAsync(stack, "a corrupt archive.info in repo1", segment, destination, "--repo=1");
        await CompareArchiveGetAsync(stack, "a corrupt archive.info in repo1, whole in repo2", segment, destination);
        foreach (string file in new[] { archiveInfo, archiveInfo + ".copy" })
            File.Copy(archiveInfo + ".saved", file, overwrite: true);
    }

    /// <summary>archive-get by both tools; a failed get leaves no file for PostgreSQL to replay (pgBackRest may leave an empty one).</summary>
    private async Task CompareArchiveGetAsync(Stack stack, string state, string segment, string destination, params string[] options)
    {
        var results = await CompareAsync(stack, state, () => File.Delete(destination), [.. options, "archive-get", segment, destination]);
        if (results.Pgrest.ExitCode != 0)
            Assert.False(File.Exists(destination), $"{state}: pgrest left {destination}");
    }

    private Task CompareAsync(Stack stack, string state, params string[] arguments) => CompareAsync(stack, state, () => { }, arguments);

    /// <summary>Runs pgBackRest, then pgrest, each after <paramref name="reset"/>; their exit codes and output must be the same.</summary>
    private async Task<(ProcessResult Pgbackrest, ProcessResult Pgrest)> CompareAsync(Stack stack, string state, Action reset, string[] arguments)
    {
        reset();
        var theirs = await stack.PgbackrestAsync(arguments);
        reset();
        var ours = await stack.PgrestAsync(arguments);
        output.WriteLine($"{state}: {string.Join(' ', arguments)} -> pgbackrest {theirs.ExitCode}, pgrest {ours.ExitCode}\n{theirs.StandardOutput}{theirs.StandardError}");
        Assert.True(theirs == ours,
            $"{state}: {string.Join(' ', arguments)}\npgbackrest exit {theirs.ExitCode}:\n{theirs.StandardOutput}{theirs.StandardError}\npgrest exit {ours.ExitCode}:\n{ours.StandardOutput}{ours.StandardError}");
        return (theirs, ours);
    }

    private static async Task CorruptAsync(string infoFile)
    {
        foreach (string file in new[] { infoFile, infoFile + ".copy" })
            await File.WriteAllTextAsync(file, "garbage\n");
    }

    private static async Task TruncateAsync(string file)
    {
        byte[] bytes = await File.ReadAllBytesAsync(file);
        await File.WriteAllBytesAsync(file, bytes[..(bytes.Length / 2)]);
    }
}
