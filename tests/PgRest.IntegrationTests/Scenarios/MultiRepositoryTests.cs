using System.Text.Json;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// Four repositories of four types at once (posix, S3 on Ceph RGW, Azure on Azurite, GCS on the emulator), as a DBA
/// keeps a local copy and copies in other failure domains: archive-push writes every one, backup goes to the one
/// --repo names, info shows each, restore and archive-get take the first that has what they need, and the real
/// pgBackRest reads the same four.
/// </summary>
public sealed class MultiRepositoryTests(ITestOutputHelper output)
{
    private const int Rows = 500;

    private static async Task<Stack> CreateStackAsync()
    {
        var repos = new List<string>();
        repos.AddRange(await ObjectStoreRepos.S3Async(2, ObjectStoreRepos.UniquePath("multi-s3")));
        repos.AddRange(await ObjectStoreRepos.AzureAsync(3, ObjectStoreRepos.UniquePath("multi-azure")));
        repos.AddRange(await ObjectStoreRepos.GcsAsync(4, ObjectStoreRepos.UniquePath("multi-gcs")));
        // repo1 is the stack's posix path; the object stores follow it.
        var stack = await Stack.CreateAsync(globalOptions: ["compress-type=zst", .. repos]);
        return stack;
    }

    [Fact]
    public async Task Four_repositories_of_four_types_are_written_listed_and_restored_from()
    {
        await using var stack = await CreateStackAsync();
        var stanzaCreate = await Run(stack, "stanza-create");
        foreach (var repo in new[] { "repo1", "repo2", "repo3", "repo4" })
            Assert.Contains(repo, stanzaCreate.StandardOutput + stanzaCreate.StandardError);

        await stack.Cluster.ExecuteAsync($"create table orders as select g as id, 'item ' || g as item from generate_series(1, {Rows}) g");
        // check switches WAL and waits until the segment is in every repository.
        await Run(stack, "check");

        var labels = new Dictionary<int, string>();
        foreach (var repo in new[] { 1, 2, 3, 4 })
        {
            await Run(stack, $"--repo={repo}", "--type=full", "backup");
            labels[repo] = await LatestLabelAsync(stack, repo);
        }

        await stack.Cluster.ExecuteAsync($"insert into orders select g, 'late ' || g from generate_series({Rows + 1}, {2 * Rows}) g");
        await Run(stack, "check");

        // info: every repository with status ok, each backup with the repository it is in.
        using (var info = JsonDocument.Parse((await Run(stack, "--output=json", "info")).StandardOutput))
        {
            var stanza = info.RootElement[0];
            Assert.Equal(0, stanza.GetProperty("status").GetProperty("code").GetInt32());
            var repoStatus = stanza.GetProperty("repo").EnumerateArray().ToDictionary(r => r.GetProperty("key").GetInt32(), r => r.GetProperty("status").GetProperty("code").GetInt32());
            Assert.Equal(new Dictionary<int, int> { [1] = 0, [2] = 0, [3] = 0, [4] = 0 }, repoStatus);
            var backups = stanza.GetProperty("backup").EnumerateArray()
                .ToDictionary(b => b.GetProperty("database").GetProperty("repo-key").GetInt32(), b => b.GetProperty("label").GetString());
            Assert.Equal(labels.ToDictionary(pair => pair.Key, pair => (string?)pair.Value), backups);
        }

        var text = (await Run(stack, "info")).StandardOutput;
        foreach (var repo in new[] { 1, 2, 3, 4 })
            Assert.Contains($"repo{repo}: backup set size", text);

        // The real pgBackRest sees the same four repositories and three backups.
        var pgbackrestInfo = await stack.PgbackrestAsync("--output=json", "info");
        Assert.True(pgbackrestInfo.ExitCode == 0, pgbackrestInfo.StandardError + pgbackrestInfo.StandardOutput);
        using (var info = JsonDocument.Parse(pgbackrestInfo.StandardOutput))
        {
            var stanza = info.RootElement[0];
            Assert.Equal(0, stanza.GetProperty("status").GetProperty("code").GetInt32());
            Assert.Equal(labels.Values.Order(StringComparer.Ordinal), stanza.GetProperty("backup").EnumerateArray().Select(b => b.GetProperty("label").GetString()!).Order(StringComparer.Ordinal));
        }

        // Restore the Azure backup (the first repository holding that set) and replay WAL to the end of the archive.
        await stack.Cluster.StopAsync();
        await Run(stack, $"--set={labels[3]}", "--delta", "--type=default", "restore");
        await stack.Cluster.StartAsync();
        await stack.WaitForPromotionAsync();
        Assert.Equal(2L * Rows, await stack.Cluster.QueryScalarAsync<long>("select count(*) from orders"));
        Assert.Contains("restored log file", stack.ReadLog());
    }

    [Fact]
    public async Task Archive_push_says_which_repository_failed_and_still_writes_the_others()
    {
        await using var stack = await CreateStackAsync();
        await Run(stack, "stanza-create");
        await stack.Cluster.ExecuteAsync("create table t as select 1 as x");
        var segment = await stack.Cluster.QueryScalarAsync<string>("select pg_walfile_name(pg_current_wal_lsn())");
        await stack.Cluster.ExecuteAsync("select pg_switch_wal()");
        await Run(stack, "check");

        // The same segment again with repo3's key wrong: the other three answer "already archived", repo3 fails.
        var walPath = Path.Combine(stack.Cluster.DataDirectory, "pg_wal", segment!);
        var result = await ProcessRunner.RunAsync(Tools.Pgrest,
            [$"--config={stack.ConfigPath}", $"--stanza={stack.Stanza}", "archive-push", walPath], PgCluster.OsUser,
            new Dictionary<string, string?> { ["PGBACKREST_REPO3_AZURE_KEY"] = Convert.ToBase64String(new byte[64]) });
        output.WriteLine(result.StandardOutput + result.StandardError);
        Assert.Equal(104, result.ExitCode);
        Assert.Contains("3 of 4 repositories", result.StandardError);
        Assert.Contains("repo3: [ProtocolError]", result.StandardError);
        Assert.Contains("403", result.StandardError);
        Assert.DoesNotContain("repo2:", result.StandardError.Split("failed:")[1]);

        // archive-get takes the segment from the first repository that has it, even with repo1 gone.
        Directory.Delete(stack.RepoPath, recursive: true);
        var target = Path.Combine(stack.Work.Path, "fetched");
        var get = await stack.PgrestAsync("archive-get", segment!, target);
        Assert.True(get.ExitCode == 0, get.StandardError);
        Assert.Equal(16 * 1024 * 1024, new FileInfo(target).Length);
    }

    private static async Task<string> LatestLabelAsync(Stack stack, int repo)
    {
        var result = await stack.PgrestAsync($"--repo={repo}", "--output=json", "info");
        using var info = JsonDocument.Parse(result.StandardOutput);
        return info.RootElement[0].GetProperty("backup").EnumerateArray().Last().GetProperty("label").GetString()!;
    }

    private Task<ProcessResult> Run(Stack stack, params string[] arguments) =>
        stack.ExpectAsync(output, "pgrest", ["--log-level-console=info", .. arguments]);
}
