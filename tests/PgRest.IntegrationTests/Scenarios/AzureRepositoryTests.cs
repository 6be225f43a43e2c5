using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using PgRest.IntegrationTests.Infrastructure;
using PgRest.IntegrationTests.Storage;
using PgRest.Storage.Azure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// The PITR tutorial on an Azure container (Azurite): pgrest backs up, archives asynchronously and restores to the
/// moment before DROP TABLE; the real pgBackRest 2.45 then lists, verifies and restores the same repository; and a
/// repository pgBackRest writes to the container is listed, verified and restored by pgrest.
/// </summary>
public sealed class AzureRepositoryTests(ITestOutputHelper output)
{
    private const int Rows = 1000;
    private const string Passphrase = "azure tutorial passphrase";
    private const string Fingerprint = "select md5(string_agg(id || ':' || item, ',' order by id)) from orders";

    private const string BigFingerprint = "select md5(string_agg(h, ',' order by g)) from big";

    private static readonly string[] GlobalOptions = ["compress-type=zst", "archive-async=y", "process-max=4"];

    /// <summary>The repository lines a user writes for this container (the server's own values in place of real ones).</summary>
    private static string[] RepositoryOptions(TestServer server, string path) =>
    [
        "repo1-type=azure",
        "repo1-path=" + path,
        "repo1-azure-account=" + server["ACCOUNT"],
        "repo1-azure-key=" + server["KEY"],
        "repo1-azure-container=" + server["CONTAINER"],
        "repo1-azure-endpoint=" + server["ENDPOINT"],
        "repo1-azure-uri-style=path",
        "repo1-storage-port=" + server["PORT"],
        "repo1-storage-ca-file=" + server.CertificateFile,
        "repo1-cipher-type=aes-256-cbc",
        "repo1-cipher-pass=" + Passphrase,
        "repo1-bundle=y",
        "repo1-retention-full=2",
    ];

    private static string UniquePath(string name) => "/" + name + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    [Fact]
    public async Task Pitr_tutorial_on_azure_with_pgrest_then_pgbackrest_restores_the_same_repository()
    {
        var server = await TestServer.GetAsync("azurite");
        var path = UniquePath("pitr");
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, GlobalOptions, stanza: "orders", repositoryOptions: RepositoryOptions(server, path));

        await Run(stack, Tool.Pgrest, "stanza-create");
        await Run(stack, Tool.Pgrest, "check");
        // Random text that stays over the 4 MiB chunk after zst: pgrest writes it with Put Block + Put Block List.
        await stack.Cluster.ExecuteAsync("create table big as select g, md5(random()::text) as h from generate_series(1, 300000) g");
        var bigFingerprint = await stack.Cluster.QueryScalarAsync<string>(BigFingerprint);
        await Run(stack, Tool.Pgrest, "--type=full", "backup");
        // Backup stop times are whole seconds: the target must be in a later second to select this backup.
        await Task.Delay(1100);

        await stack.Cluster.ExecuteAsync("create table orders (id serial primary key, item text not null, created_at timestamptz default now())");
        await stack.Cluster.ExecuteAsync($"insert into orders (item) select 'item ' || g from generate_series(1, {Rows}) g");
        var fingerprint = await stack.Cluster.QueryScalarAsync<string>(Fingerprint);
        var target = (await stack.Cluster.QueryScalarAsync<string>("select to_char(clock_timestamp(), 'YYYY-MM-DD HH24:MI:SS.USOF')"))!;
        await Task.Delay(1100);

        // 3 pm: the destructive change, then more WAL on top of it.
        await stack.Cluster.ExecuteAsync("drop table orders");
        await stack.Cluster.ExecuteAsync("create table after_the_drop as select g from generate_series(1, 50000) g");
        await stack.Cluster.ExecuteAsync("select pg_switch_wal()");
        await Run(stack, Tool.Pgrest, "check"); // waits until the WAL with the drop is in the container
        await stack.Cluster.StopAsync();

        await Run(stack, Tool.Pgrest, "--type=time", $"--target={target}", "--target-action=promote", "--delta", "restore");
        await stack.Cluster.StartAsync();
        await stack.WaitForPromotionAsync();
        Assert.Equal(Rows, await stack.Cluster.QueryScalarAsync<long>("select count(*) from orders"));
        Assert.Equal(fingerprint, await stack.Cluster.QueryScalarAsync<string>(Fingerprint));
        Assert.Equal(0L, await stack.Cluster.QueryScalarAsync<long>("select count(*) from pg_class where relname = 'after_the_drop'"));
        Assert.Equal(bigFingerprint, await stack.Cluster.QueryScalarAsync<string>(BigFingerprint));
        Assert.Equal(2, await stack.CurrentTimelineAsync());
        await Run(stack, Tool.Pgrest, "check"); // the timeline 2 history file and WAL are archived

        // What is in the container is encrypted, and nothing but the repository is under the path.
        var storage = await AzureConformanceTests.CreateAsync(path, AzureKeyType.Shared);
        var names = new List<string>();
        await foreach (var entry in storage.ListAsync(""))
            names.Add(entry.Name);
        Assert.Equal(["archive", "backup"], names.Order(StringComparer.Ordinal));
        Assert.True(await LargestFileAsync(storage, "backup/orders") > 4 * 1024 * 1024, "no backup file went through a block upload");
        await using (var info = await storage.OpenReadAsync("backup/orders/backup.info"))
        {
            var head = new byte[8];
            await info!.ReadExactlyAsync(head);
            Assert.Equal("Salted__"u8.ToArray(), head);
        }

        // The real pgBackRest 2.45 on the same container.
        var json = await Run(stack, Tool.Pgbackrest, "info", "--output=json");
        var stanza = JsonDocument.Parse(json.StandardOutput).RootElement[0];
        Assert.Equal("ok", stanza.GetProperty("status").GetProperty("message").GetString());
        Assert.Equal("aes-256-cbc", stanza.GetProperty("cipher").GetString());
        var backup = Assert.Single(stanza.GetProperty("backup").EnumerateArray());
        Assert.Equal("full", backup.GetProperty("type").GetString());
        var text = await Run(stack, Tool.Pgbackrest, "info");
        Assert.Contains("full backup: " + backup.GetProperty("label").GetString(), text.StandardOutput);
        var verify = await Run(stack, Tool.Pgbackrest, "--log-level-console=info", "verify");
        Assert.Contains("verify command end: completed successfully", verify.StandardOutput);

        // pgBackRest restores into a new directory; the copy starts in place of the stopped original (same port and
        // socket, from the restored settings) and replays WAL through timeline 2 with pgBackRest's archive-get.
        await stack.Cluster.StopAsync();
        var copy = stack.Work.CreateSubdirectory("restored-by-pgbackrest");
        File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await Run(stack, Tool.Pgbackrest, "--log-level-console=info", $"--pg1-path={copy}", "--archive-mode=off", "restore");
        var autoConf = File.ReadAllText(Path.Combine(copy, "postgresql.auto.conf"));
        Assert.Matches(@"restore_command = '\S*pgbackrest .*archive-get", autoConf);
        var log = stack.Work.Combine("restored-by-pgbackrest.log");
        try
        {
            (await ProcessRunner.RunAsync(PgCluster.Bin("pg_ctl"), ["-w", "-t", "100", "-D", copy, "-l", log, "start"], PgCluster.OsUser,
                timeout: TimeSpan.FromMinutes(2))).EnsureSuccess("pg_ctl start of the copy restored by pgBackRest");
            await stack.WaitForPromotionAsync();
            Assert.Equal(Rows, await stack.Cluster.QueryScalarAsync<long>("select count(*) from orders"));
            Assert.Equal(fingerprint, await stack.Cluster.QueryScalarAsync<string>(Fingerprint));
            Assert.Equal(bigFingerprint, await stack.Cluster.QueryScalarAsync<string>(BigFingerprint));
            Assert.Contains("restored log file \"00000002.history\" from archive", File.ReadAllText(log));
        }
        finally
        {
            await ProcessRunner.RunAsync(PgCluster.Bin("pg_ctl"), ["-w", "-D", copy, "-m", "immediate", "stop"], PgCluster.OsUser);
        }
    }

    [Fact]
    public async Task A_repository_pgbackrest_writes_to_azure_is_listed_verified_and_restored_by_pgrest()
    {
        var server = await TestServer.GetAsync("azurite");
        await using var stack = await Stack.CreateAsync(
            Archiver.Pgbackrest, GlobalOptions, stanza: "orders", repositoryOptions: RepositoryOptions(server, UniquePath("by-pgbackrest")));
        await Run(stack, Tool.Pgbackrest, "stanza-create");
        // A table larger than the 4 MiB chunk: pgBackRest writes it with Put Block + Put Block List.
        await stack.Cluster.ExecuteAsync("create table big as select g, md5(g::text) as h from generate_series(1, 200000) g");
        await Run(stack, Tool.Pgbackrest, "--type=full", "backup");
        await stack.Cluster.ExecuteAsync("create table orders (id int primary key, item text not null)");
        await stack.Cluster.ExecuteAsync($"insert into orders select g, 'item ' || g from generate_series(1, {Rows}) g");
        var fingerprint = await stack.Cluster.QueryScalarAsync<string>(Fingerprint);
        await Run(stack, Tool.Pgbackrest, "check");

        var info = await Run(stack, Tool.Pgrest, "info");
        Assert.Contains("status: ok", info.StandardOutput);
        Assert.Contains("full backup: ", info.StandardOutput);
        await Run(stack, Tool.Pgrest, "verify");

        // The same repository through an account SAS token instead of the key, with both tools.
        var sas = new Dictionary<string, string?> { ["PGBACKREST_REPO1_AZURE_KEY_TYPE"] = "sas", ["PGBACKREST_REPO1_AZURE_KEY"] = server["SAS"] };
        foreach (var tool in new[] { Tools.Pgrest, Tools.Pgbackrest })
        {
            var result = await Stack.RunRawAsync(tool, [$"--config={stack.ConfigPath}", "--stanza=orders", "info"], sas);
            output.WriteLine($"$ {tool} info (SAS) -> {result.ExitCode}\n{result.StandardOutput}{result.StandardError}");
            Assert.Equal(0, result.ExitCode);
            Assert.Contains("status: ok", result.StandardOutput);
            Assert.Contains("full backup: ", result.StandardOutput);
        }

        await stack.Cluster.StopAsync();
        await Run(stack, Tool.Pgrest, "--delta", "restore");
        await stack.Cluster.StartAsync();
        await stack.WaitForPromotionAsync();
        Assert.Equal(fingerprint, await stack.Cluster.QueryScalarAsync<string>(Fingerprint));
        Assert.Equal(200000L, await stack.Cluster.QueryScalarAsync<long>("select count(*) from big where h = md5(g::text)"));
    }

    private static async Task<long> LargestFileAsync(PgRest.Storage.IStorage storage, string path)
    {
        long largest = 0;
        await foreach (var entry in storage.ListAsync(path))
        {
            largest = Math.Max(largest, entry.Type == PgRest.Storage.StorageEntryType.Path
                ? await LargestFileAsync(storage, path + "/" + entry.Name)
                : entry.Size);
        }

        return largest;
    }

    private enum Tool { Pgrest, Pgbackrest }

    private Task<ProcessResult> Run(Stack stack, Tool tool, params string[] arguments) =>
        stack.ExpectAsync(output, tool == Tool.Pgrest ? "pgrest" : "pgbackrest", arguments);
}
