using System.Buffers.Binary;

namespace PgRest.Postgres.WalRecords;

/// <summary>A heap row change: DELETE of (block 0, offset), or UPDATE from (old block, offset) to (block 0, new offset).</summary>
public readonly record struct HeapChange(RelFileNode Node, TupleId Old, TupleId? New, bool Speculative);

/// <summary>Heap records (RM_HEAP_ID) and storage records (RM_SMGR_ID) that change a table's rows or files.</summary>
public static class HeapRecords
{
    public const byte Insert = 0x00, Delete = 0x10, Update = 0x20, Truncate = 0x30, HotUpdate = 0x40, Confirm = 0x50, Lock = 0x60, Inplace = 0x70;
    private const byte OpMask = 0x70, DeleteIsSuper = 0x08;
    private const byte UpdatePrefixFromOld = 0x20, UpdateSuffixFromOld = 0x40;
    private const byte SmgrTruncate = 0x20;

    public static byte Operation(WalRecord record) => (byte)(record.Info & OpMask);

    /// <summary>xl_heap_delete; a speculative insertion's retraction (XLH_DELETE_IS_SUPER) is marked, it deleted no row.</summary>
    public static bool TryParseDelete(WalRecord record, out HeapChange change)
    {
        change = default;
        var data = record.MainData.Span;
        if (Operation(record) != Delete || data.Length < 8 || record.Block(0) is not { } block)
            return false;
        var offset = BinaryPrimitives.ReadUInt16LittleEndian(data[4..]);
        change = new HeapChange(block.Node, new TupleId(block.Block, offset), null, (data[7] & DeleteIsSuper) != 0);
        return true;
    }

    /// <summary>xl_heap_update (also HOT): the new tuple is on block 0, the old one on block 1 when it was another page.</summary>
    public static bool TryParseUpdate(WalRecord record, out HeapChange change)
    {
        change = default;
        var data = record.MainData.Span;
        if (Operation(record) is not (Update or HotUpdate) || data.Length < 14 || record.Block(0) is not { } newBlock)
            return false;
        var oldBlock = record.Block(1) ?? newBlock;
        change = new HeapChange(newBlock.Node, new TupleId(oldBlock.Block, BinaryPrimitives.ReadUInt16LittleEndian(data[4..])),
            new TupleId(newBlock.Block, BinaryPrimitives.ReadUInt16LittleEndian(data[12..])), false);
        return true;
    }

    /// <summary>
    /// Four bytes at <paramref name="dataOffset"/> of the new tuple's data (from t_hoff on) of an update, when the
    /// record carries them: from block 0's tuple data (outside the prefix and suffix it shares with the old tuple;
    /// inside the prefix the old value stays, <paramref name="unchanged"/>), or from block 0's full-page image.
    /// </summary>
    public static bool TryReadNewTupleUInt32(WalRecord record, int dataOffset, out uint value, out bool unchanged)
    {
        value = 0;
        unchanged = false;
        if (!TryParseUpdate(record, out var change) || record.Block(0) is not { } block)
            return false;
        if (block.HasData)
            return TryReadFromTupleData(record, block.Data.Span, dataOffset, out value, out unchanged);
        if (!block.HasImage)
            return false;
        Span<byte> page = stackalloc byte[HeapPage.Size];
        if (!FullPageImage.TryRestore(block, page) || !HeapPage.TryGetTuple(page, change.New!.Value.Offset, out var tuple)
            || tuple.Data.Length < dataOffset + 4)
            return false;
        value = BinaryPrimitives.ReadUInt32LittleEndian(tuple.Data[dataOffset..]);
        return true;
    }

    private static bool TryReadFromTupleData(WalRecord record, ReadOnlySpan<byte> data, int dataOffset, out uint value, out bool unchanged)
    {
        value = 0;
        unchanged = false;
        byte flags = record.MainData.Span[7];
        int at = 0, prefix = 0;
        if ((flags & UpdatePrefixFromOld) != 0)
        {
            if (data.Length < 2)
                return false;
            prefix = BinaryPrimitives.ReadUInt16LittleEndian(data);
            at += 2;
        }

        if ((flags & UpdateSuffixFromOld) != 0)
            at += 2;
        // xl_heap_header: t_infomask2, t_infomask, t_hoff; then the null bitmap and padding up to t_hoff.
        if (data.Length < at + 5)
            return false;
        int hoff = data[at + 4];
        at += 5 + Math.Max(0, hoff - HeapPage.TupleHeaderSize);
        if (dataOffset + 4 <= prefix)
        {
            unchanged = true;
            return true;
        }

        if (dataOffset < prefix)
            return false;
        at += dataOffset - prefix;
        if (data.Length < at + 4)
            return false;
        value = BinaryPrimitives.ReadUInt32LittleEndian(data[at..]);
        return true;
    }

    /// <summary>
    /// xl_heap_insert: where the new tuple went and its data (from t_hoff on), from block 0's tuple data or its full-page
    /// image; false when the record carries neither.
    /// </summary>
    public static bool TryReadInsert(WalRecord record, out TupleId tid, out byte[] tupleData)
    {
        tid = default;
        tupleData = [];
        var main = record.MainData.Span;
        if (Operation(record) != Insert || main.Length < 3 || record.Block(0) is not { } block)
            return false;
        var offset = BinaryPrimitives.ReadUInt16LittleEndian(main);
        tid = new TupleId(block.Block, offset);
        if (block.HasData)
        {
            // xl_heap_header (t_infomask2, t_infomask, t_hoff), the null bitmap and padding, then the data.
            var data = block.Data.Span;
            if (data.Length < 5)
                return false;
            int start = 5 + Math.Max(0, data[4] - HeapPage.TupleHeaderSize);
            if (start > data.Length)
                return false;
            tupleData = data[start..].ToArray();
            return true;
        }

        Span<byte> page = stackalloc byte[HeapPage.Size];
        if (!block.HasImage || !FullPageImage.TryRestore(block, page) || !HeapPage.TryGetTuple(page, offset, out var tuple))
            return false;
        tupleData = tuple.Data.ToArray();
        return true;
    }

    /// <summary>xl_heap_truncate (written with wal_level=logical): database and the OIDs of the truncated tables.</summary>
    public static bool TryParseTruncate(WalRecord record, out uint database, out uint[] relationIds)
    {
        database = 0;
        relationIds = [];
        var data = record.MainData.Span;
        if (Operation(record) != Truncate || data.Length < 12)
            return false;
        database = BinaryPrimitives.ReadUInt32LittleEndian(data);
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        if (count > (uint)(data.Length - 12) / 4)
            return false;
        relationIds = new uint[count];
        for (var i = 0; i < count; i++)
            relationIds[i] = BinaryPrimitives.ReadUInt32LittleEndian(data[(12 + i * 4)..]);
        return true;
    }

    /// <summary>xl_smgr_truncate: a relation's file cut to <paramref name="blocks"/> blocks.</summary>
    public static bool TryParseSmgrTruncate(WalRecord record, out RelFileNode node, out uint blocks)
    {
        node = default;
        blocks = 0;
        var data = record.MainData.Span;
        if ((record.Info & 0xF0) != SmgrTruncate || data.Length < 16)
            return false;
        blocks = BinaryPrimitives.ReadUInt32LittleEndian(data);
        node = new RelFileNode(BinaryPrimitives.ReadUInt32LittleEndian(data[4..]), BinaryPrimitives.ReadUInt32LittleEndian(data[8..]),
            BinaryPrimitives.ReadUInt32LittleEndian(data[12..]));
        return true;
    }
}
