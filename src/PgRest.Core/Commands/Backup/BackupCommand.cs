using System.Globalization;
using PgRest.Commands.Check;
using PgRest.Commands.Control;
using PgRest.Common;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Filters;
using PgRest.Info;
using PgRest.Logging;
using PgRest.Postgres;
using PgRest.Repository;

namespace PgRest.Commands.Backup;

/// <summary>
/// <c>backup</c>: a non-exclusive online backup (spec §5.1). Files are copied in parallel (<c>process-max</c>), each
/// once through the pipeline; the backup becomes visible only when <c>backup.manifest</c> is written last.
/// </summary>
public static class BackupCommand
{
    public static async Task RunAsync(CommandContext context)
    {
        var config = context.Config;
        var stanza = context.Stanza;
        var cancellation = context.Cancellation;
        StopFile.ThrowIfStopped(config, stanza);

        var repo = context.TargetRepo;
        foreach (var handle in new[] { Options.RepoBlock, Options.RepoHardlink })
        {
            var option = handle.IndexedName(repo.Index);
            if (config.Find(handle, repo.Index) == true)
                throw new PgRestException(ErrorCode.FeatureNotSupported, $"option '{option}' is not supported by this version of pgrest yet\nHINT: set {option}=n (or remove it) to back up without it.");
        }

        var backupInfo = await BackupStore.LoadInfoAsync(repo, stanza, cancellation).ConfigureAwait(false);
        var pgPath = context.PgPath;
        var online = config.Get(Options.Online);
        DbClient? db = null;
        PgControl pgControl;
        if (online)
            (pgControl, db) = await ClusterAccess.OpenPrimaryAsync(context).ConfigureAwait(false);
        else
            pgControl = PgControl.Read(pgPath);
        await using var dbScope = db;

        // backup-standby: start/stop on the primary, most data files read from a standby (pgBackRest 2.45 backupInit).
        var backupStandby = config.Get(Options.BackupStandby);
        if (backupStandby && !online)
        {
            Log.Warn("option backup-standby is enabled but backup is offline - backups will be performed from the primary");
            backupStandby = false;
        }

        DbClient? standbyDb = null;
        string? standbyPath = null;
        if (backupStandby)
            (standbyDb, standbyPath, _) = await ClusterAccess.OpenStandbyAsync(context).ConfigureAwait(false);
        await using var standbyScope = standbyDb;

        if (pgControl.DbVersion != backupInfo.DbVersion || pgControl.SystemId != backupInfo.SystemId)
        {
            throw new PgRestException(ErrorCode.BackupMismatch,
                $"PostgreSQL version {pgControl.DbVersion}, system-id {pgControl.SystemId} do not match stanza version {backupInfo.DbVersion}, system-id {backupInfo.SystemId}" +
                "\nHINT: is this the correct stanza?");
        }

        if (!online)
        {
            if (File.Exists(Path.Combine(pgPath, "postmaster.pid")) && !config.Get(Options.Force))
            {
                throw new PgRestException(ErrorCode.PgRunning,
                    "--no-online passed but postmaster.pid exists - looks like PostgreSQL is running. Shut down PostgreSQL and try again, or use --force.");
            }
        }

        var archiveCheck = online && config.Get(Options.ArchiveCheck);
        ArchiveInfo? archiveInfo = archiveCheck ? await WalArchive.LoadInfoAsync(repo, stanza, cancellation).ConfigureAwait(false) : null;

        if (db is not null && archiveCheck)
            await CheckCommand.CheckArchiveSettingsAsync(db, config.Get(Options.ArchiveModeCheck), cancellation).ConfigureAwait(false);

        // Prior backup: diff builds on the newest full, incr on the newest backup of any type.
        var type = BackupTypeText.Parse(config.Get(Options.Type));
        BackupInfoEntry? prior = null;
        if (type != BackupType.Full)
        {
            prior = backupInfo.Current.Values.Where(b => b.DbId == backupInfo.DbId && (type == BackupType.Incr || b.Type == BackupType.Full))
                .OrderBy(b => b.Label, StringComparer.Ordinal).LastOrDefault();
            if (prior is null)
            {
                Log.Warn($"no prior backup exists, {type.ToText()} backup has been changed to full");
                type = BackupType.Full;
            }
        }

        Manifest? priorManifest = prior is null ? null : await BackupStore.LoadManifestAsync(repo, stanza, prior.Label, backupInfo, cancellation).ConfigureAwait(false);

        var compressType = CompressTypes.Parse(config.Get(Options.CompressType));
        var compressLevel = config.Find(Options.CompressLevel) is { } level ? (int)level : CompressTypes.DefaultLevel(compressType);
        if (priorManifest is not null)
        {
            var priorType = CompressTypes.Parse(priorManifest.Options.CompressType);
            if (priorType != compressType)
                Log.Warn($"{type.ToText()} backup cannot alter compress-type option to '{CompressTypes.Name(compressType)}', reset to value in {prior!.Label}");
            compressType = priorType;
            compressLevel = priorManifest.Options.CompressLevel ?? CompressTypes.DefaultLevel(priorType);
        }

        var checksumPage = ResolveChecksumPage(config, pgControl, online, priorManifest);

        // Start the backup.
        var startFast = config.Get(Options.StartFast);
        long timestampStart;
        BackupStartResult? start = null;
        if (db is not null)
        {
            Log.Info("execute non-exclusive backup start: backup begins after " +
                (startFast ? "the requested immediate checkpoint completes" : "the next regular checkpoint completes"));
            timestampStart = (await db.CurrentTimestampAsync(cancellation).ConfigureAwait(false)).EpochSeconds;
            start = await db.BackupStartAsync(PgRestVersion.Name + " backup started at " + Format.LocalTime(timestampStart), startFast, cancellation).ConfigureAwait(false);
            Log.Info($"backup start archive = {start.WalSegmentName}, lsn = {start.Lsn}");
            if (standbyDb is not null)
            {
                Log.Info($"wait for replay on the standby to reach {start.Lsn}");
                await ClusterAccess.WaitForStandbyReplayAsync(standbyDb, standbyPath!, start.Lsn, pgControl.Timeline, config.Get(Options.ArchiveTimeout), cancellation).ConfigureAwait(false);
                Log.Info($"replay on the standby reached {start.Lsn}");
            }
            if (archiveCheck)
                Log.Info($"check archive for segment {start.WalSegmentName}");
        }
        else
        {
            timestampStart = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        }

        var tablespaces = db is null ? [] : await db.TablespacesAsync(cancellation).ConfigureAwait(false);
        var databases = db is null ? [] : await db.DatabasesAsync(cancellation).ConfigureAwait(false);

        var scanner = new DataDirectoryScanner(pgPath, pgControl.Version.TablespaceId,
            tablespaces.ToDictionary(t => t.Oid.ToString(CultureInfo.InvariantCulture), t => t.Name),
            config.Get(Options.Exclude), PgVersions.VersionNumFromVersion(pgControl.DbVersion) >= 100000 ? "pg_wal" : "pg_xlog", online);
        scanner.Scan();

        var manifest = BuildManifest(config, backupInfo, pgControl, scanner, databases, type, prior, priorManifest, compressType, compressLevel,
            checksumPage, online, archiveCheck, repo.Encrypted);
        manifest.Options.BackupStandby = backupStandby;
        manifest.TimestampStart = timestampStart;
        manifest.LsnStart = start?.Lsn.ToString();
        manifest.ArchiveStart = start?.WalSegmentName;

        // Files changed in the second the copy starts could otherwise keep the same mtime and be missed by the next
        // incremental, so copying waits for the next whole second (as pgBackRest does).
        manifest.TimestampCopyStart = await WaitForNextSecondAsync(db, cancellation).ConfigureAwait(false);
        manifest.Options.Delta = DeltaDecision.Resolve(config.Get(Options.Delta), manifest, priorManifest);

        // An interrupted backup of the same kind is taken over (its label and valid files kept); otherwise a new label.
        var priorFiles = priorManifest?.Files.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var delta = manifest.Options.Delta == true;
        var resumed = await BackupResume.TryResumeAsync(repo, stanza, config, backupInfo, manifest, compressType,
            file => priorFiles is not null && priorFiles.TryGetValue(file.Name, out var priorFile) && BackupCopier.Unchanged(file, priorFile, delta),
            cancellation).ConfigureAwait(false);
        var label = resumed is not null ? manifest.Label
            : NewLabel(backupInfo, await ExistingLabelsAsync(repo, stanza, cancellation).ConfigureAwait(false), type, prior, timestampStart);
        manifest.Label = label;
        manifest.References.Add(label);

        // The saved manifest is what a later backup resumes from; without resume there is nothing to save it for.
        Func<string, CancellationToken, Task>? saveManifestCopy = null;
        if (config.Get(Options.Resume))
        {
            saveManifestCopy = (text, token) => BackupStore.SaveManifestCopyAsync(repo, stanza, label, text, backupInfo, token);
            await saveManifestCopy(manifest.Serialize(PgRestVersion.FormatVersion), cancellation).ConfigureAwait(false);
        }

        var copier = new BackupCopier(context, repo, stanza, manifest, scanner, priorManifest, compressType, compressLevel, checksumPage, resumed, saveManifestCopy, standbyPath);
        await copier.CopyAsync().ConfigureAwait(false);

        // Stop the backup and store backup_label (and tablespace_map) from it.
        if (db is not null)
        {
            Log.Info("execute non-exclusive backup stop and wait for all WAL segments to archive");
            var stop = await db.BackupStopAsync(cancellation).ConfigureAwait(false);
            manifest.TimestampStop = (await db.CurrentTimestampAsync(cancellation).ConfigureAwait(false)).EpochSeconds;
            manifest.LsnStop = stop.Lsn.ToString();
            manifest.ArchiveStop = stop.WalSegmentName;
            Log.Info($"backup stop archive = {stop.WalSegmentName}, lsn = {stop.Lsn}");
            if (stop.BackupLabel is not null)
                await copier.StoreGeneratedFileAsync("pg_data/backup_label", stop.BackupLabel, manifest.TimestampStop).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(stop.TablespaceMap))
                await copier.StoreGeneratedFileAsync("pg_data/tablespace_map", stop.TablespaceMap, manifest.TimestampStop).ConfigureAwait(false);

            if (archiveCheck)
            {
                var segments = await WaitForArchiveAsync(context, repo, stanza, archiveInfo!, start!.WalSegmentName, stop.WalSegmentName, pgControl.WalSegmentSize).ConfigureAwait(false);
                // archive-copy: the backup carries the WAL that makes it consistent, so it restores without the archive.
                if (config.Get(Options.ArchiveCopy))
                {
                    foreach (var (segment, storedPath) in segments)
                        await copier.StoreArchivedSegmentAsync(segment, storedPath, archiveInfo!.CipherPass, manifest.TimestampStop).ConfigureAwait(false);
                }
            }
        }
        else
        {
            manifest.TimestampStop = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        }

        // Complete: every file durable, then manifest, history copy, latest link, then backup.info (and archive.info re-saved).
        Log.Info($"new backup label = {label}");
        await repo.Storage.SyncAsync(cancellation).ConfigureAwait(false);
        await BackupStore.SaveManifestFinalAsync(repo, stanza, manifest, backupInfo, cancellation).ConfigureAwait(false);
        if (repo.Storage.Features.HasFlag(Storage.StorageFeatures.Symlink))
            await repo.Storage.LinkCreateAsync(label, RepositoryLayout.BackupPath(stanza) + "/" + RepositoryLayout.LatestLink, cancellation).ConfigureAwait(false);
        var entry = BackupInfoEntry.FromManifest(manifest, PgRestVersion.FormatVersion);
        backupInfo.Add(entry);
        await BackupStore.SaveInfoAsync(repo, stanza, backupInfo, cancellation).ConfigureAwait(false);
        if (archiveInfo is not null)
            await WalArchive.SaveInfoAsync(repo, stanza, archiveInfo, cancellation).ConfigureAwait(false);

        Log.Info($"{type.ToText()} backup size = {Format.Size((long)entry.SizeDelta)}, file total = {manifest.Files.Count}");
        if (copier.PageErrorFiles > 0)
            Log.Warn($"page checksum errors were found in {copier.PageErrorFiles} file(s); see the warnings above and 'info --set={label}'");
    }

    private static bool ResolveChecksumPage(Configuration config, PgControl pgControl, bool online, Manifest? priorManifest)
    {
        if (priorManifest is not null && priorManifest.Options.ChecksumPage is { } inherited)
            return inherited;
        if (!config.IsSet(Options.ChecksumPage))
            return online && pgControl.PageChecksums;
        var wanted = config.Get(Options.ChecksumPage);
        if (wanted && !pgControl.PageChecksums)
        {
            Log.Warn("checksum-page option set to true but checksums are not enabled on the cluster, resetting to false");
            return false;
        }

        return wanted;
    }

    private static async Task<IReadOnlyList<string>> ExistingLabelsAsync(Repo repo, string stanza, CancellationToken cancellation)
    {
        var labels = new List<string>();
        await foreach (var entry in repo.Storage.ListAsync(RepositoryLayout.BackupPath(stanza), cancellation).ConfigureAwait(false))
        {
            if (entry.Type == Storage.StorageEntryType.Path && BackupLabels.IsLabel(entry.Name))
                labels.Add(entry.Name);
        }

        return labels;
    }

    /// <summary>The label from the start time; it must sort after every existing label (pgBackRest adds a second once).</summary>
    private static string NewLabel(BackupInfo backupInfo, IReadOnlyList<string> onDisk, BackupType type, BackupInfoEntry? prior, long timestampStart)
    {
        var latest = backupInfo.Current.Keys.Concat(onDisk).Select(BackupLabels.TimePart).DefaultIfEmpty("").Max(StringComparer.Ordinal)!;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var time = DateTimeOffset.FromUnixTimeSeconds(timestampStart + attempt).ToLocalTime().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
            if (string.CompareOrdinal(time, latest) > 0)
            {
                return type == BackupType.Full ? time + "F"
                    : BackupLabels.FullLabelOf(prior!.Label) + "_" + time + (type == BackupType.Diff ? "D" : "I");
            }
        }

        throw new PgRestException(ErrorCode.Clock, $"new backup label is not later than latest backup label '{latest}'\nHINT: has the timezone changed?\nHINT: is there clock skew?");
    }

    private static Manifest BuildManifest(
        Configuration config, BackupInfo backupInfo, PgControl pgControl, DataDirectoryScanner scanner, IReadOnlyList<DbDatabase> databases,
        BackupType type, BackupInfoEntry? prior, Manifest? priorManifest, CompressType compressType, int compressLevel,
        bool checksumPage, bool online, bool archiveCheck, bool encrypted)
    {
        var root = scanner.Paths[0].Status;
        var manifest = new Manifest
        {
            Type = type,
            Prior = prior?.Label,
            DbId = backupInfo.DbId,
            SystemId = pgControl.SystemId,
            DbVersion = pgControl.DbVersion,
            CatalogVersion = pgControl.CatalogVersion,
            ControlVersion = pgControl.ControlVersion,
            CipherPass = !encrypted ? null : priorManifest?.CipherPass ?? BackupStore.NewCipherPass(),
            Defaults = ManifestDefaults.FromPgData(Owner(root.UserId, user: true), Owner(root.GroupId, user: false), (UnixFileMode)root.Mode),
        };
        if (priorManifest is not null)
            manifest.References.AddRange(priorManifest.References);

        var annotation = config.Get(Options.Annotation);
        if (annotation.Count > 0)
            manifest.Annotation = new SortedDictionary<string, string>(annotation.ToDictionary(), StringComparer.Ordinal);

        var options = manifest.Options;
        options.ArchiveCheck = archiveCheck;
        options.ArchiveCopy = config.Get(Options.ArchiveCopy);
        options.BackupStandby = false;
        options.BufferSize = (ulong)config.Get(Options.BufferSize);
        options.ChecksumPage = checksumPage;
        options.CompressType = CompressTypes.Name(compressType);
        options.CompressLevel = compressLevel;
        options.CompressLevelNetwork = (int)config.Get(Options.CompressLevelNetwork);
        options.Delta = config.Get(Options.Delta);
        options.Hardlink = false;
        options.Online = online;
        options.ProcessMax = (uint)config.Get(Options.ProcessMax);

        foreach (var target in scanner.Targets)
        {
            manifest.Targets.Add(new ManifestTarget
            {
                Name = target.Name,
                Path = target.Path,
                File = target.File,
                Type = target.IsLink ? ManifestTargetType.Link : ManifestTargetType.Path,
                TablespaceId = target.TablespaceId is null ? null : uint.Parse(target.TablespaceId, CultureInfo.InvariantCulture),
                TablespaceName = target.TablespaceName,
            });
        }

        foreach (var database in databases)
            manifest.Databases.Add(new ManifestDb { Name = database.Name, Id = database.Oid, LastSystemId = database.LastSystemOid });

        foreach (var path in scanner.Paths)
        {
            manifest.Paths.Add(new ManifestPath
            {
                Name = path.ManifestName, Mode = (UnixFileMode)path.Status.Mode,
                User = Owner(path.Status.UserId, user: true), Group = Owner(path.Status.GroupId, user: false),
            });
        }

        foreach (var link in scanner.Links)
        {
            manifest.Links.Add(new ManifestLink
            {
                Name = link.ManifestName, Destination = link.Destination,
                User = Owner(link.Status.UserId, user: true), Group = Owner(link.Status.GroupId, user: false),
            });
        }

        foreach (var file in scanner.Files)
        {
            manifest.Files.Add(new ManifestFile
            {
                Name = file.ManifestName,
                Size = (ulong)file.Status.Size,
                Timestamp = file.Status.ModifiedSeconds,
                Mode = (UnixFileMode)file.Status.Mode,
                User = Owner(file.Status.UserId, user: true),
                Group = Owner(file.Status.GroupId, user: false),
            });
        }

        return manifest;
    }

    private static ManifestOwner Owner(uint id, bool user) => new(user ? OwnerNames.UserName(id) : OwnerNames.GroupName(id));

    private static async Task<long> WaitForNextSecondAsync(DbClient? db, CancellationToken cancellation)
    {
        var now = db is null ? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() : (await db.CurrentTimestampAsync(cancellation).ConfigureAwait(false)).EpochMilliseconds;
        var next = now / 1000 + 1;
        await Task.Delay(TimeSpan.FromMilliseconds(next * 1000 - now), cancellation).ConfigureAwait(false);
        return next;
    }

    /// <summary>
    /// Every segment from the start to the stop segment must reach the archive (<c>archive-timeout</c>); returns each
    /// segment with its stored path.
    /// </summary>
    private static async Task<List<(string Segment, string StoredPath)>> WaitForArchiveAsync(
        CommandContext context, Repo repo, string stanza, ArchiveInfo archiveInfo, string startSegment, string stopSegment, uint segmentSize)
    {
        Log.Info($"check archive for segment(s) {startSegment}:{stopSegment}");
        var timeout = context.Config.Get(Options.ArchiveTimeout);
        var found = new List<(string, string)>();
        foreach (var segment in WalSegmentName.Range(WalSegmentName.Parse(startSegment), WalSegmentName.Parse(stopSegment), segmentSize))
        {
            var name = segment.ToString();
            var stored = await WalArchive.WaitForSegmentAsync(repo, stanza, archiveInfo.ArchiveId, name, timeout, context.Cancellation).ConfigureAwait(false)
                ?? throw WalArchive.ArchiveTimeout(name, timeout);
            found.Add((name, stored));
        }

        return found;
    }
}
