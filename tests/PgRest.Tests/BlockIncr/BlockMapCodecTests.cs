using PgRest.BlockIncr;
using PgRest.Errors;

namespace PgRest.Tests.BlockIncr;

/// <summary>Block maps against the hex vectors of pgBackRest's test suite (backupTest.c, "BlockMap").</summary>
public class BlockMapCodecTests
{
    private const string EqualMapHex =
        "00800818eeee01ffff21eeee02ffff06010101eeee03ffff8008e10beeee04ffff040101eeee05ffff21a90beeee88ffff";

    private const string UnequalMapHex =
        "00002204eeee01000000ffffeeee02000000ffff1500eeee03000000ffff08e10beeee04000000ffff060102eeee05000000ffff" +
        "103b0102eeee06000000ffff020101eeee07000000ffff130102eeee08000000ffff094d0101eeee09000000ffff";

    /// <summary>Block size 1, checksum size 5: one block per super block.</summary>
    internal static BlockMap EqualMap()
    {
        var map = new BlockMap(blockSize: 1, checksumSize: 5);
        (uint Reference, ulong BundleId, ulong Offset, ulong Size, byte Tag)[] items =
        [
            (128, 0, 0, 3, 0x01), (128, 0, 3, 5, 0x02), (0, 1, 1, 5, 0x03), (128, 0, 8, 99, 0x04), (0, 1, 7, 99, 0x05), (4, 0, 0, 8, 0x88),
        ];
        foreach (var (reference, bundleId, offset, size, tag) in items)
            map.Add(new BlockMapItem(reference, bundleId, offset, size, SuperBlockSize: 1, Block: 0), [0xee, 0xee, tag, 0xff, 0xff]);
        return map;
    }

    /// <summary>Block size 3, checksum size 8: super blocks of several blocks, split by newer ones, with short last blocks.</summary>
    internal static BlockMap UnequalMap()
    {
        var map = new BlockMap(blockSize: 3, checksumSize: 8);
        (uint Reference, ulong SuperBlockSize, ulong Offset, ulong Size, ulong Block)[] items =
        [
            (0, 6, 0, 4, 0), (0, 6, 0, 4, 1), (0, 6, 4, 5, 0), (1, 3, 0, 99, 0), (0, 6, 4, 5, 3), (2, 2, 0, 1, 0), (0, 6, 4, 5, 5),
            (0, 2, 9, 6, 0), (1, 3, 99, 1, 1),
        ];
        byte tag = 1;
        foreach (var (reference, superBlockSize, offset, size, block) in items)
            map.Add(new BlockMapItem(reference, 0, offset, size, superBlockSize, block), [0xee, 0xee, tag++, 0, 0, 0, 0xff, 0xff]);
        return map;
    }

    [Fact]
    public void EncodesTheEqualMapAsPgBackRest() => Assert.Equal(EqualMapHex, Convert.ToHexStringLower(EqualMap().Encode()));

    [Fact]
    public void EncodesTheUnequalMapAsPgBackRest() => Assert.Equal(UnequalMapHex, Convert.ToHexStringLower(UnequalMap().Encode()));

    [Fact]
    public void DecodesTheEqualMapToItsItems() => AssertSame(EqualMap(), BlockMap.Decode(Convert.FromHexString(EqualMapHex), 1, 5));

    [Fact]
    public void DecodesTheUnequalMapToItsItems() => AssertSame(UnequalMap(), BlockMap.Decode(Convert.FromHexString(UnequalMapHex), 3, 8));

    [Fact]
    public void RefusesAnotherMapVersion()
    {
        var error = Assert.Throws<PgRestException>(() => BlockMap.Decode([0x01, 0x01], 1, 5));
        Assert.Equal(ErrorCode.Format, error.Code);
        Assert.Equal("block map version must be zero", error.Message);
    }

    [Fact]
    public void RefusesATruncatedMap()
    {
        var bytes = Convert.FromHexString(UnequalMapHex);
        var error = Assert.Throws<PgRestException>(() => BlockMap.Decode(bytes.AsSpan(0, bytes.Length - 3), 3, 8));
        Assert.Equal(ErrorCode.Format, error.Code);
    }

    internal static void AssertSame(BlockMap expected, BlockMap actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int index = 0; index < expected.Count; index++)
        {
            Assert.Equal(expected[index], actual[index]);
            Assert.Equal(expected.Checksum(index).ToArray(), actual.Checksum(index).ToArray());
        }
    }
}
