using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// An object store that throttles, drops connections and cuts answers short (a TLS proxy in front of the real
/// server does it at random): backup, archive-push from PostgreSQL and restore still complete, and the repository
/// verifies clean, checked by pgrest through the faults and by the real pgBackRest straight at the server.
/// </summary>
public sealed class FaultInjectionTests(ITestOutputHelper output)
{
    private const int Rows = 20_000;

    public static TheoryData<string> Stores => ["s3", "azure", "gcs"];

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Backup_archive_and_restore_complete_through_503s_and_dropped_connections(string store)
    {
        var (serverName, directOptions) = store switch
        {
            "s3" => ("ceph-rgw", (Func<int?, Task<IReadOnlyList<string>>>)(port => ObjectStoreRepos.S3Async(1, RepoPath, port))),
            "azure" => ("azurite", port => ObjectStoreRepos.AzureAsync(1, RepoPath, port)),
            _ => ("gcs-emulator", port => ObjectStoreRepos.GcsAsync(1, RepoPath, port)),
        };
        var server = await TestServer.GetAsync(serverName);
        await using var proxy = new FaultProxy(server.CertificateFile, int.Parse(server["PORT"], System.Globalization.CultureInfo.InvariantCulture),
            rate503: 0.08, rateDrop: 0.04, rateCut: 0.04);

        await using var stack = await Stack.CreateAsync(
            globalOptions: ["compress-type=lz4", "process-max=2", "repo1-storage-upload-chunk-size=5MiB"],
            repositoryOptions: await directOptions(proxy.Port));
        await Run(stack, "stanza-create");
        await stack.Cluster.ExecuteAsync($"create table orders as select g as id, md5(g::text) as item from generate_series(1, {Rows}) g");
        await Run(stack, "--type=full", "backup");
        // A few segments through archive_command, each a push through the faults.
        for (var segment = 0; segment < 3; segment++)
            await stack.Cluster.ExecuteAsync($"insert into orders select g, md5(g::text) from generate_series({Rows + 1 + segment * 1000}, {Rows + (segment + 1) * 1000}) g; select pg_switch_wal()");
        await Run(stack, "check");
        await Run(stack, "--type=incr", "backup");
        var expected = await stack.Cluster.QueryScalarAsync<string>("select md5(string_agg(item, ',' order by id)) from orders");

        await stack.Cluster.StopAsync();
        await Run(stack, "--delta", "--type=immediate", "--target-action=promote", "restore");
        await stack.Cluster.StartAsync();
        await stack.WaitForPromotionAsync();
        Assert.Equal(expected, await stack.Cluster.QueryScalarAsync<string>("select md5(string_agg(item, ',' order by id)) from orders"));

        var verify = await stack.PgrestAsync("--output=text", "--verbose", "verify");
        output.WriteLine(verify.StandardOutput + verify.StandardError);
        Assert.True(verify.ExitCode == 0, verify.StandardError);
        Assert.StartsWith($"stanza: {stack.Stanza}\nstatus: ok\n", verify.StandardOutput);

        // The real pgBackRest, straight at the server, finds the same repository whole.
        await stack.Cluster.StopAsync();
        // (repo-storage-port is not valid for gcs in 2.45: there the endpoint carries the port.)
        var directOption = store == "gcs" ? $"--repo1-gcs-endpoint=127.0.0.1:{server["PORT"]}" : $"--repo1-storage-port={server["PORT"]}";
        var direct = await ProcessRunner.RunAsync(Tools.Pgbackrest,
            [$"--config={stack.ConfigPath}", $"--stanza={stack.Stanza}", directOption, "--output=text", "--verbose", "verify"], PgCluster.OsUser);
        output.WriteLine(direct.StandardOutput + direct.StandardError);
        Assert.True(direct.ExitCode == 0, direct.StandardError);
        Assert.StartsWith($"stanza: {stack.Stanza}\nstatus: ok\n", direct.StandardOutput);

        var counts = proxy.Counts;
        output.WriteLine($"proxy: {counts}");
        Assert.True(counts.Answered503 > 0 && counts.DroppedBeforeForward > 0 && counts.DroppedMidResponse > 0, $"the proxy injected too few faults: {counts}");
    }

    private static readonly string RepoPath = ObjectStoreRepos.UniquePath("faults");

    private Task<ProcessResult> Run(Stack stack, params string[] arguments) =>
        stack.ExpectAsync(output, "pgrest", ["--log-level-console=info", .. arguments]);
}
