using System.Text.Json;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// The PITR tutorial on an SFTP repository (a real OpenSSH sshd on loopback, scripts/servers/sshd.sh; the postgres
/// user logs in with a key and the host key is checked against known_hosts): stanza <c>orders</c>, lz4, aes-256-cbc,
/// bundling, asynchronous archiving. pgrest archives, backs up and restores to the moment before a DROP TABLE; the real
/// pgBackRest 2.55.1 (which has SFTP) lists, verifies and restores the same repository over SFTP, and pgBackRest 2.45
/// reads it through its posix path on the server. The other way round pgBackRest 2.55.1 writes and pgrest reads; and
/// both tools refuse the same bad host keys and logins with the same codes.
/// </summary>
public sealed class SftpRepositoryTests(ITestOutputHelper output)
{
    private const int Orders = 1000;
    private const string CipherPass = "sftp-repository-passphrase";
    private const string Newer = "pgbackrest-2.55";

    private static readonly string[] GlobalOptions = ["compress-type=lz4", "process-max=2", "archive-async=y", "log-level-file=detail"];

    private static async Task<List<string>> RepositoryAsync() =>
    [
        .. await ObjectStoreRepos.SftpAsync(1, ObjectStoreRepos.UniquePath("orders")),
        "repo1-retention-full=2",
        "repo1-bundle=y",
        "repo1-cipher-type=aes-256-cbc",
        "repo1-cipher-pass=" + CipherPass,
    ];

    [Fact]
    public async Task Pgrest_recovers_the_dropped_table_over_sftp_and_pgbackrest_reads_the_same_repository()
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, GlobalOptions, stanza: "orders", repositoryOptions: await RepositoryAsync());
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

        // pgBackRest 2.55.1 over SFTP: the same backups and archive, a clean verify.
        var theirs = await stack.ExpectAsync(output, Newer, "info", "--output=json");
        var stanza = JsonDocument.Parse(theirs.StandardOutput).RootElement[0];
        Assert.Equal("ok", stanza.GetProperty("status").GetProperty("message").GetString());
        Assert.Equal("full", Assert.Single(stanza.GetProperty("backup").EnumerateArray()).GetProperty("type").GetString());
        Assert.Equal(JsonSerializerHelpers.Normalize(theirs.StandardOutput),
            JsonSerializerHelpers.Normalize((await stack.ExpectAsync(output, "pgrest", "info", "--output=json")).StandardOutput));
        await stack.ExpectAsync(output, Newer, "verify");
        await stack.ExpectAsync(output, "pgrest", "verify");

        // pgBackRest 2.45 (no SFTP) on the server itself, through the repository's posix path.
        var posix = PosixViewOf(stack);
        var posixInfo = await ExpectRawAsync(Tools.Pgbackrest, posix, "info", "--output=json");
        Assert.Equal(JsonSerializerHelpers.Normalize(theirs.StandardOutput), JsonSerializerHelpers.Normalize(posixInfo.StandardOutput));
        Stack.AssertVerifiedClean("pgbackrest", (await ExpectRawAsync(Tools.Pgbackrest, posix, "verify", "--output=text", "--verbose")).StandardOutput);

        // The repository's modes on the server, whatever the sshd's umask; no latest link, as with pgBackRest's driver.
        var root = RepositoryPath(stack);
        Assert.All(Directory.GetFiles(root, "*", SearchOption.AllDirectories), file => Assert.Equal((UnixFileMode)0b110_100_000, File.GetUnixFileMode(file)));
        Assert.All(Directory.GetDirectories(root, "*", SearchOption.AllDirectories), path => Assert.Equal((UnixFileMode)0b111_101_000, File.GetUnixFileMode(path)));
        Assert.False(File.Exists(Path.Combine(root, "backup", "orders", "latest")) || new FileInfo(Path.Combine(root, "backup", "orders", "latest")).LinkTarget is not null);
        Assert.Empty(Directory.GetFiles(root, "*.pgbackrest.tmp", SearchOption.AllDirectories));

        // pgBackRest 2.55.1 restores over SFTP into a new, empty data directory: timeline 2 included.
        await stack.Cluster.StopAsync();
        TempDirectory.Empty(stack.Cluster.DataDirectory);
        await stack.ExpectAsync(output, Newer, "--log-level-console=info", "--type=default", "restore");
        await stack.Cluster.StartAsync();
        await stack.WaitForPromotionAsync();
        Assert.Equal(expected, await Tutorial.OrdersHashAsync(stack));
        Assert.Equal(42, await stack.Cluster.QueryScalarAsync<int>("select answer from after_recovery"));
    }

    [Fact]
    public async Task Pgbackrest_writes_over_sftp_and_pgrest_lists_verifies_and_restores()
    {
        await using var stack = await Stack.CreateAsync(Archiver.PgbackrestNewer, GlobalOptions, stanza: "orders", repositoryOptions: await RepositoryAsync());
        // stanza-create first: pgBackRest's asynchronous archive-push would hold the archive lock it needs.
        await stack.ExpectAsync(output, Newer, "stanza-create");
        await stack.Cluster.ExecuteAsync("create table history as select g as id, md5(g::text) as noise from generate_series(1, 100000) g");
        await stack.ExpectAsync(output, Newer, "--type=full", "backup");
        await stack.Cluster.ExecuteAsync($"create table orders as select g as id, 'item ' || g as item, g * 1.25 as amount from generate_series(1, {Orders}) g");
        var expected = await Tutorial.OrdersHashAsync(stack);
        await stack.ExpectAsync(output, Newer, "check");

        Assert.Equal(JsonSerializerHelpers.Normalize((await stack.ExpectAsync(output, Newer, "info", "--output=json")).StandardOutput),
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

    public static TheoryData<string> RefusedConnections() =>
        ["unknown host key", "changed host key", "wrong fingerprint", "key not authorized", "encrypted key without passphrase", "refused port"];

    [Theory]
    [MemberData(nameof(RefusedConnections))]
    public async Task A_refused_connection_fails_with_pgbackrests_error_code(string name)
    {
        await using var stack = await Stack.CreateAsync(start: false, stanza: "orders", repositoryOptions: await ObjectStoreRepos.SftpAsync(1, ObjectStoreRepos.UniquePath("refused")));
        var server = await TestServer.GetAsync("sshd");
        var other = stack.Work.Combine("other_known_hosts");
        var empty = stack.Work.Combine("empty_known_hosts");
        var clientKey = File.ReadAllText(server["KEY_PUB"]).Split(' ');
        File.WriteAllText(other, $"[{server["HOST"]}]:{server["PORT"]} {clientKey[0]} {clientKey[1]}\n");
        File.WriteAllText(empty, "");
        var unauthorized = stack.Work.Combine("unauthorized_ed25519");
        Assert.Equal(0, (await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", unauthorized])).ExitCode);
        foreach (var file in new[] { other, empty, unauthorized })
            TempDirectory.ChangeOwner(file, PgCluster.OsUser);

        var (options, expectedCode, message) = name switch
        {
            "unknown host key" => (new[] { $"--repo1-sftp-known-host={empty}" }, 101, "known hosts failure: '127.0.0.1' not found in known hosts files"),
            "changed host key" => ([$"--repo1-sftp-known-host={other}"], 101, "known hosts failure: '127.0.0.1' mismatch in known hosts files"),
            "wrong fingerprint" => (["--repo1-sftp-host-key-check-type=fingerprint", "--repo1-sftp-host-fingerprint=" + new string('0', 40)], 101,
                $"host [{server["FINGERPRINT_SHA1"]}] and configured fingerprint (repo-sftp-host-fingerprint) [{new string('0', 40)}] do not match"),
            "key not authorized" => ([$"--repo1-sftp-private-key-file={unauthorized}", $"--repo1-sftp-public-key-file={unauthorized}.pub"], 101, "public key authentication failed"),
            "encrypted key without passphrase" => ([$"--repo1-sftp-private-key-file={server["KEY_ENCRYPTED"]}", $"--repo1-sftp-public-key-file={server["KEY_ENCRYPTED"]}.pub"], 101,
                "public key authentication failed"),
            _ => (["--repo1-sftp-host-port=1", "--io-timeout=1"], 49, "unable to connect to '127.0.0.1:1': [111]"),
        };

        var pgrest = await Stack.RunToolAsync(stack, "pgrest", [.. options, "repo-ls"]);
        var pgbackrest = await Stack.RunToolAsync(stack, Newer, [.. options, "repo-ls"]);
        output.WriteLine($"pgrest -> {pgrest.ExitCode}\n{pgrest.StandardError}{pgrest.StandardOutput}\n{Newer} -> {pgbackrest.ExitCode}\n{pgbackrest.StandardError}{pgbackrest.StandardOutput}");
        Assert.Equal(expectedCode, pgbackrest.ExitCode);
        Assert.Equal(expectedCode, pgrest.ExitCode);
        Assert.Contains(message, pgbackrest.StandardError + pgbackrest.StandardOutput, StringComparison.Ordinal);
        Assert.StartsWith($"ERROR: [{expectedCode:000}]: {message}", pgrest.StandardError, StringComparison.Ordinal);
    }

    /// <summary>Both tools write the new key to ~/.ssh/known_hosts of the postgres user, its home as /etc/passwd gives it
    /// (not $HOME): the test puts the file back as it found it.</summary>
    [Fact]
    public async Task Accept_new_remembers_an_unknown_host_and_then_refuses_a_changed_key()
    {
        await using var stack = await Stack.CreateAsync(start: false, stanza: "orders", repositoryOptions: await ObjectStoreRepos.SftpAsync(1, ObjectStoreRepos.UniquePath("accept")));
        var home = File.ReadLines("/etc/passwd").Select(line => line.Split(':')).Single(fields => fields[0] == PgCluster.OsUser)[5];
        var sshDirectory = Path.Combine(home, ".ssh");
        var added = Path.Combine(sshDirectory, "known_hosts");
        var hadDirectory = Directory.Exists(sshDirectory);
        var before = File.Exists(added) ? File.ReadAllBytes(added) : null;
        // The default known hosts files, as a DBA who sets only accept-new has them.
        var options = File.ReadAllLines(stack.ConfigPath).Where(line => !line.StartsWith("repo1-sftp-known-host=", StringComparison.Ordinal));
        File.WriteAllLines(stack.ConfigPath, options);
        string[] arguments = ["--repo1-sftp-host-key-check-type=accept-new", "repo-ls"];
        try
        {
            foreach (var tool in new[] { "pgrest", Newer })
            {
                PutBack();

                var first = await Stack.RunToolAsync(stack, tool, arguments);
                output.WriteLine($"{tool} (first) -> {first.ExitCode}\n{first.StandardError}{first.StandardOutput}");
                Assert.Equal(0, first.ExitCode);
                Assert.Contains($"host '127.0.0.1' not found in known hosts files, attempting to add host to '{added}'", first.StandardError + first.StandardOutput, StringComparison.Ordinal);
                Assert.True(File.Exists(added), $"{tool} did not write {added}");
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(sshDirectory));

                var second = await Stack.RunToolAsync(stack, tool, arguments);
                Assert.Equal(0, second.ExitCode);
                Assert.DoesNotContain("attempting to add host", second.StandardError + second.StandardOutput, StringComparison.Ordinal);

                // The remembered key replaced by another of the same type: a changed host key is refused, not re-learned.
                var clientKey = File.ReadAllText((await TestServer.GetAsync("sshd"))["KEY_PUB"]).Split(' ');
                var remembered = File.ReadAllLines(added).Last(text => text.Length > 0 && !text.StartsWith('#'));
                File.WriteAllLines(added, [.. File.ReadAllLines(added).Where(text => text != remembered), remembered.Split(' ')[0] + " " + clientKey[0] + " " + clientKey[1]]);
                var changed = await Stack.RunToolAsync(stack, tool, arguments);
                output.WriteLine($"{tool} (changed) -> {changed.ExitCode}\n{changed.StandardError}{changed.StandardOutput}");
                Assert.Equal(101, changed.ExitCode);
                Assert.Contains("mismatch in known hosts files", changed.StandardError + changed.StandardOutput, StringComparison.Ordinal);
            }
        }
        finally
        {
            PutBack();
        }

        void PutBack()
        {
            if (before is not null)
                File.WriteAllBytes(added, before);
            else if (hadDirectory)
                File.Delete(added);
            else if (Directory.Exists(sshDirectory))
                Directory.Delete(sshDirectory, recursive: true);
        }
    }


    private static string RepositoryPath(Stack stack) =>
        File.ReadAllLines(stack.ConfigPath).Single(line => line.StartsWith("repo1-path=", StringComparison.Ordinal))["repo1-path=".Length..];

    /// <summary>The same configuration as the repository host sees it: the repository as a local posix path.</summary>
    private static string PosixViewOf(Stack stack)
    {
        var lines = File.ReadAllLines(stack.ConfigPath)
            .Where(line => !line.StartsWith("repo1-sftp-", StringComparison.Ordinal))
            .Select(line => line == "repo1-type=sftp" ? "repo1-type=posix" : line);
        var path = stack.Work.Combine("posix-view.conf");
        File.WriteAllLines(path, lines);
        TempDirectory.ChangeOwner(path, PgCluster.OsUser);
        return path;
    }

    private async Task<ProcessResult> ExpectRawAsync(string tool, string config, params string[] arguments)
    {
        var result = await Stack.RunRawAsync(tool, [$"--config={config}", "--stanza=orders", .. arguments]);
        output.WriteLine($"$ {tool} --config={config} {string.Join(' ', arguments)} -> {result.ExitCode}\n{result.StandardOutput}{result.StandardError}");
        Assert.True(result.ExitCode == 0, $"{tool} {string.Join(' ', arguments)} exited {result.ExitCode}:\n{result.StandardError}{result.StandardOutput}");
        return result;
    }
}
