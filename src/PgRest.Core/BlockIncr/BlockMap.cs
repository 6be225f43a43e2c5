namespace PgRest.BlockIncr;

/// <summary>
/// Where one block of a file is stored: in the super block at <see cref="Offset"/> (stored size <see cref="Size"/>,
/// <see cref="SuperBlockSize"/> plain bytes) of the bundle or <c>.pgbi</c> file of backup
/// <c>backup-reference[Reference]</c>, as block number <see cref="Block"/> inside that super block.
/// </summary>
public readonly record struct BlockMapItem(uint Reference, ulong BundleId, ulong Offset, ulong Size, ulong SuperBlockSize, ulong Block);

/// <summary>
/// One entry per block of a file, in file order (pgbackrest-after-2.45.md, "2.6 Block map serialization"). The
/// checksums are kept in one array beside the items, so a map costs no allocation per block.
/// </summary>
public sealed class BlockMap
{
    private readonly List<BlockMapItem> _items;
    private byte[] _checksums;

    public BlockMap(int blockSize, int checksumSize, int capacity = 0)
    {
        if (blockSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(blockSize));
        if (checksumSize is < 1 or > BlockChecksum.MaxSize)
            throw new ArgumentOutOfRangeException(nameof(checksumSize));
        BlockSize = blockSize;
        ChecksumSize = checksumSize;
        _items = new List<BlockMapItem>(capacity);
        _checksums = new byte[Math.Max(capacity, 4) * checksumSize];
    }

    public int BlockSize { get; }

    public int ChecksumSize { get; }

    public int Count => _items.Count;

    public BlockMapItem this[int index] => _items[index];

    public ReadOnlySpan<byte> Checksum(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_items.Count, nameof(index));
        return _checksums.AsSpan(index * ChecksumSize, ChecksumSize);
    }

    public void Add(BlockMapItem item, ReadOnlySpan<byte> checksum)
    {
        if (checksum.Length != ChecksumSize)
            throw new ArgumentException($"checksum must be {ChecksumSize} bytes", nameof(checksum));
        int at = _items.Count * ChecksumSize;
        if (at + ChecksumSize > _checksums.Length)
            Array.Resize(ref _checksums, Math.Max(_checksums.Length * 2, at + ChecksumSize));
        checksum.CopyTo(_checksums.AsSpan(at));
        _items.Add(item);
    }

    /// <summary>Sets the stored and plain sizes of a super block once it is closed.</summary>
    internal void SetSuperBlockSizes(int index, ulong size, ulong superBlockSize) =>
        _items[index] = _items[index] with { Size = size, SuperBlockSize = superBlockSize };

    /// <summary>The encoded map, as pgBackRest 2.46+ writes it.</summary>
    public byte[] Encode() => BlockMapCodec.Encode(this);

    /// <summary>Reads an encoded map of a file with these block and checksum sizes.</summary>
    public static BlockMap Decode(ReadOnlySpan<byte> encoded, int blockSize, int checksumSize) =>
        BlockMapCodec.Decode(encoded, blockSize, checksumSize);
}
