using System.Buffers.Binary;
using System.Text;
using PgRest.Postgres.WalRecords;

namespace PgRest.Commands.TargetFind;

/// <summary>A table as the catalog of a backup has it: its pg_class row's place and the file that holds its rows.</summary>
public sealed record CatalogRelation(string Database, uint DatabaseId, string Schema, string Name, uint RelationId, uint FileNode,
    uint PgClassFileNode, TupleId PgClassTuple, bool Live);

/// <summary>Where a table of that name would appear if it were created later: the database's pg_class and the schema's OID.</summary>
public sealed record CatalogWatch(string Database, uint DatabaseId, string Schema, string Name, uint NamespaceId, uint PgClassFileNode);

/// <summary>
/// Reads just enough of a database's system catalog from its files: pg_filenode.map (where pg_class is), pg_class and
/// pg_namespace rows (catalog headers pg_class.h and pg_namespace.h: the fixed-width columns come first, so their
/// offsets are the same in every row).
/// </summary>
public static class CatalogReader
{
    public const uint PgClassId = 1259, PgNamespaceId = 2615;
    private const int NameLength = 64;

    /// <summary>Offsets in a pg_class row's data: oid, relname, relnamespace ... relfilenode.</summary>
    public const int ClassOid = 0, ClassName = 4, ClassNamespace = 68, ClassFileNode = 88;

    /// <summary>relkind: after relallvisible, and after relallfrozen too since PostgreSQL 18.</summary>
    public static int ClassKind(int versionNum) => versionNum >= 180000 ? 119 : 115;

    /// <summary>pg_filenode.map: magic, count, then (oid, file node) pairs; null when it is not one.</summary>
    public static Dictionary<uint, uint>? ParseRelMap(ReadOnlySpan<byte> map)
    {
        if (map.Length < 8)
            return null;
        int count = BinaryPrimitives.ReadInt32LittleEndian(map[4..]);
        if (count < 0 || count > 1024 || map.Length < 8 + count * 8)
            return null;
        var result = new Dictionary<uint, uint>(count);
        for (var i = 0; i < count; i++)
            result[BinaryPrimitives.ReadUInt32LittleEndian(map[(8 + i * 8)..])] = BinaryPrimitives.ReadUInt32LittleEndian(map[(12 + i * 8)..]);
        return result;
    }

    /// <summary>The OID of a schema from pg_namespace's file; null when no live row has that name.</summary>
    public static uint? FindNamespace(ReadOnlySpan<byte> pgNamespace, string schema)
    {
        uint? found = null;
        var wanted = Encoding.UTF8.GetBytes(schema);
        ForEachTuple(pgNamespace, (tid, tuple) =>
        {
            var data = tuple.Data;
            if (!tuple.XminAborted && data.Length >= 4 + NameLength && NameEquals(data.Slice(4, NameLength), wanted) && (tuple.Live || found is null))
                found = BinaryPrimitives.ReadUInt32LittleEndian(data);
        });
        return found;
    }

    /// <summary>The file node of a catalog table from pg_class (e.g. pg_namespace's, which is not in the map).</summary>
    public static uint? FindFileNodeById(ReadOnlySpan<byte> pgClass, uint relationId)
    {
        uint? found = null;
        ForEachTuple(pgClass, (tid, tuple) =>
        {
            var data = tuple.Data;
            if (!tuple.XminAborted && tuple.Live && data.Length >= ClassFileNode + 4 && BinaryPrimitives.ReadUInt32LittleEndian(data) == relationId)
                found = BinaryPrimitives.ReadUInt32LittleEndian(data[ClassFileNode..]);
        });
        return found;
    }

    /// <summary>
    /// The ordinary table (relkind 'r') named <paramref name="name"/> in schema <paramref name="namespaceId"/>: the live
    /// row when there is one, else a deleted one (a table dropped while the backup was copying pg_class).
    /// </summary>
    public static (TupleId Tid, uint RelationId, uint FileNode, bool Live)? FindTable(ReadOnlySpan<byte> pgClass, int versionNum, uint namespaceId, string name)
    {
        (TupleId, uint, uint, bool)? found = null;
        var wanted = Encoding.UTF8.GetBytes(name);
        ForEachTuple(pgClass, (tid, tuple) =>
        {
            if (tuple.XminAborted || MatchTable(tuple.Data, versionNum, namespaceId, wanted) is not { } table || (found is { Item4: true } && !tuple.Live))
                return;
            found = (tid, table.RelationId, table.FileNode, tuple.Live);
        });
        return found;
    }

    /// <summary>
    /// A pg_class row's data (from t_hoff on) as an ordinary table named <paramref name="name"/> in schema
    /// <paramref name="namespaceId"/>: its OID and file node, else null.
    /// </summary>
    public static (uint RelationId, uint FileNode)? MatchTable(ReadOnlySpan<byte> data, int versionNum, uint namespaceId, string name) =>
        MatchTable(data, versionNum, namespaceId, Encoding.UTF8.GetBytes(name));

    private static (uint RelationId, uint FileNode)? MatchTable(ReadOnlySpan<byte> data, int versionNum, uint namespaceId, byte[] name)
    {
        int kind = ClassKind(versionNum);
        if (data.Length <= kind || data[kind] != (byte)'r' || BinaryPrimitives.ReadUInt32LittleEndian(data[ClassNamespace..]) != namespaceId
            || !NameEquals(data.Slice(ClassName, NameLength), name))
            return null;
        return (BinaryPrimitives.ReadUInt32LittleEndian(data), BinaryPrimitives.ReadUInt32LittleEndian(data[ClassFileNode..]));
    }

    private delegate void TupleVisitor(TupleId tid, HeapTuple tuple);

    private static void ForEachTuple(ReadOnlySpan<byte> file, TupleVisitor visit)
    {
        for (var block = 0; (block + 1) * HeapPage.Size <= file.Length; block++)
        {
            var page = file.Slice(block * HeapPage.Size, HeapPage.Size);
            int lines = HeapPage.LineCount(page);
            for (ushort offset = 1; offset <= lines; offset++)
            {
                if (HeapPage.TryGetTuple(page, offset, out var tuple))
                    visit(new TupleId((uint)block, offset), tuple);
            }
        }
    }

    /// <summary>A NameData column (NUL-padded) against the wanted name's UTF-8 bytes.</summary>
    private static bool NameEquals(ReadOnlySpan<byte> stored, ReadOnlySpan<byte> wanted)
    {
        int end = stored.IndexOf((byte)0);
        return (end < 0 ? stored : stored[..end]).SequenceEqual(wanted);
    }
}
