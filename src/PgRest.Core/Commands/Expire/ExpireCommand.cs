using PgRest.Commands.Control;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Info;
using PgRest.Logging;
using PgRest.Repository;
using PgRest.Storage;

namespace PgRest.Commands.Expire;

/// <summary>
/// <c>expire</c> (pgbackrest-format.md, "6.5 expire"), per repository, in steps: plan (an adhoc <c>--set</c>, or full
/// then diff retention, decided by <see cref="RetentionPlanner"/>), expire the backups (manifests first, newest
/// dependent first, so an interrupted expire never leaves a backup that looks whole but is not), save backup.info,
/// remove the backup directories no longer listed, then WAL outside archive retention and old history manifests.
/// </summary>
public static class ExpireCommand
{
    public static async Task RunAsync(CommandContext context)
    {
        var config = context.Config;
        StopFile.ThrowIfStopped(config, context.Stanza);

        // After a backup (expire-auto) there is no --set: the options are the backup's.
        var adhocLabel = config.Accepts(Options.Set) ? config.Find(Options.Set) : null;
        if (adhocLabel is not null && !BackupLabels.IsLabel(adhocLabel))
            throw new PgRestException(ErrorCode.OptionInvalidValue, $"'{adhocLabel}' is not a valid backup label format");

        var repos = context.Repos;
        var adhocFound = false;
        var errors = 0;
        for (var index = 0; index < repos.Count; index++)
        {
            var repo = repos[index];
            try
            {
                adhocFound |= await ExpireRepoAsync(context, repo, adhocLabel).ConfigureAwait(false);
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
    internal static async Task<bool> ExpireRepoAsync(CommandContext context, Repo repo, string? adhocLabel)
    {
        var info = await BackupStore.LoadInfoAsync(repo, context.Stanza, context.Cancellation).ConfigureAwait(false);
        var expire = new ExpireRun(context, repo, info);
        var adhocFound = adhocLabel is not null && info.Current.ContainsKey(adhocLabel);
        var plan = adhocLabel is not null && !adhocFound
            ? new BackupRetentionPlan([], [.. info.Current.Keys], LatestExpired: false, ArchiveRetentionFromTime: null)
            : RetentionPlanner.PlanBackups([.. info.Current.Values], expire.Settings, adhocLabel, DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        await expire.ExpireBackupsAsync(plan).ConfigureAwait(false);
        if (!expire.DryRun)
            await BackupStore.SaveInfoAsync(repo, context.Stanza, info, context.Cancellation).ConfigureAwait(false);
        await expire.RemoveExpiredBackupsAsync(adhocLabel).ConfigureAwait(false);
        await expire.RemoveExpiredArchiveAsync(plan.ArchiveRetentionFromTime).ConfigureAwait(false);
        await expire.RemoveExpiredHistoryAsync().ConfigureAwait(false);
        return adhocFound;
    }
}

/// <summary>The expire of one repository: its backup.info as it changes, its options, and the removals the plan asks for.</summary>
internal sealed class ExpireRun(CommandContext context, Repo repo, BackupInfo info)
{
    private readonly CancellationToken _cancellation = context.Cancellation;
    private readonly string _stanza = context.Stanza;
    private readonly ArchiveWalker _archive = new(repo, context.Stanza, context.Cancellation);

    public RetentionSettings Settings { get; } = ReadSettings(context.Config, repo.Index);

    public bool DryRun { get; } = context.Config.Accepts(Options.DryRun) && context.Config.Get(Options.DryRun);

    private string Option(OptionHandle option) => option.IndexedName(repo.Index);

    private static RetentionSettings ReadSettings(Configuration config, int index) => new(
        config.Find(Options.RepoRetentionFull, index),
        config.Get(Options.RepoRetentionFullType, index) == "time",
        config.Find(Options.RepoRetentionDiff, index),
        config.Find(Options.RepoRetentionArchive, index),
        config.Get(Options.RepoRetentionArchiveType, index),
        config.Find(Options.RepoRetentionHistory, index));

    /// <summary>Removes each expired set from backup.info and its manifests from the repository, newest first.</summary>
    public async Task ExpireBackupsAsync(BackupRetentionPlan plan)
    {
        foreach (var set in plan.Expired)
        {
            foreach (var label in set.Labels.Reverse())
            {
                if (!DryRun)
                {
                    var manifest = RepositoryLayout.ManifestPath(_stanza, label);
                    await repo.Storage.RemoveAsync(manifest, cancellationToken: _cancellation).ConfigureAwait(false);
                    await repo.Storage.RemoveAsync(manifest + RepositoryLayout.CopySuffix, cancellationToken: _cancellation).ConfigureAwait(false);
                }

                info.Current.Remove(label);
            }

            if (set.Reason == ExpireReason.Adhoc && plan.LatestExpired)
                await WarnLatestExpiredAsync(set.Labels[^1]).ConfigureAwait(false);

            var what = set.Reason switch
            {
                ExpireReason.Full => "full",
                ExpireReason.TimeBased => "time-based",
                ExpireReason.Diff => "diff",
                _ => "adhoc",
            };
            Log.Info($"{repo.Name}: expire {what} backup {(set.Labels.Count > 1 ? "set " : "")}{string.Join(", ", set.Labels)}");
        }
    }

    private async Task WarnLatestExpiredAsync(string latest)
    {
        Log.Warn($"{repo.Name}: expiring latest backup {latest} - the ability to perform point-in-time-recovery (PITR) may be affected" +
            $"\nHINT: non-default settings for '{Option(Options.RepoRetentionArchive)}'/'{Option(Options.RepoRetentionArchiveType)}' (even in prior expires) can cause gaps in the WAL.");
        if (DryRun || info.Current.Count == 0)
            return;
        var link = RepositoryLayout.LatestLinkPath(_stanza);
        await repo.Storage.RemoveAsync(link, cancellationToken: _cancellation).ConfigureAwait(false);
        if (repo.Storage.Features.HasFlag(StorageFeatures.Symlink))
            await repo.Storage.LinkCreateAsync(info.Current.Keys.Last(), link, _cancellation).ConfigureAwait(false);
    }

    /// <summary>Removes backup directories that backup.info no longer lists (newest first).</summary>
    public async Task RemoveExpiredBackupsAsync(string? adhocLabel)
    {
        var onDisk = await BackupStore.ListBackupDirectoriesAsync(repo, _stanza, _cancellation).ConfigureAwait(false);
        onDisk.Reverse();
        // After an adhoc expire the newest directory may be a resumable backup; it stays unless it built on what was expired.
        var start = adhocLabel is not null && onDisk.Count > 0 && await KeepsResumableAsync(onDisk[0], adhocLabel).ConfigureAwait(false) ? 1 : 0;
        foreach (var label in onDisk.Skip(start))
        {
            if (info.Current.ContainsKey(label))
                continue;
            Log.Info($"{repo.Name}: remove expired backup {label}");
            if (!DryRun)
                await repo.Storage.PathRemoveAsync(RepositoryLayout.BackupLabelPath(_stanza, label), _cancellation).ConfigureAwait(false);
        }
    }

    private async Task<bool> KeepsResumableAsync(string label, string adhocLabel)
    {
        var manifest = RepositoryLayout.ManifestPath(_stanza, label);
        if (await repo.Storage.InfoAsync(manifest, _cancellation).ConfigureAwait(false) is not null
            || await repo.Storage.InfoAsync(manifest + RepositoryLayout.CopySuffix, _cancellation).ConfigureAwait(false) is null)
            return false;
        if (!label.StartsWith(BackupLabels.FullLabelOf(adhocLabel), StringComparison.Ordinal))
            return true;
        var resumable = await InfoStore.LoadAsync(repo, manifest + RepositoryLayout.CopySuffix, info.CipherPass, Manifest.Parse, ignoreMissing: true, _cancellation)
            .ConfigureAwait(false);
        return resumable?.Prior is { } prior && info.Current.ContainsKey(prior);
    }

    /// <summary>Archive retention (<see cref="RetentionPlanner.PlanArchive"/>), carried out on each archive id.</summary>
    public async Task RemoveExpiredArchiveAsync(long? retentionFromTime)
    {
        var retention = Settings.Archive ?? retentionFromTime ?? 0;
        if (retention == 0)
        {
            Log.Info(Settings.FullByTime
                ? $"{repo.Name}: time-based archive retention not met - archive logs will not be expired"
                : $"option '{Option(Options.RepoRetentionArchive)}' is not set - archive logs will not be expired");
            return;
        }

        var retentionList = RetentionPlanner.ArchiveRetentionList(info.Current.Keys, Settings.ArchiveType);
        if (retentionList.Count == 0 || retention > retentionList.Count)
            return;

        var archiveInfo = await WalArchive.LoadInfoAsync(repo, _stanza, _cancellation).ConfigureAwait(false);
        var onDisk = (await _archive.ArchiveIdsAsync().ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        var plans = RetentionPlanner.PlanArchive([.. info.Current.Values], retention, Settings.ArchiveType, archiveInfo.Db, info.Db, onDisk);
        foreach (var plan in plans)
        {
            if (plan.RemovePath)
            {
                var path = RepositoryLayout.ArchiveIdPath(_stanza, plan.ArchiveId);
                Log.Info($"{repo.Name}: remove archive path {repo.Display(path)}");
                if (!DryRun)
                    await repo.Storage.PathRemoveAsync(path, _cancellation).ConfigureAwait(false);
                continue;
            }

            foreach (var range in plan.Ranges)
                Log.Detail($"{repo.Name}: {plan.ArchiveId} archive retention on backup {range.Label}, start = {range.Start}{(range.Stop is null ? "" : ", stop = " + range.Stop)}");
            await RemoveWalAsync(plan).ConfigureAwait(false);
            await RemoveHistoryFilesAsync(plan).ConfigureAwait(false);
        }
    }

    private async Task RemoveWalAsync(ArchiveIdRetention plan)
    {
        var removed = new RemovedRange(repo.Name, plan.ArchiveId);
        foreach (var directory in await _archive.SegmentDirectoriesAsync(plan.ArchiveId).ConfigureAwait(false))
        {
            var directoryPath = _archive.SegmentDirectoryPath(plan.ArchiveId, directory);
            if (!plan.Retains(directory))
            {
                if (!DryRun)
                    await repo.Storage.PathRemoveAsync(directoryPath, _cancellation).ConfigureAwait(false);
                removed.WholePath(directory);
                continue;
            }

            if (!plan.MayHoldExpired(directory))
                continue;
            foreach (var file in await _archive.WalFilesAsync(plan.ArchiveId, directory).ConfigureAwait(false))
            {
                var segment = file[..Postgres.WalSegmentName.Length];
                if (plan.Retains(segment))
                {
                    removed.Flush();
                    continue;
                }

                if (!DryRun)
                    await repo.Storage.RemoveAsync(RepositoryLayout.ArchiveFilePath(_stanza, plan.ArchiveId, file), cancellationToken: _cancellation).ConfigureAwait(false);
                removed.Segment(segment);
            }
        }

        if (removed.Total == 0)
            Log.Info($"{repo.Name}: {plan.ArchiveId} no archive to remove");
        else
            removed.Flush();
    }

    private async Task RemoveHistoryFilesAsync(ArchiveIdRetention plan)
    {
        foreach (var historyFile in await _archive.HistoryFilesAsync(plan.ArchiveId).ConfigureAwait(false))
        {
            if (!plan.ExpiresHistoryFile(historyFile))
                continue;
            if (!DryRun)
                await repo.Storage.RemoveAsync(RepositoryLayout.ArchiveFilePath(_stanza, plan.ArchiveId, historyFile), cancellationToken: _cancellation).ConfigureAwait(false);
            Log.Info($"{repo.Name}: {plan.ArchiveId} remove history file {historyFile}");
        }
    }

    /// <summary>
    /// History manifests of expired backups older than <c>repo-retention-history</c> days: whole years before the cut-off
    /// go as directories, then single manifests of the cut-off's own year (later years are not even listed).
    /// </summary>
    public async Task RemoveExpiredHistoryAsync()
    {
        if (Settings.History is not { } days)
            return;
        var historyPath = RepositoryLayout.HistoryManifestDirectory(_stanza);
        var cutoff = RetentionPlanner.HistoryCutoff(days, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var years = await NamesAsync(historyPath, StorageEntryType.Path, IsYear).ConfigureAwait(false);
        foreach (var year in RetentionPlanner.HistoryYearsToRemove(years, cutoff))
        {
            Log.Info($"{repo.Name}: remove expired backup history path {year}");
            if (!DryRun)
                await repo.Storage.PathRemoveAsync(RepositoryLayout.HistoryManifestYearPath(_stanza, year), _cancellation).ConfigureAwait(false);
        }

        var cutoffYear = cutoff[..4];
        if (!years.Contains(cutoffYear))
            return;
        var files = await NamesAsync(RepositoryLayout.HistoryManifestYearPath(_stanza, cutoffYear), StorageEntryType.File, IsHistoryManifest).ConfigureAwait(false);
        foreach (var file in RetentionPlanner.HistoryManifestsToRemove(files, info.Current.Keys.ToHashSet(StringComparer.Ordinal), cutoff))
        {
            Log.Info($"{repo.Name}: remove expired backup history manifest {file}");
            if (!DryRun)
                await repo.Storage.RemoveAsync(RepositoryLayout.HistoryManifestYearPath(_stanza, cutoffYear) + "/" + file, cancellationToken: _cancellation).ConfigureAwait(false);
        }
    }

    private static bool IsYear(string name) => name.Length == 4 && name[0] == '2' && name.All(char.IsAsciiDigit);

    private static bool IsHistoryManifest(string name) =>
        name.EndsWith(RepositoryLayout.HistoryManifestSuffix, StringComparison.Ordinal) && BackupLabels.IsLabel(name[..name.IndexOf('.', StringComparison.Ordinal)]);

    private Task<List<string>> NamesAsync(string path, StorageEntryType type, Func<string, bool> match) =>
        repo.Storage.NamesAsync(path, type, match, _cancellation);

    /// <summary>Collects removed WAL into runs and logs each run as pgBackRest does (a kept segment ends a run).</summary>
    private sealed class RemovedRange(string repoName, string archiveId)
    {
        private string? _start;
        private string? _stop;

        public int Total { get; private set; }

        /// <summary>A whole segment directory; pgBackRest reports it by its 16-character name.</summary>
        public void WholePath(string directory)
        {
            Total++;
            _start = directory;
            _stop = directory;
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
