using PgRest.Errors;

namespace PgRest.BlockIncr;

/// <summary>Unsigned LEB128 (7 bits a byte, high bit = more) and zigzag, as block maps store their numbers.</summary>
internal static class VarInt
{
    /// <summary>The longest encoding of a 64-bit value.</summary>
    public const int MaxBytes = 10;

    public static ulong Read(ReadOnlySpan<byte> source, ref int position)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (position >= source.Length)
                throw new PgRestException(ErrorCode.Format, "unexpected end of block map");
            byte next = source[position++];
            value |= (ulong)(next & 0x7f) << shift;
            if ((next & 0x80) == 0)
                return value;
        }

        throw new PgRestException(ErrorCode.Format, "block map varint is longer than 64 bits");
    }

    public static void Write(List<byte> destination, ulong value)
    {
        while (value >= 0x80)
        {
            destination.Add((byte)(value | 0x80));
            value >>= 7;
        }

        destination.Add((byte)value);
    }

    public static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    public static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);
}
