using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using PgRest.Errors;

namespace PgRest.Postgres;

/// <summary>
/// PostgreSQL's data page checksum (<c>pg_checksum_page</c>): FNV-1a-style mixing in 32 parallel lanes over the page
/// read as native 32-bit words with <c>pd_checksum</c> taken as zero, two extra zero rounds, lanes XOR-folded, block
/// number XORed in, reduced to <c>% 65535 + 1</c>. Allocation free.
/// </summary>
public static class PageChecksum
{
    public const int DefaultPageSize = 8192;

    // Page header (PageHeaderData) offsets.
    private const int ChecksumOffset = 8;
    private const int UpperOffset = 14;

    private const int Lanes = 32;
    private const int RowBytes = Lanes * sizeof(uint);
    private const uint FnvPrime = 16777619;

    // Initial lane values defined by PostgreSQL's algorithm (checksum_impl.h).
    private static ReadOnlySpan<uint> LaneSeeds =>
    [
        0x5B1F36E9, 0xB8525960, 0x02AB50AA, 0x1DE66D2A, 0x79FF467A, 0x9BB9F8A3, 0x217E7CD2, 0x83E13D2C,
        0xF8D4474F, 0xE39EB970, 0x42C6AE16, 0x993216FA, 0x7B093B5D, 0x98DAFF3C, 0xF718902A, 0x0B1C9CDB,
        0xE58F764B, 0x187636BC, 0x5D7B3BB1, 0xE73DE7DE, 0x92BEC979, 0xCCA6C0B2, 0x304A0979, 0x85AA43D4,
        0x783125BB, 0x6CA8EAA2, 0xE407EAC6, 0x4B5CFC3E, 0x9FBF8C76, 0x15CA20BE, 0xF2CA9FD3, 0x959BD756,
    ];

    /// <summary>The checksum stored in the page header (<c>pd_checksum</c>).</summary>
    public static ushort Stored(ReadOnlySpan<byte> page) => BinaryPrimitives.ReadUInt16LittleEndian(page[ChecksumOffset..]);

    /// <summary>
    /// A page PostgreSQL has allocated but never written (pd_upper is 0 and every byte is zero). Such pages carry no
    /// checksum and are skipped by validation.
    /// </summary>
    public static bool IsNewPage(ReadOnlySpan<byte> page) =>
        BinaryPrimitives.ReadUInt16LittleEndian(page[UpperOffset..]) == 0 && !page.ContainsAnyExcept((byte)0);

    /// <summary>True when the stored checksum matches the one computed for <paramref name="blockNumber"/>.</summary>
    public static bool IsValid(ReadOnlySpan<byte> page, uint blockNumber) => Stored(page) == Compute(page, blockNumber);

    /// <summary>Computes the checksum of a page whose absolute block number (segment × blocks per segment + index) is given.</summary>
    public static ushort Compute(ReadOnlySpan<byte> page, uint blockNumber)
    {
        CheckPageSize(page);
        uint folded = Vector256.IsHardwareAccelerated ? FoldVector(page) : FoldScalar(page);
        return Reduce(folded, blockNumber);
    }

    /// <summary>Lane-by-lane reference implementation; the vector path must agree with it.</summary>
    internal static ushort ComputeScalar(ReadOnlySpan<byte> page, uint blockNumber)
    {
        CheckPageSize(page);
        return Reduce(FoldScalar(page), blockNumber);
    }

    private static ushort Reduce(uint folded, uint blockNumber) => (ushort)((folded ^ blockNumber) % 65535 + 1);

    private static void CheckPageSize(ReadOnlySpan<byte> page)
    {
        if (page.Length == 0 || page.Length % RowBytes != 0)
            throw new PgRestException(ErrorCode.Assert, $"page size {page.Length} is not a multiple of {RowBytes}");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Mix(uint sum, uint value)
    {
        uint mixed = sum ^ value;
        return mixed * FnvPrime ^ (mixed >> 17);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Mix(Vector256<uint> sum, Vector256<uint> value)
    {
        Vector256<uint> mixed = sum ^ value;
        return (mixed * Vector256.Create(FnvPrime)) ^ Vector256.ShiftRightLogical(mixed, 17);
    }

    private static uint FoldScalar(ReadOnlySpan<byte> page)
    {
        Span<uint> sums = stackalloc uint[Lanes];
        LaneSeeds.CopyTo(sums);

        ReadOnlySpan<uint> firstRow = FirstRowWithoutChecksum(page, stackalloc byte[RowBytes]);
        ReadOnlySpan<uint> words = MemoryMarshal.Cast<byte, uint>(page);

        for (int lane = 0; lane < Lanes; lane++)
            sums[lane] = Mix(sums[lane], firstRow[lane]);

        for (int row = Lanes; row < words.Length; row += Lanes)
        {
            for (int lane = 0; lane < Lanes; lane++)
                sums[lane] = Mix(sums[lane], words[row + lane]);
        }

        uint result = 0;

        for (int lane = 0; lane < Lanes; lane++)
        {
            // Two rounds of zeroes for extra mixing of the last values.
            result ^= Mix(Mix(sums[lane], 0), 0);
        }

        return result;
    }

    private static uint FoldVector(ReadOnlySpan<byte> page)
    {
        ReadOnlySpan<uint> seeds = LaneSeeds;
        Vector256<uint> sum0 = Vector256.Create(seeds);
        Vector256<uint> sum1 = Vector256.Create(seeds[8..]);
        Vector256<uint> sum2 = Vector256.Create(seeds[16..]);
        Vector256<uint> sum3 = Vector256.Create(seeds[24..]);

        ReadOnlySpan<uint> firstRow = FirstRowWithoutChecksum(page, stackalloc byte[RowBytes]);
        sum0 = Mix(sum0, Vector256.Create(firstRow));
        sum1 = Mix(sum1, Vector256.Create(firstRow[8..]));
        sum2 = Mix(sum2, Vector256.Create(firstRow[16..]));
        sum3 = Mix(sum3, Vector256.Create(firstRow[24..]));

        ReadOnlySpan<uint> words = MemoryMarshal.Cast<byte, uint>(page);

        for (int row = Lanes; row < words.Length; row += Lanes)
        {
            sum0 = Mix(sum0, Vector256.Create(words.Slice(row, 8)));
            sum1 = Mix(sum1, Vector256.Create(words.Slice(row + 8, 8)));
            sum2 = Mix(sum2, Vector256.Create(words.Slice(row + 16, 8)));
            sum3 = Mix(sum3, Vector256.Create(words.Slice(row + 24, 8)));
        }

        Vector256<uint> zero = Vector256<uint>.Zero;
        Vector256<uint> folded = Mix(Mix(sum0, zero), zero) ^ Mix(Mix(sum1, zero), zero)
            ^ Mix(Mix(sum2, zero), zero) ^ Mix(Mix(sum3, zero), zero);

        uint result = 0;

        for (int lane = 0; lane < Vector256<uint>.Count; lane++)
            result ^= folded.GetElement(lane);

        return result;
    }

    /// <summary>First 128 bytes of the page with pd_checksum zeroed, as the algorithm requires, without touching the page.</summary>
    private static ReadOnlySpan<uint> FirstRowWithoutChecksum(ReadOnlySpan<byte> page, Span<byte> scratch)
    {
        page[..RowBytes].CopyTo(scratch);
        scratch.Slice(ChecksumOffset, sizeof(ushort)).Clear();
        return MemoryMarshal.Cast<byte, uint>(scratch);
    }
}
