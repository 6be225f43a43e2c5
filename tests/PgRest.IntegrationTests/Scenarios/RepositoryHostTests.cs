using System.Text.Json;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// The PITR tutorial with a dedicated repository host (<c>repo1-host</c> over SSH to a real OpenSSH sshd; the
/// pgrest-repo user is the backup host and owns the repository and its passphrase, postgres is the database host):
/// stanza-create, archive-push (asynchronous), a backup and a PITR restore, all run on the database host as
/// pgBackRest 2.55+ allows, every storage operation done by pgrest on the repository host. The real pgBackRest lists,
/// verifies and restores the result, on the repository host itself (2.45) and from the database host through its own
/// remote over the same SSH (2.45); and pgrest reads what pgBackRest 2.55.1 wrote through its remote. Refused
/// connections fail with the same code from both tools.
/// </summary>
public sealed class RepositoryHostTests(ITestOutputHelper output)
{
    private const int Orders = 1000;
    private const string CipherPass = "repository-host-passphrase";

    private static readonly string[] GlobalOptions = ["compress-type=lz4", "process-max=2", "archive-async=y", "log-level-file=detail"];

    /// <summary>Encrypted: the passphrase lives only in the repository host's configuration.</summary>
    private static Task<RepositoryHost> HostAsync(string name) =>
        RepositoryHost.CreateAsync(name, "repo1-cipher-type=aes-256-cbc", "repo1-cipher-pass=" + CipherPass);

    // Backup options are read where backup runs: on the database host.
    private static List<string> ClientOptions(RepositoryHost host) => [.. host.ClientOptions(), "repo1-retention-full=2", "repo1-bundle=y"];

    [Fact]
    public async Task The_database_host_archives_backs_up_and_recovers_through_the_repository_host()
    {
        var host = await HostAsync("orders");
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, GlobalOptions, stanza: "orders", repositoryOptions: ClientOptions(host));
        await stack.ExpectAsync(output, "pgrest", "stanza-create");
        await stack.ExpectAsync(output, "pgrest", "check");
        await stack.Cluster.ExecuteAsync("create table history as select g as id, md5(g::text) as noise from generate_series(1, 100000) g");
        await stack.ExpectAsync(output, "pgrest", "--type=full", "backup");
        await Task.Delay(1100); // a time target must fall in a later second than the backup's stop

        await stack.Cluster.ExecuteAsync("create table orders (id serial primary key, item text not null, amount numeric not null)");
        await stack.Cluster.ExecuteAsync($"insert into orders (item, amount) select 'item ' || g, g * 1.25 from generate_series(1, {Orders}) g");
        var expected = await Tutorial.OrdersHashAsync(stack);
        var target = await Tutorial.TimeTargetAsync(stack);
        await stack.Cluster.ExecuteAsync("drop table orders");
        await stack.Cluster.ExecuteAsync("insert into history select g, md5(g::text) from generate_series(100001, 130000) g");
        await stack.ExpectAsync(output, "pgrest", "check"); // the WAL with the DROP is archived
        await stack.Cluster.StopAsync();

        await Tutorial.RestoreAndPromoteAsync(stack, output, "--type=time", $"--target={target}");
        Assert.Equal(expected, await Tutorial.OrdersHashAsync(stack));
        Assert.Equal(100000L, await stack.Cluster.QueryScalarAsync<long>("select count(*) from history"));
        await stack.Cluster.ExecuteAsync("create table after_recovery as select 42 as answer");
        await stack.ExpectAsync(output, "pgrest", "check");

        // The repository is the repository host's: written by its user, encrypted with the passphrase only it has, which
        // never appears on a command line (the debug log shows the ssh command in full).
        Assert.Empty(host.NotOwnedByTheHostUser());
        Assert.DoesNotContain(CipherPass, File.ReadAllText(stack.ConfigPath), StringComparison.Ordinal);
        var debug = await stack.ExpectAsync(output, "pgrest", "--log-level-console=debug", "info");
        Assert.Contains($"remote-0 process on '127.0.0.1': {host.Server["SSH_CMD"]} -o LogLevel=error -o Compression=no -o PasswordAuthentication=no", debug.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(CipherPass, debug.StandardOutput + debug.StandardError, StringComparison.Ordinal);
        Assert.Contains("cipher: aes-256-cbc", debug.StandardOutput, StringComparison.Ordinal);

        // pgBackRest 2.45 on the repository host itself: the same backups and archive, a clean verify.
        var ours = (await stack.ExpectAsync(output, "pgrest", "info", "--output=json")).StandardOutput;
        var onHost = await ExpectOnHostAsync(host, Tools.Pgbackrest, "info", "--output=json");
        var stanza = JsonDocument.Parse(onHost.StandardOutput).RootElement[0];
        Assert.Equal("ok", stanza.GetProperty("status").GetProperty("message").GetString());
        Assert.Equal(JsonSerializerHelpers.Normalize(ours), JsonSerializerHelpers.Normalize(onHost.StandardOutput));
        Stack.AssertVerifiedClean("pgbackrest", (await ExpectOnHostAsync(host, Tools.Pgbackrest, "verify", "--output=text", "--verbose")).StandardOutput);
        await stack.ExpectAsync(output, "pgrest", "verify");

        // pgBackRest 2.45 from the database host, through its own remote on the repository host, restores it.
        Assert.Equal(JsonSerializerHelpers.Normalize(ours),
            JsonSerializerHelpers.Normalize((await stack.ExpectAsync(output, "pgbackrest", "info", "--output=json")).StandardOutput));
        await stack.Cluster.StopAsync();
        TempDirectory.Empty(stack.Cluster.DataDirectory);
        await stack.ExpectAsync(output, "pgbackrest", "--log-level-console=info", "--type=default", "restore");
        await stack.Cluster.StartAsync();
        await stack.WaitForPromotionAsync();
        Assert.Equal(expected, await Tutorial.OrdersHashAsync(stack));
        Assert.Equal(42, await stack.Cluster.QueryScalarAsync<int>("select answer from after_recovery"));
    }

    [Fact]
    public async Task Pgbackrest_writes_through_its_remote_and_pgrest_reads_through_its_own()
    {
        var host = await HostAsync("reverse");
        await using var stack = await Stack.CreateAsync(Archiver.PgbackrestNewer, GlobalOptions, stanza: "orders", repositoryOptions: ClientOptions(host));
        // 2.55.1 backs up from the database host through a repository host (2.45 refuses: [072]).
        await stack.ExpectAsync(output, "pgbackrest-2.55", "stanza-create");
        await stack.Cluster.ExecuteAsync("create table history as select g as id, md5(g::text) as noise from generate_series(1, 100000) g");
        await stack.ExpectAsync(output, "pgbackrest-2.55", "--type=full", "backup");
        await stack.Cluster.ExecuteAsync($"create table orders as select g as id, 'item ' || g as item, g * 1.25 as amount from generate_series(1, {Orders}) g");
        var expected = await Tutorial.OrdersHashAsync(stack);
        await stack.ExpectAsync(output, "pgbackrest-2.55", "check");

        Assert.Equal(JsonSerializerHelpers.Normalize((await stack.ExpectAsync(output, "pgbackrest-2.55", "info", "--output=json")).StandardOutput),
            JsonSerializerHelpers.Normalize((await stack.ExpectAsync(output, "pgrest", "info", "--output=json")).StandardOutput));
        await stack.ExpectAsync(output, "pgrest", "verify");

        await stack.Cluster.StopAsync();
        TempDirectory.Empty(stack.Cluster.DataDirectory);
        await stack.ExpectAsync(output, "pgrest", "--log-level-console=info", "restore");
        await stack.Cluster.StartAsync();
        await stack.WaitForPromotionAsync();
        Assert.Equal(expected, await Tutorial.OrdersHashAsync(stack));
        Assert.Equal(100000L, await stack.Cluster.QueryScalarAsync<long>("select count(*) from history"));
    }

    /// <summary>
    /// A backup from the database host also takes the backup lock on the repository host, so a process there that holds
    /// it (an expire, a backup of another database host) keeps it out with [050] and no hint about backup.info.
    /// pgBackRest 2.55.1 does not: its backup from the database host runs while that lock is held (this test shows it).
    /// </summary>
    [Fact]
    public async Task A_backup_lock_held_on_the_repository_host_keeps_a_database_host_backup_out()
    {
        var host = await HostAsync("locked");
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, GlobalOptions, stanza: "orders", repositoryOptions: ClientOptions(host));
        await stack.ExpectAsync(output, "pgrest", "stanza-create");
        var lockFile = Path.Combine(host.Directory, "lock", "orders-backup.lock");
        var holder = System.Diagnostics.Process.Start("runuser", ["-u", RepositoryHost.User, "--", "flock", lockFile, "sleep", "60"])!;
        try
        {
            for (var wait = 0; wait < 100 && !File.Exists(lockFile); wait++)
                await Task.Delay(50);
            var refused = await Stack.RunToolAsync(stack, "pgrest", "--type=full", "backup");
            output.WriteLine($"pgrest backup -> {refused.ExitCode}\n{refused.StandardError}{refused.StandardOutput}");
            Assert.Equal(50, refused.ExitCode);
            Assert.StartsWith($"ERROR: [050]: unable to acquire lock on file '{lockFile}': Resource temporarily unavailable\n", refused.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain("backup.info", refused.StandardError, StringComparison.Ordinal);

            var theirs = await Stack.RunToolAsync(stack, "pgbackrest-2.55", "--type=full", "backup");
            output.WriteLine($"pgbackrest-2.55 backup -> {theirs.ExitCode}\n{theirs.StandardError}{theirs.StandardOutput}");
            Assert.Equal(0, theirs.ExitCode);
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            await holder.WaitForExitAsync();
        }

        await stack.ExpectAsync(output, "pgrest", "--type=full", "backup");
        // Released (and its file removed, as pgBackRest does) when the backup is done.
        Assert.False(File.Exists(lockFile));
    }

    /// <summary>
    /// The same through <c>pgrest server</c> on the repository host (<c>repo1-host-type=tls</c>): the database host shows
    /// a client certificate signed by the server's CA whose CN tls-server-auth lets into the stanza; another CN, another
    /// stanza or a certificate from no CA is refused; server-ping needs no certificate.
    /// </summary>
    [Fact]
    public async Task The_database_host_recovers_through_pgrest_server_with_a_client_certificate()
    {
        var port = PgrestServer.FreePort();
        var pki = TestCertificates.CreateTemporary();
        var (serverCert, serverKey) = pki.Issue("server", "repo-host", server: true);
        var (clientCert, clientKey) = pki.Issue("db-host", "db-host");
        var (intruderCert, intruderKey) = pki.Issue("intruder", "intruder");
        var (selfCert, selfKey) = pki.Issue("self-signed", "db-host", signedByCa: false);
        TempDirectory.ChangeOwnerRecursive(pki.Directory, PgCluster.OsUser);
        var host = await RepositoryHost.CreateAsync("tls", "repo1-cipher-type=aes-256-cbc", "repo1-cipher-pass=" + CipherPass,
            "tls-server-address=127.0.0.1", $"tls-server-port={port}", "tls-server-ca-file=" + Path.Combine(RepositoryHostFiles, "ca.crt"),
            "tls-server-cert-file=" + Path.Combine(RepositoryHostFiles, "server.crt"), "tls-server-key-file=" + Path.Combine(RepositoryHostFiles, "server.key"),
            "tls-server-auth=db-host=orders");
        // The server's own files live on the repository host, readable by its user only.
        Directory.CreateDirectory(Path.Combine(host.Directory, "tls"));
        foreach (var file in new[] { pki.CaFile, serverCert, serverKey })
            File.Copy(file, Path.Combine(host.Directory, "tls", Path.GetFileName(file)));
        File.WriteAllText(host.ConfigPath, File.ReadAllText(host.ConfigPath).Replace(RepositoryHostFiles, Path.Combine(host.Directory, "tls"), StringComparison.Ordinal));
        TempDirectory.ChangeOwnerRecursive(host.Directory, RepositoryHost.User);
        await using var server = await PgrestServer.StartAsync(host, port);

        List<string> client =
        [
            "repo1-host=127.0.0.1", "repo1-host-type=tls", $"repo1-host-port={port}", "repo1-host-ca-file=" + pki.CaFile,
            "repo1-host-cert-file=" + clientCert, "repo1-host-key-file=" + clientKey, "repo1-retention-full=2", "repo1-bundle=y",
        ];
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, GlobalOptions, stanza: "orders", repositoryOptions: client);
        await stack.ExpectAsync(output, "pgrest", "stanza-create");
        await stack.ExpectAsync(output, "pgrest", "check");
        await stack.Cluster.ExecuteAsync("create table history as select g as id, md5(g::text) as noise from generate_series(1, 100000) g");
        await stack.ExpectAsync(output, "pgrest", "--type=full", "backup");
        await stack.Cluster.ExecuteAsync($"create table orders as select g as id, 'item ' || g as item, g * 1.25 as amount from generate_series(1, {Orders}) g");
        var expected = await Tutorial.OrdersHashAsync(stack);
        var lsn = (await stack.Cluster.QueryScalarAsync<string>("select pg_current_wal_insert_lsn()::text"))!;
        await stack.Cluster.ExecuteAsync("drop table orders");
        await stack.ExpectAsync(output, "pgrest", "check");
        await stack.Cluster.StopAsync();
        await Tutorial.RestoreAndPromoteAsync(stack, output, "--type=lsn", $"--target={lsn}");
        Assert.Equal(expected, await Tutorial.OrdersHashAsync(stack));
        Assert.Empty(host.NotOwnedByTheHostUser());
        Assert.DoesNotContain(CipherPass, File.ReadAllText(stack.ConfigPath), StringComparison.Ordinal);

        // pgBackRest 2.45 on the repository host reads what came in over TLS.
        var onHost = await ExpectOnHostAsync(host, Tools.Pgbackrest, "info", "--output=json");
        Assert.Equal(JsonSerializerHelpers.Normalize((await stack.ExpectAsync(output, "pgrest", "info", "--output=json")).StandardOutput),
            JsonSerializerHelpers.Normalize(onHost.StandardOutput));
        Stack.AssertVerifiedClean("pgbackrest", (await ExpectOnHostAsync(host, Tools.Pgbackrest, "verify", "--output=text", "--verbose")).StandardOutput);

        // server-ping: no certificate needed.
        var ping = await Stack.RunRawAsync(Tools.Pgrest, [$"--config={stack.ConfigPath}", $"--tls-server-port={port}", "server-ping", "127.0.0.1"]);
        Assert.True(ping.ExitCode == 0, ping.StandardError);
        var nobody = await Stack.RunRawAsync(Tools.Pgrest, [$"--config={stack.ConfigPath}", "--tls-server-port=1", "server-ping", "127.0.0.1"]);
        Assert.Equal(49, nobody.ExitCode);

        // Refused: a CN tls-server-auth does not name, a stanza it does not allow, a certificate from no CA.
        foreach (var (options, code, message) in new[]
        {
            (new[] { "--stanza=orders", "--repo1-host-cert-file=" + intruderCert, "--repo1-host-key-file=" + intruderKey }, 105, "access denied"),
            (["--stanza=payroll"], 105, "access denied"),
            (["--stanza=orders", "--repo1-host-cert-file=" + selfCert, "--repo1-host-key-file=" + selfKey], 39, "remote-0 on '127.0.0.1:" + port),
        })
        {
            var refused = await Stack.RunRawAsync(Tools.Pgrest, [$"--config={stack.ConfigPath}", .. options, "repo-ls"]);
            output.WriteLine($"pgrest {string.Join(' ', options)} repo-ls -> {refused.ExitCode}\n{refused.StandardError}{refused.StandardOutput}");
            Assert.Equal(code, refused.ExitCode);
            Assert.Contains(message, refused.StandardError, StringComparison.Ordinal);
            Assert.Equal("", refused.StandardOutput);
        }

        Assert.Contains("access denied", server.Log, StringComparison.Ordinal);
        output.WriteLine("server log:\n" + server.Log);
    }

    // Placeholder in the host's configuration for the directory of its TLS files (known only once the host exists).
    private const string RepositoryHostFiles = "@TLS@";

    public static TheoryData<string> RefusedConnections() => ["refused port", "user not allowed", "program missing on the host"];

    /// <summary>
    /// What ssh or the remote shell said ends up in the message with its exit status, and the command fails with
    /// [125] (pgBackRest's code for a remote that ended with an exit status it does not know).
    /// </summary>
    [Theory]
    [MemberData(nameof(RefusedConnections))]
    public async Task A_refused_connection_fails_with_pgbackrests_error_code(string name)
    {
        var host = await HostAsync("refused");
        await using var stack = await Stack.CreateAsync(start: false, stanza: "orders", repositoryOptions: ClientOptions(host));
        var (options, message) = name switch
        {
            "refused port" => (new[] { "--repo1-host-port=1" }, "remote-0 process on '127.0.0.1' terminated unexpectedly [255]: ssh: connect to host 127.0.0.1 port 1: Connection refused"),
            "user not allowed" => (["--repo1-host-user=nobody"], "remote-0 process on '127.0.0.1' terminated unexpectedly [255]: nobody@127.0.0.1: Permission denied (publickey)"),
            _ => (["--repo1-host-cmd=/nonexistent/pgrest"], "remote-0 process on '127.0.0.1' terminated unexpectedly [127]"),
        };

        var pgrest = await Stack.RunToolAsync(stack, "pgrest", [.. options, "repo-ls"]);
        var pgbackrest = await Stack.RunToolAsync(stack, "pgbackrest", [.. options, "repo-ls"]);
        output.WriteLine($"pgrest -> {pgrest.ExitCode}\n{pgrest.StandardError}{pgrest.StandardOutput}\npgbackrest -> {pgbackrest.ExitCode}\n{pgbackrest.StandardError}{pgbackrest.StandardOutput}");
        Assert.Equal(125, pgbackrest.ExitCode);
        Assert.Equal(125, pgrest.ExitCode);
        Assert.Contains(message, pgbackrest.StandardError + pgbackrest.StandardOutput, StringComparison.Ordinal);
        Assert.StartsWith($"ERROR: [125]: {message}", pgrest.StandardError, StringComparison.Ordinal);

        // info reports it as the stanza's status and exits 0, with the same text.
        var ourInfo = await Stack.RunToolAsync(stack, "pgrest", [.. options, "info"]);
        var theirInfo = await Stack.RunToolAsync(stack, "pgbackrest", [.. options, "info"]);
        output.WriteLine($"pgrest info -> {ourInfo.ExitCode}\n{ourInfo.StandardError}{ourInfo.StandardOutput}\npgbackrest info -> {theirInfo.ExitCode}\n{theirInfo.StandardError}{theirInfo.StandardOutput}");
        Assert.Equal(0, theirInfo.ExitCode);
        Assert.Equal(0, ourInfo.ExitCode);
        Assert.Equal(theirInfo.StandardOutput, ourInfo.StandardOutput);
    }

    private async Task<ProcessResult> ExpectOnHostAsync(RepositoryHost host, string tool, params string[] arguments)
    {
        var result = await host.RunAsync(tool, "orders", arguments);
        output.WriteLine($"(repository host) $ {tool} {string.Join(' ', arguments)} -> {result.ExitCode}\n{result.StandardOutput}{result.StandardError}");
        Assert.True(result.ExitCode == 0, $"{tool} {string.Join(' ', arguments)} on the repository host exited {result.ExitCode}:\n{result.StandardError}{result.StandardOutput}");
        return result;
    }
}
