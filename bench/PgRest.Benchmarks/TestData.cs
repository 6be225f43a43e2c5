using System.Buffers.Binary;

namespace PgRest.Benchmarks;

/// <summary>
/// 16 MiB that compresses like a PostgreSQL data file: 14 MiB of heap pages shaped like <c>pgbench_accounts</c> (page header,
/// line pointers, tuples of aid/bid/abalance and an 84-byte blank filler) followed by 2 MiB of random bytes, as WAL and
/// relation files with TOASTed or encrypted columns have. Fixed seed: every run measures the same bytes.
/// </summary>
internal static class TestData
{
    public const int Size = 16 * 1024 * 1024;
    private const int RandomSize = 2 * 1024 * 1024;
    private const int PageSize = 8192;
    private const int TupleSize = 24 + 4 + 4 + 4 + 84; // header, aid, bid, abalance, filler char(84)

    private static byte[]? _data;

    public static byte[] Data => _data ??= Build();

    private static byte[] Build()
    {
        var data = new byte[Size];
        var aid = 1;
        var tuplesPerPage = (PageSize - 24) / (TupleSize + 4);

        for (var page = 0; page < (Size - RandomSize) / PageSize; page++)
        {
            var span = data.AsSpan(page * PageSize, PageSize);
            BinaryPrimitives.WriteUInt64LittleEndian(span, 0x0000_0001_6A00_0000UL + (ulong)page); // pd_lsn
            BinaryPrimitives.WriteUInt16LittleEndian(span[12..], (ushort)(24 + (tuplesPerPage * 4))); // pd_lower
            var upper = PageSize - (tuplesPerPage * TupleSize);
            BinaryPrimitives.WriteUInt16LittleEndian(span[14..], (ushort)upper); // pd_upper
            BinaryPrimitives.WriteUInt16LittleEndian(span[16..], PageSize); // pd_special
            BinaryPrimitives.WriteUInt16LittleEndian(span[18..], PageSize | 4); // pd_pagesize_version

            for (var tuple = 0; tuple < tuplesPerPage; tuple++, aid++)
            {
                var offset = upper + (tuple * TupleSize);
                BinaryPrimitives.WriteUInt32LittleEndian(span[(24 + (tuple * 4))..], (uint)offset | ((uint)TupleSize << 17) | (1u << 15));
                var body = span.Slice(offset, TupleSize);
                BinaryPrimitives.WriteUInt32LittleEndian(body, 740); // t_xmin
                BinaryPrimitives.WriteUInt16LittleEndian(body[18..], 4); // t_infomask2: 4 attributes
                body[22] = 24; // t_hoff
                BinaryPrimitives.WriteInt32LittleEndian(body[24..], aid);
                BinaryPrimitives.WriteInt32LittleEndian(body[28..], ((aid - 1) / 100000) + 1);
                body[36..].Fill((byte)' ');
            }
        }

        new Random(45).NextBytes(data.AsSpan(Size - RandomSize));
        return data;
    }
}
