using System.Globalization;
using PgRest.Info;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// <c>--backup-standby</c> against a real streaming standby (pg_basebackup -R of the primary): start/stop run on the
/// primary, the data files are read from the standby once it replayed past the start, and the backup restores; with the
/// standby down both tools refuse the same way.
/// </summary>
public sealed class StandbyBackupTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Backup_from_a_streaming_standby_reads_data_files_there_and_restores()
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest);
        await ExpectAsync(stack, "pgrest", "stanza-create");
        await stack.Cluster.ExecuteAsync("create table before_standby as select g, md5(g::text) as v from generate_series(1, 50000) g");

        await using var standby = await PgCluster.CreateAsync(new PgClusterOptions { Start = false });
        foreach (var entry in Directory.GetFileSystemEntries(standby.DataDirectory))
        {
            if (Directory.Exists(entry))
                Directory.Delete(entry, recursive: true);
            else
                File.Delete(entry);
        }

        (await standby.RunToolAsync("pg_basebackup", ["-D", standby.DataDirectory, "-R", "-X", "stream", "-c", "fast",
            "-h", stack.Cluster.SocketDirectory, "-p", stack.Cluster.Port.ToString(CultureInfo.InvariantCulture), "-U", PgCluster.DatabaseUser])).EnsureSuccess("pg_basebackup");
        await standby.StartAsync();
        Assert.True(await standby.QueryScalarAsync<bool>("select pg_is_in_recovery()"));
        stack.WriteConfig([], [$"pg2-path={standby.DataDirectory}", $"pg2-port={standby.Port}", $"pg2-socket-path={standby.SocketDirectory}"]);

        // Written after the standby was cloned: it must have replayed this for the backup to contain it.
        await stack.Cluster.ExecuteAsync("create table after_standby as select g, md5(g::text) as v from generate_series(1, 50000) g");
        var data = await DataAsync(stack.Cluster);

        var backup = await ExpectAsync(stack, "pgrest", "--log-level-console=detail", "--backup-standby", "--type=full", "backup");
        Assert.Contains("wait for replay on the standby to reach", backup.StandardOutput);
        Assert.Contains("replay on the standby reached", backup.StandardOutput);
        Assert.Contains($"backup file {standby.DataDirectory}/base/", backup.StandardOutput);
        Assert.Contains($"backup file {stack.Cluster.DataDirectory}/global/pg_control (", backup.StandardOutput);
        Assert.Contains($"backup file {stack.Cluster.DataDirectory}/postgresql.conf (", backup.StandardOutput);
        Assert.DoesNotContain($"backup file {stack.Cluster.DataDirectory}/base/", backup.StandardOutput);

        var label = Assert.Single(BackupInfo.Parse(File.ReadAllText(Path.Combine(stack.RepoPath, "backup", Stack.StanzaName, "backup.info"))).Current.Keys);
        Assert.Contains("option-backup-standby=true", File.ReadAllText(Path.Combine(stack.RepoPath, "backup", Stack.StanzaName, label, "backup.manifest")));
        await ExpectAsync(stack, "pgbackrest", "verify");

        // The standby down: pgBackRest 2.45 warns about pg2 and gives up; so does pgrest. 'prefer' is not a 2.45 value.
        await standby.StopAsync();
        foreach (var tool in new[] { "pgbackrest", "pgrest" })
        {
            var down = tool == "pgrest" ? await stack.PgrestAsync("--backup-standby", "--type=full", "backup") : await stack.PgbackrestAsync("--backup-standby", "--type=full", "backup");
            output.WriteLine($"$ {tool} --backup-standby backup (standby down) -> {down.ExitCode}\n{down.StandardOutput}{down.StandardError}");
            Assert.Equal(56, down.ExitCode);
            Assert.Contains("WARN: unable to check pg2: [DbConnectError]", down.StandardError);
            Assert.Contains("ERROR: [056]: unable to find standby cluster - cannot proceed", down.StandardError);

            var prefer = tool == "pgrest" ? await stack.PgrestAsync("--backup-standby=prefer", "backup") : await stack.PgbackrestAsync("--backup-standby=prefer", "backup");
            Assert.Equal(32, prefer.ExitCode);
            Assert.Contains("boolean option '--backup-standby' argument must be 'y' or 'n'", prefer.StandardError);
        }

        await stack.Cluster.StopAsync();
        foreach (var entry in Directory.GetFileSystemEntries(stack.Cluster.DataDirectory))
        {
            if (Directory.Exists(entry))
                Directory.Delete(entry, recursive: true);
            else
                File.Delete(entry);
        }

        await ExpectAsync(stack, "pgrest", "--type=immediate", "--target-action=promote", "restore");
        await stack.Cluster.StartAsync();
        await stack.WaitForPromotionAsync();
        Assert.Equal(data, await DataAsync(stack.Cluster));
    }

    private static async Task<string> DataAsync(PgCluster cluster) => (await cluster.QueryScalarAsync<string>(
        "select (select count(*) || ':' || sum(hashtext(v)) from before_standby) || '/' || (select count(*) || ':' || sum(hashtext(v)) from after_standby)"))!;

    private Task<ProcessResult> ExpectAsync(Stack stack, string tool, params string[] arguments) =>
        stack.ExpectAsync(output, tool, arguments);
}
