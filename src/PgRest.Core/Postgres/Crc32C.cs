using System.Buffers.Binary;
using System.Numerics;

namespace PgRest.Postgres;

/// <summary>CRC-32C (Castagnoli) as PostgreSQL computes it for pg_control and WAL records.</summary>
internal static class Crc32C
{
    public const uint Start = 0xFFFFFFFF;

    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Update(Start, data));

    public static uint Finish(uint crc) => crc ^ 0xFFFFFFFF;

    /// <summary>Adds <paramref name="data"/> to a running CRC (begun with <see cref="Start"/>, ended with <see cref="Finish"/>).</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        // BitOperations uses the SSE4.2/ARM instruction when present and a table otherwise.
        while (data.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (byte value in data)
            crc = BitOperations.Crc32C(crc, value);

        return crc;
    }
}
