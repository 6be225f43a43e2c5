using System.Globalization;
using System.Text.Json;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// pgBackRest's recommended layout the other way round: backups run on the repository host (the pgrest-repo user,
/// which owns the repository and its passphrase) and reach the database host with <c>pg1-host</c> over a real
/// OpenSSH sshd as the postgres user, where pgrest reads pg_control, scans and copies PGDATA (page checks, SHA-1 and
/// compression there) and relays the database session to the cluster's socket. The database host pushes WAL to the
/// repository host (<c>repo1-host</c>) and restores from it. The real pgBackRest 2.45 on the repository host lists
/// and verifies the result; an unreachable database host fails with pgBackRest's codes and words.
/// </summary>
public sealed class DatabaseHostTests(ITestOutputHelper output)
{
    private const string CipherPass = "repository-host-passphrase";
    private const string Stanza = "orders";

    [Fact]
    public async Task The_repository_host_backs_up_the_database_host_which_recovers_to_a_time()
    {
        var host = await RepositoryHost.CreateAsync("pg-host", "repo1-cipher-type=aes-256-cbc", "repo1-cipher-pass=" + CipherPass,
            "repo1-retention-full=2", "repo1-bundle=y", "compress-type=lz4", "process-max=2", "start-fast=y", "log-level-file=detail");
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, ["archive-async=y", "compress-type=lz4"], stanza: Stanza, repositoryOptions: host.ClientOptions());
        AddDatabaseHost(host, stack);

        await ExpectOnHostAsync(host, "stanza-create");
        await ExpectOnHostAsync(host, "check");
        await stack.ExpectAsync(output, "pgrest", "check");
        await stack.Cluster.ExecuteAsync("create table history as select g as id, md5(g::text) as noise from generate_series(1, 100000) g");
        var full = await ExpectOnHostAsync(host, "--log-level-console=detail", "--type=full", "backup");
        // Named as pgBackRest names a database host's files.
        Assert.Contains($"backup file 127.0.0.1:{stack.Cluster.DataDirectory}/base/", full.StandardOutput, StringComparison.Ordinal);

        await stack.Cluster.ExecuteAsync("create table orders (id serial primary key, item text not null, amount numeric not null)");
        await stack.Cluster.ExecuteAsync("insert into orders (item, amount) select 'item ' || g, g * 1.25 from generate_series(1, 1000) g");
        await stack.Cluster.ExecuteAsync("update history set noise = 'changed' where id <= 1000");
        await ExpectOnHostAsync(host, "--type=incr", "backup");
        var expected = await Tutorial.OrdersHashAsync(stack);
        await Task.Delay(1100); // a time target must fall in a later second than the backup's stop
        var target = await Tutorial.TimeTargetAsync(stack);
        await stack.Cluster.ExecuteAsync("drop table orders");
        await stack.ExpectAsync(output, "pgrest", "check"); // the WAL with the DROP is archived
        await stack.Cluster.StopAsync();

        await Tutorial.RestoreAndPromoteAsync(stack, output, "--type=time", $"--target={target}");
        Assert.Equal(expected, await Tutorial.OrdersHashAsync(stack));
        Assert.Equal(1000L, await stack.Cluster.QueryScalarAsync<long>("select count(*) from history where noise = 'changed'"));

        // The repository host's: written by its user; the files keep the database host's owner in the manifest.
        Assert.Empty(host.NotOwnedByTheHostUser());
        var info = JsonDocument.Parse((await ExpectOnHostAsync(host, "info", "--output=json")).StandardOutput).RootElement[0];
        var backups = info.GetProperty("backup").EnumerateArray().ToList();
        Assert.Equal(["full", "incr"], backups.Select(b => b.GetProperty("type").GetString()));
        var manifest = (await ExpectOnHostAsync(host, "repo-get", $"backup/{Stanza}/{backups[1].GetProperty("label").GetString()}/backup.manifest")).StandardOutput;
        Assert.Contains("user=\"postgres\"", manifest, StringComparison.Ordinal);
        Assert.DoesNotContain(RepositoryHost.User, manifest, StringComparison.Ordinal);

        // pgBackRest 2.45 on the repository host: the same backups, a clean verify.
        var theirs = await host.RunAsync(Tools.Pgbackrest, Stanza, "info", "--output=json");
        output.WriteLine($"(repository host) $ pgbackrest info --output=json -> {theirs.ExitCode}\n{theirs.StandardOutput}{theirs.StandardError}");
        Assert.Equal(0, theirs.ExitCode);
        Assert.Equal(JsonSerializerHelpers.Normalize((await ExpectOnHostAsync(host, "info", "--output=json")).StandardOutput), JsonSerializerHelpers.Normalize(theirs.StandardOutput));
        var verify = await host.RunAsync(Tools.Pgbackrest, Stanza, "verify", "--output=text", "--verbose");
        output.WriteLine($"(repository host) $ pgbackrest verify -> {verify.ExitCode}\n{verify.StandardOutput}{verify.StandardError}");
        Stack.AssertVerifiedClean("pgbackrest", verify.StandardOutput);
    }

    /// <summary>
    /// The same backup through <c>pgrest server</c> on the database host (<c>pg1-host-type=tls</c>), run there as
    /// postgres with a stanza section naming the cluster: the repository host shows a client certificate whose CN
    /// tls-server-auth lets into the stanza. Another CN is refused, and a granted client still cannot read a file of the
    /// host outside the stanza's data directory.
    /// </summary>
    [Fact]
    public async Task The_repository_host_backs_up_the_database_host_through_pgrest_server()
    {
        var port = PgrestServer.FreePort();
        var pki = TestCertificates.CreateTemporary();
        var (serverCert, serverKey) = pki.Issue("server", "db-host", server: true);
        var (clientCert, clientKey) = pki.Issue("repo-host", "repo-host");
        var (intruderCert, intruderKey) = pki.Issue("intruder", "intruder");
        TempDirectory.ChangeOwnerRecursive(pki.Directory, PgCluster.OsUser);

        // Block incremental: its files travel plain and are compared with the prior map on the repository host.
        var host = await RepositoryHost.CreateAsync("pg-host-tls", "repo1-cipher-type=aes-256-cbc", "repo1-cipher-pass=" + CipherPass,
            "compress-type=zst", "process-max=2", "start-fast=y", "repo1-bundle=y", "repo1-block=y");
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, ["compress-type=zst"], stanza: Stanza, repositoryOptions: host.ClientOptions());
        // The database host's server settings, in its [global] section.
        File.WriteAllText(stack.ConfigPath, File.ReadAllText(stack.ConfigPath).Replace("[global]\n", string.Join('\n',
            "[global]", "tls-server-address=127.0.0.1", $"tls-server-port={port}", "tls-server-ca-file=" + pki.CaFile, "tls-server-cert-file=" + serverCert,
            "tls-server-key-file=" + serverKey, "tls-server-auth=repo-host=" + Stanza, ""), StringComparison.Ordinal));
        await using var server = await PgrestServer.StartAsync(PgCluster.OsUser, stack.ConfigPath, port);

        // The repository host's own copies of its certificate, key and the CA.
        var tls = Path.Combine(host.Directory, "tls");
        Directory.CreateDirectory(tls);
        foreach (var file in new[] { pki.CaFile, clientCert, clientKey, intruderCert, intruderKey })
            File.Copy(file, Path.Combine(tls, Path.GetFileName(file)));
        TempDirectory.ChangeOwnerRecursive(tls, RepositoryHost.User);
        File.AppendAllLines(host.ConfigPath,
        [
            $"[{Stanza}]",
            "pg1-host=127.0.0.1", "pg1-host-type=tls", $"pg1-host-port={port}", "pg1-host-ca-file=" + Path.Combine(tls, "ca.crt"),
            "pg1-host-cert-file=" + Path.Combine(tls, Path.GetFileName(clientCert)), "pg1-host-key-file=" + Path.Combine(tls, Path.GetFileName(clientKey)),
            "pg1-path=" + stack.Cluster.DataDirectory,
            "pg1-port=" + stack.Cluster.Port.ToString(CultureInfo.InvariantCulture),
            "pg1-socket-path=" + stack.Cluster.SocketDirectory,
        ]);

        await ExpectOnHostAsync(host, "stanza-create");
        await ExpectOnHostAsync(host, "check");
        await stack.Cluster.ExecuteAsync("create table history as select g as id, md5(g::text) as noise from generate_series(1, 100000) g");
        await ExpectOnHostAsync(host, "--type=full", "backup");
        await stack.Cluster.ExecuteAsync("create table orders as select g as id, 'item ' || g as item, g * 1.25 as amount from generate_series(1, 1000) g");
        await stack.Cluster.ExecuteAsync("update history set noise = 'changed' where id % 1000 = 0");
        await ExpectOnHostAsync(host, "--type=diff", "backup");
        var expected = await Tutorial.OrdersHashAsync(stack);
        var lsn = (await stack.Cluster.QueryScalarAsync<string>("select pg_current_wal_insert_lsn()::text"))!;
        await stack.Cluster.ExecuteAsync("drop table orders");
        await stack.ExpectAsync(output, "pgrest", "check");
        await stack.Cluster.StopAsync();
        await Tutorial.RestoreAndPromoteAsync(stack, output, "--type=lsn", $"--target={lsn}");
        Assert.Equal(expected, await Tutorial.OrdersHashAsync(stack));
        Assert.Equal(100L, await stack.Cluster.QueryScalarAsync<long>("select count(*) from history where noise = 'changed'"));
        var verify = await host.RunAsync(Tools.PgbackrestNewer, Stanza, "verify", "--output=text", "--verbose");
        output.WriteLine($"(repository host) $ pgbackrest-2.55 verify -> {verify.ExitCode}\n{verify.StandardOutput}{verify.StandardError}");
        Stack.AssertVerifiedClean("pgbackrest-2.55", verify.StandardOutput);

        // A CN tls-server-auth does not name: the cluster cannot be checked, as when it cannot be reached.
        var refused = await host.RunAsync(Tools.Pgrest, Stanza, "--pg1-host-cert-file=" + Path.Combine(tls, Path.GetFileName(intruderCert)),
            "--pg1-host-key-file=" + Path.Combine(tls, Path.GetFileName(intruderKey)), "check");
        output.WriteLine($"(repository host) $ pgrest check (intruder) -> {refused.ExitCode}\n{refused.StandardError}");
        Assert.Equal(27, refused.ExitCode);
        Assert.Contains("WARN: unable to check pg1: [AccessError] access denied", refused.StandardError, StringComparison.Ordinal);

        // A granted client asking for pg_control of another directory (the server's own configuration's): refused.
        var elsewhere = await host.RunAsync(Tools.Pgrest, Stanza, "--pg1-path=" + Path.GetDirectoryName(stack.ConfigPath), "--no-online", "stanza-upgrade");
        output.WriteLine($"(repository host) $ pgrest stanza-upgrade (elsewhere) -> {elsewhere.ExitCode}\n{elsewhere.StandardError}");
        Assert.Equal(105, elsewhere.ExitCode);
        Assert.Contains("not in a data directory or tablespace of the stanza on this host", elsewhere.StandardError, StringComparison.Ordinal);
        Assert.Contains("access denied", server.Log, StringComparison.Ordinal);
    }

    /// <summary>
    /// backup-standby with both clusters on the database host side (pg1-host, pg2-host): start and stop on the primary,
    /// the data files read from the standby through its host once it replayed past the start.
    /// </summary>
    [Fact]
    public async Task The_repository_host_backs_up_a_standby_on_its_own_host()
    {
        var host = await RepositoryHost.CreateAsync("pg-host-standby", "process-max=2", "start-fast=y");
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, stanza: Stanza, repositoryOptions: host.ClientOptions());
        await using var standby = await PgCluster.CreateAsync(new PgClusterOptions { Start = false });
        TempDirectory.Empty(standby.DataDirectory);
        (await standby.RunToolAsync("pg_basebackup", ["-D", standby.DataDirectory, "-R", "-X", "stream", "-c", "fast",
            "-h", stack.Cluster.SocketDirectory, "-p", stack.Cluster.Port.ToString(CultureInfo.InvariantCulture), "-U", PgCluster.DatabaseUser])).EnsureSuccess("pg_basebackup");
        await standby.StartAsync();
        AddDatabaseHost(host, stack);
        File.AppendAllLines(host.ConfigPath,
        [
            "pg2-host=" + host.Server["HOST"], "pg2-host-port=" + host.Server["PORT"], "pg2-host-user=" + PgCluster.OsUser,
            "pg2-path=" + standby.DataDirectory, "pg2-port=" + standby.Port.ToString(CultureInfo.InvariantCulture), "pg2-socket-path=" + standby.SocketDirectory,
        ]);

        await ExpectOnHostAsync(host, "stanza-create");
        await stack.Cluster.ExecuteAsync("create table after_standby as select g, md5(g::text) as v from generate_series(1, 50000) g");
        var backup = await ExpectOnHostAsync(host, "--log-level-console=detail", "--backup-standby", "--type=full", "backup");
        Assert.Contains("replay on the standby reached", backup.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"backup file 127.0.0.1:{standby.DataDirectory}/base/", backup.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"backup file 127.0.0.1:{stack.Cluster.DataDirectory}/global/pg_control (", backup.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain($"backup file 127.0.0.1:{stack.Cluster.DataDirectory}/base/", backup.StandardOutput, StringComparison.Ordinal);
        var verify = await host.RunAsync(Tools.Pgbackrest, Stanza, "verify", "--output=text", "--verbose");
        output.WriteLine($"(repository host) $ pgbackrest verify -> {verify.ExitCode}\n{verify.StandardOutput}{verify.StandardError}");
        Stack.AssertVerifiedClean("pgbackrest", verify.StandardOutput);
    }

    /// <summary>
    /// A query that exceeds db-timeout is cancelled on the server, as libpq would cancel it: Npgsql's cancel request
    /// opens a connection of its own to the relayed socket, which the relay carries to the database host too.
    /// </summary>
    [Fact]
    public async Task A_query_past_db_timeout_is_cancelled_on_the_database_hosts_server()
    {
        var host = await RepositoryHost.CreateAsync("pg-host-cancel", "start-fast=y", "archive-check=n");
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, stanza: Stanza, repositoryOptions: host.ClientOptions());
        AddDatabaseHost(host, stack);
        await ExpectOnHostAsync(host, "stanza-create");

        // A session that holds pg_tablespace: the backup's tablespace query waits for it.
        using var holding = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var holder = stack.Cluster.RunToolAsync("psql", ["-h", stack.Cluster.SocketDirectory, "-p", stack.Cluster.Port.ToString(CultureInfo.InvariantCulture),
            "-U", PgCluster.DatabaseUser, "-d", "postgres", "-c", "begin; lock table pg_catalog.pg_tablespace in access exclusive mode; select pg_sleep(20); commit;"],
            holding.Token);
        await Task.Delay(1000);

        var timedOut = await host.RunAsync(Tools.Pgrest, Stanza, "--db-timeout=2", "--type=full", "backup");
        output.WriteLine($"(repository host) $ pgrest --db-timeout=2 backup -> {timedOut.ExitCode}\n{timedOut.StandardError}");
        Assert.Equal(57, timedOut.ExitCode);
        Assert.Contains("pg_tablespace", timedOut.StandardError, StringComparison.Ordinal);
        Assert.Contains("timed out after 2000ms", timedOut.StandardError, StringComparison.Ordinal);
        Assert.Contains("canceling statement due to user request", stack.ReadLog(), StringComparison.Ordinal);
        await holding.CancelAsync();
        try
        {
            await holder;
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Archive-push, archive-get and restore work on the cluster's own files: pg1-host set is refused by both tools.</summary>
    [Fact]
    public async Task A_database_host_that_cannot_be_reached_fails_as_pgbackrest_fails()
    {
        await using var stack = await Stack.CreateAsync(start: false, stanza: Stanza);
        string[] unreachable = ["--pg1-host=127.0.0.1", "--pg1-host-port=1"];
        foreach (var (arguments, code) in new (string[] Arguments, int Code)[]
        {
            ([.. unreachable, "stanza-create"], 56),
            ([.. unreachable, "check"], 27),
            (["--pg1-host=127.0.0.1", "restore"], 72),
            (["--pg1-host=127.0.0.1", "archive-get", "000000010000000000000001", Path.Combine(stack.Cluster.DataDirectory, "pg_wal", "RECOVERYXLOG")], 72),
            (["--pg1-host=127.0.0.1", "archive-push", Path.Combine(stack.Cluster.DataDirectory, "pg_wal", "000000010000000000000001")], 72),
        })
        {
            var ours = await Stack.RunToolAsync(stack, "pgrest", arguments);
            var theirs = await Stack.RunToolAsync(stack, "pgbackrest", arguments);
            output.WriteLine($"{string.Join(' ', arguments)}: pgrest -> {ours.ExitCode}\n{ours.StandardError}pgbackrest -> {theirs.ExitCode}\n{theirs.StandardError}");
            Assert.Equal(code, theirs.ExitCode);
            Assert.Equal(code, ours.ExitCode);
            Assert.Equal(theirs.StandardError, ours.StandardError);
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(stack.RepoPath));
    }

    /// <summary>The repository host's stanza section: the cluster is on the database host, reached as postgres over SSH.</summary>
    private static void AddDatabaseHost(RepositoryHost host, Stack stack) =>
        File.AppendAllLines(host.ConfigPath,
        [
            "cmd-ssh=" + host.Server["REPO_SSH_CMD"],
            $"[{Stanza}]",
            "pg1-host=" + host.Server["HOST"],
            "pg1-host-port=" + host.Server["PORT"],
            "pg1-host-user=" + PgCluster.OsUser,
            "pg1-path=" + stack.Cluster.DataDirectory,
            "pg1-port=" + stack.Cluster.Port.ToString(CultureInfo.InvariantCulture),
            "pg1-socket-path=" + stack.Cluster.SocketDirectory,
        ]);

    private async Task<ProcessResult> ExpectOnHostAsync(RepositoryHost host, params string[] arguments)
    {
        var result = await host.RunAsync(Tools.Pgrest, Stanza, arguments);
        var shown = result.StandardOutput.Length > 4000 ? result.StandardOutput[..4000] + "\n..." : result.StandardOutput;
        output.WriteLine($"(repository host) $ pgrest {string.Join(' ', arguments)} -> {result.ExitCode}\n{shown}{result.StandardError}");
        Assert.True(result.ExitCode == 0, $"pgrest {string.Join(' ', arguments)} on the repository host exited {result.ExitCode}:\n{result.StandardError}{result.StandardOutput}");
        return result;
    }
}
