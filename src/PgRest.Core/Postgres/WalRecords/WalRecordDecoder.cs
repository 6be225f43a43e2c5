using System.Buffers.Binary;

namespace PgRest.Postgres.WalRecords;

/// <summary>
/// Splits a whole record (header included) into its block references and main data, as DecodeXLogRecord does. Only the
/// full-page image flags differ between versions: PostgreSQL 15 replaced "compressed" by one flag per method.
/// </summary>
public sealed class WalRecordDecoder(int versionNum)
{
    public const int HeaderSize = 24;
    private const int PageSize = 8192;
    private const byte MaxBlockId = 32, TopLevelXidId = 252, OriginId = 253, DataLongId = 254, DataShortId = 255;
    private const byte HasImage = 0x10, HasData = 0x20, SameRel = 0x80, ForkMask = 0x0F;
    private const byte ImageHasHole = 0x01;

    private readonly List<WalBlockRef> _pool = [];

    /// <summary>Fills <paramref name="record"/> from <paramref name="bytes"/>; false when the record is malformed.</summary>
    public bool TryDecode(ReadOnlyMemory<byte> bytes, WalRecord record)
    {
        var span = bytes.Span;
        record.Xid = BinaryPrimitives.ReadUInt32LittleEndian(span[4..]);
        record.Info = span[16];
        record.ResourceManagerId = span[17];
        record.TopLevelXid = 0;
        record.MainData = ReadOnlyMemory<byte>.Empty;
        record.BlockList.Clear();

        int at = HeaderSize, total = bytes.Length, payload = 0, mainLength = 0;
        RelFileNode? lastNode = null;
        while (total - at > payload)
        {
            byte id = span[at++];
            if (id == DataShortId)
            {
                if (at + 1 > total)
                    return false;
                mainLength = span[at++];
                payload += mainLength;
                break;
            }

            if (id == DataLongId)
            {
                if (at + 4 > total)
                    return false;
                mainLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[at..]);
                at += 4;
                if (mainLength < 0)
                    return false;
                payload += mainLength;
                break;
            }

            if (id == OriginId)
            {
                at += 2;
                continue;
            }

            if (id == TopLevelXidId)
            {
                if (at + 4 > total)
                    return false;
                record.TopLevelXid = BinaryPrimitives.ReadUInt32LittleEndian(span[at..]);
                at += 4;
                continue;
            }

            if (id > MaxBlockId || !TryDecodeBlockHeader(span, record, ref at, id, ref lastNode, ref payload, out var block))
                return false;
            record.BlockList.Add(block);
        }

        if (total - at != payload)
            return false;

        foreach (var block in record.BlockList)
        {
            block.Image = bytes.Slice(at, block.ImageLength);
            at += block.ImageLength;
            block.Data = bytes.Slice(at, block.DataLength);
            at += block.DataLength;
        }

        record.MainData = bytes.Slice(at, mainLength);
        return true;
    }

    /// <summary>One XLogRecordBlockHeader with its image header and relation; lengths only, the bytes come after all headers.</summary>
    private bool TryDecodeBlockHeader(ReadOnlySpan<byte> span, WalRecord record, ref int at, byte id, ref RelFileNode? lastNode, ref int payload, out WalBlockRef block)
    {
        block = Rent(id, record.BlockList.Count);
        if (at + 3 > span.Length)
            return false;
        byte forkFlags = span[at];
        int dataLength = BinaryPrimitives.ReadUInt16LittleEndian(span[(at + 1)..]);
        at += 3;
        bool hasData = (forkFlags & HasData) != 0;
        if (hasData != (dataLength > 0))
            return false;
        block.Fork = (byte)(forkFlags & ForkMask);
        block.HasImage = (forkFlags & HasImage) != 0;
        block.DataLength = dataLength;
        block.ImageLength = 0;
        block.HoleOffset = block.HoleLength = 0;
        block.ImageCompression = WalImageCompression.None;
        payload += dataLength;
        if (block.HasImage && !TryDecodeImageHeader(span, ref at, block, ref payload))
            return false;

        if ((forkFlags & SameRel) == 0)
        {
            if (at + 12 > span.Length)
                return false;
            lastNode = new RelFileNode(BinaryPrimitives.ReadUInt32LittleEndian(span[at..]),
                BinaryPrimitives.ReadUInt32LittleEndian(span[(at + 4)..]), BinaryPrimitives.ReadUInt32LittleEndian(span[(at + 8)..]));
            at += 12;
        }
        else if (lastNode is null)
        {
            return false;
        }

        if (at + 4 > span.Length)
            return false;
        block.Node = lastNode.Value;
        block.Block = BinaryPrimitives.ReadUInt32LittleEndian(span[at..]);
        at += 4;
        return true;
    }

    private bool TryDecodeImageHeader(ReadOnlySpan<byte> span, ref int at, WalBlockRef block, ref int payload)
    {
        if (at + 5 > span.Length)
            return false;
        int imageLength = BinaryPrimitives.ReadUInt16LittleEndian(span[at..]);
        block.HoleOffset = BinaryPrimitives.ReadUInt16LittleEndian(span[(at + 2)..]);
        byte info = span[at + 4];
        at += 5;
        block.ImageCompression = Compression(info);
        if ((info & ImageHasHole) != 0 && block.ImageCompression != WalImageCompression.None)
        {
            if (at + 2 > span.Length)
                return false;
            block.HoleLength = BinaryPrimitives.ReadUInt16LittleEndian(span[at..]);
            at += 2;
        }
        else
        {
            block.HoleLength = (info & ImageHasHole) != 0 ? (ushort)(PageSize - imageLength) : (ushort)0;
        }

        if (imageLength == 0 || block.HoleOffset + block.HoleLength > PageSize)
            return false;
        block.ImageLength = imageLength;
        payload += imageLength;
        return true;
    }

    /// <summary>BKPIMAGE_IS_COMPRESSED (0x02, always pglz) before 15; BKPIMAGE_COMPRESS_PGLZ/LZ4/ZSTD (0x04/0x08/0x10) since.</summary>
    private WalImageCompression Compression(byte info) => versionNum < 150000
        ? (info & 0x02) != 0 ? WalImageCompression.Pglz : WalImageCompression.None
        : (info & 0x04) != 0 ? WalImageCompression.Pglz
        : (info & 0x08) != 0 ? WalImageCompression.Lz4
        : (info & 0x10) != 0 ? WalImageCompression.Zstd
        : WalImageCompression.None;

    /// <summary>Block references are reused from record to record: decoding allocates nothing once warm.</summary>
    private WalBlockRef Rent(byte id, int index)
    {
        if (index == _pool.Count)
            _pool.Add(new WalBlockRef());
        var block = _pool[index];
        block.Id = id;
        return block;
    }
}
