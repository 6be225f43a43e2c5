using System.Security.Cryptography;
using PgRest.Errors;
using PgRest.Filters;
using PgRest.Repository;
using PgRest.Storage.Memory;

namespace PgRest.Tests.Repository;

/// <summary>What archive-get hands PostgreSQL: the stored segment's plain bytes, checked against the SHA-1 in its name.</summary>
public sealed class RepoFilesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pgrest-repofiles-").FullName;
    private readonly Repo _repo = new(1, new MemoryStorage(), "/repo", cipherPass: null);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static byte[] Segment()
    {
        // 3 MiB and a bit: several copy chunks, the last one short, hashed on another core while the next is written.
        var data = new byte[3 * 1024 * 1024 + 12345];
        new Random(7).NextBytes(data.AsSpan(0, data.Length / 2));
        return data;
    }

    [Theory]
    [InlineData(CompressType.Lz4, null)]
    [InlineData(CompressType.Zst, "archive-passphrase")]
    [InlineData(CompressType.None, null)]
    public async Task A_segment_comes_back_byte_for_byte_when_its_checksum_matches(CompressType compressType, string? passphrase)
    {
        var segment = Segment();
        await RepoFiles.WriteAsync(_repo, "archive/seg", segment, compressType, CompressTypes.DefaultLevel(compressType), passphrase, CancellationToken.None);
        var destination = Path.Combine(_directory, "RECOVERYXLOG");

        await RepoFiles.RestoreToFileAsync(_repo, "archive/seg", destination, compressType, passphrase, Convert.ToHexStringLower(SHA1.HashData(segment)),
            CancellationToken.None, durable: false);

        Assert.Equal(segment, File.ReadAllBytes(destination));
        Assert.Equal([destination], Directory.GetFiles(_directory));
    }

    [Fact]
    public async Task A_segment_whose_bytes_do_not_match_its_name_is_refused_and_nothing_is_left_for_postgresql()
    {
        var segment = Segment();
        await RepoFiles.WriteAsync(_repo, "archive/seg", segment, CompressType.Lz4, 1, null, CancellationToken.None);
        var destination = Path.Combine(_directory, "RECOVERYXLOG");
        var claimed = Convert.ToHexStringLower(SHA1.HashData("another segment"u8));

        var error = await Assert.ThrowsAsync<PgRestException>(() =>
            RepoFiles.RestoreToFileAsync(_repo, "archive/seg", destination, CompressType.Lz4, null, claimed, CancellationToken.None, durable: false));

        Assert.Equal(ErrorCode.Checksum, error.Code);
        Assert.Contains($"has checksum {Convert.ToHexStringLower(SHA1.HashData(segment))} but its name says {claimed}", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_directory));
    }
}
