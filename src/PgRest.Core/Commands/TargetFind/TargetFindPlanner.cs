using System.Globalization;
using PgRest.Info;
using PgRest.Postgres;

namespace PgRest.Commands.TargetFind;

/// <summary>A timeline and the LSN where it begins (its parent's switch point; 0 for the first).</summary>
public readonly record struct TimelineStart(uint Timeline, Lsn Begin);

/// <summary>target-find's decisions, pure: where to start, which timeline each segment comes from, what to tell the user to run.</summary>
public static class TargetFindPlanner
{
    /// <summary>
    /// Backups to take the catalog from, best first: with <paramref name="from"/> only the newest that ended before it;
    /// without, every backup newest first (the first whose catalog has the table is used).
    /// </summary>
    public static IReadOnlyList<string> StartBackups(BackupInfo info, DateTimeOffset? from)
    {
        var newestFirst = info.Current.Values.Where(entry => entry.LsnStart is not null && entry.ArchiveStart is not null)
            .OrderByDescending(entry => entry.TimestampStop).ThenByDescending(entry => entry.Label, StringComparer.Ordinal).ToList();
        if (from is { } start)
            return newestFirst.Where(entry => entry.TimestampStop < start.ToUnixTimeSeconds()).Take(1).Select(entry => entry.Label).ToList();
        return newestFirst.Select(entry => entry.Label).ToList();
    }

    /// <summary>The newest backup of the same cluster that is consistent before <paramref name="commit"/>: the set to restore.</summary>
    public static string? BackupBefore(BackupInfo info, uint dbId, Lsn commit) =>
        info.Current.Values.Where(entry => entry.DbId == dbId && entry.LsnStop is not null && Lsn.Parse(entry.LsnStop) <= commit)
            .OrderByDescending(entry => Lsn.Parse(entry.LsnStop!)).ThenByDescending(entry => entry.Label, StringComparer.Ordinal)
            .Select(entry => entry.Label).FirstOrDefault();

    /// <summary>
    /// The timelines to read, oldest first: the newest timeline whose history passes through the backup's timeline after
    /// the backup started (or the backup's own), with the timelines it came from.
    /// </summary>
    public static IReadOnlyList<TimelineStart> TimelinePath(uint backupTimeline, Lsn backupStart, IReadOnlyDictionary<uint, string> historyFiles)
    {
        List<TimelineStart> best = [new(backupTimeline, Lsn.Invalid)];
        foreach (var (timeline, text) in historyFiles.OrderBy(pair => pair.Key))
        {
            if (timeline <= backupTimeline)
                continue;
            var path = ParseHistory(text, timeline);
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
    public static List<TimelineStart> ParseHistory(string text, uint timeline)
    {
        List<(uint Parent, Lsn Switch)> lines = [];
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
                continue;
            var fields = line.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 2 && uint.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var parent) && Lsn.TryParse(fields[1], out var at))
                lines.Add((parent, at));
        }

        List<TimelineStart> path = [];
        var begin = Lsn.Invalid;
        foreach (var (parent, switchPoint) in lines)
        {
            path.Add(new TimelineStart(parent, begin));
            begin = switchPoint;
        }

        path.Add(new TimelineStart(timeline, begin));
        return path;
    }

    /// <summary>The restore options that stop recovery just before the transaction commits.</summary>
    public static IReadOnlyList<string> RestoreOptions(string stanza, string? set, RelationEvent found, uint backupTimeline) =>
    [
        $"--stanza={stanza}", .. set is null ? Array.Empty<string>() : [$"--set={set}"],
        "--type=xid", $"--target={found.Xid}", "--target-exclusive",
        .. found.Timeline != backupTimeline ? [$"--target-timeline={found.Timeline}"] : Array.Empty<string>(),
        "--target-action=promote",
    ];
}
