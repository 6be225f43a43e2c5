using System.Globalization;
using PgRest.Commands.Control;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Info;
using PgRest.Logging;
using PgRest.Repository;
using PgRest.Storage;

namespace PgRest.Commands.Expire;

/// <summary>
/// <c>expire</c> (spec §6.5), per repository: an adhoc <c>--set</c>, or full retention (count or time) then diff
/// retention; then backup.info is saved, backup directories no longer listed are removed, WAL outside archive retention
/// and old history manifests go. Manifests are removed first, newest dependent first, so that an interrupted expire
/// never leaves a backup that looks whole but is not. Decisions and messages follow pgBackRest 2.45.
/// </summary>
public static class ExpireCommand
{
    private const string FullTypeTime = "time";

    public static async Task RunAsync(CommandContext context)
    {
        var config = context.Config;
        var stanza = context.Stanza;
        StopFile.ThrowIfStopped(config, stanza);

        // After a backup (expire-auto) there is no --set: the options are the backup's.
        var adhocLabel = config.Accepts(Options.Set) ? config.Find(Options.Set) : null;
        if (adhocLabel is not null && !BackupLabels.IsLabel(adhocLabel))
            throw new PgRestException(ErrorCode.OptionInvalidValue, $"'{adhocLabel}' is not a valid backup label format");

        await ExpireReposAsync(context, adhocLabel).ConfigureAwait(false);
    }

    private static async Task ExpireReposAsync(CommandContext context, string? adhocLabel)
    {
        var stanza = context.Stanza;
        var repos = context.Repos;
        var adhocFound = false;
        var errors = 0;
        for (var index = 0; index < repos.Count; index++)
        {
            var repo = repos[index];
            try
            {
                adhocFound |= await ExpireRepoAsync(context, repo, stanza, adhocLabel).ConfigureAwait(false);
                if (adhocLabel is not null && !adhocFound && index == repos.Count - 1)
                    Log.Warn($"backup {adhocLabel} does not exist\nHINT: run the info command and confirm the backup is listed");
            }
            catch (PgRestException e)
            {
                // One repo failing does not stop the others; the command fails at the end.
                Log.Error($"[{e.ExitCode:000}]: {repo.Name}: {e.Message}");
                errors++;
            }
        }

        if (errors > 0)
            throw new PgRestException(ErrorCode.Command, $"expire command encountered {errors} error(s), check the log file for details");
    }

    /// <summary>Expires one repository; true when <paramref name="adhocLabel"/> was found there.</summary>
    private static async Task<bool> ExpireRepoAsync(CommandContext context, Repo repo, string stanza, string? adhocLabel)
    {
        var config = context.Config;
        var cancellation = context.Cancellation;
        var run = new ExpireRun(context, repo, stanza, await BackupStore.LoadInfoAsync(repo, stanza, cancellation).ConfigureAwait(false));
        var timeBased = config.Get(Options.RepoRetentionFullType, repo.Index) == FullTypeTime;
        var adhocFound = false;

        if (adhocLabel is not null)
        {
            if (run.Info.Current.ContainsKey(adhocLabel))
            {
                adhocFound = true;
                await run.ExpireAdhocAsync(adhocLabel).ConfigureAwait(false);
            }
        }
        else
        {
            if (!timeBased)
                await run.ExpireFullByCountAsync().ConfigureAwait(false);
            else if (config.IsSet(Options.RepoRetentionFull, repo.Index))
                await run.ExpireFullByTimeAsync().ConfigureAwait(false);
            await run.ExpireDiffAsync().ConfigureAwait(false);
        }

        if (!run.DryRun)
            await BackupStore.SaveInfoAsync(repo, stanza, run.Info, cancellation).ConfigureAwait(false);

        await run.RemoveExpiredBackupsAsync(adhocLabel).ConfigureAwait(false);
        await run.RemoveExpiredArchiveAsync(timeBased).ConfigureAwait(false);
        await run.RemoveExpiredHistoryAsync().ConfigureAwait(false);
        return adhocFound;
    }

    /// <summary>The state of one repository's expire: backup.info as it is being changed and the options that apply.</summary>
    private sealed class ExpireRun(CommandContext context, Repo repo, string stanza, BackupInfo info)
    {
        private readonly Configuration _config = context.Config;
        private readonly CancellationToken _cancellation = context.Cancellation;
        private readonly string _repoName = repo.Name;

        /// <summary>Set by time-based full retention when it expired fulls and archive retention was not given.</summary>
        private long? _archiveRetentionFromTime;

        public BackupInfo Info { get; } = info;

        public bool DryRun { get; } = context.Config.Accepts(Options.DryRun) && context.Config.Get(Options.DryRun);

        private string Option(string suffix) => _repoName + "-" + suffix;

        private long? OptionalNumber(IntegerOption option) => _config.Find(option, repo.Index);

        private List<string> Labels(bool full, bool diff = false, bool incr = false) =>
            Info.Current.Keys.Where(label => label.Length == 16 ? full : label[^1] == 'D' ? diff : incr).ToList();

        /// <summary>Removes a backup and everything built on it (through <c>backup-prior</c>); returns their labels, oldest first.</summary>
        private async Task<List<string>> ExpireBackupAsync(string label)
        {
            var chain = new List<string> { label };
            foreach (var entry in Info.Current.Values)
            {
                if (entry.Prior is not null && chain.Contains(entry.Prior))
                    chain.Add(entry.Label);
            }

            // Newest first: were the expire interrupted, what is left still restores.
            chain.Sort(StringComparer.Ordinal);
            chain.Reverse();
            foreach (var expired in chain)
            {
                if (!DryRun)
                {
                    var manifest = RepositoryLayout.ManifestPath(stanza, expired);
                    await repo.Storage.RemoveAsync(manifest, cancellationToken: _cancellation).ConfigureAwait(false);
                    await repo.Storage.RemoveAsync(manifest + RepositoryLayout.CopySuffix, cancellationToken: _cancellation).ConfigureAwait(false);
                }

                Info.Current.Remove(expired);
            }

            chain.Reverse();
            return chain;
        }

        private static string Describe(List<string> expired) => (expired.Count > 1 ? "set " : "") + string.Join(", ", expired);

        public async Task ExpireAdhocAsync(string label)
        {
            var fulls = Labels(full: true);
            if (fulls.Count > 0 && fulls[^1] == label && (fulls.Count == 1 || Info.Current[label].DbId != Info.Current[fulls[^2]].DbId))
            {
                throw new PgRestException(ErrorCode.BackupSetInvalid,
                    $"full backup {label} cannot be expired until another full backup has been created on this repo");
            }

            var latest = Info.Current.Keys.Last();
            var expired = await ExpireBackupAsync(label).ConfigureAwait(false);
            if (!Info.Current.ContainsKey(latest))
            {
                Log.Warn($"{_repoName}: expiring latest backup {latest} - the ability to perform point-in-time-recovery (PITR) may be affected" +
                    $"\nHINT: non-default settings for '{Option("retention-archive")}'/'{Option("retention-archive-type")}' (even in prior expires) can cause gaps in the WAL.");
                if (!DryRun && Info.Current.Count > 0)
                    await LinkLatestAsync(Info.Current.Keys.Last()).ConfigureAwait(false);
            }

            Log.Info($"{_repoName}: expire adhoc backup {Describe(expired)}");
        }

        private async Task LinkLatestAsync(string label)
        {
            var link = RepositoryLayout.BackupPath(stanza) + "/" + RepositoryLayout.LatestLink;
            await repo.Storage.RemoveAsync(link, cancellationToken: _cancellation).ConfigureAwait(false);
            if (repo.Storage.Features.HasFlag(StorageFeatures.Symlink))
                await repo.Storage.LinkCreateAsync(label, link, _cancellation).ConfigureAwait(false);
        }

        /// <summary>Keeps the newest <c>repo-retention-full</c> full backups.</summary>
        public async Task ExpireFullByCountAsync()
        {
            if (OptionalNumber(Options.RepoRetentionFull) is not { } retention)
                return;
            var fulls = Labels(full: true);
            for (var index = 0; index < fulls.Count - retention; index++)
            {
                var expired = await ExpireBackupAsync(fulls[index]).ConfigureAwait(false);
                Log.Info($"{_repoName}: expire full backup {Describe(expired)}");
            }
        }

        /// <summary>
        /// Keeps every full backup that stopped within the last <c>repo-retention-full</c> days and, so that the whole
        /// period can be recovered, the newest full that stopped before it; older backups are expired.
        /// </summary>
        public async Task ExpireFullByTimeAsync()
        {
            var fulls = Labels(full: true);
            if (fulls.Count == 0)
                return;
            var minimum = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - _config.Get(Options.RepoRetentionFull, repo.Index) * 86400;
            var keepIndex = fulls.FindLastIndex(label => Info.Current[label].TimestampStop < minimum);
            var keep = fulls[Math.Max(0, keepIndex)];

            var fullsExpired = 0;
            while (Info.Current.Count > 0 && Info.Current.Keys.First() != keep)
            {
                var expired = await ExpireBackupAsync(Info.Current.Keys.First()).ConfigureAwait(false);
                fullsExpired++;
                Log.Info($"{_repoName}: expire time-based backup {Describe(expired)}");
            }

            if (_config.Get(Options.RepoRetentionArchiveType, repo.Index) == "full" && !_config.IsSet(Options.RepoRetentionArchive, repo.Index) && fullsExpired > 0)
                _archiveRetentionFromTime = fulls.Count - fullsExpired;
        }

        /// <summary>Keeps the newest <c>repo-retention-diff</c> of full and diff backups (fulls count but are not expired here).</summary>
        public async Task ExpireDiffAsync()
        {
            if (OptionalNumber(Options.RepoRetentionDiff) is not { } retention)
                return;
            var candidates = Labels(full: true, diff: true);
            for (var index = 0; index < candidates.Count - retention; index++)
            {
                if (candidates[index].Length == 16)
                    continue;
                var expired = await ExpireBackupAsync(candidates[index]).ConfigureAwait(false);
                Log.Info($"{_repoName}: expire diff backup {Describe(expired)}");
            }
        }

        /// <summary>Removes backup directories that backup.info no longer lists (newest first).</summary>
        public async Task RemoveExpiredBackupsAsync(string? adhocLabel)
        {
            var onDisk = new List<string>();
            await foreach (var entry in repo.Storage.ListAsync(RepositoryLayout.BackupPath(stanza), _cancellation).ConfigureAwait(false))
            {
                if (entry.Type == StorageEntryType.Path && BackupLabels.IsLabel(entry.Name))
                    onDisk.Add(entry.Name);
            }

            onDisk.Sort(StringComparer.Ordinal);
            onDisk.Reverse();
            var start = 0;
            // After an adhoc expire the newest directory may be a resumable backup; it stays unless it built on what was expired.
            if (adhocLabel is not null && onDisk.Count > 0 && await IsResumableAsync(onDisk[0]).ConfigureAwait(false))
            {
                if (!onDisk[0].StartsWith(BackupLabels.FullLabelOf(adhocLabel), StringComparison.Ordinal))
                    start = 1;
                else
                {
                    var resumable = await InfoStore.LoadAsync(repo, RepositoryLayout.ManifestPath(stanza, onDisk[0]) + RepositoryLayout.CopySuffix,
                        Info.CipherPass, Manifest.Parse, ignoreMissing: true, _cancellation).ConfigureAwait(false);
                    if (resumable?.Prior is { } prior && Info.Current.ContainsKey(prior))
                        start = 1;
                }
            }

            foreach (var label in onDisk.Skip(start))
            {
                if (Info.Current.ContainsKey(label))
                    continue;
                Log.Info($"{_repoName}: remove expired backup {label}");
                if (!DryRun)
                    await repo.Storage.PathRemoveAsync(RepositoryLayout.BackupLabelPath(stanza, label), _cancellation).ConfigureAwait(false);
            }
        }

        private async Task<bool> IsResumableAsync(string label)
        {
            var manifest = RepositoryLayout.ManifestPath(stanza, label);
            return await repo.Storage.InfoAsync(manifest, _cancellation).ConfigureAwait(false) is null
                && await repo.Storage.InfoAsync(manifest + RepositoryLayout.CopySuffix, _cancellation).ConfigureAwait(false) is not null;
        }

        /// <summary>
        /// Archive retention: the WAL from the start of the oldest of the newest <c>repo-retention-archive</c> backups (of
        /// <c>repo-retention-archive-type</c>) on is kept, and for each older backup the WAL that makes it consistent.
        /// </summary>
        public async Task RemoveExpiredArchiveAsync(bool timeBased)
        {
            var retention = OptionalNumber(Options.RepoRetentionArchive) ?? _archiveRetentionFromTime ?? 0;
            if (retention == 0)
            {
                Log.Info(timeBased
                    ? $"{_repoName}: time-based archive retention not met - archive logs will not be expired"
                    : $"option '{Option("retention-archive")}' is not set - archive logs will not be expired");
                return;
            }

            var retentionList = _config.Get(Options.RepoRetentionArchiveType, repo.Index) switch
            {
                "diff" => Labels(full: true, diff: true),
                "incr" => Labels(full: true, diff: true, incr: true),
                _ => Labels(full: true),
            };
            if (retentionList.Count == 0 || retention > retentionList.Count)
                return;

            var archiveInfo = await WalArchive.LoadInfoAsync(repo, stanza, _cancellation).ConfigureAwait(false);
            // Newest first: only where both files describe the same clusters can a backup's WAL be found by its db-id.
            var archiveHistory = archiveInfo.History.OrderByDescending(h => h.Id).ToList();
            var backupHistory = Info.History.OrderByDescending(h => h.Id).ToList();
            for (var index = 0; index < archiveHistory.Count; index++)
            {
                var archived = archiveHistory[index];
                var backedUp = index < backupHistory.Count ? backupHistory[index] : null;
                if (backedUp is null || archived.Id != backedUp.Id || archived.SystemId != backedUp.SystemId || archived.Version != backedUp.Version)
                    throw new PgRestException(ErrorCode.Format, "archive expiration cannot continue - archive and backup history lists do not match");
            }

            var onDisk = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var entry in repo.Storage.ListAsync(RepositoryLayout.ArchivePath(stanza), _cancellation).ConfigureAwait(false))
            {
                if (entry.Type == StorageEntryType.Path)
                    onDisk.Add(entry.Name);
            }

            var archiveRetained = retentionList.Skip(retentionList.Count - (int)retention).ToHashSet(StringComparer.Ordinal);
            foreach (var history in archiveInfo.History.OrderBy(h => h.Id))
            {
                if (onDisk.Contains(history.ArchiveId))
                    await ExpireArchiveIdAsync(history, archiveInfo.DbId, retentionList, archiveRetained).ConfigureAwait(false);
            }
        }

        private async Task ExpireArchiveIdAsync(PgHistoryEntry history, uint currentDbId, List<string> retentionList, HashSet<string> archiveRetained)
        {
            var archiveId = history.ArchiveId;
            var archivePath = RepositoryLayout.ArchivePath(stanza) + "/" + archiveId;
            var local = retentionList.Where(label => Info.Current[label].DbId == history.Id).ToList();
            if (local.Count == 0)
            {
                // No backup of this cluster is kept: its WAL can go, unless it is the current cluster's.
                if (history.Id != currentDbId)
                {
                    Log.Info($"{_repoName}: remove archive path {repo.Display(archivePath)}");
                    if (!DryRun)
                        await repo.Storage.PathRemoveAsync(archivePath, _cancellation).ConfigureAwait(false);
                }

                return;
            }

            var retained = local.Where(archiveRetained.Contains).ToList();
            var retentionBackup = Info.Current[retained.Count > 0 ? retained[0] : local[^1]];
            // Offline backups have no WAL range and cannot anchor archive retention.
            if (retentionBackup.ArchiveStart is not { } expireMax)
                return;

            var ranges = new List<(string Start, string? Stop)>();
            foreach (var backup in Info.Current.Values)
            {
                if (backup.DbId != history.Id || string.CompareOrdinal(backup.Label, retentionBackup.Label) > 0 || backup.ArchiveStart is null)
                    continue;
                var stop = backup.Label == retentionBackup.Label ? null : backup.ArchiveStop;
                Log.Detail($"{_repoName}: {archiveId} archive retention on backup {backup.Label}, start = {backup.ArchiveStart}{(stop is null ? "" : ", stop = " + stop)}");
                ranges.Add((backup.ArchiveStart, stop));
            }

            bool Retained(string name, int length) => ranges.Any(range =>
                string.CompareOrdinal(name, range.Start[..length]) >= 0 && (range.Stop is null || string.CompareOrdinal(name, range.Stop[..length]) <= 0));

            var removed = new RemovedRange(_repoName, archiveId);
            foreach (var walPath in await ListNamesAsync(archivePath, StorageEntryType.Path, name => name.Length == 16 && IsUpperHex(name)).ConfigureAwait(false))
            {
                if (!Retained(walPath, 16))
                {
                    if (!DryRun)
                        await repo.Storage.PathRemoveAsync(archivePath + "/" + walPath, _cancellation).ConfigureAwait(false);
                    removed.WholePath(walPath);
                }
                else if (string.CompareOrdinal(walPath, expireMax[..16]) <= 0)
                {
                    // Only paths up to the retention backup's start can hold anything to remove.
                    var files = await ListNamesAsync(archivePath + "/" + walPath, StorageEntryType.File, name => name.Length >= 24 && IsUpperHex(name.AsSpan(0, 24))).ConfigureAwait(false);
                    foreach (var file in files)
                    {
                        var segment = file[..24];
                        if (Retained(segment, 24))
                        {
                            removed.Flush();
                            continue;
                        }

                        if (!DryRun)
                            await repo.Storage.RemoveAsync(archivePath + "/" + walPath + "/" + file, cancellationToken: _cancellation).ConfigureAwait(false);
                        removed.Segment(segment);
                    }
                }
            }

            if (removed.Total == 0)
                Log.Info($"{_repoName}: {archiveId} no archive to remove");
            else
                removed.Flush();

            // Timelines older than the retention backup's are no longer needed for recovery.
            var timeline = expireMax[..8];
            foreach (var historyFile in await ListNamesAsync(archivePath, StorageEntryType.File, IsHistoryFile).ConfigureAwait(false))
            {
                if (string.CompareOrdinal(historyFile[..8], timeline) >= 0)
                    continue;
                if (!DryRun)
                    await repo.Storage.RemoveAsync(archivePath + "/" + historyFile, cancellationToken: _cancellation).ConfigureAwait(false);
                Log.Info($"{_repoName}: {archiveId} remove history file {historyFile}");
            }
        }

        private async Task<List<string>> ListNamesAsync(string path, StorageEntryType type, Func<string, bool> match)
        {
            var names = new List<string>();
            await foreach (var entry in repo.Storage.ListAsync(path, _cancellation).ConfigureAwait(false))
            {
                if (entry.Type == type && match(entry.Name))
                    names.Add(entry.Name);
            }

            names.Sort(StringComparer.Ordinal);
            return names;
        }

        private static bool IsUpperHex(ReadOnlySpan<char> text)
        {
            foreach (var c in text)
            {
                if (!char.IsAsciiDigit(c) && c is not (>= 'A' and <= 'F'))
                    return false;
            }

            return true;
        }

        private static bool IsHistoryFile(string name) => name.Length == 16 && name.EndsWith(".history", StringComparison.Ordinal) && IsUpperHex(name.AsSpan(0, 8));

        /// <summary>
        /// Removes history manifests (<c>backup.history/YYYY/*.manifest.gz</c>) of expired backups older than
        /// <c>repo-retention-history</c> days: whole years before that, single manifests within its year.
        /// </summary>
        public async Task RemoveExpiredHistoryAsync()
        {
            if (OptionalNumber(Options.RepoRetentionHistory) is not { } days)
                return;
            var minimumLabel = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - days * 86400).ToLocalTime()
                .ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "F";
            var historyPath = RepositoryLayout.BackupPath(stanza) + "/" + RepositoryLayout.HistoryPath;
            var years = await ListNamesAsync(historyPath, StorageEntryType.Path, name => name.Length == 4 && name[0] == '2' && name.All(char.IsAsciiDigit)).ConfigureAwait(false);
            foreach (var year in years)
            {
                var order = string.CompareOrdinal(year, minimumLabel[..4]);
                if (order > 0)
                    break;
                if (order < 0)
                {
                    Log.Info($"{_repoName}: remove expired backup history path {year}");
                    if (!DryRun)
                        await repo.Storage.PathRemoveAsync(historyPath + "/" + year, _cancellation).ConfigureAwait(false);
                    continue;
                }

                var manifests = await ListNamesAsync(historyPath + "/" + year, StorageEntryType.File,
                    name => name.EndsWith(".manifest.gz", StringComparison.Ordinal) && BackupLabels.IsLabel(name[..name.IndexOf('.', StringComparison.Ordinal)])).ConfigureAwait(false);
                manifests.Reverse();
                foreach (var file in manifests)
                {
                    var label = file[..file.IndexOf('.', StringComparison.Ordinal)];
                    if (Info.Current.ContainsKey(label) || string.CompareOrdinal(label, minimumLabel) >= 0)
                        continue;
                    Log.Info($"{_repoName}: remove expired backup history manifest {file}");
                    if (!DryRun)
                        await repo.Storage.RemoveAsync(historyPath + "/" + year + "/" + file, cancellationToken: _cancellation).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Collects removed WAL into runs and logs each run as pgBackRest does (a kept segment ends a run).</summary>
    private sealed class RemovedRange(string repoName, string archiveId)
    {
        private string? _start;
        private string? _stop;

        public int Total { get; private set; }

        /// <summary>A whole <c>&lt;timeline+high&gt;</c> directory; pgBackRest reports it by its 16-character name.</summary>
        public void WholePath(string walPath)
        {
            Total++;
            _start = walPath;
            _stop = walPath;
        }

        public void Segment(string segment)
        {
            Total++;
            _start ??= segment;
            _stop = segment;
        }

        public void Flush()
        {
            if (_start is null)
                return;
            Log.Info($"{repoName}: {archiveId} remove archive, start = {_start}, stop = {_stop}");
            _start = null;
        }
    }
}
