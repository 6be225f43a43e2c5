using System.Globalization;
using PgRest.Errors;

namespace PgRest.Postgres;

/// <summary>A WAL position (XLogRecPtr), written <c>"X/Y"</c>: high and low 32 bits in hex.</summary>
public readonly record struct Lsn(ulong Value) : IComparable<Lsn>
{
    public static readonly Lsn Invalid = new(0);

    public uint High => (uint)(Value >> 32);

    public uint Low => (uint)Value;

    /// <summary>Parses <c>"0/4000028"</c> (either case, with or without zero padding); errors in pgBackRest's words.</summary>
    public static Lsn Parse(string text)
    {
        if (TryParse(text, out Lsn lsn))
            return lsn;
        var parts = text.Split('/');
        if (parts.Length != 2)
            throw new PgRestException(ErrorCode.Format, "lsn requires two parts");
        var bad = parts.FirstOrDefault(p => !uint.TryParse(p, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _)) ?? text;
        throw new PgRestException(ErrorCode.Format, $"unable to convert base 16 string '{bad}' to uint64");
    }

    public static bool TryParse(ReadOnlySpan<char> text, out Lsn lsn)
    {
        lsn = Invalid;
        int slash = text.IndexOf('/');

        if (slash <= 0 || slash > 8 || text.Length - slash - 1 is < 1 or > 8)
            return false;

        if (!uint.TryParse(text[..slash], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint high)
            || !uint.TryParse(text[(slash + 1)..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint low))
        {
            return false;
        }

        lsn = new Lsn(((ulong)high << 32) | low);
        return true;
    }

    /// <summary>PostgreSQL's <c>pg_lsn</c> text (<c>%X/%X</c>), which is also what pgBackRest stores in backup.info.</summary>
    public override string ToString() =>
        High.ToString("X", CultureInfo.InvariantCulture) + "/" + Low.ToString("X", CultureInfo.InvariantCulture);

    /// <summary>pgBackRest's own formatting in messages (<c>pgLsnToStr</c>: <c>%x/%x</c>, lowercase).</summary>
    public string ToLowerString() =>
        High.ToString("x", CultureInfo.InvariantCulture) + "/" + Low.ToString("x", CultureInfo.InvariantCulture);

    public int CompareTo(Lsn other) => Value.CompareTo(other.Value);

    public static bool operator <(Lsn left, Lsn right) => left.Value < right.Value;

    public static bool operator >(Lsn left, Lsn right) => left.Value > right.Value;

    public static bool operator <=(Lsn left, Lsn right) => left.Value <= right.Value;

    public static bool operator >=(Lsn left, Lsn right) => left.Value >= right.Value;
}
