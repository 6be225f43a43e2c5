using System.Buffers.Binary;
using System.IO.Hashing;

namespace PgRest.BlockIncr;

/// <summary>
/// A block's checksum: XXH3-128 (seed 0) in canonical, big-endian form, cut to the file's checksum size
/// (pgbackrest-after-2.45.md, "2.3 Per-block checksum").
/// </summary>
public static class BlockChecksum
{
    /// <summary>The longest checksum a map can hold.</summary>
    public const int MaxSize = 16;

    /// <summary>The shortest checksum pgBackRest accepts.</summary>
    public const int MinSize = 6;

    /// <summary>Writes the first <c>destination.Length</c> bytes of the block's checksum.</summary>
    public static void Compute(ReadOnlySpan<byte> block, Span<byte> destination)
    {
        Span<byte> full = stackalloc byte[MaxSize];
        BinaryPrimitives.WriteUInt128BigEndian(full, XxHash128.HashToUInt128(block));
        full[..destination.Length].CopyTo(destination);
    }
}
