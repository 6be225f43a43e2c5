using PgRest.Storage;
using PgRest.Storage.Posix;

namespace PgRest.Tests.Storage;

/// <summary>The conformance suite on a local file system (<c>repo-type=posix</c>), in a fresh temp directory.</summary>
public sealed class PosixConformanceTests : StorageConformanceTests, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("pgrest-posix-conformance-").FullName;

    protected override Task<IStorage> CreateStorageAsync(string root) =>
        Task.FromResult<IStorage>(new PosixStorage(_work + root));

    protected override Task<IStorage?> CreateStorageWithWrongCredentialsAsync(string root) => Task.FromResult<IStorage?>(null);

    public void Dispose() => Directory.Delete(_work, recursive: true);

    /// <summary>archive-push's one pass: a segment written before its SHA-1 is known is committed under the name it gives.</summary>
    [Fact]
    public async Task A_write_named_at_commit_appears_only_under_that_name()
    {
        var storage = new PosixStorage(_work + "/named");
        Assert.True(storage.Features.HasFlag(StorageFeatures.NameAtCommit));
        await storage.PathCreateAsync("archive/15-1/0000000100000000");
        await using (var write = await storage.OpenWriteAsync("archive/15-1/0000000100000000/000000010000000000000001"))
        {
            await write.WriteAsync("segment"u8.ToArray());
            await write.CommitAsAsync("archive/15-1/0000000100000000/000000010000000000000001-abc.lz4");
        }

        Assert.Equal(["000000010000000000000001-abc.lz4"],
            Directory.GetFiles(_work + "/named/archive/15-1/0000000100000000").Select(Path.GetFileName));
        Assert.Equal("segment"u8.ToArray(), File.ReadAllBytes(_work + "/named/archive/15-1/0000000100000000/000000010000000000000001-abc.lz4"));

        // Not into another directory: the name is all a commit may choose.
        await using var other = await storage.OpenWriteAsync("archive/15-1/0000000100000000/000000010000000000000002");
        await Assert.ThrowsAsync<ArgumentException>(() => other.CommitAsAsync(_work + "/named/elsewhere/000000010000000000000002-abc"));
    }
}
