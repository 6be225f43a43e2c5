using System.Text;
using PgRest.BlockIncr;
using PgRest.Cluster;
using PgRest.Common;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Postgres;
using PgRest.Filters;
using PgRest.Info;
using PgRest.Logging;
using PgRest.Repository;

namespace PgRest.Commands.Backup;

/// <summary>
/// Decides per file whether to copy it or reference the prior backup (diff/incr: same size and mtime, or same SHA-1
/// with <c>--delta</c>), then copies with <c>process-max</c> files in flight, largest first.
/// </summary>
internal sealed class BackupCopier
{
    private readonly BackupState _backup;
    private readonly Repo _repo;
    private readonly string _stanza;
    private readonly Manifest _manifest;
    private readonly Dictionary<string, ScannedFile> _sources;
    private readonly CompressType _compressType;
    private readonly int _compressLevel;
    private readonly bool _checksumPage;
    private readonly string? _standbyPath;
    private readonly IPgHost _host;
    private readonly IPgHost? _standbyHost;
    private readonly string _xactDirectory;
    // Entries are filled in by parallel workers while the periodic manifest save serializes them.
    private readonly Lock _manifestLock = new();
    private readonly SemaphoreSlim _saving = new(1, 1);
    private long _saveEvery;
    private long _savedAt;
    private long _copiedBytes;
    private long _totalBytes;
    private int _pageErrorFiles;
    private ProgressMeter? _progress;

    public BackupCopier(BackupState backup)
    {
        _backup = backup;
        _repo = backup.Repo;
        _stanza = backup.Stanza;
        _manifest = backup.Manifest;
        _sources = backup.Scan.Files.ToDictionary(f => f.ManifestName, StringComparer.Ordinal);
        _host = backup.Host;
        _standbyHost = backup.StandbyHost;
        _compressType = backup.CompressType;
        _compressLevel = backup.CompressLevel;
        _checksumPage = backup.ChecksumPage;
        _standbyPath = backup.StandbyPath?.TrimEnd('/');
        _xactDirectory = backup.PgControl.Version.XactDirectory;
    }

    public int PageErrorFiles => _pageErrorFiles;

    /// <summary>
    /// Where a file is read: with backup-standby, relation and transaction-status files (base, global except pg_control,
    /// pg_xact, pg_multixact, tablespaces) come from the standby, which has replayed past the backup start; the rest
    /// from the primary.
    /// </summary>
    private (IPgHost Host, string Path) ReadPath(ScannedFile source)
    {
        var name = source.ManifestName;
        if (_standbyPath is null || name == "pg_data/global/pg_control")
            return (_host, source.FullPath);
        if (name.StartsWith("pg_tblspc/", StringComparison.Ordinal))
            return (_standbyHost!, _standbyPath + "/" + name);
        foreach (var directory in (ReadOnlySpan<string>)["base", "global", _xactDirectory, "pg_multixact"])
        {
            if (name.Length > 9 + directory.Length && name.StartsWith("pg_data/", StringComparison.Ordinal) && name.AsSpan(8).StartsWith(directory, StringComparison.Ordinal)
                && name[8 + directory.Length] == '/')
                return (_standbyHost!, _standbyPath + "/" + name[8..]);
        }

        return (_host, source.FullPath);
    }

    /// <summary>A file as the log names it: <c>host:path</c> when it is on a database host, as pgBackRest writes it.</summary>
    private static string Shown(IPgHost host, string path) => host.Name is null ? path : host.Name + ":" + path;

    private static string Shown((IPgHost Host, string Path) file) => Shown(file.Host, file.Path);

    /// <summary>Carries out <paramref name="plan"/>: references first, then the copy units, <c>process-max</c> at a time.</summary>
    public async Task CopyAsync(BackupCopyPlan plan)
    {
        foreach (var (entry, prior) in plan.References)
            Reference(entry, prior);
        // Empty files are not stored at all in a bundled backup.
        foreach (var empty in plan.EmptyInBundle)
            empty.ChecksumPage = _checksumPage && _sources[empty.Name].PageChecksumEligible ? true : null;

        _totalBytes = plan.TotalBytes;
        // As pgBackRest: the manifest (with the checksums so far) is saved every 1% of the data or manifest-save-threshold, whichever is larger.
        _saveEvery = Math.Max(_totalBytes / 100, _backup.Config.Get(Options.ManifestSaveThreshold));
        var options = new ParallelOptions
        {
            MaxDegreeOfParallelism = (int)Math.Max(1, _backup.Config.Get(Options.ProcessMax)),
            CancellationToken = _backup.Cancellation,
        };

        // The live line on a terminal, and the progress info shows from the lock file.
        using var progress = new ProgressMeter("backup", _totalBytes, plan.Units.Sum(u => u.Files.Count),
            ProgressMeter.LineWanted(_backup.Config.Get(Options.Progress)), Control.LockFile.ReportBackupProgress);
        _progress = progress;
        var removed = new List<ManifestFile>();
        await Parallel.ForEachAsync(plan.Units, options, async (unit, cancellation) =>
        {
            var gone = unit.BundleId is { } id
                ? await CopyBundleAsync(id, unit.Files, cancellation).ConfigureAwait(false)
                : await CopyFileAsync(unit.Files[0], cancellation).ConfigureAwait(false) ? [] : [unit.Files[0].Entry];
            if (gone.Count > 0)
            {
                lock (removed)
                    removed.AddRange(gone);
            }
        }).ConfigureAwait(false);

        foreach (var entry in removed)
            _manifest.Files.Remove(entry);
    }

    /// <summary>
    /// Writes small files into <c>bundle/&lt;id&gt;</c>, each as its own compressed (and encrypted) stream, recording
    /// offset and stored size so that restore and verify read one file with one ranged read. Returns the files the
    /// database removed meanwhile.
    /// </summary>
    private async Task<List<ManifestFile>> CopyBundleAsync(ulong bundleId, IReadOnlyList<FileToCopy> files, CancellationToken cancellation)
    {
        var gone = new List<ManifestFile>();
        var path = RepositoryLayout.BundlePath(_stanza, _manifest.Label, bundleId);
        var destination = await _repo.Storage.OpenWriteAsync(path, durable: false, cancellationToken: cancellation).ConfigureAwait(false);
        await using (destination.ConfigureAwait(false))
        {
            ulong offset = 0;
            foreach (var (entry, prior, blockPrior) in files)
            {
                var source = _sources[entry.Name];
                var (host, readPath) = ReadPath(source);
                if (prior is not null && await SameContentAsync(host, readPath, prior.Checksum, cancellation).ConfigureAwait(false))
                {
                    Reference(entry, prior);
                    continue;
                }

                var result = await StoreAsync(entry, blockPrior, bundleId, offset, store =>
                    host.CopyIntoAsync(readPath, (long)entry.Size, _checksumPage && source.PageChecksumEligible, destination, store, cancellation),
                    cancellation).ConfigureAwait(false);
                if (result.Missing)
                {
                    Log.Detail($"skip file removed by database {Shown(host, readPath)}");
                    gone.Add(entry);
                    continue;
                }

                if (Unchanged(entry, blockPrior, result))
                {
                    await ProgressAsync(source, result.Size, "backup file", result.Sha1, cancellation).ConfigureAwait(false);
                    continue;
                }

                if (result.Size == 0)
                {
                    // Truncated to nothing while copying: recorded as empty and not stored.
                    lock (_manifestLock)
                    {
                        entry.Size = 0;
                        (entry.BlockIncrSize, entry.BlockIncrChecksumSize, entry.BlockIncrMapSize) = (0, ManifestFile.BlockIncrChecksumSizeDefault, 0);
                        entry.Checksum = null;
                        entry.RepoSize = null;
                        entry.RepoChecksum = null;
                        entry.ChecksumPage = result.PageChecksumValid;
                    }

                    offset += (ulong)result.RepoSize;
                    continue;
                }

                Record(entry, source, result);
                lock (_manifestLock)
                {
                    entry.BundleId = bundleId;
                    entry.BundleOffset = offset;
                }

                offset += (ulong)result.RepoSize;
                await ProgressAsync(source, result.Size, "backup file", result.Sha1, cancellation).ConfigureAwait(false);
            }

            if (offset > 0)
                await destination.CommitAsync(cancellation).ConfigureAwait(false);
        }

        return gone;
    }

    /// <summary>Copies one file; false when the database removed it meanwhile.</summary>
    private async Task<bool> CopyFileAsync(FileToCopy file, CancellationToken cancellation)
    {
        var (entry, deltaPrior, blockPrior) = file;
        var source = _sources[entry.Name];
        var (host, readPath) = ReadPath(source);
        if (deltaPrior is not null && await SameContentAsync(host, readPath, deltaPrior.Checksum, cancellation).ConfigureAwait(false))
        {
            Reference(entry, deltaPrior);
            return true;
        }

        var blockIncr = entry.BlockIncrSize > 0;
        var repoPath = blockIncr
            ? RepositoryLayout.BlockIncrFilePath(_stanza, _manifest.Label, entry.Name)
            : RepositoryLayout.BackupFilePath(_stanza, _manifest.Label, entry.Name, CompressTypes.Extension(_compressType));
        // A block-incremental file is copied again rather than resumed: its map must describe what this backup stored.
        if (_backup.Resumed.Contains(entry.Name) && !blockIncr)
        {
            // With delta the PGDATA file must still hold what was stored; without it size and mtime were compared already.
            var pgFileMatches = _manifest.Options.Delta != true;
            if (!pgFileMatches)
            {
                if (!await host.FileExistsAsync(readPath, cancellation).ConfigureAwait(false))
                {
                    Log.Detail($"skip file removed by database {Shown(host, readPath)}");
                    await _repo.Storage.RemoveAsync(repoPath, cancellationToken: cancellation).ConfigureAwait(false);
                    return false;
                }

                pgFileMatches = await SameContentAsync(host, readPath, entry.Checksum, cancellation).ConfigureAwait(false);
            }

            if (pgFileMatches)
            {
                if (await RepoFileMatchesAsync(repoPath, entry, cancellation).ConfigureAwait(false))
                {
                    await ProgressAsync(source, (long)entry.Size, "checksum resumed file", entry.Checksum!, cancellation).ConfigureAwait(false);
                    return true;
                }

                Log.Warn($"resumed backup file {entry.Name} does not have expected checksum {entry.Checksum}. The file will be recopied and backup will" +
                    " continue but this may be an issue unless the resumed backup path in the repository is known to be corrupted.\n" +
                    "NOTE: this does not indicate a problem with the PostgreSQL page checksums.");
            }
        }

        var result = await StoreAsync(entry, blockPrior, 0, 0, store =>
            BackupFileCopier.CopyAsync(host, readPath, (long)entry.Size, _checksumPage && source.PageChecksumEligible, _repo, repoPath, store, cancellation),
            cancellation).ConfigureAwait(false);
        if (result.Missing)
        {
            Log.Detail($"skip file removed by database {Shown(host, readPath)}");
            if (_backup.Resumed.Contains(entry.Name))
                await _repo.Storage.RemoveAsync(repoPath, cancellationToken: cancellation).ConfigureAwait(false);
            return false;
        }

        if (!Unchanged(entry, blockPrior, result))
            Record(entry, source, result);
        await ProgressAsync(source, result.Size, "backup file", result.Sha1, cancellation).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// How a file is stored: whole, or (with a block size) block incrementally, compared with the prior backup's map of
    /// it; bundled files of a raw set are raw. A block-incremental file takes the index of this backup in the reference list.
    /// </summary>
    private async Task<StoreAs> StoreAsAsync(ManifestFile entry, ManifestFile? blockPrior, ulong bundleId, ulong offset, CancellationToken cancellation)
    {
        if (entry.BlockIncrSize == 0)
            return new StoreAs(_compressType, _compressLevel, _manifest.CipherPass, Raw: _manifest.BundleRaw && bundleId > 0);
        var priorMap = blockPrior is null
            ? null
            : await BlockIncrStore.ReadMapAsync(_repo, _stanza, _backup.PriorManifest!, blockPrior, cancellation).ConfigureAwait(false);
        var settings = new BlockIncrSettings((int)entry.BlockIncrSize, (int)entry.BlockIncrChecksumSize, _backup.SuperBlockSize,
            (uint)(_manifest.References.Count - 1), bundleId, offset, _compressType, _compressLevel, _manifest.CipherPass);
        return new StoreAs(_compressType, _compressLevel, _manifest.CipherPass, BlockIncr: settings, PriorMap: priorMap);
    }

    /// <summary>
    /// Copies a file with <paramref name="copy"/> as <see cref="StoreAsAsync"/> says, and once more with all its blocks
    /// when its block checksums missed a change.
    /// </summary>
    private async Task<BackupFileResult> StoreAsync(
        ManifestFile entry, ManifestFile? blockPrior, ulong bundleId, ulong offset, Func<StoreAs, Task<BackupFileResult>> copy, CancellationToken cancellation)
    {
        var result = await copy(await StoreAsAsync(entry, blockPrior, bundleId, offset, cancellation).ConfigureAwait(false)).ConfigureAwait(false);
        if (ChecksumsMissedAChange(entry, blockPrior, result))
            result = await copy(await StoreAsAsync(entry, null, bundleId, offset, cancellation).ConfigureAwait(false)).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// No block checksum changed, but the file's SHA-1 did (two blocks with the same truncated checksum): the file is
    /// stored again with all its blocks rather than trusted to the prior backup.
    /// </summary>
    private static bool ChecksumsMissedAChange(ManifestFile entry, ManifestFile? blockPrior, BackupFileResult result)
    {
        if (blockPrior is null || result.Missing || result.RepoSize != 0 || result.Size == 0 ||
            (result.Sha1 == blockPrior.Checksum && result.Size == (long)blockPrior.Size))
            return false;
        Log.Warn($"file {entry.Name} changed but none of its block checksums did; it is stored with all its blocks");
        return true;
    }

    /// <summary>A block-incremental file none of whose blocks changed stored nothing: it stays a reference to the prior backup.</summary>
    private bool Unchanged(ManifestFile entry, ManifestFile? blockPrior, BackupFileResult result)
    {
        if (blockPrior is null || result.RepoSize != 0 || result.Size == 0)
            return false;
        Reference(entry, blockPrior);
        return true;
    }

    /// <summary>A resumed repository file is kept when its stored size and SHA-1 are those the saved manifest recorded.</summary>
    private async Task<bool> RepoFileMatchesAsync(string repoPath, ManifestFile entry, CancellationToken cancellation)
    {
        var stream = await _repo.Storage.OpenReadAsync(repoPath, ignoreMissing: true, cancellationToken: cancellation).ConfigureAwait(false);
        if (stream is null)
            return false;
        await using (stream.ConfigureAwait(false))
        {
            using var sha1 = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA1);
            var buffer = new byte[1024 * 1024];
            long size = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellation).ConfigureAwait(false)) > 0)
            {
                sha1.AppendData(buffer, 0, read);
                size += read;
            }

            return (ulong)size == entry.EffectiveRepoSize && Convert.ToHexStringLower(sha1.GetHashAndReset()) == (entry.RepoChecksum ?? entry.Checksum);
        }
    }

    /// <summary>Logs a finished file and saves the manifest once another save interval of data has been processed.</summary>
    private async Task ProgressAsync(ScannedFile source, long size, string what, string sha1, CancellationToken cancellation)
    {
        var copied = Interlocked.Add(ref _copiedBytes, size);
        _progress?.FileDone(size);
        if (Log.IsEnabled(LogLevel.Detail))
        {
            var percent = _totalBytes == 0 ? 100 : copied * 100.0 / _totalBytes;
            Log.Detail($"{what} {Shown(ReadPath(source))} ({Format.Size(size)}, {percent:0.00}%){(size == 0 ? "" : " checksum " + sha1)}");
        }

        if (_backup.SaveManifestCopy is null || copied - Interlocked.Read(ref _savedAt) < _saveEvery || !await _saving.WaitAsync(0, cancellation).ConfigureAwait(false))
            return;
        try
        {
            Interlocked.Exchange(ref _savedAt, copied);
            string text;
            lock (_manifestLock)
                text = _manifest.Serialize(PgRestVersion.FormatVersionOf(_manifest));
            await _backup.SaveManifestCopy(text, cancellation).ConfigureAwait(false);
        }
        finally
        {
            _saving.Release();
        }
    }

    /// <summary>Puts what copying produced into the file's manifest entry, and reports page checksum problems.</summary>
    private void Record(ManifestFile entry, ScannedFile source, BackupFileResult result)
    {
        lock (_manifestLock)
            RecordLocked(entry, result);
        if (result.PageErrors.Count > 0)
        {
            Interlocked.Increment(ref _pageErrorFiles);
            Log.Warn($"invalid page checksum found in file {Shown(ReadPath(source))} at page(s) {string.Join(", ", result.PageErrors)}");
        }
        else if (result.PageChecksumValid == false)
        {
            Log.Warn($"page misalignment in file {Shown(ReadPath(source))}: file size {result.Size} is not divisible by page size 8192");
        }
    }

    private static void RecordLocked(ManifestFile entry, BackupFileResult result)
    {
        entry.BlockIncrMapSize = (ulong)result.MapSize;
        if (result.Size == 0)
            (entry.BlockIncrSize, entry.BlockIncrChecksumSize) = (0, ManifestFile.BlockIncrChecksumSizeDefault);
        entry.Size = (ulong)result.Size;
        entry.Checksum = result.Size == 0 ? null : result.Sha1;
        entry.RepoSize = (ulong)result.RepoSize;
        entry.RepoChecksum = result.RepoSha1;
        entry.ChecksumPage = result.PageChecksumValid;
        entry.ChecksumPageErrors = result.PageErrors.Count > 0 ? ManifestFile.EncodePageErrors(result.PageErrors.Select(b => (ulong)b)) : null;
    }

    private static async Task<bool> SameContentAsync(IPgHost host, string path, string? checksum, CancellationToken cancellation) =>
        checksum is not null && await host.Sha1Async(path, cancellation).ConfigureAwait(false) == checksum;

    /// <summary>Unchanged since the prior backup: point at the backup that holds the bytes.</summary>
    private void Reference(ManifestFile entry, ManifestFile prior)
    {
        lock (_manifestLock)
            ReferenceLocked(entry, prior);
    }

    private void ReferenceLocked(ManifestFile entry, ManifestFile prior)
    {
        if (_manifest.Bundle && prior.Size == 0)
        {
            // Empty files are not stored in a bundled backup, so there is nothing to refer to.
            entry.Size = 0;
            entry.ChecksumPage = prior.ChecksumPage;
            return;
        }

        entry.Size = prior.Size;
        entry.Checksum = prior.Checksum;
        entry.RepoSize = prior.RepoSize;
        entry.RepoChecksum = prior.RepoChecksum;
        entry.ChecksumPage = prior.ChecksumPage;
        entry.ChecksumPageErrors = prior.ChecksumPageErrors;
        entry.BundleId = prior.BundleId;
        entry.BundleOffset = prior.BundleOffset;
        entry.BlockIncrSize = prior.BlockIncrSize;
        entry.BlockIncrChecksumSize = prior.BlockIncrChecksumSize;
        entry.BlockIncrMapSize = prior.BlockIncrMapSize;
        entry.Reference = prior.Reference ?? _backup.Prior!.Label;
    }

    /// <summary>
    /// <c>archive-copy</c>: stores an archived WAL segment as <c>pg_data/pg_wal/&lt;segment&gt;</c> of this backup,
    /// recompressed and encrypted as the backup's files (pgBackRest 2.45 <c>backupArchiveCheckCopy</c>).
    /// </summary>
    public async Task StoreArchivedSegmentAsync(string segment, string storedPath, string? archiveCipherPass, long timestamp)
    {
        Log.Detail($"copy segment {segment} to backup");
        var plain = await RepoFiles.ReadAllAsync(_repo, storedPath, CompressTypes.FromExtension(storedPath), archiveCipherPass, _backup.Cancellation).ConfigureAwait(false);
        var checksum = Wal.StoredChecksum(storedPath[(storedPath.LastIndexOf('/') + 1)..], segment);
        var name = "pg_data/" + _backup.PgControl.Version.WalDirectory + "/" + segment;
        var path = RepositoryLayout.BackupFilePath(_stanza, _manifest.Label, name, CompressTypes.Extension(_compressType));
        var pipeline = await RepoFiles.WriteAsync(_repo, path, plain, _compressType, _compressLevel, _manifest.CipherPass, _backup.Cancellation).ConfigureAwait(false);
        if (pipeline.Sha1Hex != checksum)
            throw new PgRestException(ErrorCode.Checksum, $"archived WAL segment '{_repo.Display(storedPath)}' does not match the checksum in its name");

        var pgData = _manifest.Paths.First(p => p.Name == "pg_data");
        const UnixFileMode readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        _manifest.Files.Add(new ManifestFile
        {
            Name = name,
            Size = (ulong)plain.Length,
            Timestamp = timestamp,
            Checksum = checksum,
            RepoSize = (ulong)pipeline.RepoSize,
            RepoChecksum = pipeline.IsTransformed ? pipeline.RepoSha1Hex : null,
            Mode = _manifest.EffectiveMode(pgData) & readable,
            User = pgData.User,
            Group = pgData.Group,
        });
    }

    /// <summary>Stores a file PostgreSQL hands over at backup stop (<c>backup_label</c>, <c>tablespace_map</c>).</summary>
    public async Task StoreGeneratedFileAsync(string name, string content, long timestamp)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        var path = RepositoryLayout.BackupFilePath(_stanza, _manifest.Label, name, CompressTypes.Extension(_compressType));
        var pipeline = await RepoFiles.WriteAsync(_repo, path, bytes, _compressType, _compressLevel, _manifest.CipherPass, _backup.Cancellation).ConfigureAwait(false);
        _manifest.Files.Add(new ManifestFile
        {
            Name = name,
            Size = (ulong)bytes.Length,
            Timestamp = timestamp,
            Checksum = bytes.Length == 0 ? null : pipeline.Sha1Hex,
            RepoSize = (ulong)pipeline.RepoSize,
            RepoChecksum = pipeline.IsTransformed ? pipeline.RepoSha1Hex : null,
        });
    }
}
