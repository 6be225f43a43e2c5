using System.Diagnostics;
using System.Globalization;
using PgRest.Errors;
using PgRest.Info;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// A full backup of a ~300 MB cluster killed (SIGKILL) in the middle of the copy leaves its directory with only
/// <c>backup.manifest.copy</c>; the next full backup takes it over (pgBackRest's resume): the files the saved manifest has
/// checksums for are checked in the repository instead of copied again, and the result verifies and restores.
/// </summary>
public sealed class ResumeTests(ITestOutputHelper output)
{
    private const int Tables = 8;

    [Fact]
    public async Task A_killed_pgrest_backup_is_resumed_without_recopying_the_saved_files_and_restores()
    {
        await using var stack = await CreateStackAsync();
        var (label, saved) = await KillBackupMidCopyAsync(stack);
        var before = saved.ToDictionary(f => f.Name, f => Stat(stack, label, f.Name));
        var data = await DataChecksumAsync(stack);

        var resumed = await ExpectAsync(stack, "pgrest", "--log-level-console=detail", "--type=full", "backup");
        Assert.Contains($"WARN: resumable backup {label} of same type exists -- invalid files will be removed then the backup will resume", resumed.StandardError + resumed.StandardOutput);
        foreach (var file in saved)
        {
            var local = stack.Cluster.DataDirectory + file.Name["pg_data".Length..];
            Assert.Contains($"checksum resumed file {local} (", resumed.StandardOutput);
            Assert.DoesNotContain($"backup file {local} (", resumed.StandardOutput);
            // The repository file is the one the killed backup wrote: same inode and mtime.
            Assert.Equal(before[file.Name], Stat(stack, label, file.Name));
        }

        var info = BackupInfo.Parse(File.ReadAllText(Path.Combine(stack.RepoPath, "backup", Stack.StanzaName, "backup.info")));
        Assert.Equal([label], info.Current.Keys);
        await ExpectAsync(stack, "pgrest", "verify");
        await ExpectAsync(stack, "pgbackrest", "verify");

        await stack.Cluster.StopAsync();
        TempDirectory.Empty(stack.Cluster.DataDirectory);
        var restore = await ExpectAsync(stack, "pgrest", "--log-level-console=info", "restore");
        Assert.Contains($"restore backup set {label}", restore.StandardOutput);
        await stack.Cluster.StartAsync();
        await stack.WaitForPromotionAsync();
        Assert.Equal(data, await DataChecksumAsync(stack));
    }

    [Fact]
    public async Task Pgbackrest_resumes_a_backup_that_pgrest_was_killed_in()
    {
        await using var stack = await CreateStackAsync();
        var (label, saved) = await KillBackupMidCopyAsync(stack);

        var resumed = await ExpectAsync(stack, "pgbackrest", "--log-level-console=detail", "--type=full", "backup");
        Assert.Contains($"WARN: resumable backup {label} of same type exists -- invalid files will be removed then the backup will resume", resumed.StandardError + resumed.StandardOutput);
        foreach (var file in saved)
            Assert.Contains($"checksum resumed file {stack.Cluster.DataDirectory + file.Name["pg_data".Length..]} (", resumed.StandardOutput);
        await ExpectAsync(stack, "pgbackrest", "verify");
        await ExpectAsync(stack, "pgrest", "verify");
    }

    [Fact]
    public async Task A_killed_block_incremental_backup_is_resumed_and_restores_with_pgrest_and_pgBackRest()
    {
        await using var stack = await CreateStackAsync("repo1-bundle=y", "repo1-block=y", "compress-type=zst");
        var (label, _) = await KillBackupMidCopyAsync(stack);
        var data = await DataChecksumAsync(stack);

        var resumed = await ExpectAsync(stack, "pgrest", "--log-level-console=info", "--type=full", "backup");
        Assert.Contains($"WARN: resumable backup {label} of same type exists -- invalid files will be removed then the backup will resume", resumed.StandardError + resumed.StandardOutput);
        var info = BackupInfo.Parse(File.ReadAllText(Path.Combine(stack.RepoPath, "backup", Stack.StanzaName, "backup.info")));
        Assert.Equal([label], info.Current.Keys);
        await ExpectAsync(stack, "pgrest", "verify");
        await ExpectAsync(stack, "pgbackrest-2.55", "verify");

        foreach (var tool in new[] { "pgrest", "pgbackrest-2.55" })
        {
            await stack.Cluster.StopAsync();
            TempDirectory.Empty(stack.Cluster.DataDirectory);
            await ExpectAsync(stack, tool, "--type=immediate", "--target-action=promote", "restore");
            await stack.Cluster.StartAsync();
            await stack.WaitForPromotionAsync();
            Assert.Equal(data, await DataChecksumAsync(stack));
        }
    }

    [Fact]
    public async Task With_resume_disabled_the_killed_backup_is_removed_and_a_new_one_made()
    {
        await using var stack = await CreateStackAsync();
        var (label, _) = await KillBackupMidCopyAsync(stack);

        var fresh = await ExpectAsync(stack, "pgrest", "--log-level-console=info", "--no-resume", "--type=full", "backup");
        Assert.Contains($"INFO: backup '{label}' cannot be resumed: resume is disabled", fresh.StandardOutput);
        Assert.False(Directory.Exists(Path.Combine(stack.RepoPath, "backup", Stack.StanzaName, label)));
        var info = BackupInfo.Parse(File.ReadAllText(Path.Combine(stack.RepoPath, "backup", Stack.StanzaName, "backup.info")));
        Assert.NotEqual(label, Assert.Single(info.Current.Keys));
        await ExpectAsync(stack, "pgbackrest", "verify");
    }

    private async Task<Stack> CreateStackAsync(params string[] options)
    {
        // One worker and a low save threshold: the manifest is saved after every big file, as pgBackRest does after 1% of the data.
        var stack = await Stack.CreateAsync(Archiver.Pgrest, ["process-max=1", "manifest-save-threshold=1048576", .. options]);
        await ExpectAsync(stack, "pgrest", "stanza-create");
        for (var table = 1; table <= Tables; table++)
        {
            await stack.Cluster.ExecuteAsync(
                $"create table t{table} as select g, md5(g::text) || md5((g * {table})::text) || md5((g + {table})::text) as payload from generate_series(1, 300000) g");
        }

        // Settle the tables (hint bits, visibility map) so that their files keep size and mtime across the two backups.
        await stack.Cluster.SetSettingsAsync(new Dictionary<string, string> { ["autovacuum"] = "off" });
        for (var table = 1; table <= Tables; table++)
            await stack.Cluster.ExecuteAsync($"vacuum (freeze, analyze) t{table}");
        await stack.Cluster.ExecuteAsync("checkpoint");
        return stack;
    }

    /// <summary>Starts a full pgrest backup and SIGKILLs it once the saved manifest holds checksums for two of the big table files.</summary>
    private async Task<(string Label, List<ManifestFile> Saved)> KillBackupMidCopyAsync(Stack stack)
    {
        var start = new ProcessStartInfo("runuser")
        {
            ArgumentList = { "-u", PgCluster.OsUser, "--", Tools.Pgrest, $"--config={stack.ConfigPath}", $"--stanza={Stack.StanzaName}", "--type=full", "backup" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = "/tmp",
        };
        using var runuser = Process.Start(start)!;
        var stdout = runuser.StandardOutput.ReadToEndAsync();
        var stderr = runuser.StandardError.ReadToEndAsync();
        var backupDirectory = Path.Combine(stack.RepoPath, "backup", Stack.StanzaName);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            if (runuser.HasExited)
                Assert.Fail($"the backup ended before it could be killed:\n{await stdout}{await stderr}");
            Assert.True(DateTime.UtcNow < deadline, "no manifest with saved checksums appeared");
            var saved = SavedFiles(backupDirectory);
            if (saved is { } found && found.Files.Count(f => f.Size > 10_000_000) >= 2)
            {
                output.WriteLine($"saved manifest of {found.Label} lists {found.Files.Count} checksummed files at {DateTime.UtcNow:HH:mm:ss.fff}");
                var pgrest = await ChildOfAsync(runuser.Id);
                Process.GetProcessById(pgrest).Kill();
                await runuser.WaitForExitAsync();
                output.WriteLine($"killed pgrest {pgrest} with {found.Files.Count} files saved in {found.Label}:\n{await stdout}{await stderr}");
                Assert.False(File.Exists(Path.Combine(backupDirectory, found.Label, "backup.manifest")));
                // Read the copy again: a save may have landed between the check and the kill.
                return (found.Label, SavedFiles(backupDirectory)!.Value.Files);
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The files of the in-progress backup whose checksum its saved manifest records.</summary>
    private static (string Label, List<ManifestFile> Files)? SavedFiles(string backupDirectory)
    {
        foreach (var directory in Directory.Exists(backupDirectory) ? Directory.GetDirectories(backupDirectory) : [])
        {
            var copy = Path.Combine(directory, "backup.manifest.copy");
            if (!File.Exists(copy))
                continue;
            try
            {
                var manifest = Manifest.Parse(File.ReadAllText(copy));
                return (manifest.Label, manifest.Files.Where(f => f.Size > 0 && f.Checksum is not null && f.Reference is null).ToList());
            }
            catch (Exception e) when (e is IOException or PgRestException)
            {
                // replaced while read
            }
        }

        return null;
    }

    /// <summary>The process runuser started (runuser forks; killing it would leave pgrest running).</summary>
    private static async Task<int> ChildOfAsync(int pid)
    {
        var children = (await ProcessRunner.RunAsync("ps", ["-o", "pid=", "--ppid", pid.ToString(CultureInfo.InvariantCulture)])).StandardOutput;
        return int.Parse(Assert.Single(children.Split('\n', StringSplitOptions.RemoveEmptyEntries)), CultureInfo.InvariantCulture);
    }

    private static (long Inode, DateTime Modified) Stat(Stack stack, string label, string name)
    {
        var path = Path.Combine(stack.RepoPath, "backup", Stack.StanzaName, label, name + ".gz");
        var inode = long.Parse(ProcessRunner.RunAsync("stat", ["-c", "%i", path]).GetAwaiter().GetResult().EnsureSuccess("stat").StandardOutput.Trim(), CultureInfo.InvariantCulture);
        return (inode, File.GetLastWriteTimeUtc(path));
    }

    private static async Task<string> DataChecksumAsync(Stack stack)
    {
        var parts = new List<string>();
        for (var table = 1; table <= Tables; table++)
            parts.Add((await stack.Cluster.QueryScalarAsync<long>($"select count(*) * 1000003 + sum(hashtext(payload)) from t{table}")).ToString(CultureInfo.InvariantCulture));
        return string.Join('/', parts);
    }


    private Task<ProcessResult> ExpectAsync(Stack stack, string tool, params string[] arguments) =>
        stack.ExpectAsync(output, tool, arguments);
}
