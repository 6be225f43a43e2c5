using System.Text.RegularExpressions;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// A posix repository on a small tmpfs that fills up, then is made read-only: every write fails with a clear error
/// and the exit code the real pgBackRest gives on the same input, nothing half-written is left where a reader would
/// trust it, the next run succeeds once there is room, and a read-only repository still lists, verifies and restores.
/// </summary>
public sealed partial class FullOrReadOnlyRepositoryTests(ITestOutputHelper output)
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task A_full_repository_fails_like_pgbackrest_leaves_nothing_half_written_and_the_next_run_succeeds()
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, ["compress-type=none"]);
        await using var disk = await SmallFileSystem.MountAsync(stack.RepoPath, 4 * MiB);
        var archiveCommand = await stack.Cluster.QueryScalarAsync<string>("show archive_command");
        // The test is archive_command until the backup: the server keeps its segments.
        await stack.Cluster.SetSettingsAsync(new Dictionary<string, string> { ["archive_command"] = "''" });

        // stanza-create with no room at all.
        var filler = Path.Combine(stack.RepoPath, "filler");
        Fill(filler);
        await ExpectSameFailureAsync(stack, () => Assert.Equal([filler], RepositoryFiles(stack)), "stanza-create");
        File.Delete(filler);
        RemoveLeftovers(stack);
        await stack.ExpectAsync(output, "pgrest", "stanza-create");

        // archive-push of a segment that does not fit: no part of it may be left under its name.
        await disk.RemountAsync(bytes: disk.Used + 8 * MiB);
        var segment = await stack.SwitchSegmentAsync();
        var original = await File.ReadAllBytesAsync(Path.Combine(stack.Cluster.DataDirectory, "pg_wal", segment));
        await ExpectSameFailureAsync(stack, () => Assert.DoesNotContain(RepositoryFiles(stack), file => file.Contains(segment, StringComparison.Ordinal)),
            "archive-push", Path.Combine(stack.Cluster.DataDirectory, "pg_wal", segment));
        RemoveLeftovers(stack);
        await disk.RemountAsync(bytes: 512 * MiB);
        await stack.ExpectAsync(output, "pgrest", "archive-push", Path.Combine(stack.Cluster.DataDirectory, "pg_wal", segment));
        var copy = stack.Work.Combine("got-" + segment);
        await stack.ExpectAsync(output, "pgbackrest", "archive-get", segment, copy);
        var got = await File.ReadAllBytesAsync(copy);
        Assert.True(original.SequenceEqual(got), "the segment pushed after the failure came back different");

        // A full backup that does not fit (half the data's size is free; the WAL check is off, as the test still
        // archives by hand): info lists nothing new, and the next backup, with room, verifies.
        await stack.Cluster.ExecuteAsync("create table t as select g, md5(g::text) as payload from generate_series(1, 200000) g");
        var before = await InfoSummaryAsync(stack, "pgbackrest");
        var dataSize = Directory.GetFiles(Path.Combine(stack.Cluster.DataDirectory, "base"), "*", SearchOption.AllDirectories).Sum(file => new FileInfo(file).Length);
        await disk.RemountAsync(bytes: disk.Used + dataSize / 2);
        await ExpectSameFailureAsync(stack, () => { }, "--no-archive-check", "--type=full", "backup");
        Assert.Equal(before, await InfoSummaryAsync(stack, "pgbackrest"));
        Assert.Equal(before, await InfoSummaryAsync(stack, "pgrest"));
        await disk.RemountAsync(bytes: 512 * MiB);
        await stack.Cluster.SetSettingsAsync(new Dictionary<string, string> { ["archive_command"] = "'" + archiveCommand!.Replace("'", "''", StringComparison.Ordinal) + "'" });
        await stack.ExpectAsync(output, "pgrest", "--type=full", "backup");
        await ExpectVerifiedAsync(stack);
        Assert.Equal(await InfoSummaryAsync(stack, "pgbackrest"), await InfoSummaryAsync(stack, "pgrest"));
    }

    [Fact]
    public async Task A_read_only_repository_refuses_writes_like_pgbackrest_and_still_lists_verifies_and_restores()
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, ["compress-type=lz4"]);
        await using var disk = await SmallFileSystem.MountAsync(stack.RepoPath, 512 * MiB);
        await stack.ExpectAsync(output, "pgrest", "stanza-create");
        await stack.Cluster.ExecuteAsync("create table t as select g, md5(g::text) as payload from generate_series(1, 50000) g");
        await stack.ExpectAsync(output, "pgrest", "--type=full", "backup");
        await stack.ExpectAsync(output, "pgrest", "check");
        const string sum = "select count(*) || '/' || sum(hashtext(payload)) from t";
        var expected = await stack.Cluster.QueryScalarAsync<string>(sum);
        await disk.RemountAsync(readOnly: true);

        Assert.Equal(await InfoSummaryAsync(stack, "pgbackrest"), await InfoSummaryAsync(stack, "pgrest"));
        await ExpectVerifiedAsync(stack);
        var segment = await stack.SwitchSegmentAsync();
        await ExpectSameFailureAsync(stack, () => { }, "archive-push", Path.Combine(stack.Cluster.DataDirectory, "pg_wal", segment));
        await ExpectSameFailureAsync(stack, () => { }, "--no-archive-check", "--type=incr", "backup");

        await stack.Cluster.StopAsync();
        stack.Cluster.EmptyDataDirectory();
        await stack.ExpectAsync(output, "pgrest", "--type=immediate", "--target-action=promote", "restore");
        await stack.Cluster.StartAsync();
        await stack.WaitForPromotionAsync();
        Assert.Equal(expected, await stack.Cluster.QueryScalarAsync<string>(sum));
    }

    /// <summary>
    /// pgrest fails with an error line and a non-zero exit code, <paramref name="afterPgrest"/> checks what it left,
    /// then the real pgBackRest runs the same command on the same repository and must exit with the same code.
    /// </summary>
    private async Task ExpectSameFailureAsync(Stack stack, Action afterPgrest, params string[] arguments)
    {
        var ours = await stack.PgrestAsync(arguments);
        output.WriteLine($"$ pgrest {string.Join(' ', arguments)} -> {ours.ExitCode}\n{ours.StandardError}");
        Assert.NotEqual(0, ours.ExitCode);
        Assert.Matches(ErrorLine(), ours.StandardError);
        afterPgrest();
        var theirs = await stack.PgbackrestAsync(arguments);
        output.WriteLine($"$ pgbackrest {string.Join(' ', arguments)} -> {theirs.ExitCode}\n{theirs.StandardError}");
        Assert.True(theirs.ExitCode == ours.ExitCode,
            $"{string.Join(' ', arguments)}: pgrest exited {ours.ExitCode}, pgBackRest {theirs.ExitCode}\npgrest: {ours.StandardError}\npgBackRest: {theirs.StandardError}");
    }

    /// <summary>Both tools' verify find the repository clean (they exit 0 either way: the status line tells).</summary>
    private async Task ExpectVerifiedAsync(Stack stack)
    {
        foreach (var tool in new[] { "pgrest", "pgbackrest" })
            await stack.ExpectAsync(output, tool, "verify");
    }

    /// <summary>Every file in the repository, temporary ones included.</summary>
    private static List<string> RepositoryFiles(Stack stack) => [.. Directory.GetFiles(stack.RepoPath, "*", SearchOption.AllDirectories)];

    /// <summary>pgBackRest's failed runs may leave its temporary files; they are not what the next check is about.</summary>
    private static void RemoveLeftovers(Stack stack)
    {
        foreach (var file in RepositoryFiles(stack).Where(file => file.EndsWith(".pgbackrest.tmp", StringComparison.Ordinal)))
            File.Delete(file);
    }

    private static void Fill(string path)
    {
        var chunk = new byte[64 * 1024];
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        try
        {
            while (true)
                stream.Write(chunk);
        }
        catch (IOException)
        {
            // No space left on device: the file system is full.
        }
    }

    /// <summary>The stanza's status, backups and archive range as info --output=json gives them.</summary>
    private async Task<string> InfoSummaryAsync(Stack stack, string tool)
    {
        var info = await stack.ExpectAsync(output, tool, "info", "--output=json");
        return InfoSummary.Of(info.StandardOutput);
    }

    [GeneratedRegex(@"ERROR: \[\d{3}\]: ")]
    private static partial Regex ErrorLine();
}
