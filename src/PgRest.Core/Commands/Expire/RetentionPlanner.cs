using System.Globalization;
using PgRest.Errors;
using PgRest.Info;
using PgRest.Repository;

namespace PgRest.Commands.Expire;

/// <summary>The <c>repoN-retention-*</c> options of one repository.</summary>
/// <param name="Full">repo-retention-full: full backups to keep (count), or days (time).</param>
/// <param name="FullByTime">repo-retention-full-type=time.</param>
/// <param name="ArchiveType">repo-retention-archive-type: full, diff or incr.</param>
public sealed record RetentionSettings(long? Full, bool FullByTime, long? Diff, long? Archive, string ArchiveType, long? History);

/// <summary>Why a set of backups expires; it names the log line (<c>expire full backup</c>, <c>expire time-based backup</c>...).</summary>
public enum ExpireReason
{
    Full,
    TimeBased,
    Diff,
    Adhoc,
}

/// <summary>A backup and everything built on it (through <c>backup-prior</c>), oldest first.</summary>
public sealed record ExpiredSet(ExpireReason Reason, IReadOnlyList<string> Labels);

/// <summary>What backup retention removes from backup.info, in order.</summary>
/// <param name="LatestExpired">An adhoc expire removed the newest backup (PITR may be affected; the latest link moves).</param>
/// <param name="ArchiveRetentionFromTime">Time-based retention expired fulls without repo-retention-archive: the fulls left count as archive retention.</param>
public sealed record BackupRetentionPlan(IReadOnlyList<ExpiredSet> Expired, IReadOnlyList<string> Kept, bool LatestExpired, long? ArchiveRetentionFromTime);

/// <summary>
/// What archive retention keeps of one archive id: the WAL from the start of the retention backup on, and for each
/// older backup of that cluster the WAL that makes it consistent; or the whole path goes.
/// </summary>
public sealed record ArchiveIdRetention(string ArchiveId, bool RemovePath, string? RetentionBackup, string? ExpireMax, IReadOnlyList<RetainedRange> Ranges)
{
    /// <summary>A segment directory (16 characters) or segment (24) is kept when a range covers it.</summary>
    public bool Retains(string name)
    {
        var length = name.Length;
        foreach (var (_, start, stop) in Ranges)
        {
            if (string.CompareOrdinal(name, start[..length]) >= 0 && (stop is null || string.CompareOrdinal(name, stop[..length]) <= 0))
                return true;
        }

        return false;
    }

    /// <summary>Only directories up to the retention backup's start can hold anything to remove.</summary>
    public bool MayHoldExpired(string segmentDirectory) => ExpireMax is { } max && string.CompareOrdinal(segmentDirectory, max[..16]) <= 0;

    /// <summary>Timeline history files before the retention backup's timeline are no longer needed for recovery.</summary>
    public bool ExpiresHistoryFile(string historyFile) => ExpireMax is { } max && string.CompareOrdinal(historyFile[..8], max[..8]) < 0;
}

/// <summary>The WAL a kept backup needs: from its start to its stop, or on to the end of the archive (no stop).</summary>
public sealed record RetainedRange(string Label, string Start, string? Stop);

/// <summary>
/// The decisions of <c>expire</c>, as pure functions of backup.info, archive.info and the retention options (pgBackRest
/// 2.45 <c>expire.c</c>; pgbackrest-format.md, "6.5 expire").
/// </summary>
public static class RetentionPlanner
{
    private const long Day = 86400;

    /// <summary>
    /// Adhoc (<paramref name="adhocLabel"/>, which must be in <paramref name="backups"/>), or full retention (count or
    /// time) then diff retention. <paramref name="backups"/> is backup.info's current list in label order.
    /// </summary>
    public static BackupRetentionPlan PlanBackups(IReadOnlyList<BackupInfoEntry> backups, RetentionSettings settings, string? adhocLabel, long now)
    {
        var current = new SortedDictionary<string, BackupInfoEntry>(StringComparer.Ordinal);
        foreach (var backup in backups)
            current[backup.Label] = backup;
        var expired = new List<ExpiredSet>();
        void Expire(string label, ExpireReason reason) => expired.Add(new ExpiredSet(reason, RemoveChain(current, label)));

        long? fromTime = null;
        var latestExpired = false;
        if (adhocLabel is not null)
        {
            var fulls = Labels(current, full: true);
            if (fulls.Count > 0 && fulls[^1] == adhocLabel && (fulls.Count == 1 || current[adhocLabel].DbId != current[fulls[^2]].DbId))
            {
                throw new PgRestException(ErrorCode.BackupSetInvalid,
                    $"full backup {adhocLabel} cannot be expired until another full backup has been created on this repo");
            }

            var latest = current.Keys.Last();
            Expire(adhocLabel, ExpireReason.Adhoc);
            latestExpired = !current.ContainsKey(latest);
        }
        else
        {
            if (!settings.FullByTime && settings.Full is { } count)
            {
                var fulls = Labels(current, full: true);
                for (var index = 0; index < fulls.Count - count; index++)
                    Expire(fulls[index], ExpireReason.Full);
            }
            else if (settings.FullByTime && settings.Full is { } days)
            {
                fromTime = ExpireByTime(current, days, now, settings, label => Expire(label, ExpireReason.TimeBased));
            }

            if (settings.Diff is { } diffCount)
            {
                var candidates = Labels(current, full: true, diff: true);
                for (var index = 0; index < candidates.Count - diffCount; index++)
                {
                    // Fulls count towards diff retention but are not expired by it.
                    if (!BackupLabels.IsFull(candidates[index]))
                        Expire(candidates[index], ExpireReason.Diff);
                }
            }
        }

        return new BackupRetentionPlan(expired, [.. current.Keys], latestExpired, fromTime);
    }

    /// <summary>
    /// Keeps every full backup that stopped within the last <paramref name="days"/> and, so that the whole period can be
    /// recovered, the newest full that stopped before it; what is older expires.
    /// </summary>
    private static long? ExpireByTime(SortedDictionary<string, BackupInfoEntry> current, long days, long now, RetentionSettings settings, Action<string> expire)
    {
        var fulls = Labels(current, full: true);
        if (fulls.Count == 0)
            return null;
        var minimum = now - days * Day;
        var keep = fulls[Math.Max(0, fulls.FindLastIndex(label => current[label].TimestampStop < minimum))];
        var fullsExpired = 0;
        while (current.Count > 0 && current.Keys.First() != keep)
        {
            expire(current.Keys.First());
            fullsExpired++;
        }

        return settings.ArchiveType == "full" && settings.Archive is null && fullsExpired > 0 ? fulls.Count - fullsExpired : null;
    }

    /// <summary>The label and every backup whose prior is in the chain, oldest first; all removed from <paramref name="current"/>.</summary>
    private static List<string> RemoveChain(SortedDictionary<string, BackupInfoEntry> current, string label)
    {
        var chain = new List<string> { label };
        foreach (var entry in current.Values)
        {
            if (entry.Prior is not null && chain.Contains(entry.Prior) && !chain.Contains(entry.Label))
                chain.Add(entry.Label);
        }

        foreach (var expired in chain)
            current.Remove(expired);
        chain.Sort(StringComparer.Ordinal);
        return chain;
    }

    private static List<string> Labels(SortedDictionary<string, BackupInfoEntry> current, bool full, bool diff = false, bool incr = false) =>
        current.Keys.Where(label => BackupLabels.IsFull(label) ? full : label[^1] == 'D' ? diff : incr).ToList();

    /// <summary>The backups archive retention counts: fulls, fulls and diffs, or all (<c>repo-retention-archive-type</c>).</summary>
    public static List<string> ArchiveRetentionList(IEnumerable<string> keptLabels, string archiveType) =>
        keptLabels.Where(label => archiveType switch
        {
            "diff" => label[^1] != 'I',
            "incr" => true,
            _ => BackupLabels.IsFull(label),
        }).ToList();

    /// <summary>
    /// Archive retention over the backups left (<paramref name="kept"/>, label order) for each archive id of
    /// <paramref name="archive"/> that exists (<paramref name="archiveIdsOnDisk"/>); empty when the newest
    /// <paramref name="retention"/> backups of the retention type do not exist yet. The two histories must describe the
    /// same clusters ([029] otherwise).
    /// </summary>
    public static IReadOnlyList<ArchiveIdRetention> PlanArchive(
        IReadOnlyList<BackupInfoEntry> kept, long retention, string archiveType, PgHistory archive, PgHistory backups, IReadOnlySet<string> archiveIdsOnDisk)
    {
        var byLabel = kept.ToDictionary(backup => backup.Label, StringComparer.Ordinal);
        var retentionList = ArchiveRetentionList(kept.Select(b => b.Label), archiveType);
        if (retentionList.Count == 0 || retention > retentionList.Count)
            return [];
        // Only where both files describe the same clusters can a backup's WAL be found by its db-id.
        if (!archive.SameClustersNewestFirst(backups))
            throw new PgRestException(ErrorCode.Format, "archive expiration cannot continue - archive and backup history lists do not match");

        var archiveRetained = retentionList.Skip(retentionList.Count - (int)retention).ToHashSet(StringComparer.Ordinal);
        var plans = new List<ArchiveIdRetention>();
        foreach (var history in archive.Entries.OrderBy(h => h.Id))
        {
            if (!archiveIdsOnDisk.Contains(history.ArchiveId))
                continue;
            var local = retentionList.Where(label => byLabel[label].DbId == history.Id).ToList();
            if (local.Count == 0)
            {
                // No backup of this cluster is kept: its WAL can go, unless it is the current cluster's.
                if (history.Id != archive.CurrentId)
                    plans.Add(new ArchiveIdRetention(history.ArchiveId, RemovePath: true, null, null, []));
                continue;
            }

            var retained = local.Where(archiveRetained.Contains).ToList();
            var retentionBackup = byLabel[retained.Count > 0 ? retained[0] : local[^1]];
            // Offline backups have no WAL range and cannot anchor archive retention.
            if (retentionBackup.ArchiveStart is null)
                continue;

            var ranges = new List<RetainedRange>();
            foreach (var backup in kept)
            {
                if (backup.DbId != history.Id || string.CompareOrdinal(backup.Label, retentionBackup.Label) > 0 || backup.ArchiveStart is null)
                    continue;
                ranges.Add(new RetainedRange(backup.Label, backup.ArchiveStart, backup.Label == retentionBackup.Label ? null : backup.ArchiveStop));
            }

            plans.Add(new ArchiveIdRetention(history.ArchiveId, RemovePath: false, retentionBackup.Label, retentionBackup.ArchiveStart, ranges));
        }

        return plans;
    }

    /// <summary>The label every history manifest older than <paramref name="days"/> sorts before (a full label of that time).</summary>
    public static string HistoryCutoff(long days, long now) =>
        DateTimeOffset.FromUnixTimeSeconds(now - days * Day).ToLocalTime().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "F";

    /// <summary>Years of <c>backup.history</c> wholly before the cut-off: removed as directories.</summary>
    public static IReadOnlyList<string> HistoryYearsToRemove(IEnumerable<string> years, string cutoff) =>
        years.Where(year => string.CompareOrdinal(year, cutoff[..4]) < 0).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// History manifests (<c>&lt;label&gt;.manifest.gz</c>) of the cut-off's own year that are older than the cut-off and
    /// whose backup is no longer current, newest first.
    /// </summary>
    public static IReadOnlyList<string> HistoryManifestsToRemove(IEnumerable<string> files, IReadOnlySet<string> current, string cutoff) =>
        files.Where(file => file[..file.IndexOf('.', StringComparison.Ordinal)] is var label
                && !current.Contains(label) && string.CompareOrdinal(label, cutoff) < 0)
            .OrderDescending(StringComparer.Ordinal).ToList();
}
