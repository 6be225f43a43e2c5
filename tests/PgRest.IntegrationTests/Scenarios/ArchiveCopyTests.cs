using PgRest.Info;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// <c>--archive-copy</c>: the WAL from backup start to stop is stored in the backup as <c>pg_data/pg_wal/&lt;segment&gt;</c>, both
/// tools verify the result, and both restore it to a consistent cluster with the WAL archive gone.
/// </summary>
public sealed class ArchiveCopyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_pgrest_archive_copy_backup_restores_without_the_archive_with_both_tools()
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest);
        await ExpectAsync(stack, "pgrest", "stanza-create");
        await stack.Cluster.ExecuteAsync("create table t as select g, md5(g::text) as v from generate_series(1, 100000) g");
        var backup = await ExpectAsync(stack, "pgrest", "--log-level-console=detail", "--archive-copy", "--type=full", "backup");
        var data = await stack.Cluster.QueryScalarAsync<string>("select count(*) || ':' || sum(hashtext(v)) from t");

        var info = BackupInfo.Parse(File.ReadAllText(Path.Combine(stack.RepoPath, "backup", Stack.StanzaName, "backup.info")));
        var label = Assert.Single(info.Current.Keys);
        var manifest = Manifest.Parse(File.ReadAllText(Path.Combine(stack.RepoPath, "backup", Stack.StanzaName, label, "backup.manifest")));
        Assert.True(manifest.Options.ArchiveCopy == true);
        var wal = manifest.Files.Where(f => f.Name.StartsWith("pg_data/pg_wal/", StringComparison.Ordinal)).ToList();
        Assert.Contains(wal, f => f.Name == "pg_data/pg_wal/" + manifest.ArchiveStart);
        Assert.Contains(wal, f => f.Name == "pg_data/pg_wal/" + manifest.ArchiveStop);
        Assert.Contains($"copy segment {manifest.ArchiveStart} to backup", backup.StandardOutput);
        await ExpectAsync(stack, "pgrest", "verify");
        await ExpectAsync(stack, "pgbackrest", "verify");

        await stack.Cluster.StopAsync();
        var archive = Path.Combine(stack.RepoPath, "archive");
        Directory.Move(archive, archive + "-gone");
        foreach (var tool in new[] { "pgbackrest", "pgrest" })
        {
            foreach (var entry in Directory.GetFileSystemEntries(stack.Cluster.DataDirectory))
            {
                if (Directory.Exists(entry))
                    Directory.Delete(entry, recursive: true);
                else
                    File.Delete(entry);
            }

            await ExpectAsync(stack, tool, "--type=immediate", "--target-action=promote", "restore");
            Assert.True(File.Exists(Path.Combine(stack.Cluster.DataDirectory, "pg_wal", manifest.ArchiveStop!)));
            await stack.Cluster.StartAsync();
            await stack.WaitForPromotionAsync();
            Assert.Equal(data, await stack.Cluster.QueryScalarAsync<string>("select count(*) || ':' || sum(hashtext(v)) from t"));
            await stack.Cluster.StopAsync();
        }
    }

    private Task<ProcessResult> ExpectAsync(Stack stack, string tool, params string[] arguments) =>
        stack.ExpectAsync(output, tool, arguments);
}
