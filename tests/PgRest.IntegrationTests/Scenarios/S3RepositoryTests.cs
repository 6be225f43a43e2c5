using System.Globalization;
using System.Text.Json;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// The PITR tutorial on an S3 repository (Ceph RADOS Gateway, which checks every signature): pgrest takes the
/// backups and archives WAL (zst, aes-256-cbc, bundles, asynchronous archiving, 4 processes), the table dropped at
/// "3 pm" comes back with a time-target restore; then the real pgBackRest 2.45 lists, verifies and restores the same
/// bucket path, and in the other direction pgrest reads what pgBackRest wrote.
/// </summary>
public sealed class S3RepositoryTests(ITestOutputHelper output)
{
    private const int Rows = 1000;
    private const string CipherPass = "another-long-random-passphrase";

    private static Task<IReadOnlyList<string>> RepositoryOptionsAsync(string path) => ObjectStoreRepos.S3Async(1, path);

    private static string UniquePath(string name) => ObjectStoreRepos.UniquePath(name);

    private static readonly string[] TutorialOptions =
    [
        "compress-type=zst",
        "repo1-cipher-type=aes-256-cbc",
        "repo1-cipher-pass=" + CipherPass,
        "repo1-bundle=y",
        "repo1-retention-full=2",
        "archive-async=y",
        "process-max=4",
        "log-level-file=detail",
    ];

    [Fact]
    public async Task Pitr_tutorial_on_s3_with_pgrest_then_pgbackrest_reads_the_same_bucket()
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, TutorialOptions, stanza: "orders",
            repositoryOptions: await RepositoryOptionsAsync(UniquePath("orders")));

        await Pgrest(stack, "stanza-create");
        await Pgrest(stack, "check");
        await Pgrest(stack, "--type=full", "backup");
        var info = await Pgrest(stack, "info");
        Assert.Contains("stanza: orders", info.StandardOutput);
        Assert.Contains("cipher: aes-256-cbc", info.StandardOutput);
        Assert.Contains("full backup: ", info.StandardOutput);
        // Backup stop times are whole seconds: the target must be in a later second to select this backup.
        await Task.Delay(1100);

        // The day's orders, then the moment to come back to.
        await stack.Cluster.ExecuteAsync("create table orders (id serial primary key, item text not null, created_at timestamptz default now())");
        await stack.Cluster.ExecuteAsync($"insert into orders (item) select 'item ' || g from generate_series(1, {Rows}) g");
        var expectedChecksum = await stack.Cluster.QueryScalarAsync<string>("select md5(string_agg(id || ':' || item, ',' order by id)) from orders");
        var target = (await stack.Cluster.QueryScalarAsync<string>("select to_char(clock_timestamp(), 'YYYY-MM-DD HH24:MI:SS.USOF')"))!;
        await Task.Delay(1100);

        // 3 pm: the destructive change, and more WAL after it.
        await stack.Cluster.ExecuteAsync("drop table orders");
        await stack.Cluster.ExecuteAsync("create table after_the_drop as select g from generate_series(1, 10000) g");
        await Pgrest(stack, "check"); // switches WAL and waits until the segment with the drop is archived
        await stack.Cluster.StopAsync();

        await Pgrest(stack, "--type=time", $"--target={target}", "--target-action=promote", "--delta", "restore");
        await stack.Cluster.StartAsync();
        await stack.WaitForPromotionAsync();
        Assert.False(await stack.Cluster.QueryScalarAsync<bool>("select pg_is_in_recovery()"));
        Assert.Equal(Rows, await stack.Cluster.QueryScalarAsync<long>("select count(*) from orders"));
        Assert.Equal(expectedChecksum, await stack.Cluster.QueryScalarAsync<string>("select md5(string_agg(id || ':' || item, ',' order by id)) from orders"));
        Assert.Equal(0L, await stack.Cluster.QueryScalarAsync<long>("select count(*) from pg_class where relname = 'after_the_drop'"));
        Assert.Equal(2, await stack.CurrentTimelineAsync());
        Assert.Contains("recovery stopping before commit", stack.ReadLog());

        // A fresh full backup on the new timeline, as the tutorial says.
        await Pgrest(stack, "--type=full", "backup");
        await Pgrest(stack, "check");

        // The real pgBackRest 2.45 on the same bucket path.
        var json = await Pgbackrest(stack, "info", "--output=json");
        var backups = JsonDocument.Parse(json.StandardOutput).RootElement[0].GetProperty("backup").EnumerateArray().ToList();
        Assert.Equal(2, backups.Count);
        Assert.All(backups, backup => Assert.Equal("full", backup.GetProperty("type").GetString()));
        Assert.Equal("ok", JsonDocument.Parse(json.StandardOutput).RootElement[0].GetProperty("status").GetProperty("message").GetString());
        var text = await Pgbackrest(stack, "info");
        Assert.Contains("cipher: aes-256-cbc", text.StandardOutput);
        var verify = await Pgbackrest(stack, "verify", "--output=text", "--verbose");
        Assert.StartsWith("stanza: orders\nstatus: ok\n", verify.StandardOutput);
        Assert.Equal(2, verify.StandardOutput.Split('\n').Count(line => line.Contains("status: valid", StringComparison.Ordinal)));
        Assert.All(verify.StandardOutput.Split('\n').Where(line => line.Contains("missing:", StringComparison.Ordinal)),
            line => Assert.Equal("missing: 0, checksum invalid: 0, size invalid: 0, other: 0", line.Trim()));

        await using var copy = await PgCluster.CreateAsync(new PgClusterOptions { Start = false });
        TempDirectory.Empty(copy.DataDirectory);
        await Pgbackrest(stack, $"--pg1-path={copy.DataDirectory}", "--log-level-console=info", "restore");
        await copy.StartAsync();
        await copy.WaitForPromotionAsync();
        Assert.Equal(Rows, await copy.QueryScalarAsync<long>("select count(*) from orders"));
        Assert.Equal(expectedChecksum, await copy.QueryScalarAsync<string>("select md5(string_agg(id || ':' || item, ',' order by id)) from orders"));
        Assert.Contains("restored log file", File.ReadAllText(copy.LogFile));
    }

    [Fact]
    public async Task Pgbackrest_writes_to_the_bucket_and_pgrest_lists_verifies_and_restores()
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgbackrest, TutorialOptions, stanza: "orders",
            repositoryOptions: await RepositoryOptionsAsync(UniquePath("from-pgbackrest")));
        await Pgbackrest(stack, "stanza-create");
        await stack.Cluster.ExecuteAsync($"create table orders as select g as id, 'item ' || g as item from generate_series(1, {Rows}) g");
        await Pgbackrest(stack, "--type=full", "backup");
        await stack.Cluster.ExecuteAsync($"insert into orders select g, 'item ' || g from generate_series({Rows + 1}, {Rows + 500}) g");
        await Pgbackrest(stack, "check");

        var info = await Pgrest(stack, "info");
        Assert.Contains("status: ok", info.StandardOutput);
        Assert.Contains("full backup: ", info.StandardOutput);
        await Pgrest(stack, "verify");

        await stack.Cluster.StopAsync();
        TempDirectory.Empty(stack.Cluster.DataDirectory);
        await Pgrest(stack, "--log-level-console=info", "restore");
        await stack.Cluster.StartAsync();
        await stack.WaitForPromotionAsync();
        Assert.Equal(Rows + 500, await stack.Cluster.QueryScalarAsync<long>("select count(*) from orders"));
    }

    [Fact]
    public async Task Wrong_secret_fails_with_protocol_error_and_a_hint()
    {
        var options = (await RepositoryOptionsAsync(UniquePath("wrong"))).Select(option =>
            option.StartsWith("repo1-s3-key-secret=", StringComparison.Ordinal) ? "repo1-s3-key-secret=not-the-secret" : option).ToList();
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, ["log-level-console=warn"], start: false, stanza: "orders", repositoryOptions: options);
        var result = await stack.PgrestAsync("repo-ls");
        var upstream = await stack.PgbackrestAsync("repo-ls");
        output.WriteLine($"pgrest -> {result.ExitCode}: {result.StandardOutput}{result.StandardError}\npgbackrest -> {upstream.ExitCode}: {upstream.StandardOutput}{upstream.StandardError}");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal(upstream.ExitCode, result.ExitCode);
        var all = result.StandardOutput + result.StandardError;
        Assert.Contains("[039]", all);
        Assert.Contains("HTTP request failed with 403 (Forbidden)", all);
        Assert.Contains("SignatureDoesNotMatch", all);
        Assert.Contains("HINT:", all);

        // info shows the same as the stanza's status, and exits as pgBackRest's does.
        var info = await stack.PgrestAsync("info");
        var upstreamInfo = await stack.PgbackrestAsync("info");
        output.WriteLine($"pgrest info -> {info.ExitCode}: {info.StandardOutput}{info.StandardError}\npgbackrest info -> {upstreamInfo.ExitCode}: {upstreamInfo.StandardOutput}{upstreamInfo.StandardError}");
        Assert.Equal(upstreamInfo.ExitCode, info.ExitCode);
        Assert.Contains("SignatureDoesNotMatch", info.StandardOutput + info.StandardError);
    }

    [Fact]
    public async Task An_untrusted_certificate_is_refused_like_pgbackrest_unless_verification_is_turned_off()
    {
        // The server's certificate is self-signed: without repo1-storage-ca-file nothing vouches for it.
        var options = (await RepositoryOptionsAsync(UniquePath("untrusted"))).Where(option => !option.StartsWith("repo1-storage-ca-file=", StringComparison.Ordinal)).ToList();
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, ["log-level-console=warn"], start: false, stanza: "orders", repositoryOptions: options);
        foreach (var command in new[] { "info", "repo-ls" })
        {
            // info reports the repository's error as the stanza's status and exits 0; repo-ls fails with it.
            var ours = await stack.PgrestAsync(command);
            var theirs = await stack.PgbackrestAsync(command);
            output.WriteLine($"pgrest {command} -> {ours.ExitCode}: {ours.StandardOutput}{ours.StandardError}\npgbackrest {command} -> {theirs.ExitCode}: {theirs.StandardOutput}{theirs.StandardError}");
            Assert.Equal(theirs.ExitCode, ours.ExitCode);
            Assert.Contains("unable to verify certificate presented by '127.0.0.1:", ours.StandardOutput + ours.StandardError, StringComparison.Ordinal);
            Assert.Equal(command == "info" ? 0 : 95, ours.ExitCode);
        }

        foreach (var tool in new[] { "pgrest", "pgbackrest" })
        {
            var unverified = await Stack.RunToolAsync(stack, tool, "--no-repo1-storage-verify-tls", "info");
            Assert.True(unverified.ExitCode == 0, $"{tool} with verification off: {unverified.StandardError}");
        }
    }


    private Task<ProcessResult> Pgrest(Stack stack, params string[] arguments) => Expect(stack, pgrest: true, arguments);

    private Task<ProcessResult> Pgbackrest(Stack stack, params string[] arguments) => Expect(stack, pgrest: false, arguments);

    private Task<ProcessResult> Expect(Stack stack, bool pgrest, string[] arguments) =>
        stack.ExpectAsync(output, pgrest ? "pgrest" : "pgbackrest", arguments);
}
