namespace PgRest.BlockIncr;

/// <summary>A block to write: block <see cref="Block"/> of its super block goes to block <see cref="MapIndex"/> of the file.</summary>
public readonly record struct BlockWrite(ulong Block, int MapIndex);

/// <summary>One super block to decode: its stored and plain sizes and the blocks wanted from it, in block order.</summary>
public sealed record SuperBlockRead(ulong Size, ulong SuperBlockSize, IReadOnlyList<BlockWrite> Blocks);

/// <summary>One ranged read of a repository file holding super blocks one after another.</summary>
public sealed record BlockRead(uint Reference, ulong BundleId, ulong Offset, ulong Size, IReadOnlyList<SuperBlockRead> SuperBlocks);

/// <summary>
/// Which blocks a restore must fetch and how to read them (pgbackrest-after-2.45.md, "2.8 Restore"): every block whose
/// checksum differs from the file already in place (all of them when there is none), grouped by backup, newest first,
/// one read per run of adjacent super blocks.
/// </summary>
public static class BlockDeltaPlanner
{
    /// <param name="map">The file's map.</param>
    /// <param name="existing">The checksums of the file in place, <see cref="BlockMap.ChecksumSize"/> bytes per block
    /// (the last block may be short); empty when there is no file.</param>
    public static IReadOnlyList<BlockRead> Plan(BlockMap map, ReadOnlySpan<byte> existing)
    {
        int existingBlocks = existing.Length / map.ChecksumSize;
        var wanted = new SortedDictionary<(uint Reference, ulong Offset), List<int>>(ReferenceNewestFirst.Instance);
        for (int index = 0; index < map.Count; index++)
        {
            if (index < existingBlocks && existing.Slice(index * map.ChecksumSize, map.ChecksumSize).SequenceEqual(map.Checksum(index)))
                continue;
            BlockMapItem item = map[index];
            if (!wanted.TryGetValue((item.Reference, item.Offset), out var blocks))
                wanted.Add((item.Reference, item.Offset), blocks = []);
            blocks.Add(index);
        }

        var reads = new List<BlockRead>();
        BlockRead? current = null;
        List<SuperBlockRead>? currentSuperBlocks = null;
        foreach (var ((reference, offset), indexes) in wanted)
        {
            BlockMapItem item = map[indexes[0]];
            var writes = indexes.Select(index => new BlockWrite(map[index].Block, index)).OrderBy(write => write.Block).ToList();
            var superBlock = new SuperBlockRead(item.Size, item.SuperBlockSize, writes);
            if (current is not null && current.Reference == reference && current.BundleId == item.BundleId &&
                current.Offset + current.Size == offset)
            {
                currentSuperBlocks!.Add(superBlock);
                current = current with { Size = current.Size + item.Size };
                reads[^1] = current;
                continue;
            }

            currentSuperBlocks = [superBlock];
            current = new BlockRead(reference, item.BundleId, offset, item.Size, currentSuperBlocks);
            reads.Add(current);
        }

        return reads;
    }

    /// <summary>Newest reference first, then by offset.</summary>
    private sealed class ReferenceNewestFirst : IComparer<(uint Reference, ulong Offset)>
    {
        public static readonly ReferenceNewestFirst Instance = new();

        public int Compare((uint Reference, ulong Offset) x, (uint Reference, ulong Offset) y) =>
            x.Reference != y.Reference ? y.Reference.CompareTo(x.Reference) : x.Offset.CompareTo(y.Offset);
    }
}
