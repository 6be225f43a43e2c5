using PgRest.Commands.Check;
using PgRest.Commands.Control;
using PgRest.Common;
using PgRest.BlockIncr;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Filters;
using PgRest.Info;
using PgRest.Logging;
using PgRest.Postgres;
using PgRest.Repository;
using PgRest.Storage;

namespace PgRest.Commands.Backup;

/// <summary>
/// <c>backup</c>: a non-exclusive online backup (pgbackrest-format.md, "5.1 Flow"), in pgBackRest's phases: init, start,
/// manifest, resume, copy, stop, archive check, save. Files are copied in parallel (<c>process-max</c>), each once
/// through the pipeline; the backup becomes visible only when <c>backup.manifest</c> is written last.
/// </summary>
public static class BackupCommand
{
    public static async Task RunAsync(CommandContext context)
    {
        var backup = await InitAsync(context).ConfigureAwait(false);
        await using (backup.ConfigureAwait(false))
        {
            await StartAsync(backup).ConfigureAwait(false);
            await BuildManifestAsync(backup).ConfigureAwait(false);
            await ResumeOrLabelAsync(backup).ConfigureAwait(false);
            await CopyAsync(backup).ConfigureAwait(false);
            await StopAsync(backup).ConfigureAwait(false);
            await CheckArchiveAsync(backup).ConfigureAwait(false);
            await SaveAsync(backup).ConfigureAwait(false);
        }
    }

    /// <summary>Init: the stanza's backup.info, the cluster (and standby), the prior backup and the settings it imposes.</summary>
    private static async Task<BackupState> InitAsync(CommandContext context)
    {
        var config = context.Config;
        StopFile.ThrowIfStopped(config, context.Stanza);
        var repo = context.TargetRepo;
        var hardlink = Options.RepoHardlink.IndexedName(repo.Index);
        if (config.Find(Options.RepoHardlink, repo.Index) == true)
            throw new PgRestException(ErrorCode.FeatureNotSupported, $"option '{hardlink}' is not supported by this version of pgrest yet\nHINT: set {hardlink}=n (or remove it) to back up without it.");

        var backup = new BackupState(context, repo, await BackupStore.LoadInfoAsync(repo, context.Stanza, context.Cancellation).ConfigureAwait(false));
        try
        {
            await OpenClusterAsync(backup).ConfigureAwait(false);
            await ChoosePriorAsync(backup).ConfigureAwait(false);
            return backup;
        }
        catch
        {
            await backup.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task OpenClusterAsync(BackupState backup)
    {
        var config = backup.Config;
        backup.Online = config.Get(Options.Online);
        if (backup.Online)
            (backup.PgControl, backup.Db) = await ClusterAccess.OpenPrimaryAsync(backup.Context).ConfigureAwait(false);
        else
            backup.PgControl = await backup.Host.ReadControlAsync(backup.PgPath, backup.Cancellation).ConfigureAwait(false);

        // backup-standby: start/stop on the primary, most data files read from a standby (pgBackRest 2.45 backupInit).
        backup.BackupStandby = config.Get(Options.BackupStandby);
        if (backup.BackupStandby && !backup.Online)
        {
            Log.Warn("option backup-standby is enabled but backup is offline - backups will be performed from the primary");
            backup.BackupStandby = false;
        }

        if (backup.BackupStandby)
            (backup.StandbyDb, backup.StandbyPath, backup.StandbyHost, _) = await ClusterAccess.OpenStandbyAsync(backup.Context).ConfigureAwait(false);

        var (pgControl, info) = (backup.PgControl, backup.Info);
        if (pgControl.DbVersion != info.DbVersion || pgControl.SystemId != info.SystemId)
        {
            throw new PgRestException(ErrorCode.BackupMismatch,
                $"PostgreSQL version {pgControl.DbVersion}, system-id {pgControl.SystemId} do not match stanza version {info.DbVersion}, system-id {info.SystemId}" +
                "\nHINT: is this the correct stanza?");
        }

        if (!backup.Online && !config.Get(Options.Force)
            && await backup.Host.FileExistsAsync(Path.Combine(backup.PgPath, "postmaster.pid"), backup.Cancellation).ConfigureAwait(false))
        {
            throw new PgRestException(ErrorCode.PgRunning,
                "--no-online passed but postmaster.pid exists - looks like PostgreSQL is running. Shut down PostgreSQL and try again, or use --force.");
        }

        backup.ArchiveCheck = backup.Online && config.Get(Options.ArchiveCheck);
        if (backup.ArchiveCheck)
            backup.ArchiveInfo = await WalArchive.LoadInfoAsync(backup.Repo, backup.Stanza, backup.Cancellation).ConfigureAwait(false);
        if (backup.Db is not null && backup.ArchiveCheck)
            await CheckCommand.CheckArchiveSettingsAsync(backup.Db, config.Get(Options.ArchiveModeCheck), backup.Cancellation).ConfigureAwait(false);
    }

    /// <summary>The prior backup of a diff/incr, whose compression and page checksum setting the new backup keeps.</summary>
    private static async Task ChoosePriorAsync(BackupState backup)
    {
        var config = backup.Config;
        var requested = BackupTypeText.Parse(config.Get(Options.Type));
        (backup.Type, backup.Prior) = BackupPlanner.SelectPrior(backup.Info, requested);
        if (backup.Type != requested)
            Log.Warn($"no prior backup exists, {requested.ToText()} backup has been changed to full");
        if (backup.Prior is not null)
            backup.PriorManifest = await BackupStore.LoadManifestAsync(backup.Repo, backup.Stanza, backup.Prior.Label, backup.Info, backup.Cancellation).ConfigureAwait(false);
        if (backup.PriorManifest is { } beta && BlockIncrStore.UsesBetaFormat(beta))
        {
            // Its block-incremental files cannot be read, so nothing can build on them.
            Log.Warn($"prior backup {beta.Label} uses the block incremental beta format of pgBackRest {beta.BackrestVersion}, {requested.ToText()} backup has been changed to full");
            (backup.Type, backup.Prior, backup.PriorManifest) = (BackupType.Full, null, null);
        }

        backup.CompressType = CompressTypes.Parse(config.Get(Options.CompressType));
        backup.CompressLevel = config.Find(Options.CompressLevel) is { } level ? (int)level : CompressTypes.DefaultLevel(backup.CompressType);
        if (backup.PriorManifest is { } prior)
        {
            var priorType = CompressTypes.Parse(prior.Options.CompressType);
            if (priorType != backup.CompressType)
                Log.Warn($"{backup.Type.ToText()} backup cannot alter compress-type option to '{CompressTypes.Name(backup.CompressType)}', reset to value in {backup.Prior!.Label}");
            backup.CompressType = priorType;
            backup.CompressLevel = prior.Options.CompressLevel ?? CompressTypes.DefaultLevel(priorType);
        }

        backup.ChecksumPage = ResolveChecksumPage(config, backup.PgControl, backup.Online, backup.PriorManifest);
    }

    private static bool ResolveChecksumPage(Configuration config, PgControl pgControl, bool online, Manifest? priorManifest)
    {
        if (priorManifest is not null && priorManifest.Options.ChecksumPage is { } inherited)
            return inherited;
        if (config.Find(Options.ChecksumPage) is not { } wanted)
            return online && pgControl.PageChecksums;
        if (wanted && !pgControl.PageChecksums)
        {
            Log.Warn("checksum-page option set to true but checksums are not enabled on the cluster, resetting to false");
            return false;
        }

        return wanted;
    }

    /// <summary>
    /// Start: <c>pg_backup_start</c> on the primary, then wait for the standby to replay past it, then check that
    /// archiving works before anything is copied (pgBackRest 2.45 <c>backupStart</c>): the segment written before the
    /// start, or the start segment itself after a switch when the start did not switch, must reach the archive within
    /// <c>archive-timeout</c>, else the backup fails with <c>[082]</c> having copied nothing.
    /// </summary>
    private static async Task StartAsync(BackupState backup)
    {
        if (backup.Db is not { } db)
        {
            backup.TimestampStart = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            return;
        }

        var startFast = backup.Config.Get(Options.StartFast);
        Log.Info("execute non-exclusive backup start: backup begins after " +
            (startFast ? "the requested immediate checkpoint completes" : "the next regular checkpoint completes"));
        backup.TimestampStart = (await db.CurrentTimestampAsync(backup.Cancellation).ConfigureAwait(false)).EpochSeconds;
        var label = PgRestVersion.Name + " backup started at " + Format.LocalTime(backup.TimestampStart);
        var checkSegment = backup.ArchiveCheck ? await db.CurrentWalSegmentAsync(backup.Cancellation).ConfigureAwait(false) : null;
        var start = backup.Start = await db.BackupStartAsync(label, startFast, backup.Cancellation).ConfigureAwait(false);
        if (checkSegment == start.WalSegmentName)
        {
            // The start did not switch segments: switch now so that the start segment itself is archived and checked.
            await db.SwitchWalAsync(backup.Cancellation).ConfigureAwait(false);
        }

        Log.Info($"backup start archive = {start.WalSegmentName}, lsn = {start.Lsn}");
        if (backup.StandbyDb is { } standby)
        {
            Log.Info($"wait for replay on the standby to reach {start.Lsn}");
            await ClusterAccess.WaitForStandbyReplayAsync(standby, backup.StandbyHost!, backup.StandbyPath!, start.Lsn, backup.PgControl.Timeline,
                backup.Config.Get(Options.ArchiveTimeout), backup.Cancellation).ConfigureAwait(false);
            Log.Info($"replay on the standby reached {start.Lsn}");
        }

        if (checkSegment is not null)
        {
            Log.Info($"check archive for {(checkSegment == start.WalSegmentName ? "" : "prior ")}segment {checkSegment}");
            var timeout = backup.Config.Get(Options.ArchiveTimeout);
            _ = await WalArchive.WaitForSegmentAsync(backup.Repo, backup.Stanza, backup.ArchiveInfo!.ArchiveId, checkSegment, timeout, backup.Cancellation)
                .ConfigureAwait(false) ?? throw WalArchive.ArchiveTimeout(checkSegment, timeout);
        }
    }

    /// <summary>Manifest: PGDATA and tablespaces as they are now, and whether files must be compared by checksum.</summary>
    private static async Task BuildManifestAsync(BackupState backup)
    {
        var db = backup.Db;
        var tablespaces = db is null ? [] : await db.TablespacesAsync(backup.Cancellation).ConfigureAwait(false);
        var databases = db is null ? [] : await db.DatabasesAsync(backup.Cancellation).ConfigureAwait(false);
        var request = new ScanRequest(backup.PgPath, backup.PgControl.Version.TablespaceId,
            tablespaces.ToDictionary(t => t.Oid.ToString(System.Globalization.CultureInfo.InvariantCulture), t => t.Name),
            [.. backup.Config.Get(Options.Exclude)], backup.PgControl.Version.WalDirectory, backup.Online);
        backup.Scan = await backup.Host.ScanAsync(request, backup.Cancellation).ConfigureAwait(false);

        var manifest = backup.Manifest = ManifestBuilder.Build(backup, databases);
        manifest.TimestampStart = backup.TimestampStart;
        manifest.LsnStart = backup.Start?.Lsn.ToString();
        manifest.ArchiveStart = backup.Start?.WalSegmentName;

        // Files changed in the second the copy starts could otherwise keep the same mtime and be missed by the next
        // incremental, so copying waits for the next whole second (as pgBackRest does).
        manifest.TimestampCopyStart = await WaitForNextSecondAsync(db, backup.Cancellation).ConfigureAwait(false);
        manifest.Options.Delta = DeltaDecision.Resolve(backup.Config.Get(Options.Delta), manifest, backup.PriorManifest);
    }

    private static async Task<long> WaitForNextSecondAsync(DbClient? db, CancellationToken cancellation)
    {
        var now = db is null ? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() : (await db.CurrentTimestampAsync(cancellation).ConfigureAwait(false)).EpochMilliseconds;
        var next = now / 1000 + 1;
        await Task.Delay(TimeSpan.FromMilliseconds(next * 1000 - now), cancellation).ConfigureAwait(false);
        return next;
    }

    /// <summary>Resume: take over an interrupted backup of the same kind (its label and valid files), or give a new label.</summary>
    private static async Task ResumeOrLabelAsync(BackupState backup)
    {
        var manifest = backup.Manifest;
        var priorFiles = backup.PriorManifest?.Files.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var delta = manifest.Options.Delta == true;
        var resumed = await BackupResume.TryResumeAsync(backup,
            file => priorFiles is not null && priorFiles.TryGetValue(file.Name, out var priorFile) && BackupPlanner.Unchanged(file, priorFile, delta)).ConfigureAwait(false);
        if (resumed is not null)
            backup.Resumed = resumed;
        else
            manifest.Label = BackupPlanner.NewLabel(await ExistingLabelsAsync(backup).ConfigureAwait(false), backup.Type, backup.Prior?.Label, backup.TimestampStart);
        manifest.References.Add(manifest.Label);

        // The saved manifest is what a later backup resumes from; without resume there is nothing to save it for.
        if (backup.Config.Get(Options.Resume))
        {
            var (repo, stanza, label, info) = (backup.Repo, backup.Stanza, manifest.Label, backup.Info);
            backup.SaveManifestCopy = (text, token) => BackupStore.SaveManifestCopyAsync(repo, stanza, label, text, info, token);
            await backup.SaveManifestCopy(manifest.Serialize(PgRestVersion.FormatVersionOf(manifest)), backup.Cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>Labels in backup.info and backup directories in the repository (an unlisted one may be a resumable backup).</summary>
    private static async Task<List<string>> ExistingLabelsAsync(BackupState backup)
    {
        var labels = new List<string>(backup.Info.Current.Keys);
        labels.AddRange(await BackupStore.ListBackupDirectoriesAsync(backup.Repo, backup.Stanza, backup.Cancellation).ConfigureAwait(false));
        return labels;
    }

    /// <summary>Copy: reference what is unchanged, copy the rest in parallel.</summary>
    private static async Task CopyAsync(BackupState backup)
    {
        var config = backup.Config;
        var index = backup.Repo.Index;
        var manifest = backup.Manifest;
        manifest.Bundle = config.Find(Options.RepoBundle, index) == true;
        var bundle = manifest.Bundle ? new BundleSettings(config.Get(Options.RepoBundleLimit, index), config.Get(Options.RepoBundleSize, index)) : null;
        // Block incremental needs bundling (a diff/incr reads the prior maps); its super blocks are raw whatever bundle-raw says.
        var blockIncr = manifest.Bundle && config.Get(Options.RepoBlock, index) ? BlockIncrPolicy.FromConfiguration(config, index) : null;
        manifest.BlockIncr = blockIncr is not null;
        // A set keeps the raw mode of its full backup (pgBackRest 2.46+ fulls are raw), as readers use one mode per set.
        // It stays raw when this backup bundles nothing: its entries still refer to the full's raw bundles.
        manifest.BundleRaw = backup.PriorManifest?.BundleRaw == true;
        backup.SuperBlockSize = config.Get(backup.Type == BackupType.Full ? Options.RepoBlockSizeSuperFull : Options.RepoBlockSizeSuper, index);
        var plan = BackupPlanner.PlanCopy(manifest.Files, backup.PriorManifest, manifest.Options.Delta == true, bundle, backup.Resumed,
            blockIncr is null ? null : new BlockIncrPlan(blockIncr, backup.TimestampStart));
        backup.Copier = new BackupCopier(backup);
        await backup.Copier.CopyAsync(plan).ConfigureAwait(false);
    }

    /// <summary>Stop: <c>pg_backup_stop</c>, storing the <c>backup_label</c> (and <c>tablespace_map</c>) it returns.</summary>
    private static async Task StopAsync(BackupState backup)
    {
        var manifest = backup.Manifest;
        if (backup.Db is not { } db)
        {
            manifest.TimestampStop = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            return;
        }

        Log.Info("execute non-exclusive backup stop and wait for all WAL segments to archive");
        var stop = backup.Stop = await db.BackupStopAsync(backup.Cancellation).ConfigureAwait(false);
        manifest.TimestampStop = (await db.CurrentTimestampAsync(backup.Cancellation).ConfigureAwait(false)).EpochSeconds;
        manifest.LsnStop = stop.Lsn.ToString();
        manifest.ArchiveStop = stop.WalSegmentName;
        Log.Info($"backup stop archive = {stop.WalSegmentName}, lsn = {stop.Lsn}");
        if (stop.BackupLabel is not null)
            await backup.Copier.StoreGeneratedFileAsync("pg_data/backup_label", stop.BackupLabel, manifest.TimestampStop).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(stop.TablespaceMap))
            await backup.Copier.StoreGeneratedFileAsync("pg_data/tablespace_map", stop.TablespaceMap, manifest.TimestampStop).ConfigureAwait(false);
    }

    /// <summary>
    /// Archive check: every segment from the start to the stop segment must reach the archive (<c>archive-timeout</c>);
    /// with <c>archive-copy</c> the backup carries them, so it restores without the archive.
    /// </summary>
    private static async Task CheckArchiveAsync(BackupState backup)
    {
        if (!backup.ArchiveCheck || backup.Start is not { } start || backup.Stop is not { } stop)
            return;

        Log.Info($"check archive for segment(s) {start.WalSegmentName}:{stop.WalSegmentName}");
        var archiveInfo = backup.ArchiveInfo!;
        var timeout = backup.Config.Get(Options.ArchiveTimeout);
        var copy = backup.Config.Get(Options.ArchiveCopy);
        var segments = WalSegmentName.Range(WalSegmentName.Parse(start.WalSegmentName), WalSegmentName.Parse(stop.WalSegmentName), backup.PgControl.WalSegmentSize);
        foreach (var segment in segments)
        {
            var name = segment.ToString();
            var stored = await WalArchive.WaitForSegmentAsync(backup.Repo, backup.Stanza, archiveInfo.ArchiveId, name, timeout, backup.Cancellation).ConfigureAwait(false)
                ?? throw WalArchive.ArchiveTimeout(name, timeout);
            if (copy)
                await backup.Copier.StoreArchivedSegmentAsync(name, stored, archiveInfo.CipherPass, backup.Manifest.TimestampStop).ConfigureAwait(false);
        }
    }

    /// <summary>Save: every file durable, then the manifest, its history copy, the latest link, then backup.info.</summary>
    private static async Task SaveAsync(BackupState backup)
    {
        var (repo, stanza, manifest, cancellation) = (backup.Repo, backup.Stanza, backup.Manifest, backup.Cancellation);
        Log.Info($"new backup label = {manifest.Label}");
        await repo.Storage.SyncAsync(cancellation).ConfigureAwait(false);
        await BackupStore.SaveManifestFinalAsync(repo, stanza, manifest, backup.Info, cancellation).ConfigureAwait(false);
        if (repo.Storage.Features.HasFlag(StorageFeatures.Symlink))
            await repo.Storage.LinkCreateAsync(manifest.Label, RepositoryLayout.LatestLinkPath(stanza), cancellation).ConfigureAwait(false);
        var entry = BackupInfoEntry.FromManifest(manifest, PgRestVersion.FormatVersionOf(manifest));
        backup.Info.Add(entry);
        await BackupStore.SaveInfoAsync(repo, stanza, backup.Info, cancellation).ConfigureAwait(false);
        if (backup.ArchiveInfo is not null)
            await WalArchive.SaveInfoAsync(repo, stanza, backup.ArchiveInfo, cancellation).ConfigureAwait(false);

        Log.Info($"{backup.Type.ToText()} backup size = {Format.Size((long)entry.SizeDelta)}, file total = {manifest.Files.Count}");
        if (backup.Copier.PageErrorFiles > 0)
            Log.Warn($"page checksum errors were found in {backup.Copier.PageErrorFiles} file(s); see the warnings above and 'info --set={manifest.Label}'");
    }
}
