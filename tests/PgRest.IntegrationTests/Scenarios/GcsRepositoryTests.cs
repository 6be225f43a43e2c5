using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// The PITR tutorial on a GCS repository (the firebase storage emulator, scripts/servers/gcs-emulator.sh): stanza
/// <c>orders</c>, zst, aes-256-cbc, bundling, asynchronous archiving, process-max=4. pgrest backs up and restores to the
/// moment before a DROP TABLE; then the real pgBackRest 2.45 lists, verifies and restores the same repository. And the
/// other way: pgBackRest writes, pgrest lists, verifies and restores.
/// </summary>
public sealed class GcsRepositoryTests(ITestOutputHelper output)
{
    private const int Orders = 1000;
    private const string CipherPass = "another-long-random-passphrase";

    private enum Tool { Pgrest, Pgbackrest }

    /// <summary>The tutorial's repository options on GCS; the port goes in repo1-gcs-endpoint (repo1-storage-port is not valid for gcs in 2.45).</summary>
    private static async Task<string[]> RepositoryAsync(string keyType)
    {
        var server = await TestServer.GetAsync("gcs-emulator");
        return
        [
            "repo1-type=gcs",
            "repo1-path=/orders-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)),
            "repo1-gcs-bucket=" + server["BUCKET"],
            "repo1-gcs-endpoint=127.0.0.1:" + server["PORT"],
            "repo1-gcs-key-type=" + keyType,
            "repo1-gcs-key=" + (keyType == "service" ? server["SERVICE_KEY"] : server["TOKEN"]),
            "repo1-storage-ca-file=" + server.CertificateFile,
            "repo1-retention-full=2",
            "repo1-bundle=y",
            "repo1-cipher-type=aes-256-cbc",
            "repo1-cipher-pass=" + CipherPass,
        ];
    }

    private static readonly string[] GlobalOptions =
        ["compress-type=zst", "compress-level=6", "process-max=4", "archive-async=y", "log-level-file=detail"];

    [Fact]
    public async Task Pgrest_recovers_the_dropped_table_from_gcs_and_pgbackrest_reads_the_same_bucket()
    {
        // A service account key: pgrest and pgBackRest each sign a JWT and get their token from the server's /token.
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, GlobalOptions, stanza: "orders", repositoryOptions: await RepositoryAsync("service"));
        await Expect(stack, Tool.Pgrest, "stanza-create");
        await Expect(stack, Tool.Pgrest, "check");
        // Some 20 MB that zst cannot shrink below the 4 MiB chunk size: data files and WAL go up in resumable chunks.
        await stack.Cluster.ExecuteAsync(
            "create table history as select g as id, md5(random()::text) || md5(random()::text) || md5(random()::text) as noise from generate_series(1, 200000) g");
        await Expect(stack, Tool.Pgrest, "--type=full", "backup");
        var info = await Expect(stack, Tool.Pgrest, "info");
        Assert.Contains("stanza: orders", info.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("cipher: aes-256-cbc", info.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("full backup: ", info.StandardOutput, StringComparison.Ordinal);
        await Task.Delay(1100); // a time target must fall in a later second than the backup's stop

        // 14:29: orders are written; the time is noted; 14:30: DROP TABLE; the day goes on.
        await stack.Cluster.ExecuteAsync("create table orders (id serial primary key, item text not null, amount numeric not null)");
        await stack.Cluster.ExecuteAsync($"insert into orders (item, amount) select 'item ' || g, g * 1.25 from generate_series(1, {Orders}) g");
        var expected = await stack.Cluster.QueryScalarAsync<string>("select md5(string_agg(id || ':' || item || ':' || amount, ',' order by id)) from orders");
        var target = (await stack.Cluster.QueryScalarAsync<string>("select to_char(clock_timestamp(), 'YYYY-MM-DD HH24:MI:SS.USOF')"))!;
        await Task.Delay(1100);
        await stack.Cluster.ExecuteAsync("drop table orders");
        await stack.Cluster.ExecuteAsync("insert into history select g, md5(g::text) from generate_series(200001, 260000) g");
        await Expect(stack, Tool.Pgrest, "check"); // the WAL with the DROP is archived
        await stack.Cluster.StopAsync();

        await Expect(stack, Tool.Pgrest, "--log-level-console=info", "--type=time", $"--target={target}", "--target-action=promote", "--delta", "restore");
        await stack.Cluster.StartAsync();
        await stack.WaitForPromotionAsync();
        Assert.Equal(Orders, await stack.Cluster.QueryScalarAsync<long>("select count(*) from orders"));
        Assert.Equal(expected, await stack.Cluster.QueryScalarAsync<string>("select md5(string_agg(id || ':' || item || ':' || amount, ',' order by id)) from orders"));
        Assert.Equal(200000L, await stack.Cluster.QueryScalarAsync<long>("select count(*) from history")); // not the rows after the target
        Assert.Equal(2, await stack.CurrentTimelineAsync());

        // Life goes on on timeline 2, archived by pgrest.
        await stack.Cluster.ExecuteAsync("create table after_recovery as select 42 as answer");
        await Expect(stack, Tool.Pgrest, "check");

        // The real pgBackRest 2.45 on the same bucket: it lists the backup, verifies everything, and restores.
        var pgbackrestInfo = await Expect(stack, Tool.Pgbackrest, "info", "--output=json");
        var stanza = JsonDocument.Parse(pgbackrestInfo.StandardOutput).RootElement[0];
        Assert.Equal("ok", stanza.GetProperty("status").GetProperty("message").GetString());
        Assert.Equal("aes-256-cbc", stanza.GetProperty("cipher").GetString());
        var backup = Assert.Single(stanza.GetProperty("backup").EnumerateArray());
        Assert.Equal("full", backup.GetProperty("type").GetString());
        Assert.Equal(JsonSerializerHelpers.Normalize((await Expect(stack, Tool.Pgrest, "info", "--output=json")).StandardOutput),
            JsonSerializerHelpers.Normalize(pgbackrestInfo.StandardOutput));
        var verify = await Expect(stack, Tool.Pgbackrest, "--log-level-console=info", "verify");
        Assert.DoesNotContain("WARN", verify.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("ERROR", verify.StandardOutput, StringComparison.Ordinal);
        await Expect(stack, Tool.Pgrest, "verify");

        // Into a new, empty data directory (the pgrest-restored one is kept aside).
        await stack.Cluster.StopAsync();
        var aside = stack.Cluster.DataDirectory + ".pgrest";
        Directory.Move(stack.Cluster.DataDirectory, aside);
        Directory.CreateDirectory(stack.Cluster.DataDirectory);
        TempDirectory.ChangeOwner(stack.Cluster.DataDirectory, PgCluster.OsUser);
        await Chmod700Async(stack.Cluster.DataDirectory);
        await Expect(stack, Tool.Pgbackrest, "--log-level-console=info", "--type=default", "restore");
        await stack.Cluster.StartAsync();
        await stack.WaitForPromotionAsync();
        Assert.Equal(expected, await stack.Cluster.QueryScalarAsync<string>("select md5(string_agg(id || ':' || item || ':' || amount, ',' order by id)) from orders"));
        Assert.Equal(42, await stack.Cluster.QueryScalarAsync<int>("select answer from after_recovery"));
        Assert.Contains("restored log file \"00000002.history\" from archive", stack.ReadLog(), StringComparison.Ordinal);
        await stack.Cluster.StopAsync();
        Directory.Delete(aside, recursive: true);
    }

    [Fact]
    public async Task Pgbackrest_writes_to_gcs_and_pgrest_lists_verifies_and_restores()
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgbackrest, GlobalOptions, stanza: "orders", repositoryOptions: await RepositoryAsync("token"));
        // stanza-create first: pgBackRest's asynchronous archive-push would hold the archive lock it needs.
        await Expect(stack, Tool.Pgbackrest, "stanza-create");
        await stack.Cluster.ExecuteAsync(
            "create table history as select g as id, md5(random()::text) || md5(random()::text) || md5(random()::text) as noise from generate_series(1, 100000) g");
        await Expect(stack, Tool.Pgbackrest, "--type=full", "backup");
        await stack.Cluster.ExecuteAsync($"create table orders as select g as id, 'item ' || g as item from generate_series(1, {Orders}) g");
        var expected = await stack.Cluster.QueryScalarAsync<string>("select md5(string_agg(id || ':' || item, ',' order by id)) from orders");
        var history = await stack.Cluster.QueryScalarAsync<string>("select md5(string_agg(noise, ',' order by id)) from history");
        await Expect(stack, Tool.Pgbackrest, "check");

        var info = await Expect(stack, Tool.Pgrest, "info");
        Assert.Contains("status: ok", info.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("full backup: ", info.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(JsonSerializerHelpers.Normalize((await Expect(stack, Tool.Pgbackrest, "info", "--output=json")).StandardOutput),
            JsonSerializerHelpers.Normalize((await Expect(stack, Tool.Pgrest, "info", "--output=json")).StandardOutput));
        await Expect(stack, Tool.Pgrest, "verify");

        await stack.Cluster.StopAsync();
        foreach (var entry in Directory.GetFileSystemEntries(stack.Cluster.DataDirectory))
        {
            if (Directory.Exists(entry))
                Directory.Delete(entry, recursive: true);
            else
                File.Delete(entry);
        }

        await Expect(stack, Tool.Pgrest, "--log-level-console=info", "restore");
        await stack.Cluster.StartAsync();
        await stack.WaitForPromotionAsync();
        Assert.Equal(expected, await stack.Cluster.QueryScalarAsync<string>("select md5(string_agg(id || ':' || item, ',' order by id)) from orders"));
        Assert.Equal(history, await stack.Cluster.QueryScalarAsync<string>("select md5(string_agg(noise, ',' order by id)) from history"));
    }

    private static async Task Chmod700Async(string path)
    {
        var result = await ProcessRunner.RunAsync("chmod", ["700", path]);
        Assert.Equal(0, result.ExitCode);
    }

    private Task<ProcessResult> Expect(Stack stack, Tool tool, params string[] arguments) =>
        stack.ExpectAsync(output, tool == Tool.Pgrest ? "pgrest" : "pgbackrest", arguments);
}
