using PgRest.Info;
using PgRest.Postgres;

namespace PgRest.Commands.TargetFind;

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

    /// <summary>The restore options that stop recovery just before the transaction commits.</summary>
    public static IReadOnlyList<string> RestoreOptions(string stanza, string? set, RelationEvent found, uint backupTimeline) =>
    [
        $"--stanza={stanza}", .. set is null ? Array.Empty<string>() : [$"--set={set}"],
        "--type=xid", $"--target={found.Xid}", "--target-exclusive",
        .. found.Timeline != backupTimeline ? [$"--target-timeline={found.Timeline}"] : Array.Empty<string>(),
        "--target-action=promote",
    ];
}
