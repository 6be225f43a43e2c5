using System.Security.Cryptography;
using PgRest.Commands.Verify;
using PgRest.Info;
using PgRest.Repository;
using PgRest.Storage.Memory;

namespace PgRest.Tests.Commands;

/// <summary>verify over a repository held in memory: what it finds wrong in the WAL archive, without a server.</summary>
public class VerifyOnMemoryRepositoryTests
{
    private const string Stanza = "demo";
    private const int SegmentSize = 16 * 1024 * 1024;

    private readonly MemoryStorage _storage = new();
    private readonly Repo _repo;

    public VerifyOnMemoryRepositoryTests() => _repo = new Repo(1, _storage, "/repo", cipherPass: null);

    private async Task StanzaAsync()
    {
        var archiveInfo = new ArchiveInfo();
        archiveInfo.AddDb(7000000000000000001, "15");
        await WalArchive.SaveInfoAsync(_repo, Stanza, archiveInfo, CancellationToken.None);
        var backupInfo = new BackupInfo();
        backupInfo.AddDb(7000000000000000001, "15", 202209061, 1300);
        await BackupStore.SaveInfoAsync(_repo, Stanza, backupInfo, CancellationToken.None);
    }

    /// <summary>A 16 MiB segment stored uncompressed, named by the SHA-1 of <paramref name="named"/> (its own content unless given).</summary>
    private async Task SegmentAsync(string segment, byte fill, byte[]? named = null)
    {
        var content = new byte[SegmentSize];
        Array.Fill(content, fill);
        var sha1 = Convert.ToHexStringLower(SHA1.HashData(named ?? content));
        await using var stream = await _storage.OpenWriteAsync(RepositoryLayout.ArchiveFilePath(Stanza, "15-1", segment + "-" + sha1));
        await stream.WriteAsync(content);
        await stream.CommitAsync();
    }

    private Task<string> VerifyAsync() => new RepositoryVerifier(_repo, Stanza, processMax: 2, showProgress: false, CancellationToken.None).RunAsync(verbose: true);

    [Fact]
    public async Task A_clean_archive_reports_every_segment_valid()
    {
        await StanzaAsync();
        await SegmentAsync("000000010000000000000001", 1);
        await SegmentAsync("000000010000000000000002", 2);

        var report = await VerifyAsync();

        Assert.StartsWith("stanza: demo\nstatus: ok", report, StringComparison.Ordinal);
        Assert.Contains("archiveId: 15-1, total WAL checked: 2, total valid WAL: 2", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_segment_whose_content_does_not_match_its_name_is_counted_as_checksum_invalid()
    {
        await StanzaAsync();
        await SegmentAsync("000000010000000000000001", 1);
        await SegmentAsync("000000010000000000000002", 2, named: [0]);

        var report = await VerifyAsync();

        Assert.StartsWith("stanza: demo\nstatus: error", report, StringComparison.Ordinal);
        Assert.Contains("archiveId: 15-1, total WAL checked: 2, total valid WAL: 1\n    missing: 0, checksum invalid: 1, size invalid: 0, other: 0",
            report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Info_files_that_describe_different_clusters_are_an_error_before_anything_is_read()
    {
        var archiveInfo = new ArchiveInfo();
        archiveInfo.AddDb(7000000000000000001, "15");
        await WalArchive.SaveInfoAsync(_repo, Stanza, archiveInfo, CancellationToken.None);
        var backupInfo = new BackupInfo();
        backupInfo.AddDb(7000000000000000002, "15", 202209061, 1300);
        await BackupStore.SaveInfoAsync(_repo, Stanza, backupInfo, CancellationToken.None);

        var report = await VerifyAsync();

        Assert.Contains("backup info file and archive info file do not match", report, StringComparison.Ordinal);
    }
}
