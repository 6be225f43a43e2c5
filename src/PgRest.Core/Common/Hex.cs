namespace PgRest.Common;

/// <summary>
/// Lower-case hex of short digests. Convert.ToHexStringLower takes a vectorized path that ReadyToRun does not precompile, so
/// it is JIT-compiled on every start; archive-push and info-file loading only need 20 bytes, where a plain loop is as fast.
/// </summary>
public static class Hex
{
    public static string ToLower(ReadOnlySpan<byte> bytes)
    {
        const string digits = "0123456789abcdef";
        Span<char> text = bytes.Length <= 64 ? stackalloc char[bytes.Length * 2] : new char[bytes.Length * 2];
        for (var index = 0; index < bytes.Length; index++)
        {
            text[index * 2] = digits[bytes[index] >> 4];
            text[(index * 2) + 1] = digits[bytes[index] & 0xF];
        }

        return new string(text);
    }
}
