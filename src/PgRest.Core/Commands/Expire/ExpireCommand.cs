using PgRest.Commands.Control;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Info;
using PgRest.Logging;
using PgRest.Postgres;
using PgRest.Repository;
using PgRest.Storage;

namespace PgRest.Commands.Expire;

/// <summary>
/// <c>expire</c>: apply <c>repo-retention-full</c> (count or time), <c>repo-retention-diff</c> and archive retention
/// (spec §6.5). Manifests go first so a half-finished expire never leaves a backup that looks whole.
/// </summary>
public static class ExpireCommand
{
    public static async Task RunAsync(CommandContext context)
    {
        var stanza = context.Stanza;
        StopFile.ThrowIfStopped(context.Config, stanza);
        using var backupLock = LockFile.Acquire(context.Config, stanza, "backup");
        foreach (var repo in context.Repos)
            await RunForRepoAsync(context, repo, stanza).ConfigureAwait(false);
    }

    public static async Task RunForRepoAsync(CommandContext context, Repo repo, string stanza)
    {
        var config = context.Config;
        var cancellation = context.Cancellation;
        var prefix = repo.Name;
        var dryRun = config.Accepts("dry-run") && config.GetBool("dry-run");
        var backupInfo = await BackupStore.LoadInfoAsync(repo, stanza, cancellation).ConfigureAwait(false);

        var expired = new List<string>();
        var fullType = config.GetString(prefix + "-retention-full-type") ?? "count";
        long? retentionFull = config.IsSet(prefix + "-retention-full") ? config.GetInteger(prefix + "-retention-full") : null;
        var fulls = backupInfo.Current.Values.Where(b => b.Type == BackupType.Full).OrderBy(b => b.Label, StringComparer.Ordinal).ToList();
        if (retentionFull is null)
        {
            Log.Warn($"option '{prefix}-retention-full' is not set for '{prefix}-retention-full-type={fullType}', the repository may run out of space" +
                $"\nHINT: to retain full backups indefinitely (without warning), set option '{prefix}-retention-full' to the maximum.");
        }
        else if (fullType == "count")
        {
            foreach (var full in fulls.Take(Math.Max(0, fulls.Count - (int)retentionFull.Value)))
                expired.AddRange(ExpireSet(backupInfo, full.Label));
        }
        else
        {
            var cutoff = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - retentionFull.Value * 86400;
            var keep = fulls.FindLastIndex(b => b.TimestampStop < cutoff);
            foreach (var full in fulls.Take(Math.Max(0, keep)))
                expired.AddRange(ExpireSet(backupInfo, full.Label));
        }

        if (config.IsSet(prefix + "-retention-diff"))
        {
            var retentionDiff = (int)config.GetInteger(prefix + "-retention-diff");
            var diffs = backupInfo.Current.Values.Where(b => b.Type is BackupType.Full or BackupType.Diff).OrderBy(b => b.Label, StringComparer.Ordinal).ToList();
            foreach (var diff in diffs.Take(Math.Max(0, diffs.Count - retentionDiff)).Where(b => b.Type == BackupType.Diff))
                expired.AddRange(ExpireSet(backupInfo, diff.Label));
        }

        if (expired.Count > 0)
        {
            foreach (var group in expired.GroupBy(BackupLabels.FullLabelOf))
                Log.Info($"{(dryRun ? "[DRY-RUN] " : "")}{prefix}: expire {(group.Any(l => l.Length == 16) ? "full backup set" : "diff backup set")}: {string.Join(", ", group)}");
            if (!dryRun)
            {
                // Newest first, manifests before the info file, directories last.
                foreach (var label in expired.OrderByDescending(l => l, StringComparer.Ordinal))
                {
                    await repo.Storage.RemoveAsync(RepositoryLayout.ManifestPath(stanza, label), cancellationToken: cancellation).ConfigureAwait(false);
                    await repo.Storage.RemoveAsync(RepositoryLayout.ManifestPath(stanza, label) + RepositoryLayout.CopySuffix, cancellationToken: cancellation).ConfigureAwait(false);
                }

                await BackupStore.SaveInfoAsync(repo, stanza, backupInfo, cancellation).ConfigureAwait(false);
                foreach (var label in expired)
                {
                    Log.Info($"{prefix}: remove expired backup {label}");
                    await repo.Storage.PathRemoveAsync(RepositoryLayout.BackupLabelPath(stanza, label), cancellation).ConfigureAwait(false);
                }
            }
        }

        await ExpireArchiveAsync(context, repo, stanza, backupInfo, retentionFull, fullType, dryRun).ConfigureAwait(false);
    }

    /// <summary>Removes a backup and every backup that depends on it from backup.info; returns their labels.</summary>
    private static List<string> ExpireSet(BackupInfo backupInfo, string label)
    {
        var labels = backupInfo.Current.Values
            .Where(b => b.Label == label || (b.Reference?.Contains(label) ?? false))
            .Select(b => b.Label).ToList();
        foreach (var expiredLabel in labels)
            backupInfo.Current.Remove(expiredLabel);
        return labels;
    }

    private static async Task ExpireArchiveAsync(CommandContext context, Repo repo, string stanza, BackupInfo backupInfo, long? retentionFull, string fullType, bool dryRun)
    {
        var config = context.Config;
        var prefix = repo.Name;
        var archiveType = config.GetString(prefix + "-retention-archive-type") ?? "full";
        long? retentionArchive = config.IsSet(prefix + "-retention-archive") ? config.GetInteger(prefix + "-retention-archive") : null;
        if (retentionArchive is null)
        {
            if (archiveType == "full" && fullType == "count")
                retentionArchive = retentionFull;
            else if (archiveType == "full")
                retentionArchive = backupInfo.Current.Values.Count(b => b.Type == BackupType.Full);
            else if (archiveType == "diff" && config.IsSet(prefix + "-retention-diff"))
                retentionArchive = config.GetInteger(prefix + "-retention-diff");
        }

        if (retentionArchive is not { } keep || keep == 0)
        {
            Log.Info($"option '{prefix}-retention-archive' is not set - archive logs will not be expired");
            return;
        }

        var current = backupInfo.Current.Values.Where(b => b.DbId == backupInfo.DbId && b.ArchiveStart is not null)
            .OrderBy(b => b.Label, StringComparer.Ordinal).ToList();
        var ofType = current.Where(b => archiveType switch
        {
            "full" => b.Type == BackupType.Full,
            "diff" => b.Type is BackupType.Full or BackupType.Diff,
            _ => true,
        }).ToList();
        if (ofType.Count < keep)
            return;

        var retentionBackup = ofType[ofType.Count - (int)keep];
        var archiveInfo = await WalArchive.LoadInfoAsync(repo, stanza, context.Cancellation).ConfigureAwait(false);
        var archiveId = archiveInfo.ArchiveId;
        var retentionStart = retentionBackup.ArchiveStart!;
        // WAL of older retained backups stays so they remain consistent.
        var keptRanges = current.Where(b => string.CompareOrdinal(b.Label, retentionBackup.Label) < 0)
            .Select(b => (Start: b.ArchiveStart!, Stop: b.ArchiveStop ?? b.ArchiveStart!)).ToList();
        Log.Detail($"archive retention on backup {retentionBackup.Label}, {prefix}: archiveId = {archiveId}, start = {retentionStart}");

        var archivePath = RepositoryLayout.ArchivePath(stanza) + "/" + archiveId;
        var removed = new List<string>();
        var retentionTimeline = Wal.TimelineOf(retentionStart);
        await foreach (var entry in repo.Storage.ListAsync(archivePath, context.Cancellation).ConfigureAwait(false))
        {
            if (entry.Type == StorageEntryType.File && Wal.IsHistory(entry.Name) && Wal.TimelineOf(entry.Name) < retentionTimeline)
            {
                if (!dryRun)
                    await repo.Storage.RemoveAsync(archivePath + "/" + entry.Name, cancellationToken: context.Cancellation).ConfigureAwait(false);
                continue;
            }

            if (entry.Type != StorageEntryType.Path || entry.Name.Length != 16 || string.CompareOrdinal(entry.Name, retentionStart[..16]) > 0)
                continue;
            await foreach (var file in repo.Storage.ListAsync(archivePath + "/" + entry.Name, context.Cancellation).ConfigureAwait(false))
            {
                if (file.Name.Length < 24)
                    continue;
                var segment = file.Name[..24];
                if (string.CompareOrdinal(segment, retentionStart) >= 0 || keptRanges.Any(r => string.CompareOrdinal(segment, r.Start) >= 0 && string.CompareOrdinal(segment, r.Stop) <= 0))
                    continue;
                removed.Add(segment);
                if (!dryRun)
                    await repo.Storage.RemoveAsync(archivePath + "/" + entry.Name + "/" + file.Name, cancellationToken: context.Cancellation).ConfigureAwait(false);
            }
        }

        if (removed.Count > 0)
        {
            removed.Sort(StringComparer.Ordinal);
            Log.Info($"{(dryRun ? "[DRY-RUN] " : "")}{prefix}: {archiveId} remove archive, start = {removed[0]}, stop = {removed[^1]}");
        }
    }
}
