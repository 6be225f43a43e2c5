using PgRest.Errors;

namespace PgRest.BlockIncr;

/// <summary>
/// The block map's bytes (pgbackrest-after-2.45.md, "2.6 Block map serialization"): a flags varint, then runs of items
/// with one reference; a reference is described once and later runs only say where its next super block starts (or
/// that they continue a super block split by a newer one); super block sizes are deltas from the previous one.
/// </summary>
internal static class BlockMapCodec
{
    private const ulong Last = 1;
    private const ulong ReferenceBundleId = 2;
    private const ulong ReferenceOffset = 4;
    private const ulong ReferenceContinue = 2;
    private const ulong ReferenceContinueLast = 4;
    private const int ReferenceShift = 3;
    private const ulong SuperBlockChange = 2;
    private const ulong SuperBlockTotalOffset = 4;
    private const int SuperBlockShift = 3;
    private const ulong SuperBlockSizeRemainder = 1;
    private const int SuperBlockSizeShift = 1;
    private const ulong BlockTotalOffset = 1;
    private const int BlockTotalShift = 1;

    /// <summary>What the codec remembers of a reference so later runs need not repeat it.</summary>
    private sealed class ReferenceState
    {
        public ulong SuperBlockSize;
        public ulong BundleId;
        public ulong Offset;
        public ulong Size;
        public ulong Block;
    }

    public static BlockMap Decode(ReadOnlySpan<byte> encoded, int blockSize, int checksumSize)
    {
        int position = 0;
        if ((VarInt.Read(encoded, ref position) & 1) != 0)
            throw new PgRestException(ErrorCode.Format, "block map version must be zero");

        var map = new BlockMap(blockSize, checksumSize, (encoded.Length / Math.Max(checksumSize, 1)) + 1);
        var references = new Dictionary<uint, ReferenceState>();
        long sizeLast = 0;
        ulong referenceEncoded;
        do
        {
            referenceEncoded = VarInt.Read(encoded, ref position);
            uint reference = checked((uint)(referenceEncoded >> ReferenceShift));
            bool continued = false;
            ulong offset;
            if (!references.TryGetValue(reference, out var state))
            {
                ulong bundleId = (referenceEncoded & ReferenceBundleId) != 0 ? VarInt.Read(encoded, ref position) : 0;
                offset = (referenceEncoded & ReferenceOffset) != 0 ? VarInt.Read(encoded, ref position) : 0;
                state = new ReferenceState { SuperBlockSize = (ulong)blockSize, BundleId = bundleId, Offset = offset };
                references.Add(reference, state);
            }
            else if ((referenceEncoded & ReferenceContinue) != 0)
            {
                offset = state.Offset;
                continued = true;
            }
            else
            {
                offset = state.Offset + state.Size;
                if ((referenceEncoded & ReferenceOffset) != 0)
                    offset += VarInt.Read(encoded, ref position);
                state.Offset = offset;
            }

            ulong superBlockEncoded;
            do
            {
                ulong size = state.Size;
                if (continued)
                {
                    superBlockEncoded = SuperBlockTotalOffset | ((referenceEncoded & ReferenceContinueLast) != 0 ? Last : 0);
                    continued = false;
                }
                else
                {
                    superBlockEncoded = VarInt.Read(encoded, ref position);
                    size = superBlockEncoded >> SuperBlockShift;
                    if (sizeLast != 0)
                        size = (ulong)(VarInt.UnZigZag(size) + sizeLast);
                    if ((superBlockEncoded & SuperBlockChange) != 0)
                        state.SuperBlockSize = ReadSuperBlockSize(encoded, ref position, blockSize);
                    state.Offset = offset;
                    state.Size = size;
                    state.Block = 0;
                }

                sizeLast = (long)size;
                ulong blockTotal;
                if ((superBlockEncoded & SuperBlockTotalOffset) != 0)
                {
                    ulong totalEncoded = VarInt.Read(encoded, ref position);
                    blockTotal = (totalEncoded >> BlockTotalShift) + 1;
                    if ((totalEncoded & BlockTotalOffset) != 0)
                        state.Block += VarInt.Read(encoded, ref position);
                }
                else
                {
                    blockTotal = BlocksIn(state.SuperBlockSize, blockSize);
                }

                for (ulong block = 0; block < blockTotal; block++)
                {
                    if (position + checksumSize > encoded.Length)
                        throw new PgRestException(ErrorCode.Format, "unexpected end of block map");
                    map.Add(new BlockMapItem(reference, state.BundleId, offset, size, state.SuperBlockSize, state.Block + block),
                        encoded.Slice(position, checksumSize));
                    position += checksumSize;
                }

                state.Block += blockTotal;
                offset += size;
            }
            while ((superBlockEncoded & Last) == 0);
        }
        while ((referenceEncoded & Last) == 0);

        return map;
    }

    public static byte[] Encode(BlockMap map)
    {
        if (map.Count == 0)
            throw new ArgumentException("a block map has at least one block", nameof(map));
        ulong blockSize = (ulong)map.BlockSize;
        var output = new List<byte>(map.Count * (map.ChecksumSize + 1) + 16);
        VarInt.Write(output, 0);

        var references = new Dictionary<uint, ReferenceState>();
        long sizeLast = 0;
        int runStart = 0;
        while (runStart < map.Count)
        {
            BlockMapItem first = map[runStart];
            int runEnd = runStart + 1;
            while (runEnd < map.Count && map[runEnd].Reference == first.Reference)
                runEnd++;

            ulong referenceShifted = (ulong)first.Reference << ReferenceShift;
            var (referenceEncoded, continued, state) = StartRun(output, references, first, runEnd == map.Count, blockSize);

            int superBlockStart = runStart;
            while (superBlockStart < runEnd)
            {
                BlockMapItem superBlock = map[superBlockStart];
                int superBlockEnd = superBlockStart + 1;
                while (superBlockEnd < runEnd && map[superBlockEnd].Offset == superBlock.Offset)
                    superBlockEnd++;

                ulong blockTotal = (ulong)(superBlockEnd - superBlockStart);
                ulong superBlockEncoded = superBlockEnd == runEnd ? Last : 0;
                if (continued || superBlock.Block != 0 || blockTotal != BlocksIn(superBlock.SuperBlockSize, map.BlockSize))
                    superBlockEncoded |= SuperBlockTotalOffset;

                if (continued)
                {
                    if ((superBlockEncoded & Last) != 0)
                        referenceEncoded |= ReferenceContinueLast;
                    VarInt.Write(output, referenceEncoded | referenceShifted);
                    continued = false;
                }
                else
                {
                    state.Offset = superBlock.Offset;
                    state.Size = superBlock.Size;
                    state.Block = 0;
                    bool sizeChanged = superBlock.SuperBlockSize != state.SuperBlockSize;
                    if (sizeChanged)
                        superBlockEncoded |= SuperBlockChange;
                    ulong size = sizeLast == 0 ? superBlock.Size : VarInt.ZigZag((long)superBlock.Size - sizeLast);
                    VarInt.Write(output, superBlockEncoded | size << SuperBlockShift);
                    if (sizeChanged)
                    {
                        WriteSuperBlockSize(output, superBlock.SuperBlockSize, blockSize);
                        state.SuperBlockSize = superBlock.SuperBlockSize;
                    }
                }

                sizeLast = (long)superBlock.Size;
                if ((superBlockEncoded & SuperBlockTotalOffset) != 0)
                {
                    ulong gap = superBlock.Block - state.Block;
                    VarInt.Write(output, (blockTotal - 1) << BlockTotalShift | (gap > 0 ? BlockTotalOffset : 0));
                    if (gap > 0)
                    {
                        VarInt.Write(output, gap);
                        state.Block = superBlock.Block;
                    }
                }

                state.Block += blockTotal;
                for (int index = superBlockStart; index < superBlockEnd; index++)
                {
                    foreach (byte value in map.Checksum(index))
                        output.Add(value);
                }

                superBlockStart = superBlockEnd;
            }

            runStart = runEnd;
        }

        return [.. output];
    }

    /// <summary>
    /// Writes what a run of items of one reference starts with: the reference the first time, later only where its
    /// next super block starts; a run continuing a super block is written once it is known whether it is the last.
    /// </summary>
    private static (ulong Encoded, bool Continued, ReferenceState State) StartRun(
        List<byte> output, Dictionary<uint, ReferenceState> references, BlockMapItem first, bool lastRun, ulong blockSize)
    {
        ulong referenceEncoded = lastRun ? Last : 0;
        ulong referenceShifted = (ulong)first.Reference << ReferenceShift;
        if (!references.TryGetValue(first.Reference, out var state))
        {
            referenceEncoded |= (first.BundleId > 0 ? ReferenceBundleId : 0) | (first.Offset > 0 ? ReferenceOffset : 0);
            VarInt.Write(output, referenceEncoded | referenceShifted);
            if (first.BundleId > 0)
                VarInt.Write(output, first.BundleId);
            if (first.Offset > 0)
                VarInt.Write(output, first.Offset);
            state = new ReferenceState { SuperBlockSize = blockSize, BundleId = first.BundleId, Offset = first.Offset };
            references.Add(first.Reference, state);
            return (referenceEncoded, false, state);
        }

        if (first.Offset == state.Offset)
            return (referenceEncoded | ReferenceContinue, true, state);

        ulong next = state.Offset + state.Size;
        if (first.Offset > next)
            referenceEncoded |= ReferenceOffset;
        VarInt.Write(output, referenceEncoded | referenceShifted);
        if (first.Offset > next)
            VarInt.Write(output, first.Offset - next);
        state.Offset = first.Offset;
        state.Size = first.Size;
        return (referenceEncoded, false, state);
    }

    /// <summary>Blocks in a super block of this many plain bytes (the last one may be short).</summary>
    internal static ulong BlocksIn(ulong superBlockSize, int blockSize) =>
        (superBlockSize + (ulong)blockSize - 1) / (ulong)blockSize;

    private static ulong ReadSuperBlockSize(ReadOnlySpan<byte> encoded, ref int position, int blockSize)
    {
        ulong sizeEncoded = VarInt.Read(encoded, ref position);
        ulong size = (sizeEncoded >> SuperBlockSizeShift) * (ulong)blockSize;
        if ((sizeEncoded & SuperBlockSizeRemainder) != 0)
            size += VarInt.Read(encoded, ref position);
        return size;
    }

    private static void WriteSuperBlockSize(List<byte> output, ulong superBlockSize, ulong blockSize)
    {
        ulong remainder = superBlockSize % blockSize;
        VarInt.Write(output, (superBlockSize / blockSize) << SuperBlockSizeShift | (remainder != 0 ? SuperBlockSizeRemainder : 0));
        if (remainder != 0)
            VarInt.Write(output, remainder);
    }
}
