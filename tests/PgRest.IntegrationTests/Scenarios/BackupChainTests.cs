using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using PgRest.Info;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// full → pgbench → diff → pgbench → incr chains: point-in-time recovery inside the chain gives exactly the data of the
/// target time, a delta restore over the old data directory writes only the files that differ, the next backup after it
/// switches to checksum comparison (timeline switch), and chains cross between
/// pgrest and the real pgBackRest 2.45 (each restores the other's chain; pgBackRest lists pgrest's references as its own).
/// </summary>
public sealed class BackupChainTests(ITestOutputHelper output)
{
    private const string ControlFile = "pg_data/global/pg_control";

    [Fact]
    public async Task Pitr_after_an_incremental_gives_the_data_at_the_target_and_delta_writes_only_changed_files()
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, ["process-max=2"]);
        await Expect(stack, Tool.Pgrest, "stanza-create");
        var (full, diff, incr) = await BuildChainAsync(stack, Tool.Pgrest);

        // Writes after the incremental, the target, then writes that the recovery must not replay.
        await Pgbench(stack, "-T", "2");
        var atTarget = await Checksum(stack);
        var target = (await stack.Cluster.QueryScalarAsync<string>("select to_char(clock_timestamp(), 'YYYY-MM-DD HH24:MI:SS.USOF')"))!;
        await Task.Delay(1100);
        await Pgbench(stack, "-T", "2");
        Assert.NotEqual(atTarget, await Checksum(stack));
        await Expect(stack, Tool.Pgrest, "check");
        await stack.Cluster.StopAsync();

        var manifest = Manifest.Parse(File.ReadAllText(Path.Combine(stack.RepoPath, "backup", Stack.StanzaName, incr, "backup.manifest")));
        Assert.Contains(manifest.Files, f => f.Reference == full);
        Assert.Contains(manifest.Files, f => f.Reference == diff);
        var differing = DifferingFiles(manifest, stack.Cluster.DataDirectory);

        var restore = await Expect(stack, Tool.Pgrest, "--log-level-console=detail", "--delta", "--type=time", $"--target={target}", "--target-action=promote", "restore");
        Assert.Contains($"restore backup set {incr}", restore.StandardOutput);
        var lines = restore.StandardOutput.Split('\n');
        var written = lines.Where(l => l.Contains("restore file ", StringComparison.Ordinal) && l.Contains(") checksum ", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf("restore file ", StringComparison.Ordinal) + 13)..l.LastIndexOf(" (", StringComparison.Ordinal)])
            .Where(path => !path.EndsWith("/global/pg_control", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var kept = lines.Count(l => l.Contains(" - exists and matches backup", StringComparison.Ordinal));
        output.WriteLine($"delta restore: {written.Count} written, {kept} kept, {differing.Count} differed, {manifest.Files.Count} in manifest");
        Assert.Equal(differing, written);
        Assert.Equal(manifest.Files.Count - 1, written.Count + kept);
        Assert.True(written.Count * 4 < manifest.Files.Count, $"a delta restore after a few seconds of pgbench should write few files, wrote {written.Count} of {manifest.Files.Count}");

        await stack.Cluster.StartAsync();
        await stack.WaitForPromotionAsync();
        Assert.Equal(atTarget, await Checksum(stack));
        Assert.Equal(2, await stack.CurrentTimelineAsync());

        // The restored files carry the backup's timestamps: the next incremental must compare checksums, as pgBackRest does.
        var afterRestore = await Expect(stack, Tool.Pgrest, "--type=incr", "backup");
        Assert.Contains($"a timeline switch has occurred since the {incr} backup, enabling delta checksum", afterRestore.StandardError);
        var next = BackupInfo.Parse(File.ReadAllText(Path.Combine(stack.RepoPath, "backup", Stack.StanzaName, "backup.info"))).Current.Keys.Last();
        Assert.Contains("option-delta=true", File.ReadAllText(Path.Combine(stack.RepoPath, "backup", Stack.StanzaName, next, "backup.manifest")));
        await Expect(stack, Tool.Pgbackrest, "verify");
    }

    [Fact]
    public async Task Pgbackrest_lists_and_restores_a_diff_incr_chain_written_by_pgrest()
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, ["process-max=2"]);
        await Expect(stack, Tool.Pgrest, "stanza-create");
        var (full, diff, incr) = await BuildChainAsync(stack, Tool.Pgrest);
        var final = await Checksum(stack);
        await Expect(stack, Tool.Pgrest, "check");

        await AssertChainListedAsync(stack, full, diff, incr);
        await Expect(stack, Tool.Pgbackrest, "verify");

        await RestoreIntoEmptyDirectoryAsync(stack, Tool.Pgbackrest, incr);
        Assert.Equal(final, await Checksum(stack));
    }

    [Fact]
    public async Task Pgrest_restores_a_diff_incr_chain_written_by_pgbackrest()
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgbackrest, ["process-max=2"]);
        await Expect(stack, Tool.Pgbackrest, "stanza-create");
        var (full, diff, incr) = await BuildChainAsync(stack, Tool.Pgbackrest);
        var final = await Checksum(stack);
        await Expect(stack, Tool.Pgbackrest, "check");

        await AssertChainListedAsync(stack, full, diff, incr);

        await RestoreIntoEmptyDirectoryAsync(stack, Tool.Pgrest, incr);
        Assert.Equal(final, await Checksum(stack));
    }

    /// <summary>pgbench data, then full, a few seconds of pgbench, diff, again, incr; returns the three labels.</summary>
    private async Task<(string Full, string Diff, string Incr)> BuildChainAsync(Stack stack, Tool tool)
    {
        await Pgbench(stack, "-i", "-s", "1");
        await Expect(stack, tool, "--type=full", "backup");
        await Pgbench(stack, "-T", "3");
        await Expect(stack, tool, "--type=diff", "backup");
        await Pgbench(stack, "-T", "3");
        await Expect(stack, tool, "--type=incr", "backup");
        var labels = BackupInfo.Parse(File.ReadAllText(Path.Combine(stack.RepoPath, "backup", Stack.StanzaName, "backup.info"))).Current.Keys.ToList();
        Assert.Equal(3, labels.Count);
        Assert.EndsWith("F", labels[0]);
        Assert.EndsWith("D", labels[1]);
        Assert.EndsWith("I", labels[2]);
        return (labels[0], labels[1], labels[2]);
    }

    /// <summary>pgBackRest's info shows the chain (prior and reference list) and pgrest's info says the same.</summary>
    private async Task AssertChainListedAsync(Stack stack, string full, string diff, string incr)
    {
        var json = (await Expect(stack, Tool.Pgbackrest, "info", "--output=json")).StandardOutput;
        var backups = JsonDocument.Parse(json).RootElement[0].GetProperty("backup").EnumerateArray().ToList();
        Assert.Equal(["full", "diff", "incr"], backups.Select(b => b.GetProperty("type").GetString()));
        Assert.Equal(JsonValueKind.Null, backups[0].GetProperty("reference").ValueKind);
        Assert.Equal([full], backups[1].GetProperty("reference").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal([full, diff], backups[2].GetProperty("reference").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(diff, backups[2].GetProperty("prior").GetString());

        var text = (await Expect(stack, Tool.Pgbackrest, "info", $"--set={incr}")).StandardOutput;
        Assert.Contains($"backup reference list: {full}, {diff}", text);
        Assert.Equal(JsonSerializerHelpers.Normalize(json), JsonSerializerHelpers.Normalize((await Expect(stack, Tool.Pgrest, "info", "--output=json")).StandardOutput));
        Assert.Equal(text, (await Expect(stack, Tool.Pgrest, "info", $"--set={incr}")).StandardOutput);
        Assert.Contains("database list: postgres (5)", text);
        Assert.Equal(
            JsonSerializerHelpers.Normalize((await Expect(stack, Tool.Pgbackrest, "info", $"--set={incr}", "--output=json")).StandardOutput),
            JsonSerializerHelpers.Normalize((await Expect(stack, Tool.Pgrest, "info", $"--set={incr}", "--output=json")).StandardOutput));
    }

    private async Task RestoreIntoEmptyDirectoryAsync(Stack stack, Tool tool, string expectedLabel)
    {
        await stack.Cluster.StopAsync();
        foreach (var entry in Directory.GetFileSystemEntries(stack.Cluster.DataDirectory))
        {
            if (Directory.Exists(entry))
                Directory.Delete(entry, recursive: true);
            else
                File.Delete(entry);
        }

        var restore = await Expect(stack, tool, "--log-level-console=info", "restore");
        Assert.Contains($"restore backup set {expectedLabel}", restore.StandardOutput);
        await stack.Cluster.StartAsync();
        await stack.WaitForPromotionAsync();
    }

    /// <summary>
    /// The files a delta restore has to write: missing, shorter than in the backup, or whose first <c>size</c> bytes
    /// hash differently (a longer file is truncated first); pg_control is always written and not counted.
    /// </summary>
    private static List<string> DifferingFiles(Manifest manifest, string dataDirectory)
    {
        var differing = new List<string>();
        foreach (var file in manifest.Files)
        {
            if (file.Name == ControlFile)
                continue;
            var local = Path.Combine(dataDirectory, file.Name["pg_data/".Length..]);
            var info = new FileInfo(local);
            bool same;
            if (!info.Exists || info.Length < (long)file.Size)
                same = false;
            else if (file.Size == 0)
                same = true;
            else
            {
                using var stream = File.OpenRead(local);
                var buffer = new byte[(int)file.Size];
                stream.ReadExactly(buffer);
                same = Convert.ToHexStringLower(SHA1.HashData(buffer)) == file.Checksum;
            }

            if (!same)
                differing.Add(local);
        }

        differing.Sort(StringComparer.Ordinal);
        return differing;
    }

    private static Task Pgbench(Stack stack, params string[] arguments) => stack.Cluster.PgbenchAsync(arguments);

    /// <summary>What a user would compare: balances, row counts and the history pgbench appended.</summary>
    private static async Task<string> Checksum(Stack stack) => (await stack.Cluster.QueryScalarAsync<string>(
        "select sum(abalance) || '/' || count(*) || '/' || (select count(*) || '/' || coalesce(sum(delta), 0) from pgbench_history) from pgbench_accounts"))!;

    private enum Tool { Pgrest, Pgbackrest }

    private Task<ProcessResult> Expect(Stack stack, Tool tool, params string[] arguments) =>
        stack.ExpectAsync(output, tool == Tool.Pgrest ? "pgrest" : "pgbackrest", arguments);
}
