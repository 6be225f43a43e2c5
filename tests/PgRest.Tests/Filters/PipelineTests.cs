using System.Security.Cryptography;
using PgRest.Errors;
using PgRest.Filters;

namespace PgRest.Tests.Filters;

public class PipelineTests
{
    private const string Passphrase = "backup-set passphrase 0123456789";

    public static TheoryData<CompressType, bool, bool> Combinations()
    {
        var data = new TheoryData<CompressType, bool, bool>();
        foreach (CompressType type in Enum.GetValues<CompressType>())
        {
            foreach (bool encrypt in (bool[])[false, true])
            {
                foreach (bool raw in (bool[])[false, true])
                    data.Add(type, encrypt, raw);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public async Task RoundTripsAndReportsPlainAndRepoHashes(CompressType type, bool encrypt, bool raw)
    {
        byte[] data = TestData.Mixed(2 * 1024 * 1024 + 99, seed: 21);
        string plainSha1 = Convert.ToHexStringLower(SHA1.HashData(data));
        var destination = new MemoryStream();

        await using (WritePipeline write = Pipeline.Write(
            destination, type, CompressTypes.DefaultLevel(type), encrypt ? Passphrase : null, raw, leaveOpen: true))
        {
            await TestData.WriteInChunksAsync(write.Input, data);
            await write.CompleteAsync();

            byte[] stored = destination.ToArray();
            Assert.Equal(data.Length, write.Size);
            Assert.Equal(plainSha1, write.Sha1Hex);
            Assert.Equal(stored.Length, write.RepoSize);
            Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(stored)), write.RepoSha1Hex);
            Assert.Equal(type != CompressType.None || encrypt, write.IsTransformed);
            if (!write.IsTransformed)
                Assert.Equal(data, stored);
            else
                Assert.NotEqual(plainSha1, write.RepoSha1Hex);
        }

        await using ReadPipeline read = Pipeline.Read(new MemoryStream(destination.ToArray()), type, encrypt ? Passphrase : null, raw);
        Assert.Equal(data, await TestData.ReadAllAsync(read.Output, bufferSize: 70_001));
        Assert.Equal(data.Length, read.Size);
        Assert.Equal(plainSha1, read.Sha1Hex);
    }

    [Fact]
    public void SyncRoundTripWithCompressionAndEncryption()
    {
        byte[] data = TestData.Mixed(1024 * 1024, seed: 22);
        var destination = new MemoryStream();
        using (WritePipeline write = Pipeline.Write(destination, CompressType.Lz4, 1, Passphrase, leaveOpen: true))
        {
            TestData.WriteInChunks(write.Input, data);
            write.Complete();
            Assert.Equal(destination.Length, write.RepoSize);
        }

        using ReadPipeline read = Pipeline.Read(new MemoryStream(destination.ToArray()), CompressType.Lz4, Passphrase);
        Assert.Equal(data, TestData.ReadAll(read.Output));
        Assert.Equal(Hash.Sha1Hex(data), read.Sha1Hex);
    }

    [Fact]
    public void StoredGzEncryptedFileOpensWithOpenSslAndGzip()
    {
        byte[] data = TestData.Mixed(500_000, seed: 23);
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "file.gz");
        using (WritePipeline write = Pipeline.Write(File.Create(path), CompressType.Gz, 6, Passphrase))
        {
            TestData.WriteInChunks(write.Input, data);
            write.Complete();
        }

        byte[] decrypted = ExternalTool.Run("openssl", "enc", "-d", "-aes-256-cbc", "-md", "sha1", "-pass", "pass:" + Passphrase, "-in", path);
        Assert.Equal(data, ExternalTool.Run("gzip", "-dc", directory.File("decrypted.gz", decrypted)));
    }

    [Fact]
    public void HashesAreUnavailableUntilComplete()
    {
        using WritePipeline write = Pipeline.Write(new MemoryStream(), CompressType.Gz, 6, null);
        write.Input.Write("abc"u8);
        Assert.Throws<InvalidOperationException>(() => write.Sha1Hex);

        using ReadPipeline read = Pipeline.Read(new MemoryStream("abc"u8.ToArray()), CompressType.None, null);
        Assert.Equal('a', read.Output.ReadByte());
        Assert.Throws<InvalidOperationException>(() => read.Sha1Hex);
    }

    [Fact]
    public void DisposingWithoutCompletingWritesNothingMoreAndClosesDestination()
    {
        var destination = new MemoryStream();
        var write = Pipeline.Write(destination, CompressType.Bz2, 9, Passphrase);
        write.Input.Write(TestData.Mixed(10_000));
        write.Dispose();

        // bzip2 holds a whole block before writing, so nothing at all reached the destination.
        Assert.Empty(destination.ToArray());
        Assert.False(destination.CanWrite);
    }

    [Fact]
    public void WrongPassphraseSurfacesAsCryptoErrorThroughThePipeline()
    {
        var destination = new MemoryStream();
        using (WritePipeline write = Pipeline.Write(destination, CompressType.Zst, 3, Passphrase, leaveOpen: true))
        {
            write.Input.Write(TestData.Mixed(100_000));
            write.Complete();
        }

        using ReadPipeline read = Pipeline.Read(new MemoryStream(destination.ToArray()), CompressType.Zst, "wrong");
        var error = Assert.ThrowsAny<PgRestException>(() => TestData.ReadAll(read.Output));
        Assert.True(error.Code is ErrorCode.Crypto or ErrorCode.Format, error.Message);
        Assert.Contains("passphrase", error.Message);
        Assert.DoesNotContain(Passphrase, error.Message);
    }

    [Fact]
    public void ReadPipelineLeavesSourceOpenWhenAsked()
    {
        var source = new MemoryStream("plain"u8.ToArray());
        using (ReadPipeline read = Pipeline.Read(source, CompressType.None, null, leaveOpen: true))
            Assert.Equal("plain"u8.ToArray(), TestData.ReadAll(read.Output));
        Assert.True(source.CanRead);

        using (ReadPipeline read = Pipeline.Read(source, CompressType.None, null))
            TestData.ReadAll(read.Output);
        Assert.False(source.CanRead);
    }
}
