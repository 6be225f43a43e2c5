using System.Globalization;
using PgRest.Errors;

namespace PgRest.Postgres;

/// <summary>Classification of file names found in pg_wal and in the archive.</summary>
public static class Wal
{
    public const string PartialSuffix = ".partial";
    public const string HistorySuffix = ".history";
    public const string BackupSuffix = ".backup";

    /// <summary>A segment, <c>^[0-F]{24}(\.partial)?$</c>: what archive-push compresses and stores with a checksum.</summary>
    public static bool IsSegment(ReadOnlySpan<char> name) =>
        (name.Length == WalSegmentName.Length || IsPartial(name)) && IsUpperHex(name[..WalSegmentName.Length]);

    /// <summary>A partial segment left at a timeline switch, <c>^[0-F]{24}\.partial$</c>.</summary>
    public static bool IsPartial(ReadOnlySpan<char> name) =>
        name.Length == WalSegmentName.Length + PartialSuffix.Length
        && name.EndsWith(PartialSuffix, StringComparison.Ordinal)
        && IsUpperHex(name[..WalSegmentName.Length]);

    /// <summary>A timeline history file, <c>^[0-F]{8}\.history$</c>.</summary>
    public static bool IsHistory(ReadOnlySpan<char> name) =>
        name.Length == 8 + HistorySuffix.Length && name.EndsWith(HistorySuffix, StringComparison.Ordinal) && IsUpperHex(name[..8]);

    /// <summary>A backup history file, <c>^[0-F]{24}\.[0-F]{8}\.backup$</c> (segment name and start offset).</summary>
    public static bool IsBackupHistory(ReadOnlySpan<char> name) =>
        name.Length == WalSegmentName.Length + 1 + 8 + BackupSuffix.Length
        && name.EndsWith(BackupSuffix, StringComparison.Ordinal)
        && name[WalSegmentName.Length] == '.'
        && IsUpperHex(name[..WalSegmentName.Length])
        && IsUpperHex(name.Slice(WalSegmentName.Length + 1, 8));

    /// <summary>
    /// True when the name starts with 24 uppercase hex characters; such archive files live in the sub-directory named by
    /// their first 16 characters (segments, partials and backup history files).
    /// </summary>
    public static bool HasSegmentPrefix(ReadOnlySpan<char> name) =>
        name.Length >= WalSegmentName.Length && IsUpperHex(name[..WalSegmentName.Length]);

    /// <summary>
    /// A directory of the archive holding the segments of one timeline and log id: the first 16 characters of their
    /// names, <c>^[0-F]{16}$</c>.
    /// </summary>
    public static bool IsSegmentDirectory(ReadOnlySpan<char> name) => name.Length == 16 && IsUpperHex(name);

    /// <summary>The archive directory a WAL file with a segment prefix is stored in (<c>0000000100000000</c>).</summary>
    public static string SegmentDirectoryOf(string name) => name[..16];

    /// <summary>
    /// A stored segment, <c>^[0-F]{24}-[0-f]{40}(\.gz|\.lz4|\.zst|\.xz|\.bz2)?$</c>: the segment name, the SHA-1 of its
    /// content and the compression extension (partials and backup history files are stored differently).
    /// </summary>
    public static bool IsStoredSegment(string name) =>
        name.Length >= WalSegmentName.Length + 41 && IsUpperHex(name.AsSpan(0, WalSegmentName.Length)) &&
        IsStoredSegmentOf(name, name[..WalSegmentName.Length]);

    /// <summary>True for <c>&lt;walName&gt;-&lt;40 hex&gt;</c> optionally followed by a compression extension.</summary>
    public static bool IsStoredSegmentOf(string storedName, string walName)
    {
        if (storedName.Length < walName.Length + 41 || !storedName.StartsWith(walName, StringComparison.Ordinal) || storedName[walName.Length] != '-')
            return false;
        foreach (var c in storedName.AsSpan(walName.Length + 1, 40))
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
                return false;
        }

        var rest = storedName.AsSpan(walName.Length + 41);
        return rest.Length == 0 || rest is ".gz" or ".lz4" or ".zst" or ".bz2" or ".xz";
    }

    /// <summary>The SHA-1 in a stored WAL file's name (<c>&lt;walName&gt;-&lt;sha1&gt;[.ext]</c>).</summary>
    public static string StoredChecksum(string storedName, string walName) => storedName.Substring(walName.Length + 1, 40);

    /// <summary>The segment a segment, partial or backup history file name refers to.</summary>
    public static WalSegmentName SegmentOf(string name) =>
        WalSegmentName.Parse(HasSegmentPrefix(name) ? name[..WalSegmentName.Length] : name);

    /// <summary>Timeline of a segment (or partial / backup history) name, or of a history file name.</summary>
    public static uint TimelineOf(ReadOnlySpan<char> name)
    {
        if (!(HasSegmentPrefix(name) || IsHistory(name)))
            throw new PgRestException(ErrorCode.Format, $"'{name.ToString()}' is not a WAL file name");

        return uint.Parse(name[..8], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
    }

    /// <summary>History file name of a timeline, e.g. <c>00000002.history</c>.</summary>
    public static string HistoryFileName(uint timeline) => timeline.ToString("X8", CultureInfo.InvariantCulture) + HistorySuffix;

    /// <summary>Only <c>0-9</c> and <c>A-F</c>, as PostgreSQL writes them.</summary>
    public static bool IsUpperHex(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'A' and <= 'F')))
                return false;
        }

        return !text.IsEmpty;
    }
}
