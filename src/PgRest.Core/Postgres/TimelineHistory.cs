using System.Globalization;

namespace PgRest.Postgres;

/// <summary>A timeline and the LSN where it begins (its parent's switch point; 0 for the first).</summary>
public readonly record struct TimelineStart(uint Timeline, Lsn Begin);

/// <summary>Timeline history files (<c>00000002.history</c>) read as the path recovery follows from a backup.</summary>
public static class TimelineHistory
{
    /// <summary>
    /// The timelines to read, oldest first: the newest timeline whose history passes through the backup's timeline after
    /// the backup started (or the backup's own), with the timelines it came from.
    /// </summary>
    public static IReadOnlyList<TimelineStart> Path(uint backupTimeline, Lsn backupStart, IReadOnlyDictionary<uint, string> historyFiles)
    {
        List<TimelineStart> best = [new(backupTimeline, Lsn.Invalid)];
        foreach (var (timeline, text) in historyFiles.OrderBy(pair => pair.Key))
        {
            if (timeline <= backupTimeline)
                continue;
            var path = Parse(text, timeline);
            int at = path.FindIndex(start => start.Timeline == backupTimeline);
            // The backup's timeline must go on past the backup's start before the branch: otherwise the branch left earlier.
            if (at < 0 || path[at + 1].Begin <= backupStart)
                continue;
            best = path;
        }

        return best;
    }

    /// <summary>The timeline a segment is read from: the newest of the path that had begun by the segment's start.</summary>
    public static uint TimelineOf(IReadOnlyList<TimelineStart> path, ulong segmentNumber, ulong segmentSize)
    {
        for (var i = path.Count - 1; i > 0; i--)
        {
            if (path[i].Begin.Value / segmentSize <= segmentNumber)
                return path[i].Timeline;
        }

        return path[0].Timeline;
    }

    /// <summary>A history file's lines (parent timeline, switch point, reason), as the path that leads to <paramref name="timeline"/>.</summary>
    public static List<TimelineStart> Parse(string text, uint timeline)
    {
        List<TimelineStart> path = [];
        var begin = Lsn.Invalid;
        foreach (var (parent, switchPoint, _) in Lines(text))
        {
            path.Add(new TimelineStart(parent, begin));
            begin = switchPoint;
        }

        path.Add(new TimelineStart(timeline, begin));
        return path;
    }

    /// <summary>The lines of a history file: the parent timeline, where the child branched from it, and why.</summary>
    public static IEnumerable<(uint Parent, Lsn Switch, string Reason)> Lines(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
                continue;
            var fields = line.Split((char[])['\t', ' '], 3, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 2 && uint.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var parent) && Lsn.TryParse(fields[1], out var at))
                yield return (parent, at, fields.Length > 2 ? fields[2].Trim() : "");
        }
    }
}
