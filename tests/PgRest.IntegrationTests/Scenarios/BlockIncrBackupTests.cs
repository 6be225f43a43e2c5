using System.Globalization;
using PgRest.Info;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// Block-incremental backups (<c>repo-bundle=y repo-block=y</c>) of a real cluster: a localized change stores only the
/// blocks it touched; every backup restores with pgrest and with the real pgBackRest 2.55.1; chains mixing the two
/// tools restore; a <c>--delta</c> restore writes only the blocks that differ; point-in-time recovery inside the chain.
/// </summary>
public sealed class BlockIncrBackupTests(ITestOutputHelper output)
{
    private const string Table = "accounts";
    private static readonly string[] BlockOptions = ["repo1-bundle=y", "repo1-block=y", "compress-type=zst", "repo1-retention-full=4"];
    private static readonly string[] EncryptedOptions = [.. BlockOptions, "repo1-cipher-type=aes-256-cbc", "repo1-cipher-pass=block-incr-test-pass"];

    private Task<ProcessResult> ExpectAsync(Stack stack, string tool, params string[] arguments) => stack.ExpectAsync(output, tool, arguments);

    /// <summary>A stack with these options whose cluster holds a 60 MB table (24 KiB blocks), settled so that only changes touch its pages.</summary>
    private static async Task<Stack> CreateStackAsync(string[] options)
    {
        var stack = await Stack.CreateAsync(Archiver.Pgrest, options);
        await stack.ExpectAsync(new NullOutput(), "pgrest", "stanza-create");
        await stack.Cluster.SetSettingsAsync(new Dictionary<string, string> { ["autovacuum"] = "off" });
        await stack.Cluster.ExecuteAsync(
            $"create table {Table} as select g as id, 0 as balance, md5(g::text) || md5((g * 7)::text) as filler from generate_series(1, 600000) g");
        await stack.Cluster.ExecuteAsync($"vacuum (freeze) {Table}");
        await stack.Cluster.ExecuteAsync("checkpoint");
        return stack;
    }

    /// <summary>Updates 1% of the rows, all in one key range, and appends a few rows.</summary>
    private static async Task ChangeAsync(Stack stack, int step)
    {
        int first = step * 100_000;
        await stack.Cluster.ExecuteAsync($"update {Table} set balance = balance + {step} where id between {first} and {first + 6000}");
        await stack.Cluster.ExecuteAsync($"insert into {Table} select g, {step}, 'new' from generate_series({1_000_000 * step}, {1_000_000 * step + 500}) g");
        await stack.Cluster.ExecuteAsync("checkpoint");
    }

    private static Task<string?> DataAsync(Stack stack) =>
        stack.Cluster.QueryScalarAsync<string>($"select count(*) || '/' || sum(balance) || '/' || md5(string_agg(id::text || ':' || balance, ',' order by id)) from {Table}");

    [Fact]
    public async Task Each_backup_of_a_chain_stores_only_changed_blocks_and_restores_with_pgrest_and_pgBackRest()
    {
        await using var stack = await CreateStackAsync(EncryptedOptions);
        var expected = new List<(string Label, string Data)>();
        foreach (var (type, step) in new[] { ("full", 0), ("incr", 1), ("incr", 2), ("diff", 3) })
        {
            if (step > 0)
                await ChangeAsync(stack, step);
            await ExpectAsync(stack, "pgrest", $"--type={type}", "backup");
            expected.Add((LatestLabel(stack), (await DataAsync(stack))!));
        }

        // The table's file: whole in the full, then only the changed blocks and a map; file level would store it whole each time.
        var stored = expected.Select(backup => StoredSize(stack, backup.Label, TablePath(stack))).ToList();
        output.WriteLine($"stored bytes of {Table} per backup: {string.Join(", ", stored)}");
        foreach (var size in stored.Skip(1))
            Assert.InRange(size, 1, stored[0] * 3 / 10);

        var verify = await ExpectAsync(stack, "pgbackrest-2.55", "--log-level-console=info", "verify");
        Assert.DoesNotContain("WARN", verify.StandardOutput + verify.StandardError, StringComparison.Ordinal);
        // info: the same backups, sizes and map sizes as pgBackRest 2.55.1 shows for the same repository.
        using (var ours = System.Text.Json.JsonDocument.Parse((await ExpectAsync(stack, "pgrest", "info", "--output=json")).StandardOutput))
        using (var theirs = System.Text.Json.JsonDocument.Parse((await ExpectAsync(stack, "pgbackrest-2.55", "info", "--output=json")).StandardOutput))
            Assert.Equal(UpstreamBlockIncrTests.Backups(theirs), UpstreamBlockIncrTests.Backups(ours));

        foreach (var tool in new[] { "pgrest", "pgbackrest-2.55" })
        {
            foreach (var (label, data) in expected)
            {
                await RestoreAsync(stack, tool, $"--set={label}", "--type=immediate");
                Assert.Equal(data, await DataAsync(stack));
            }
        }
    }

    [Fact]
    public async Task Chains_mixing_pgrest_and_pgBackRest_restore_with_both()
    {
        await using var stack = await CreateStackAsync(BlockOptions);
        var tools = new[] { "pgbackrest-2.55", "pgrest", "pgbackrest-2.55", "pgrest" };
        string data = "";
        for (int step = 0; step < tools.Length; step++)
        {
            if (step > 0)
                await ChangeAsync(stack, step);
            await ExpectAsync(stack, tools[step], $"--type={(step == 0 ? "full" : "incr")}", "backup");
            data = (await DataAsync(stack))!;
        }

        await ExpectAsync(stack, "pgrest", "verify");
        await ExpectAsync(stack, "pgbackrest-2.55", "verify");
        foreach (var tool in new[] { "pgrest", "pgbackrest-2.55" })
        {
            await RestoreAsync(stack, tool, "--type=immediate");
            Assert.Equal(data, await DataAsync(stack));
        }
    }

    [Fact]
    public async Task A_delta_restore_writes_only_the_blocks_that_differ()
    {
        await using var stack = await CreateStackAsync(BlockOptions);
        await ExpectAsync(stack, "pgrest", "--type=full", "backup");
        var full = LatestLabel(stack);
        await ChangeAsync(stack, 1);
        await ExpectAsync(stack, "pgrest", "--type=incr", "backup");
        var data = await DataAsync(stack);
        var tableFile = stack.Cluster.DataDirectory + TablePath(stack)["pg_data".Length..];
        long tableSize = new FileInfo(tableFile).Length;

        await RestoreAsync(stack, "pgrest", $"--set={full}", "--type=immediate");
        var delta = await RestoreAsync(stack, "pgrest", "--type=immediate", "--log-level-console=detail");

        Assert.Equal(data, await DataAsync(stack));
        var line = delta.StandardOutput.Split('\n').Single(l => l.Contains($"restore file {tableFile} (", StringComparison.Ordinal));
        output.WriteLine(line);
        // "(bi <written>/<size>, ...)": a fraction of the table was written.
        var written = line[(line.IndexOf("(bi ", StringComparison.Ordinal) + 4)..line.IndexOf('/', line.IndexOf("(bi ", StringComparison.Ordinal))];
        Assert.True(ParseSize(written) < tableSize / 5, $"{written} of {tableSize} bytes written");
    }

    [Fact]
    public async Task Point_in_time_recovery_inside_an_incremental_chain()
    {
        await using var stack = await CreateStackAsync(BlockOptions);
        await ExpectAsync(stack, "pgrest", "--type=full", "backup");
        await ChangeAsync(stack, 1);
        await ExpectAsync(stack, "pgrest", "--type=incr", "backup");
        await ChangeAsync(stack, 2);
        var atPoint = await DataAsync(stack);
        await stack.Cluster.ExecuteAsync("select pg_create_restore_point('before-the-mistake')");
        await stack.Cluster.ExecuteAsync($"delete from {Table} where id < 300000");
        await stack.Cluster.ExecuteAsync("select pg_switch_wal()");
        await ExpectAsync(stack, "pgrest", "--log-level-console=info", "check");

        await RestoreAsync(stack, "pgrest", "--type=name", "--target=before-the-mistake");

        Assert.Equal(atPoint, await DataAsync(stack));
    }

    /// <summary>Stops the cluster, restores into its data directory (<c>--delta</c>), starts it and waits for promotion.</summary>
    private async Task<ProcessResult> RestoreAsync(Stack stack, string tool, params string[] arguments)
    {
        await stack.Cluster.StopAsync();
        var result = await ExpectAsync(stack, tool, [.. arguments, "--delta", "--target-action=promote", "restore"]);
        await stack.Cluster.StartAsync();
        await stack.WaitForPromotionAsync();
        return result;
    }

    private static string LatestLabel(Stack stack) =>
        Directory.GetDirectories(Path.Combine(stack.RepoPath, "backup", stack.Stanza)).Select(Path.GetFileName).Where(name => name!.StartsWith("20", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).Last()!;

    private static string TablePath(Stack stack)
    {
        var relation = stack.Cluster.QueryScalarAsync<string>($"select pg_relation_filepath('{Table}')").GetAwaiter().GetResult();
        return "pg_data/" + relation;
    }

    /// <summary>What a backup stored for a file itself (0 when it only references an earlier backup).</summary>
    private static long StoredSize(Stack stack, string label, string name)
    {
        var manifest = ReadManifest(stack, label);
        var file = manifest.Files.Single(f => f.Name == name);
        Assert.True(file.BlockIncrSize > 0, $"{name} is not block incremental in {label}");
        return file.Reference is null ? (long)file.EffectiveRepoSize : 0;
    }

    private static Manifest ReadManifest(Stack stack, string label)
    {
        var result = stack.PgrestAsync("repo-get", $"backup/{stack.Stanza}/{label}/backup.manifest").GetAwaiter().GetResult().EnsureSuccess("repo-get");
        return Manifest.Parse(result.StandardOutput);
    }

    private static long ParseSize(string text)
    {
        var units = new (string Suffix, long Factor)[] { ("GB", 1L << 30), ("MB", 1L << 20), ("KB", 1L << 10), ("B", 1) };
        foreach (var (suffix, factor) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal))
                return (long)(double.Parse(text[..^suffix.Length], CultureInfo.InvariantCulture) * factor);
        }

        throw new FormatException(text);
    }

    private sealed class NullOutput : ITestOutputHelper
    {
        public void WriteLine(string message)
        {
        }

        public void WriteLine(string format, params object[] args)
        {
        }
    }
}
