using System.Globalization;

namespace PgRest.Config;

/// <summary>Number syntax of pgBackRest 2.45 option values. All methods return false instead of throwing.</summary>
public static class OptionValueParser
{
    /// <summary>Base-10 integer with optional sign, no spaces, nothing after the digits.</summary>
    public static bool TryParseInteger(string text, out long value)
    {
        value = 0;
        var span = text.AsSpan();
        var digits = span.Length > 0 && (span[0] == '+' || span[0] == '-') ? span[1..] : span;

        if (digits.IsEmpty)
            return false;

        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
                return false;
        }

        return long.TryParse(span, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>
    /// Size in bytes: digits followed by an optional unit, case-insensitive. <c>b</c>, <c>k</c>/<c>kb</c>/<c>kib</c>, <c>m…</c>,
    /// <c>g…</c>, <c>t…</c>, <c>p…</c>; every unit is binary (1KB = 1KiB = 1024).
    /// </summary>
    public static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        var lower = text.ToLowerInvariant();
        var digitCount = 0;

        while (digitCount < lower.Length && char.IsAsciiDigit(lower[digitCount]))
            digitCount++;

        if (digitCount == 0 || !IsUnitSequence(lower.AsSpan(digitCount)))
            return false;

        // The letter that selects the multiplier: the last one, or the one before a trailing b/ib (kb, kib).
        var unitPosition = -1;
        var length = lower.Length;

        if (lower[length - 1] == 'b')
        {
            if (char.IsAsciiDigit(lower[length - 2]))
                unitPosition = length - 1;
            else if (lower[length - 2] == 'i')
                unitPosition = length - 3;
            else
                unitPosition = length - 2;
        }
        else if (!char.IsAsciiDigit(lower[length - 1]))
            unitPosition = length - 1;

        long multiplier = 1;
        var number = lower.AsSpan();

        if (unitPosition != -1)
        {
            multiplier = lower[unitPosition] switch
            {
                'b' => 1,
                'k' => 1L << 10,
                'm' => 1L << 20,
                'g' => 1L << 30,
                't' => 1L << 40,
                'p' => 1L << 50,
                _ => 0,
            };

            if (multiplier == 0)
                return false;

            number = number[..unitPosition];
        }

        foreach (var c in number)
        {
            if (!char.IsAsciiDigit(c))
                return false;
        }

        if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count > long.MaxValue / multiplier)
            return false;

        bytes = count * multiplier;
        return true;
    }

    /// <summary>
    /// Time in 2.45 syntax: seconds as a decimal number, returned in milliseconds. Like C's <c>sscanf("%lf")</c>, leading
    /// spaces and anything after the number are ignored (<c>5m</c> is 5 seconds), and a zero result is only accepted for the
    /// exact text <c>0</c>.
    /// </summary>
    public static bool TryParseTime(string text, out long milliseconds)
    {
        milliseconds = 0;
        var span = text.AsSpan().TrimStart(" \t\n\v\f\r");
        var end = 0;

        if (end < span.Length && (span[end] == '+' || span[end] == '-'))
            end++;

        var mantissaStart = end;

        while (end < span.Length && char.IsAsciiDigit(span[end]))
            end++;

        if (end < span.Length && span[end] == '.')
        {
            end++;

            while (end < span.Length && char.IsAsciiDigit(span[end]))
                end++;
        }

        var mantissa = span[mantissaStart..end];

        if (mantissa.IsEmpty || mantissa is ".")
            return false;

        // Exponent only counts when digits follow it.
        if (end < span.Length && (span[end] == 'e' || span[end] == 'E'))
        {
            var exponentEnd = end + 1;

            if (exponentEnd < span.Length && (span[exponentEnd] == '+' || span[exponentEnd] == '-'))
                exponentEnd++;

            var exponentDigits = exponentEnd;

            while (exponentEnd < span.Length && char.IsAsciiDigit(span[exponentEnd]))
                exponentEnd++;

            if (exponentEnd > exponentDigits)
                end = exponentEnd;
        }

        var seconds = double.Parse(span[..end], NumberStyles.Float, CultureInfo.InvariantCulture);

        if (seconds == 0 && text != "0")
            return false;

        var scaled = seconds * 1000;

        if (double.IsNaN(scaled) || scaled >= long.MaxValue || scaled <= long.MinValue)
            return false;

        milliseconds = (long)scaled;
        return true;
    }

    /// <summary>Formats bytes with the largest binary unit that divides them (<c>1048576</c> → <c>1MiB</c>).</summary>
    public static string FormatSize(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        var unit = 0;

        while (unit < units.Length - 1 && bytes != 0 && bytes % 1024 == 0)
        {
            bytes /= 1024;
            unit++;
        }

        return bytes.ToString(CultureInfo.InvariantCulture) + (unit == 0 ? "" : units[unit]);
    }

    /// <summary>Formats milliseconds as decimal seconds (<c>100</c> → <c>0.1</c>).</summary>
    public static string FormatTime(long milliseconds) =>
        (milliseconds / 1000m).ToString("0.###", CultureInfo.InvariantCulture);

    private static readonly string[] UnitWords = ["kib", "kb", "k", "mib", "mb", "m", "gib", "gb", "g", "tib", "tb", "t", "pib", "pb", "p", "b"];

    // True when the text is a (possibly empty) run of the unit words pgBackRest's size pattern accepts.
    private static bool IsUnitSequence(ReadOnlySpan<char> units)
    {
        if (units.IsEmpty)
            return true;

        foreach (var word in UnitWords)
        {
            if (units.StartsWith(word, StringComparison.Ordinal) && IsUnitSequence(units[word.Length..]))
                return true;
        }

        return false;
    }
}
