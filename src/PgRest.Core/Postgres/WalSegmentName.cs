using System.Globalization;
using PgRest.Errors;

namespace PgRest.Postgres;

/// <summary>
/// A WAL segment file name <c>TTTTTTTTLLLLLLLLSSSSSSSS</c>: timeline, "log" (high part of the segment number) and segment
/// within the log, each 8 uppercase hex digits.
/// </summary>
public readonly record struct WalSegmentName(uint Timeline, uint Log, uint Segment) : IComparable<WalSegmentName>
{
    public const int Length = 24;

    /// <summary>PostgreSQL's default segment size (and the only one allowed before PostgreSQL 11).</summary>
    public const uint DefaultSegmentSize = 16 * 1024 * 1024;

    /// <summary>Parses exactly 24 uppercase hex digits (any suffix such as <c>.partial</c> must be removed first).</summary>
    public static WalSegmentName Parse(string name) =>
        TryParse(name, out WalSegmentName segment)
            ? segment
            : throw new PgRestException(ErrorCode.Format, $"'{name}' is not a valid WAL segment name");

    public static bool TryParse(ReadOnlySpan<char> name, out WalSegmentName segment)
    {
        segment = default;

        if (name.Length != Length || !Wal.IsUpperHex(name))
            return false;

        segment = new WalSegmentName(ParseHex(name[..8]), ParseHex(name.Slice(8, 8)), ParseHex(name[16..]));
        return true;
    }

    /// <summary>The segment that contains <paramref name="lsn"/> on <paramref name="timeline"/>.</summary>
    public static WalSegmentName FromLsn(uint timeline, Lsn lsn, uint segmentSize) =>
        FromSegmentNumber(timeline, lsn.Value / CheckSegmentSize(segmentSize), segmentSize);

    /// <summary>Builds a name from the absolute segment number (XLogSegNo).</summary>
    public static WalSegmentName FromSegmentNumber(uint timeline, ulong segmentNumber, uint segmentSize)
    {
        ulong perLog = SegmentsPerLog(segmentSize);
        return new WalSegmentName(timeline, checked((uint)(segmentNumber / perLog)), (uint)(segmentNumber % perLog));
    }

    /// <summary>Number of segments in one "log" (4 GiB of WAL): 256 for 16 MiB segments.</summary>
    public static ulong SegmentsPerLog(uint segmentSize) => 0x1_0000_0000UL / CheckSegmentSize(segmentSize);

    /// <summary>Absolute segment number (XLogSegNo).</summary>
    public ulong SegmentNumber(uint segmentSize) => Log * SegmentsPerLog(segmentSize) + Segment;

    /// <summary>LSN of the first byte of the segment.</summary>
    public Lsn StartLsn(uint segmentSize) => new(SegmentNumber(segmentSize) * segmentSize);

    /// <summary>The following segment on the same timeline.</summary>
    public WalSegmentName Next(uint segmentSize) => FromSegmentNumber(Timeline, SegmentNumber(segmentSize) + 1, segmentSize);

    /// <summary>All segments from <paramref name="start"/> to <paramref name="stop"/> inclusive (same timeline as start).</summary>
    public static IEnumerable<WalSegmentName> Range(WalSegmentName start, WalSegmentName stop, uint segmentSize)
    {
        ulong last = stop.SegmentNumber(segmentSize);

        for (ulong number = start.SegmentNumber(segmentSize); number <= last; number++)
            yield return FromSegmentNumber(start.Timeline, number, segmentSize);
    }

    /// <summary>The first 16 characters (timeline + log): the archive sub-directory the segment is stored in.</summary>
    public string Directory => Timeline.ToString("X8", CultureInfo.InvariantCulture) + Log.ToString("X8", CultureInfo.InvariantCulture);

    public override string ToString() =>
        string.Create(Length, this, static (span, name) =>
        {
            name.Timeline.TryFormat(span, out _, "X8", CultureInfo.InvariantCulture);
            name.Log.TryFormat(span[8..], out _, "X8", CultureInfo.InvariantCulture);
            name.Segment.TryFormat(span[16..], out _, "X8", CultureInfo.InvariantCulture);
        });

    public int CompareTo(WalSegmentName other)
    {
        int result = Timeline.CompareTo(other.Timeline);

        if (result == 0)
            result = Log.CompareTo(other.Log);

        return result != 0 ? result : Segment.CompareTo(other.Segment);
    }

    private static uint ParseHex(ReadOnlySpan<char> hex) => uint.Parse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    private static uint CheckSegmentSize(uint segmentSize)
    {
        // PostgreSQL allows powers of two from 1 MiB to 1 GiB.
        if (segmentSize < 1024 * 1024 || segmentSize > 1024 * 1024 * 1024 || (segmentSize & (segmentSize - 1)) != 0)
            throw new PgRestException(ErrorCode.Format, $"invalid WAL segment size {segmentSize}");

        return segmentSize;
    }
}
