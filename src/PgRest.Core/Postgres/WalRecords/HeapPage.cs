using System.Buffers.Binary;

namespace PgRest.Postgres.WalRecords;

/// <summary>A heap tuple's place: block and line pointer (ItemPointerData).</summary>
public readonly record struct TupleId(uint Block, ushort Offset)
{
    public override string ToString() => $"({Block},{Offset})";
}

/// <summary>A heap tuple on a page: its header fields and its data (from t_hoff on).</summary>
public readonly ref struct HeapTuple(ReadOnlySpan<byte> tuple)
{
    private const ushort XminCommitted = 0x0100, XminInvalid = 0x0200, XmaxInvalid = 0x0800, XmaxLockOnly = 0x0080;

    public uint Xmin => BinaryPrimitives.ReadUInt32LittleEndian(_tuple);

    public uint Xmax => BinaryPrimitives.ReadUInt32LittleEndian(_tuple[4..]);

    public ushort InfoMask => BinaryPrimitives.ReadUInt16LittleEndian(_tuple[20..]);

    /// <summary>Aborted inserter (hint bit): the tuple never existed.</summary>
    public bool XminAborted => (InfoMask & XminInvalid) != 0 && (InfoMask & XminCommitted) == 0;

    public bool XminKnownCommitted => (InfoMask & XminCommitted) != 0;

    /// <summary>No deleter or updater, or only a locker.</summary>
    public bool Live => Xmax == 0 || (InfoMask & (XmaxInvalid | XmaxLockOnly)) != 0;

    public ReadOnlySpan<byte> Data => _tuple[Math.Min(_tuple[22], _tuple.Length)..];

    private readonly ReadOnlySpan<byte> _tuple = tuple;
}

/// <summary>Reading an 8 KiB heap page: its line pointers and the tuples they point at (bufpage.h, itemid.h, htup_details.h).</summary>
public static class HeapPage
{
    public const int Size = 8192;
    public const int TupleHeaderSize = 23;
    private const int PageHeaderSize = 24, LineNormal = 1;

    /// <summary>Number of line pointers; 0 for a new (all zero) or implausible page.</summary>
    public static int LineCount(ReadOnlySpan<byte> page)
    {
        if (page.Length < Size)
            return 0;
        int lower = BinaryPrimitives.ReadUInt16LittleEndian(page[12..]);
        int upper = BinaryPrimitives.ReadUInt16LittleEndian(page[14..]);
        if (upper == 0 || lower < PageHeaderSize || lower > upper || upper > Size)
            return 0;
        return (lower - PageHeaderSize) / 4;
    }

    /// <summary>The tuple at line pointer <paramref name="offset"/> (1-based); false when the pointer is unused, dead or a redirect.</summary>
    public static bool TryGetTuple(ReadOnlySpan<byte> page, ushort offset, out HeapTuple tuple)
    {
        tuple = default;
        if (offset == 0 || offset > LineCount(page))
            return false;
        uint line = BinaryPrimitives.ReadUInt32LittleEndian(page[(PageHeaderSize + (offset - 1) * 4)..]);
        int start = (int)(line & 0x7FFF), flags = (int)((line >> 15) & 3), length = (int)(line >> 17);
        if (flags != LineNormal || length < TupleHeaderSize || start + length > Size)
            return false;
        var bytes = page.Slice(start, length);
        if (bytes[22] < TupleHeaderSize || bytes[22] > length)
            return false;
        tuple = new HeapTuple(bytes);
        return true;
    }
}
