namespace PgRest.Json;

/// <summary>
/// Orders strings the way pgBackRest's <c>strcmp</c> orders their UTF-8 bytes (i.e. by code point). Plain
/// <see cref="StringComparer.Ordinal"/> compares UTF-16 units and disagrees for characters above U+FFFF vs U+E000..U+FFFF.
/// </summary>
public sealed class Utf8Ordinal : IComparer<string>
{
    public static readonly Utf8Ordinal Comparer = new();

    private Utf8Ordinal()
    {
    }

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
            return 0;
        if (x is null)
            return -1;
        if (y is null)
            return 1;

        // Names share long prefixes (pg_data/base/16384/...): find the first difference vectorized.
        int common = x.AsSpan().CommonPrefixLength(y);
        if (common == x.Length || common == y.Length)
            return x.Length - y.Length;
        return CodePointRank(x[common]) - CodePointRank(y[common]);
    }

    public static int CompareStrings(string x, string y) => Comparer.Compare(x, y);

    // Surrogates (supplementary code points) must sort after U+E000..U+FFFF, as their UTF-8 lead bytes do.
    private static int CodePointRank(char unit)
    {
        if (unit >= 0xD800 && unit <= 0xDFFF)
            return unit + 0x2000;
        if (unit >= 0xE000)
            return unit - 0x800;
        return unit;
    }
}
