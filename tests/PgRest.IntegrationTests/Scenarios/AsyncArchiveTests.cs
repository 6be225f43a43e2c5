using System.Text.RegularExpressions;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// archive-async=y: PostgreSQL's archive_command returns once the segment is queued and known archived; a background
/// worker pushes the ready segments in parallel; past archive-push-queue-max WAL is dropped with a warning instead of
/// filling the disk, and archiving resumes when the repository is back.
/// </summary>
public sealed partial class AsyncArchiveTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_segment_written_under_pgbench_arrives_once_and_verifies()
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, ["archive-async=y", "process-max=2", "compress-type=lz4"]);
        await Expect(stack, "stanza-create");
        await PgbenchAsync(stack, "-i", "-s", "3");
        await PgbenchAsync(stack, "-T", "4", "-c", "2");
        await Expect(stack, "check");

        var archived = ArchivedSegments(stack);
        output.WriteLine($"{archived.Count} segments archived");
        Assert.True(archived.Count >= 3, "pgbench should have filled several segments");
        Assert.Equal(archived.Count, archived.Distinct().Count()); // none twice
        var numbers = archived.Select(name => Convert.ToInt64(name[8..], 16)).Order().ToList();
        Assert.Equal(Enumerable.Range(0, numbers.Count).Select(i => numbers[0] + i), numbers); // no gap

        var spool = Path.Combine(stack.Work.Combine("spool"), "archive", Stack.StanzaName, "out");
        Assert.Empty(Directory.GetFiles(spool, "*.error"));
        await stack.ExpectAsync(output, "pgbackrest", "verify");
    }

    [Fact]
    public async Task Past_the_queue_limit_wal_is_dropped_with_a_warning_and_archiving_resumes_when_the_repository_is_back()
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, ["archive-async=y", "archive-push-queue-max=32MB"]);
        await Expect(stack, "stanza-create");
        await Expect(stack, "check");

        // The repository refuses writes: the archive id directory and the segment directory check's WAL created.
        var archiveDirectory = Path.Combine(stack.RepoPath, "archive", Stack.StanzaName, "15-1");
        string[] readOnly = [archiveDirectory, .. Directory.GetDirectories(archiveDirectory)];
        foreach (var directory in readOnly)
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            for (var i = 0; i < 6; i++)
                await stack.Cluster.ExecuteAsync("create table if not exists filler (x text); insert into filler select repeat('x', 100) from generate_series(1, 2000); select pg_switch_wal();");

            // The cluster keeps accepting writes, and the archiver catches up by dropping what exceeds the queue.
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (await ReadyCountAsync(stack) > 2 && DateTime.UtcNow < deadline)
                await Task.Delay(500);
            Assert.True(await ReadyCountAsync(stack) <= 2, "the ready queue should drain by dropping WAL");
            Assert.Equal(12000L, await stack.Cluster.QueryScalarAsync<long>("select count(*) from filler"));
            var log = File.ReadAllText(Path.Combine(stack.Work.Combine("log"), $"{Stack.StanzaName}-archive-push-async.log"));
            output.WriteLine(log);
            Assert.True(log.Contains("because archive queue exceeded 32MB", StringComparison.Ordinal), log);
        }
        finally
        {
            foreach (var directory in readOnly)
                File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        await Expect(stack, "check");
    }

    [Fact]
    public async Task Recovery_fetches_wal_through_the_async_prefetch_queue()
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, ["archive-async=y", "process-max=2"]);
        await Expect(stack, "stanza-create");
        await Expect(stack, "--type=full", "backup");
        await PgbenchAsync(stack, "-i", "-s", "2");
        var expected = await stack.Cluster.QueryScalarAsync<long>("select sum(abalance) + count(*) from pgbench_accounts");
        await Expect(stack, "check");
        await stack.Cluster.StopAsync();

        await Expect(stack, "--delta", "restore");
        await stack.Cluster.StartAsync();
        await stack.WaitForPromotionAsync();
        Assert.Equal(expected, await stack.Cluster.QueryScalarAsync<long>("select sum(abalance) + count(*) from pgbench_accounts"));
        var log = File.ReadAllText(Path.Combine(stack.Work.Combine("log"), $"{Stack.StanzaName}-archive-get-async.log"));
        Assert.Contains("found 0000000", log);
    }

    private static async Task<int> ReadyCountAsync(Stack stack)
    {
        await Task.Yield();
        return Directory.GetFiles(Path.Combine(stack.Cluster.DataDirectory, "pg_wal", "archive_status"), "*.ready").Length;
    }

    private static List<string> ArchivedSegments(Stack stack) =>
        Directory.GetFiles(Path.Combine(stack.RepoPath, "archive", Stack.StanzaName, "15-1"), "*", SearchOption.AllDirectories)
            .Select(Path.GetFileName)
            .Where(name => SegmentName().IsMatch(name!))
            .Select(name => name![..24])
            .ToList();

    [GeneratedRegex("^[0-9A-F]{24}-[0-9a-f]{40}")]
    private static partial Regex SegmentName();

    private static Task PgbenchAsync(Stack stack, params string[] arguments) => stack.Cluster.PgbenchAsync(arguments);

    private Task Expect(Stack stack, params string[] arguments) =>
        stack.ExpectAsync(output, "pgrest", ["--log-level-console=info", .. arguments]);
}
