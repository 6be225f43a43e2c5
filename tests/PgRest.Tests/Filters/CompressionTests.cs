using System.Buffers.Binary;
using PgRest.Errors;
using PgRest.Filters;

namespace PgRest.Tests.Filters;

public class CompressionTests
{
    public static TheoryData<CompressType, int> Levels => new()
    {
        { CompressType.Gz, -1 }, { CompressType.Gz, 0 }, { CompressType.Gz, 1 }, { CompressType.Gz, 6 }, { CompressType.Gz, 9 },
        { CompressType.Lz4, -5 }, { CompressType.Lz4, 1 }, { CompressType.Lz4, 9 }, { CompressType.Lz4, 12 },
        { CompressType.Zst, -7 }, { CompressType.Zst, 3 }, { CompressType.Zst, 19 },
        { CompressType.Bz2, 1 }, { CompressType.Bz2, 9 },
    };

    public static TheoryData<CompressType, bool> TypesAndRaw => new()
    {
        { CompressType.Gz, false }, { CompressType.Gz, true },
        { CompressType.Lz4, false }, { CompressType.Lz4, true },
        { CompressType.Zst, false }, { CompressType.Zst, true },
        { CompressType.Bz2, false }, { CompressType.Bz2, true },
    };

    public static TheoryData<CompressType> Types => new() { CompressType.Gz, CompressType.Lz4, CompressType.Zst, CompressType.Bz2 };

    [Theory]
    [MemberData(nameof(Levels))]
    public void RoundTripsAtEachLevel(CompressType type, int level)
    {
        byte[] data = TestData.Mixed(300_000, seed: level + 10);
        foreach (bool raw in (bool[])[false, true])
        {
            byte[] stored = TestData.Compress(type, level, raw, data);
            Assert.Equal(data, TestData.Decompress(type, raw, stored));
        }
    }

    [Fact]
    public void HigherLevelsCompressTextSmaller()
    {
        byte[] data = TestData.Mixed(600_000, seed: 3);
        foreach (CompressType type in (CompressType[])[CompressType.Gz, CompressType.Lz4, CompressType.Zst])
        {
            int fast = TestData.Compress(type, CompressTypes.MinLevel(type), false, data).Length;
            int strong = TestData.Compress(type, CompressTypes.DefaultLevel(type) + 3, false, data).Length;
            Assert.True(strong < fast, $"{type}: level {CompressTypes.DefaultLevel(type) + 3} gave {strong} bytes, min level {fast}");
        }
    }

    [Theory]
    [MemberData(nameof(TypesAndRaw))]
    public void RoundTripsEmptyInput(CompressType type, bool raw)
    {
        byte[] stored = TestData.Compress(type, CompressTypes.DefaultLevel(type), raw, []);
        Assert.NotEmpty(stored);
        Assert.Empty(TestData.Decompress(type, raw, stored));
    }

    [Theory]
    [MemberData(nameof(TypesAndRaw))]
    public void RoundTripsMultiMebibyteInputWrittenInOddChunks(CompressType type, bool raw)
    {
        byte[] data = TestData.Mixed(5 * 1024 * 1024 + 123, seed: 5);
        byte[] stored = TestData.Compress(type, CompressTypes.DefaultLevel(type), raw, data);
        Assert.True(stored.Length < data.Length);
        using Stream decompressor = Compression.Decompressor(new MemoryStream(stored), type, raw);
        Assert.Equal(data, TestData.ReadAll(decompressor, bufferSize: 65521));
    }

    [Theory]
    [MemberData(nameof(TypesAndRaw))]
    public async Task RoundTripsAsync(CompressType type, bool raw)
    {
        byte[] data = TestData.Mixed(3 * 1024 * 1024 + 7, seed: 6);
        var stored = new MemoryStream();
        await using (Stream compressor = Compression.Compressor(stored, type, CompressTypes.DefaultLevel(type), raw, leaveOpen: true))
            await TestData.WriteInChunksAsync(compressor, data);

        await using Stream decompressor = Compression.Decompressor(new MemoryStream(stored.ToArray()), type, raw);
        Assert.Equal(data, await TestData.ReadAllAsync(decompressor, bufferSize: 1000));
    }

    [Theory]
    [MemberData(nameof(TypesAndRaw))]
    public void DecompressorToleratesShortReads(CompressType type, bool raw)
    {
        byte[] data = TestData.Mixed(400_000, seed: 8);
        byte[] stored = TestData.Compress(type, CompressTypes.DefaultLevel(type), raw, data);
        using Stream decompressor = Compression.Decompressor(new TrickleStream(stored, maxRead: 97), type, raw);
        Assert.Equal(data, TestData.ReadAll(decompressor, bufferSize: 333));
    }

    [Theory]
    [MemberData(nameof(TypesAndRaw))]
    public void ReadsOneByteAtATime(CompressType type, bool raw)
    {
        byte[] data = TestData.Mixed(20_000, seed: 13);
        byte[] stored = TestData.Compress(type, CompressTypes.DefaultLevel(type), raw, data);
        using Stream decompressor = Compression.Decompressor(new MemoryStream(stored), type, raw);
        var result = new List<byte>();
        int value;
        while ((value = decompressor.ReadByte()) >= 0)
            result.Add((byte)value);
        Assert.Equal(data, result);
    }

    [Theory]
    [InlineData(CompressType.Gz, false, "gzip")]
    [InlineData(CompressType.Lz4, false, "lz4")]
    [InlineData(CompressType.Lz4, true, "lz4")]
    [InlineData(CompressType.Zst, false, "zstd")]
    [InlineData(CompressType.Bz2, false, "bzip2")]
    public void CommandLineToolDecompressesOurOutput(CompressType type, bool raw, string tool)
    {
        using var directory = new TempDirectory();
        foreach (byte[] data in (byte[][])[[], TestData.Mixed(2 * 1024 * 1024, seed: 9)])
        {
            string file = directory.File("data" + CompressTypes.Extension(type), TestData.Compress(type, CompressTypes.DefaultLevel(type), raw, data));
            Assert.Equal(data, ExternalTool.Run(tool, "-dc", file));
        }
    }

    [Theory]
    [InlineData(CompressType.Gz, "gzip", "-c")]
    [InlineData(CompressType.Gz, "gzip", "-nc9")]
    [InlineData(CompressType.Lz4, "lz4", "-c")]
    [InlineData(CompressType.Lz4, "lz4", "-c9")]
    [InlineData(CompressType.Zst, "zstd", "-qc")]
    [InlineData(CompressType.Zst, "zstd", "-qc19")]
    [InlineData(CompressType.Bz2, "bzip2", "-c")]
    [InlineData(CompressType.Bz2, "bzip2", "-c1")]
    public void DecompressesCommandLineToolOutput(CompressType type, string tool, string options)
    {
        using var directory = new TempDirectory();
        foreach (byte[] data in (byte[][])[[], TestData.Mixed(2 * 1024 * 1024, seed: 10)])
        {
            byte[] stored = ExternalTool.Run(tool, options, directory.File("data", data));
            Assert.Equal(data, TestData.Decompress(type, false, stored));
        }
    }

    [Fact]
    public void Lz4FrameHasContentChecksumUnlessRaw()
    {
        byte[] data = TestData.Mixed(100_000);
        byte[] normal = TestData.Compress(CompressType.Lz4, 1, raw: false, data);
        byte[] raw = TestData.Compress(CompressType.Lz4, 1, raw: true, data);

        Assert.Equal(0x184D2204u, BinaryPrimitives.ReadUInt32LittleEndian(normal));
        Assert.Equal(0x184D2204u, BinaryPrimitives.ReadUInt32LittleEndian(raw));
        const byte contentChecksumFlag = 0x04;
        Assert.Equal(contentChecksumFlag, normal[4] & contentChecksumFlag);
        Assert.Equal(0, raw[4] & contentChecksumFlag);
        Assert.Equal(raw.Length + 4, normal.Length);
    }

    [Fact]
    public void GzWritesGzipMemberAndRawWritesZlibStream()
    {
        byte[] gzip = TestData.Compress(CompressType.Gz, 6, raw: false, "hello"u8);
        Assert.Equal([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3], gzip[..10]);

        byte[] zlib = TestData.Compress(CompressType.Gz, 6, raw: true, "hello"u8);
        Assert.Equal(0x78, zlib[0]);
        Assert.Equal(0, (zlib[0] * 256 + zlib[1]) % 31);
    }

    [Theory]
    [InlineData(6, false, "1f8b080000000000000303000000000000000000")]
    [InlineData(9, false, "1f8b080000000000020303000000000000000000")]
    [InlineData(1, false, "1f8b080000000000040303000000000000000000")]
    [InlineData(0, false, "1f8b0800000000000403010000ffff0000000000000000")]
    [InlineData(6, true, "789c030000000001")]
    [InlineData(-1, true, "789c030000000001")]
    [InlineData(3, true, "785e030000000001")]
    public void EmptyGzIsWrittenAsZlibWritesIt(int level, bool raw, string expected)
    {
        // Bytes from zlib 1.2.13 (deflateInit2 with windowBits 31 or 15, memLevel 9), as pgBackRest writes them.
        Assert.Equal(expected, Convert.ToHexStringLower(TestData.Compress(CompressType.Gz, level, raw, [])));
    }

    [Theory]
    [MemberData(nameof(TypesAndRaw))]
    public void TruncatedInputIsFormatError(CompressType type, bool raw)
    {
        byte[] data = TestData.Mixed(200_000, seed: 11);
        foreach (byte[] input in (byte[][])[[], data])
        {
            byte[] stored = TestData.Compress(type, CompressTypes.DefaultLevel(type), raw, input);
            foreach (int length in new[] { 0, 1, 3, 9, stored.Length / 2, stored.Length - 8, stored.Length - 4, stored.Length - 1 }.Where(l => l >= 0 && l < stored.Length))
            {
                var error = Assert.Throws<PgRestException>(() => TestData.Decompress(type, raw, stored[..length]));
                Assert.True(error.Code == ErrorCode.Format, $"{type} raw={raw} cut to {length}/{stored.Length}: {error.Code} {error.Message}");
            }
        }
    }

    [Fact]
    public void TruncationIsReportedAsUnexpectedEof()
    {
        foreach (CompressType type in (CompressType[])[CompressType.Gz, CompressType.Lz4, CompressType.Zst, CompressType.Bz2])
        {
            byte[] stored = TestData.Compress(type, CompressTypes.DefaultLevel(type), false, TestData.Mixed(100_000));
            var error = Assert.Throws<PgRestException>(() => TestData.Decompress(type, false, stored[..^1]));
            Assert.Equal("unexpected eof in compressed data", error.Message);
        }
    }

    [Theory]
    [InlineData(CompressType.Gz, false)]
    [InlineData(CompressType.Gz, true)]
    [InlineData(CompressType.Lz4, false)]
    [InlineData(CompressType.Bz2, false)]
    public void CorruptDataIsFormatError(CompressType type, bool raw)
    {
        byte[] data = TestData.Mixed(300_000, seed: 12);
        byte[] stored = TestData.Compress(type, CompressTypes.DefaultLevel(type), raw, data);
        foreach (int position in (int[])[0, stored.Length / 3, stored.Length / 2, stored.Length - 2])
        {
            byte[] corrupt = (byte[])stored.Clone();
            corrupt[position] ^= 0x5A;
            var error = Assert.Throws<PgRestException>(() => TestData.Decompress(type, raw, corrupt));
            Assert.Equal(ErrorCode.Format, error.Code);
        }
    }

    [Fact]
    public void CorruptZstdFrameIsFormatError()
    {
        // zstd frames carry no checksum (pgBackRest writes none), so corrupt the magic and the frame header's reserved bit.
        byte[] stored = TestData.Compress(CompressType.Zst, 3, false, TestData.Mixed(100_000));
        byte[] badMagic = (byte[])stored.Clone();
        badMagic[0] ^= 0x01;
        byte[] reservedBit = (byte[])stored.Clone();
        reservedBit[4] |= 0x08;
        foreach (byte[] corrupt in (byte[][])[badMagic, reservedBit])
        {
            var error = Assert.Throws<PgRestException>(() => TestData.Decompress(CompressType.Zst, false, corrupt));
            Assert.Equal(ErrorCode.Format, error.Code);
            Assert.StartsWith("zst error: ", error.Message);
        }
    }

    [Fact]
    public void NonCompressedInputIsFormatError()
    {
        byte[] plain = "this is not compressed at all, just some text that is long enough"u8.ToArray();
        foreach (CompressType type in (CompressType[])[CompressType.Gz, CompressType.Lz4, CompressType.Zst, CompressType.Bz2])
        {
            var error = Assert.Throws<PgRestException>(() => TestData.Decompress(type, false, plain));
            Assert.Equal(ErrorCode.Format, error.Code);
        }
    }

    [Theory]
    [InlineData(CompressType.Lz4)]
    [InlineData(CompressType.Zst)]
    [InlineData(CompressType.Bz2)]
    public void DecompressorStopsAtEndOfFrame(CompressType type)
    {
        byte[] data = TestData.Mixed(50_000);
        byte[] stored = [.. TestData.Compress(type, CompressTypes.DefaultLevel(type), false, data), .. "trailing bytes"u8];
        Assert.Equal(data, TestData.Decompress(type, false, stored));
    }

    [Fact]
    public void GzDataAfterTheMemberIsFormatError()
    {
        // GZipStream cannot say where the member ended, so the end check sees the extra bytes instead of a trailer.
        byte[] stored = [.. TestData.Compress(CompressType.Gz, 6, false, TestData.Mixed(50_000)), .. "trailing bytes"u8];
        Assert.Equal(ErrorCode.Format, Assert.Throws<PgRestException>(() => TestData.Decompress(CompressType.Gz, false, stored)).Code);
    }

    [Fact]
    public void CompressorDisposesDestinationUnlessLeftOpen()
    {
        foreach (CompressType type in (CompressType[])[CompressType.Gz, CompressType.Lz4, CompressType.Zst, CompressType.Bz2])
        {
            var owned = new MemoryStream();
            Compression.Compressor(owned, type, CompressTypes.DefaultLevel(type)).Dispose();
            Assert.False(owned.CanWrite);

            var kept = new MemoryStream();
            Compression.Compressor(kept, type, CompressTypes.DefaultLevel(type), leaveOpen: true).Dispose();
            Assert.True(kept.CanWrite);
            Assert.True(kept.Length > 0);
        }
    }

    [Fact]
    public void RejectsNoneAndLevelsOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Compression.Compressor(new MemoryStream(), CompressType.None, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Compression.Decompressor(new MemoryStream(), CompressType.None));
        Assert.Throws<ArgumentOutOfRangeException>(() => Compression.Compressor(new MemoryStream(), CompressType.Gz, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => Compression.Compressor(new MemoryStream(), CompressType.Bz2, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Compression.Compressor(new MemoryStream(), CompressType.Zst, 23));
        Assert.Throws<ArgumentOutOfRangeException>(() => Compression.Compressor(new MemoryStream(), CompressType.Lz4, -6));
    }
}
