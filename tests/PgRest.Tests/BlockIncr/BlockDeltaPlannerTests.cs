using System.Text;
using PgRest.BlockIncr;

namespace PgRest.Tests.BlockIncr;

/// <summary>The reads a restore makes, rendered as pgBackRest's test suite renders them (backupTest.c, "block delta").</summary>
public class BlockDeltaPlannerTests
{
    [Fact]
    public void ReadsEveryBlockOfTheEqualMapNewestReferenceFirst()
    {
        Assert.Equal(
            """
            read {reference: 128, bundleId: 0, offset: 0, size: 107}
              super block {max: 1, size: 3}
                block {no: 0, offset: 0}
              super block {max: 1, size: 5}
                block {no: 0, offset: 1}
              super block {max: 1, size: 99}
                block {no: 0, offset: 3}
            read {reference: 4, bundleId: 0, offset: 0, size: 8}
              super block {max: 1, size: 8}
                block {no: 0, offset: 5}
            read {reference: 0, bundleId: 1, offset: 1, size: 5}
              super block {max: 1, size: 5}
                block {no: 0, offset: 2}
            read {reference: 0, bundleId: 1, offset: 7, size: 99}
              super block {max: 1, size: 99}
                block {no: 0, offset: 4}

            """, Render(BlockMapCodecTests.EqualMap(), []));
    }

    [Fact]
    public void MergesAdjacentSuperBlocksOfTheUnequalMap()
    {
        Assert.Equal(
            """
            read {reference: 2, bundleId: 0, offset: 0, size: 1}
              super block {max: 2, size: 1}
                block {no: 0, offset: 15}
            read {reference: 1, bundleId: 0, offset: 0, size: 100}
              super block {max: 3, size: 99}
                block {no: 0, offset: 9}
              super block {max: 3, size: 1}
                block {no: 1, offset: 24}
            read {reference: 0, bundleId: 0, offset: 0, size: 15}
              super block {max: 6, size: 4}
                block {no: 0, offset: 0}
                block {no: 1, offset: 3}
              super block {max: 6, size: 5}
                block {no: 0, offset: 6}
                block {no: 3, offset: 12}
                block {no: 5, offset: 18}
              super block {max: 2, size: 6}
                block {no: 0, offset: 21}

            """, Render(BlockMapCodecTests.UnequalMap(), []));
    }

    [Fact]
    public void FetchesOnlyTheBlocksThatDifferFromTheFileInPlace()
    {
        var map = BlockMapCodecTests.UnequalMap();
        // The file in place has blocks 0-2 as the map says, block 3 differs, and ends there.
        var existing = new List<byte>();
        for (int index = 0; index < 4; index++)
            existing.AddRange(index == 3 ? new byte[8] : map.Checksum(index).ToArray());

        Assert.Equal(
            """
            read {reference: 2, bundleId: 0, offset: 0, size: 1}
              super block {max: 2, size: 1}
                block {no: 0, offset: 15}
            read {reference: 1, bundleId: 0, offset: 0, size: 100}
              super block {max: 3, size: 99}
                block {no: 0, offset: 9}
              super block {max: 3, size: 1}
                block {no: 1, offset: 24}
            read {reference: 0, bundleId: 0, offset: 4, size: 11}
              super block {max: 6, size: 5}
                block {no: 3, offset: 12}
                block {no: 5, offset: 18}
              super block {max: 2, size: 6}
                block {no: 0, offset: 21}

            """, Render(map, [.. existing]));
    }

    [Fact]
    public void FetchesNothingWhenEveryBlockMatches()
    {
        var map = BlockMapCodecTests.EqualMap();
        var existing = Enumerable.Range(0, map.Count).SelectMany(index => map.Checksum(index).ToArray()).ToArray();
        Assert.Empty(BlockDeltaPlanner.Plan(map, existing));
    }

    private static string Render(BlockMap map, byte[] existing)
    {
        var text = new StringBuilder();
        foreach (var read in BlockDeltaPlanner.Plan(map, existing))
        {
            text.Append($"read {{reference: {read.Reference}, bundleId: {read.BundleId}, offset: {read.Offset}, size: {read.Size}}}\n");
            foreach (var superBlock in read.SuperBlocks)
            {
                text.Append($"  super block {{max: {superBlock.SuperBlockSize}, size: {superBlock.Size}}}\n");
                foreach (var block in superBlock.Blocks)
                    text.Append($"    block {{no: {block.Block}, offset: {(long)block.MapIndex * map.BlockSize}}}\n");
            }
        }

        return text.ToString();
    }
}
