namespace PgRest.Postgres.WalRecords;

/// <summary>A relation's storage as WAL names it (RelFileNode, RelFileLocator since PostgreSQL 16).</summary>
public readonly record struct RelFileNode(uint Tablespace, uint Database, uint Relation)
{
    public override string ToString() => $"{Tablespace}/{Database}/{Relation}";
}

/// <summary>Resource manager ids of the records pgrest decodes (the same numbers in PostgreSQL 12 to 18).</summary>
public static class ResourceManager
{
    public const byte Xlog = 0, Transaction = 1, Storage = 2, RelMap = 7, Heap2 = 9, Heap = 10;
}

/// <summary>One block a record refers to: which page of which relation, with its full-page image and data when logged.</summary>
public sealed class WalBlockRef
{
    public byte Id { get; internal set; }

    public byte Fork { get; internal set; }

    public RelFileNode Node { get; internal set; }

    public uint Block { get; internal set; }

    public bool HasImage { get; internal set; }

    /// <summary>The image as stored: without its hole, maybe compressed (<see cref="ImageCompression"/>).</summary>
    public ReadOnlyMemory<byte> Image { get; internal set; }

    public ushort HoleOffset { get; internal set; }

    public ushort HoleLength { get; internal set; }

    public WalImageCompression ImageCompression { get; internal set; }

    public ReadOnlyMemory<byte> Data { get; internal set; }

    public bool HasData => !Data.IsEmpty;

    internal int ImageLength;

    internal int DataLength;
}

public enum WalImageCompression
{
    None,
    Pglz,
    Lz4,
    Zstd,
}

/// <summary>
/// A WAL record decoded to its header, block references and main data (DecodeXLogRecord's view). The reader reuses one
/// instance: whoever is handed it must copy what it keeps.
/// </summary>
public sealed class WalRecord
{
    internal readonly List<WalBlockRef> BlockList = [];

    public Lsn Start { get; internal set; }

    public Lsn End { get; internal set; }

    public uint Timeline { get; internal set; }

    public uint Xid { get; internal set; }

    public byte Info { get; internal set; }

    public byte ResourceManagerId { get; internal set; }

    /// <summary>XLR_BLOCK_ID_TOPLEVEL_XID (PostgreSQL 14+, logical decoding): the top transaction of a subtransaction's record.</summary>
    public uint TopLevelXid { get; internal set; }

    public IReadOnlyList<WalBlockRef> Blocks => BlockList;

    public ReadOnlyMemory<byte> MainData { get; internal set; }

    public WalBlockRef? Block(byte id)
    {
        foreach (var block in BlockList)
        {
            if (block.Id == id)
                return block;
        }

        return null;
    }
}
