namespace PgRest.Postgres.WalRecords;

/// <summary>
/// PostgreSQL's pglz decompression (common/pg_lzcompress.c's format): control bytes whose bits say, eight items at a
/// time, whether the next item is a literal byte or a back reference of 3 to 273 bytes at a distance up to 4095.
/// </summary>
public static class PgLz
{
    /// <summary>Decompresses into all of <paramref name="output"/>; false when the input is damaged or the sizes disagree.</summary>
    public static bool TryDecompress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int source = 0, written = 0;
        while (source < input.Length && written < output.Length)
        {
            byte control = input[source++];
            for (int bit = 0; bit < 8 && source < input.Length && written < output.Length; bit++, control >>= 1)
            {
                if ((control & 1) == 0)
                {
                    output[written++] = input[source++];
                    continue;
                }

                if (source + 1 >= input.Length)
                    return false;
                int length = (input[source] & 0x0F) + 3;
                int distance = ((input[source] & 0xF0) << 4) | input[source + 1];
                source += 2;
                if (length == 18)
                {
                    if (source >= input.Length)
                        return false;
                    length += input[source++];
                }

                if (distance == 0 || distance > written || written + length > output.Length)
                    return false;
                // Byte by byte: a reference may overlap the bytes it produces.
                for (int i = 0; i < length; i++, written++)
                    output[written] = output[written - distance];
            }
        }

        return written == output.Length && source == input.Length;
    }
}
