using System.Security.Cryptography;
using PgRest.Filters;

namespace PgRest.Tests.Filters;

public class HashSizeStreamTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1_234_567)]
    public void WritingHashesAndCountsWhatPassesThrough(int length)
    {
        byte[] data = TestData.Mixed(length);
        var destination = new MemoryStream();
        var hashing = HashSizeStream.ForWriting(destination, leaveOpen: true);
        TestData.WriteInChunks(hashing, data);
        hashing.Dispose();

        Assert.Equal(data, destination.ToArray());
        Assert.Equal(length, hashing.Size);
        Assert.Equal(SHA1.HashData(data), hashing.Sha1);
        Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(data)), hashing.Sha1Hex);
    }

    [Fact]
    public async Task ReadingHashesAndCountsWhatPassesThrough()
    {
        byte[] data = TestData.Mixed(777_777);
        await using var hashing = HashSizeStream.ForReading(new TrickleStream(data, maxRead: 5000));
        Assert.Equal(data, await TestData.ReadAllAsync(hashing));
        Assert.True(hashing.EndOfStreamReached);
        Assert.Equal(data.Length, hashing.Size);
        Assert.Equal(SHA1.HashData(data), hashing.Sha1);
    }

    [Fact]
    public void SyncReadingMatchesSha1HashData()
    {
        byte[] data = TestData.Mixed(100_001);
        using var hashing = HashSizeStream.ForReading(new MemoryStream(data));
        Assert.Equal(data, TestData.ReadAll(hashing));
        Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(data)), hashing.Sha1Hex);
    }

    [Fact]
    public void EmptyStreamHasTheEmptySha1()
    {
        using var hashing = HashSizeStream.ForWriting(new MemoryStream());
        hashing.Finish();
        Assert.Equal("da39a3ee5e6b4b0d3255bfef95601890afd80709", hashing.Sha1Hex);
        Assert.Equal(0, hashing.Size);
    }

    [Fact]
    public void WritingAfterFinishThrows()
    {
        using var hashing = HashSizeStream.ForWriting(new MemoryStream());
        hashing.Write("abc"u8);
        Assert.Equal("a9993e364706816aba3e25717850c26c9cd0d89d", hashing.Sha1Hex);
        Assert.Throws<InvalidOperationException>(() => hashing.Write("more"u8));
    }

    [Fact]
    public void DirectionIsEnforced()
    {
        using var writing = HashSizeStream.ForWriting(new MemoryStream());
        using var reading = HashSizeStream.ForReading(new MemoryStream());
        Assert.False(writing.CanRead);
        Assert.False(reading.CanWrite);
        Assert.Throws<NotSupportedException>(() => writing.Read(new byte[1]));
        Assert.Throws<NotSupportedException>(() => reading.Write(new byte[1]));
    }

    [Fact]
    public void Sha1HexHelperMatchesSha1HashData()
    {
        byte[] data = TestData.Mixed(10_000);
        Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(data)), Hash.Sha1Hex(data));
        Assert.Equal("da39a3ee5e6b4b0d3255bfef95601890afd80709", Hash.Sha1Hex([]));
    }
}
