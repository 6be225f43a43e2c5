using System.Security.Cryptography;
using System.Text.Json;
using PgRest.BlockIncr;
using PgRest.Filters;
using PgRest.Repository;
using PgRest.Storage.Posix;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// Block-incremental repositories written by the real pgBackRest 2.59.1 (full, incr and diff; zst, bundled, plain and
/// encrypted; PostgreSQL 15 and 17): pgrest lists, verifies and restores every backup to exactly the files 2.59.1
/// restored, and a restored PostgreSQL 15 cluster holds the data the backup held.
/// </summary>
public sealed class UpstreamBlockIncrTests(ITestOutputHelper output)
{
    private static readonly string[] NotCompared = ["postgresql.auto.conf", "recovery.signal"];

    private async Task<ProcessResult> ExpectAsync(UpstreamFixture fixture, params string[] arguments)
    {
        var result = await fixture.PgrestAsync(arguments);
        output.WriteLine($"$ pgrest {string.Join(' ', arguments)} -> {result.ExitCode}\n{result.StandardOutput}{result.StandardError}");
        Assert.True(result.ExitCode == 0, $"pgrest {string.Join(' ', arguments)} exited {result.ExitCode}: {result.StandardError}");
        return result;
    }

    [Theory]
    [InlineData("pg15-block-plain", 9)]
    [InlineData("pg15-block-cipher", 9)]
    [InlineData("pg17-block-plain", 7)]
    public async Task Info_and_verify_see_every_backup_as_pgBackRest_does(string name, int walSegments)
    {
        using var fixture = await UpstreamFixture.ExtractAsync(name);

        var info = await ExpectAsync(fixture, "info", "--output=json");
        using var ours = JsonDocument.Parse(info.StandardOutput);
        using var theirs = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(fixture.Root, "extra", "info.json")));
        Assert.Equal(Backups(theirs), Backups(ours));
        Assert.Equal(theirs.RootElement[0].GetProperty("archive").GetRawText(), ours.RootElement[0].GetProperty("archive").GetRawText());

        var verify = await ExpectAsync(fixture, "--log-level-console=info", "verify", "--verbose");
        Assert.Contains("status: ok", verify.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"total WAL checked: {walSegments}, total valid WAL: {walSegments}", verify.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(fixture.Backups.Count, CountOf(verify.StandardOutput, "status: valid"));
    }

    [Theory]
    [InlineData("pg15-block-plain")]
    [InlineData("pg15-block-cipher")]
    [InlineData("pg17-block-plain")]
    public async Task Every_backup_restores_to_the_files_pgBackRest_restored(string name)
    {
        using var fixture = await UpstreamFixture.ExtractAsync(name);

        foreach (var backup in fixture.Backups)
        {
            string target = fixture.Work.CreateSubdirectory("restore-" + backup.Label);
            await ExpectAsync(fixture, $"--pg1-path={target}", $"--set={backup.Label}", "--type=immediate", "restore");
            Assert.Equal(UpstreamFixture.SortedSha1(fixture.RestoredSha1(backup.Label)), UpstreamFixture.Sha1List(target, NotCompared));
        }
    }

    [Fact]
    public async Task A_delta_restore_over_another_backup_writes_only_the_blocks_that_differ()
    {
        using var fixture = await UpstreamFixture.ExtractAsync("pg15-block-cipher");
        var (full, diff) = (fixture.Backups[0].Label, fixture.Backups[^1].Label);
        string target = fixture.Work.CreateSubdirectory("delta");
        await ExpectAsync(fixture, $"--pg1-path={target}", $"--set={full}", "--type=immediate", "restore");
        var table = Path.Combine(target, "base", "5", "16396");
        var before = await File.ReadAllBytesAsync(table);

        var delta = await ExpectAsync(fixture, $"--pg1-path={target}", $"--set={diff}", "--type=immediate", "--delta", "--log-level-console=detail", "restore");

        Assert.Equal(UpstreamFixture.SortedSha1(fixture.RestoredSha1(diff)), UpstreamFixture.Sha1List(target, NotCompared));
        // pgbench_accounts: the diff changed some of its 8 KiB blocks, not all of them; the others were left alone.
        var after = await File.ReadAllBytesAsync(table);
        int blocks = Math.Min(after.Length, before.Length) / 8192, changed = Enumerable.Range(0, blocks).Count(block => !after.AsSpan(block * 8192, 8192).SequenceEqual(before.AsSpan(block * 8192, 8192)));
        Assert.InRange(changed, 1, blocks - 1);
        Assert.Contains("exists and matches backup", delta.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pg15-block-plain", 15)]
    [InlineData("pg15-block-cipher", 15)]
    [InlineData("pg17-block-plain", 17)]
    public async Task A_restored_cluster_holds_what_each_backup_held(string name, int major)
    {
        using var fixture = await UpstreamFixture.ExtractAsync(name);

        foreach (var backup in fixture.Backups)
        {
            await using var cluster = await PgCluster.CreateAsync(new PgClusterOptions
            {
                Major = major,
                Start = false,
                // The fixture's primary ran with PostgreSQL's defaults; a standby needs at least as many connections and senders.
                Settings = new Dictionary<string, string> { ["archive_mode"] = "off", ["max_connections"] = "100", ["max_wal_senders"] = "10" },
            });
            foreach (var entry in new DirectoryInfo(cluster.DataDirectory).EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo directory)
                    directory.Delete(recursive: true);
                else
                    entry.Delete();
            }

            await ExpectAsync(fixture, $"--pg1-path={cluster.DataDirectory}", $"--set={backup.Label}", "--type=immediate", "restore");
            // The backed-up postgresql.conf names the machine that made the fixture; the harness's settings come last.
            await File.AppendAllTextAsync(Path.Combine(cluster.DataDirectory, "postgresql.conf"), $"\ninclude '{PgCluster.SettingsFileName}'\n");

            await cluster.StartAsync();

            Assert.Equal(backup.Count, await cluster.QueryScalarAsync<long>("select count(*) from pgbench_accounts"));
            Assert.Equal(backup.Sum, await cluster.QueryScalarAsync<long>("select sum(abalance) from pgbench_accounts"));
            Assert.Equal(backup.Md5, await cluster.QueryScalarAsync<string>("select md5(string_agg(aid::text||':'||abalance, ',' order by aid)) from pgbench_accounts"));
        }
    }

    [Fact]
    public async Task Archive_get_returns_the_segment_its_name_promises()
    {
        using var fixture = await UpstreamFixture.ExtractAsync("pg15-block-cipher");
        string destination = fixture.Work.Combine("pgdata", "RECOVERYXLOG");

        await ExpectAsync(fixture, "archive-get", "000000010000000000000005", destination);

        var stored = Directory.GetFiles(Path.Combine(fixture.RepoPath, "archive", "main", "15-1", "0000000100000000"), "000000010000000000000005-*")[0];
        string promised = Path.GetFileName(stored)[25..65];
        Assert.Equal(16 * 1024 * 1024, new FileInfo(destination).Length);
        Assert.Equal(promised, Convert.ToHexStringLower(SHA1.HashData(await File.ReadAllBytesAsync(destination))));
    }

    [Theory]
    [InlineData("pg15-block-plain", null)]
    [InlineData("pg15-block-cipher", "pgrest-fixture-2.59.1-Vq3mT8sLx6")]
    [InlineData("pg17-block-plain", null)]
    public async Task Every_block_map_encodes_back_to_the_bytes_pgBackRest_wrote(string name, string? cipherPass)
    {
        using var fixture = await UpstreamFixture.ExtractAsync(name);
        var repo = new Repo(1, new PosixStorage(fixture.RepoPath), fixture.RepoPath, cipherPass);
        var info = await BackupStore.LoadInfoAsync(repo, "main", CancellationToken.None);
        int maps = 0;
        foreach (var label in info.Current.Keys)
        {
            var manifest = await BackupStore.LoadManifestAsync(repo, "main", label, info, CancellationToken.None);
            foreach (var file in manifest.Files.Where(f => f.BlockIncrMapSize > 0 && f.Reference is null))
            {
                var path = BlockIncrStore.StoredPath("main", label, file, file.BundleId ?? 0);
                var source = await repo.Storage.OpenReadAsync(path, (long)(file.BundleOffset + file.EffectiveRepoSize - file.BlockIncrMapSize), (long)file.BlockIncrMapSize);
                using var pipeline = Pipeline.Read(source!, CompressType.None, manifest.CipherPass, raw: true);
                using var plain = new MemoryStream();
                await pipeline.Output.CopyToAsync(plain);

                var map = BlockMap.Decode(plain.ToArray(), (int)file.BlockIncrSize, (int)file.BlockIncrChecksumSize);
                Assert.Equal((long)((file.Size + file.BlockIncrSize - 1) / file.BlockIncrSize), map.Count);
                Assert.True(plain.ToArray().AsSpan().SequenceEqual(map.Encode()), $"{label} {file.Name}: the map does not encode back to its bytes");
                maps++;
            }
        }

        output.WriteLine($"{maps} maps encoded back byte for byte");
        Assert.True(maps > fixture.Backups.Count * 100, $"only {maps} maps");
    }

    internal static string Backups(JsonDocument info) => string.Join('\n', info.RootElement[0].GetProperty("backup").EnumerateArray().Select(backup =>
        $"{backup.GetProperty("label").GetString()} {backup.GetProperty("type").GetString()} prior={backup.GetProperty("prior")} " +
        $"reference={backup.GetProperty("reference")} wal={backup.GetProperty("archive").GetRawText()} lsn={backup.GetProperty("lsn").GetRawText()} " +
        $"info={backup.GetProperty("info").GetRawText()}"));

    private static int CountOf(string text, string what) => (text.Length - text.Replace(what, "", StringComparison.Ordinal).Length) / what.Length;
}
