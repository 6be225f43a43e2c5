using System.Text;
using PgRest.BlockIncr;
using PgRest.Filters;

namespace PgRest.Tests.BlockIncr;

/// <summary>
/// The stored bytes of a block-incremental file, against pgBackRest's test suite (backupTest.c, "BlockIncr": the block
/// list bytes and map sizes it asserts), and read back through the restore side.
/// </summary>
public class BlockIncrWriterTests
{
    private static async Task<(byte[] Blocks, byte[] Map, BlockIncrWriter Writer)> WriteAsync(
        string content, BlockIncrSettings settings, BlockMap? prior = null, int chunk = 2)
    {
        using var destination = new MemoryStream();
        var writer = new BlockIncrWriter(destination, settings, prior);
        await using (writer)
        {
            var bytes = Encoding.ASCII.GetBytes(content);
            for (int at = 0; at < bytes.Length; at += chunk)
                await writer.WriteAsync(bytes.AsMemory(at, Math.Min(chunk, bytes.Length - at)));
            await writer.CompleteAsync();
        }

        var stored = destination.ToArray();
        Assert.Equal(stored.Length, writer.StoredSize);
        int blocksEnd = stored.Length - (int)writer.MapSize;
        return (stored[..blocksEnd], stored[blocksEnd..], writer);
    }

    private static BlockIncrSettings Plain(long superBlockSize, int blockSize, int checksumSize, uint reference, ulong bundleId, ulong offset) =>
        new(blockSize, checksumSize, superBlockSize, reference, bundleId, offset, CompressType.None, 0, null);

    [Fact]
    public async Task An_empty_file_stores_nothing()
    {
        var (blocks, map, _) = await WriteAsync("", Plain(3, 3, 6, 0, 0, 0));
        Assert.Empty(blocks);
        Assert.Empty(map);
    }

    [Fact]
    public async Task A_partial_block_is_one_short_super_block()
    {
        var (blocks, map, _) = await WriteAsync("12", Plain(3, 3, 8, 0, 0, 0));
        Assert.Equal("3132", Convert.ToHexStringLower(blocks));
        Assert.Equal(13, map.Length);
        Assert.Equal("0001130102" + "3f99c012c8367637", Convert.ToHexStringLower(map));
    }

    [Fact]
    public async Task A_full_backup_stores_every_block()
    {
        var (blocks, map, _) = await WriteAsync("ABCXYZ123", Plain(2, 3, 8, 2, 4, 5));
        Assert.Equal("41424358595a313233", Convert.ToHexStringLower(blocks));
        Assert.Equal("00170405189e947f00ecd6acb20026251b11a5c02cb9010e45f72b026d434f", Convert.ToHexStringLower(map));
    }

    [Fact]
    public async Task A_larger_super_block_holds_several_blocks()
    {
        var (blocks, map, _) = await WriteAsync("ABCXYZ123", Plain(6, 3, 8, 2, 4, 5));
        Assert.Equal("41424358595a313233", Convert.ToHexStringLower(blocks));
        Assert.Equal("0017040532049e947f00ecd6acb226251b11a5c02cb92b020e45f72b026d434f", Convert.ToHexStringLower(map));
    }

    [Fact]
    public async Task An_incremental_stores_only_changed_and_new_blocks()
    {
        var (_, fullMap, _) = await WriteAsync("ABCXYZ123", Plain(2, 3, 8, 2, 4, 5));
        var prior = BlockMap.Decode(fullMap, 3, 8);

        var (blocks, map, _) = await WriteAsync("ACCXYZ123@", Plain(3, 3, 8, 3, 0, 0), prior, chunk: 3);

        Assert.Equal("41434340", Convert.ToHexStringLower(blocks));
        Assert.Equal("0018196a8432803af1aebf1604080026251b11a5c02cb9010e45f72b026d434f191b0101aca5d426a7d113c0", Convert.ToHexStringLower(map));

        // Nothing changed since: nothing is stored, the file stays a reference to the prior backup.
        var (again, againMap, writer) = await WriteAsync("ACCXYZ123@", Plain(3, 3, 8, 3, 0, 0), BlockMap.Decode(map, 3, 8), chunk: 3);
        Assert.Empty(again);
        Assert.Empty(againMap);
        Assert.Equal(0, writer.StoredSize);
    }

    [Fact]
    public async Task A_file_that_shrank_gets_a_new_map_without_new_blocks()
    {
        var (_, fullMap, _) = await WriteAsync("ABCXYZ123", Plain(3, 3, 8, 0, 0, 0));
        var (blocks, map, _) = await WriteAsync("ABCXYZ", Plain(3, 3, 8, 1, 0, 0), BlockMap.Decode(fullMap, 3, 8));
        Assert.Empty(blocks);
        Assert.Equal(2, BlockMap.Decode(map, 3, 8).Count);
    }

    [Theory]
    [InlineData(CompressType.Gz, null)]
    [InlineData(CompressType.Lz4, "passphrase")]
    [InlineData(CompressType.Zst, "passphrase")]
    [InlineData(CompressType.Bz2, null)]
    public async Task Compressed_and_encrypted_super_blocks_decode_block_by_block(CompressType compressType, string? cipherPass)
    {
        var content = string.Concat(Enumerable.Range(0, 500).Select(i => $"row {i};"));
        var settings = new BlockIncrSettings(8, 6, 64, 0, 0, 0, compressType, CompressTypes.DefaultLevel(compressType), cipherPass);
        var (blocks, mapBytes, _) = await WriteAsync(content, settings, chunk: 7);

        var map = BlockMap.Decode(cipherPass is null ? mapBytes : Decrypt(mapBytes, cipherPass), 8, 6);
        var restored = new byte[content.Length];
        foreach (var read in BlockDeltaPlanner.Plan(map, []))
        {
            var source = new MemoryStream(blocks, (int)read.Offset, (int)read.Size);
            foreach (var superBlock in read.SuperBlocks)
            {
                var one = new PgRest.Storage.RangeStream(source, (long)superBlock.Size, leaveOpen: true);
                using var pipeline = Pipeline.Read(one, compressType, cipherPass, raw: true, leaveOpen: true);
                var plain = new byte[superBlock.SuperBlockSize];
                pipeline.Output.ReadExactly(plain);
                foreach (var block in superBlock.Blocks)
                {
                    int at = (int)block.Block * 8, length = Math.Min(8, plain.Length - at);
                    plain.AsSpan(at, length).CopyTo(restored.AsSpan(block.MapIndex * 8));
                }
            }
        }

        Assert.Equal(content, Encoding.ASCII.GetString(restored));
    }

    private static byte[] Decrypt(byte[] encrypted, string pass)
    {
        using var pipeline = Pipeline.Read(new MemoryStream(encrypted), CompressType.None, pass, raw: true);
        using var plain = new MemoryStream();
        pipeline.Output.CopyTo(plain);
        return plain.ToArray();
    }
}
