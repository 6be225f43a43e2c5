using System.Globalization;
using System.Text;
using PgRest.Errors;
using PgRest.Filters;
using PgRest.Info;
using PgRest.Logging;
using PgRest.Postgres;
using PgRest.Repository;
using PgRest.Storage;

namespace PgRest.Commands.Verify;

/// <summary>
/// Verifies one stanza of one repository the way pgBackRest 2.45 does (pgbackrest-format.md, "8.4 verify text output"): info files and their copies, every
/// WAL segment in every archive id, then every backup's manifest and files. Counts everything that is wrong; only a
/// repository that cannot be read at all throws.
/// </summary>
internal sealed class RepositoryVerifier
{
    private readonly Repo _repo;
    private readonly string _stanza;
    private readonly int _processMax;
    private readonly CancellationToken _cancellation;
    private readonly ArchiveWalker _archive;
    private readonly List<ArchiveIdResult> _archiveResults = [];
    private readonly List<BackupResult> _backupResults = [];
    private readonly bool _showProgress;
    private int _errorTotal;
    private ProgressMeter? _progress;

    public RepositoryVerifier(Repo repo, string stanza, int processMax, bool showProgress, CancellationToken cancellation)
    {
        _showProgress = showProgress;
        _repo = repo;
        _stanza = stanza;
        _processMax = Math.Max(1, processMax);
        _cancellation = cancellation;
        _archive = new ArchiveWalker(repo, stanza, cancellation);
    }

    /// <summary>Runs every check; returns the report (empty when there is nothing to say and not verbose).</summary>
    public async Task<string> RunAsync(bool verbose)
    {
        var report = new StringBuilder();

        var backupInfo = await LoadInfoPairAsync(RepositoryLayout.BackupInfoPath(_stanza), RepositoryLayout.BackupInfoFile, BackupInfo.Parse).ConfigureAwait(false);
        if (backupInfo is null)
        {
            report.Append("\n  No usable backup.info file");
            _errorTotal++;
        }

        var archiveInfo = await LoadInfoPairAsync(RepositoryLayout.ArchiveInfoPath(_stanza), RepositoryLayout.ArchiveInfoFile, ArchiveInfo.Parse).ConfigureAwait(false);
        if (archiveInfo is null)
        {
            report.Append("\n  No usable archive.info file");
            _errorTotal++;
        }

        if (archiveInfo is not null && backupInfo is not null && CheckHistory(archiveInfo, backupInfo) is { } historyError)
        {
            report.Append('\n').Append(historyError);
            _errorTotal++;
        }

        if (_errorTotal == 0)
        {
            var archiveIds = await _archive.ArchiveIdsAsync().ConfigureAwait(false);
            var labels = await ListBackupLabelsAsync().ConfigureAwait(false);
            if (archiveIds.Count > 0 || labels.Count > 0)
            {
                if (archiveIds.Count == 0 || labels.Count == 0)
                    Log.Detail($"no {(archiveIds.Count == 0 ? "archives" : "backups")} exist in the repo");

                // The newest backup directory that backup.info does not list yet may be a backup still running.
                var possiblyInProgress = labels.Count > 0 && !backupInfo!.Current.ContainsKey(labels[^1]) ? labels[^1] : null;
                CheckArchiveIdsInHistory(archiveIds, archiveInfo!);

                using (var progress = new ProgressMeter("verify", 0, 0, ProgressMeter.LineWanted(_showProgress)))
                {
                    _progress = progress;
                    foreach (var archiveId in archiveIds)
                        await VerifyArchiveIdAsync(archiveId, archiveInfo!.CipherPass).ConfigureAwait(false);
                    foreach (var label in labels)
                        await VerifyBackupAsync(label, label == possiblyInProgress, archiveInfo!, backupInfo!.CipherPass).ConfigureAwait(false);
                }

                report.Clear().Append(VerifyReport.Render(_archiveResults, _backupResults, verbose));
            }
            else
            {
                report.Append("\n    no archives or backups exist in the repo");
            }
        }

        if (!verbose && _errorTotal == 0)
            return "";
        return $"stanza: {_stanza}\nstatus: {(_errorTotal > 0 ? "error" : "ok")}{report}";
    }

    /// <summary>
    /// Loads an info file: when the main file is good the copy is only compared with it (a difference is reported, the
    /// main is trusted); otherwise the copy is used if it is good. Null when neither is usable.
    /// </summary>
    private async Task<T?> LoadInfoPairAsync<T>(string path, string fileName, Func<string, T> parse) where T : class
    {
        var main = await FileVerifier.LoadInfoAsync(_repo, path, _repo.CipherPass, parse, _cancellation).ConfigureAwait(false);
        if (main.Usable)
        {
            var copy = await FileVerifier.LoadInfoAsync<T>(_repo, path + RepositoryLayout.CopySuffix, _repo.CipherPass, null, _cancellation).ConfigureAwait(false);
            if (copy.Usable && copy.Sha1 != main.Sha1)
                Log.Detail($"{fileName}.copy does not match {fileName}");
            return main.Value;
        }

        var fallback = await FileVerifier.LoadInfoAsync(_repo, path + RepositoryLayout.CopySuffix, _repo.CipherPass, parse, _cancellation).ConfigureAwait(false);
        return fallback.Value;
    }

    /// <summary>archive.info and backup.info must describe the same current cluster and the same history.</summary>
    private static string? CheckHistory(ArchiveInfo archiveInfo, BackupInfo backupInfo)
    {
        if (archiveInfo.DbId != backupInfo.DbId || archiveInfo.SystemId != backupInfo.SystemId || archiveInfo.DbVersion != backupInfo.DbVersion)
        {
            return "backup info file and archive info file do not match\n" +
                $"archive: id = {archiveInfo.DbId}, version = {archiveInfo.DbVersion}, system-id = {archiveInfo.SystemId}\n" +
                $"backup : id = {backupInfo.DbId}, version = {backupInfo.DbVersion}, system-id = {backupInfo.SystemId}\n" +
                "HINT: this may be a symptom of repository corruption!";
        }

        return archiveInfo.Db.SameClusters(backupInfo.Db) ? null : "archive and backup history lists do not match";
    }

    private Task<List<string>> ListBackupLabelsAsync() => BackupStore.ListBackupDirectoriesAsync(_repo, _stanza, _cancellation);

    private void CheckArchiveIdsInHistory(List<string> archiveIds, ArchiveInfo archiveInfo)
    {
        var known = archiveInfo.History.Select(entry => entry.ArchiveId).ToHashSet(StringComparer.Ordinal);
        var unknown = archiveIds.Where(id => !known.Contains(id)).ToList();
        if (unknown.Count > 0)
        {
            Log.Info($"archiveIds '{string.Join(", ", unknown)}' are not in the archive.info history list");
            _errorTotal++;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // WAL archive

    private async Task VerifyArchiveIdAsync(string archiveId, string? walCipherPass)
    {
        var result = new ArchiveIdResult(archiveId);
        _archiveResults.Add(result);

        var walPaths = await _archive.SegmentDirectoriesAsync(archiveId).ConfigureAwait(false);
        if (walPaths.Count == 0)
        {
            Log.Detail($"archive path '{archiveId}' is empty");
            return;
        }

        var archiveIdPath = RepositoryLayout.ArchiveIdPath(_stanza, archiveId);
        foreach (var walPath in walPaths)
        {
            var files = await _archive.SegmentsAsync(archiveId, walPath).ConfigureAwait(false);
            if (files.Count > 0)
            {
                if (result.WalSegmentSize == 0)
                    result.WalSegmentSize = await ReadWalSegmentSizeAsync(archiveIdPath + "/" + walPath, files, walCipherPass).ConfigureAwait(false);
                result.TotalWalFile += files.Count;
                files = AddToRanges(result, files);
            }

            if (files.Count == 0)
            {
                Log.Detail($"path '{archiveId}/{walPath}' does not contain any valid WAL to be processed");
                continue;
            }

            var checks = files.Select(file => new FileCheck(
                archiveIdPath + "/" + walPath + "/" + file, 0, null, CompressTypes.FromExtension(file), false,
                file.Substring(WalSegmentName.Length + 1, 40), result.WalSegmentSize, walCipherPass)).ToList();
            var outcomes = await CheckAllAsync(checks).ConfigureAwait(false);

            for (var i = 0; i < files.Count; i++)
            {
                var name = archiveId + "/" + walPath + "/" + files[i];
                var outcome = outcomes[i];
                if (outcome.Result == VerifyResult.Ok)
                {
                    result.TotalValidWal++;
                    result.ValidSegments.Add(files[i][..WalSegmentName.Length]);
                    continue;
                }

                // A segment that vanished may have been expired meanwhile: worth a warning, not an error.
                if (outcome.Result == VerifyResult.FileMissing)
                    Log.Warn($"{VerifyReport.Describe(outcome.Result)} '{name}'");
                else
                    LogInvalid(name, outcome);
                result.InvalidFiles.Add(new InvalidFile(name, outcome.Result));
            }
        }
    }

    /// <summary>
    /// The segment size from the header of the first segment that can be read; pgBackRest gives up on the whole command
    /// when the first one is damaged, pgrest tries the next and falls back to the 16 MiB default.
    /// </summary>
    private async Task<uint> ReadWalSegmentSizeAsync(string directory, List<string> files, string? cipherPass)
    {
        foreach (var file in files)
        {
            var path = directory + "/" + file;
            try
            {
                var head = await FileVerifier.ReadHeadAsync(_repo, path, CompressTypes.FromExtension(file), cipherPass, WalHeader.Size, _cancellation).ConfigureAwait(false);
                return WalHeader.Read(head).SegmentSize;
            }
            catch (Exception e) when (e is PgRestException or IOException or InvalidDataException or System.Security.Cryptography.CryptographicException)
            {
                Log.Detail($"unable to read the WAL header of '{_repo.Display(path)}': {e.Message}");
            }
        }

        return WalSegmentName.DefaultSegmentSize;
    }

    /// <summary>
    /// Extends the archive id's ranges with a sorted list of one directory's segments; segments stored more than once
    /// are reported and left out (they are counted, never checked). Returns the files left to check.
    /// </summary>
    private List<string> AddToRanges(ArchiveIdResult result, List<string> files)
    {
        var unique = new List<string>(files.Count);
        for (var i = 0; i < files.Count;)
        {
            var segment = files[i][..WalSegmentName.Length];
            var end = i + 1;
            while (end < files.Count && files[end].StartsWith(segment, StringComparison.Ordinal))
                end++;
            if (end - i > 1)
            {
                Log.Info($"duplicate WAL '{segment}' for '{result.ArchiveId}' exists, skipping");
                _errorTotal++;
            }
            else
            {
                unique.Add(files[i]);
            }

            i = end;
        }

        foreach (var file in unique)
        {
            var segment = file[..WalSegmentName.Length];
            var last = result.Ranges.Count > 0 ? result.Ranges[^1] : null;
            if (last is not null && last.Stop.AsSpan(0, 8).SequenceEqual(segment.AsSpan(0, 8)) &&
                WalSegmentName.Parse(last.Stop).Next(result.WalSegmentSize).ToString() == segment)
                last.Stop = segment;
            else
                result.Ranges.Add(new WalRange(segment));
        }

        return unique;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Backups

    private async Task VerifyBackupAsync(string label, bool possiblyInProgress, ArchiveInfo archiveInfo, string? manifestCipherPass)
    {
        var result = new BackupResult(label);
        _backupResults.Add(result);

        var manifest = await LoadManifestAsync(result, possiblyInProgress, manifestCipherPass, archiveInfo).ConfigureAwait(false);
        if (manifest is null)
            return;

        if (manifest.Files.Count == 0)
        {
            Log.Info($"backup '{label}' manifest does not contain any target files to verify");
            _errorTotal++;
            result.Status = BackupStatus.Invalid;
            return;
        }

        result.TotalFileManifest = manifest.Files.Count;
        var compressType = CompressTypes.Parse(manifest.Options.CompressType);
        var extension = CompressTypes.Extension(compressType);
        var names = new List<string>();
        var checks = new List<FileCheck>();
        foreach (var file in manifest.Files)
        {
            result.TotalFileVerify++;

            // Empty files are not stored in bundles: nothing to read.
            if (file.Size == 0 && manifest.Bundle)
            {
                result.TotalFileValid++;
                continue;
            }

            var storedName = file.Name + (file.BlockIncrSize > 0 && file.BundleId is null ? RepositoryLayout.BlockIncrExtension : extension);
            var fileLabel = label;
            if (file.Reference is { } reference)
            {
                var prior = _backupResults.Find(r => r.Label == reference);
                if (prior is { FileVerifyComplete: true })
                {
                    // Already judged with the backup it lives in: reuse that verdict instead of reading it again.
                    if (prior.InvalidFiles.TryGetValue(reference + "/" + storedName, out var invalid))
                    {
                        result.AddInvalid(invalid);
                        result.Status = BackupStatus.Invalid;
                    }
                    else
                    {
                        result.TotalFileValid++;
                    }

                    continue;
                }

                fileLabel = reference;
            }

            names.Add(fileLabel + "/" + storedName);
            checks.Add(BuildCheck(manifest, file, fileLabel, storedName, compressType));
        }

        var outcomes = await CheckAllAsync(checks).ConfigureAwait(false);
        for (var i = 0; i < checks.Count; i++)
        {
            if (outcomes[i].Result == VerifyResult.Ok)
            {
                result.TotalFileValid++;
                continue;
            }

            LogInvalid(names[i], outcomes[i]);
            result.Status = BackupStatus.Invalid;
            result.AddInvalid(new InvalidFile(names[i], outcomes[i].Result));
        }

        result.FileVerifyComplete = true;
        ReportMissingBackupWal(manifest);
    }

    /// <summary>
    /// The check for one manifest file: the stored bytes against <c>rck</c>/<c>repo-size</c> when the manifest has them
    /// (no need to decrypt or decompress), else the plain content against <c>checksum</c>/<c>size</c>.
    /// </summary>
    private FileCheck BuildCheck(Manifest manifest, ManifestFile file, string fileLabel, string storedName, CompressType compressType)
    {
        string path;
        long offset = 0;
        long? limit = null;
        if (file.BundleId is { } bundleId)
        {
            path = RepositoryLayout.BundlePath(_stanza, fileLabel, bundleId);
            offset = (long)file.BundleOffset;
            limit = (long)file.EffectiveRepoSize;
        }
        else
        {
            path = RepositoryLayout.BackupFilePath(_stanza, fileLabel, storedName, "");
        }

        return file.RepoChecksum is { } repoChecksum
            ? new FileCheck(path, offset, limit, CompressType.None, false, repoChecksum, file.EffectiveRepoSize, null)
            : new FileCheck(path, offset, limit, compressType, manifest.BundleRaw, file.EffectiveChecksum ?? ManifestFile.ZeroChecksum, file.Size, manifest.CipherPass);
    }

    /// <summary>
    /// Picks the manifest to verify a backup with: the main file (its copy only compared), else a usable copy. A
    /// backup.info-unknown newest backup without a main manifest is taken as still running and skipped. The manifest's
    /// cluster must be in the archive history.
    /// </summary>
    private async Task<Manifest?> LoadManifestAsync(BackupResult result, bool possiblyInProgress, string? cipherPass, ArchiveInfo archiveInfo)
    {
        var path = RepositoryLayout.ManifestPath(_stanza, result.Label);
        Manifest? manifest = null;
        var main = await FileVerifier.LoadInfoAsync(_repo, path, cipherPass, Manifest.Parse, _cancellation).ConfigureAwait(false);
        if (main.Usable)
        {
            manifest = main.Value;
            var copy = await FileVerifier.LoadInfoAsync<Manifest>(_repo, path + RepositoryLayout.CopySuffix, cipherPass, null, _cancellation).ConfigureAwait(false);
            if (copy.Usable && copy.Sha1 != main.Sha1)
                Log.Detail($"backup '{result.Label}' manifest.copy does not match manifest");
        }
        else if (possiblyInProgress && main.Error == ErrorCode.FileMissing)
        {
            result.Status = BackupStatus.InProgress;
            Log.Info($"backup '{result.Label}' appears to be in progress, skipping");
        }
        else
        {
            var copy = await FileVerifier.LoadInfoAsync(_repo, path + RepositoryLayout.CopySuffix, cipherPass, Manifest.Parse, _cancellation).ConfigureAwait(false);
            if (copy.Usable)
            {
                Log.Detail($"{result.Label}/{RepositoryLayout.ManifestFile} is missing or unusable, using copy");
                manifest = copy.Value;
            }
            else if (main.Error == ErrorCode.FileMissing && copy.Error == ErrorCode.FileMissing)
            {
                result.Status = BackupStatus.ManifestMissing;
                Log.Detail($"manifest missing for '{result.Label}' - backup may have expired");
            }
        }

        if (manifest is not null && !archiveInfo.History.Any(entry =>
                entry.Id == manifest.DbId && entry.SystemId == manifest.SystemId && entry.Version == manifest.DbVersion))
        {
            Log.Info($"'{result.Label}' may not be recoverable - PG data (id {manifest.DbId}, version {manifest.DbVersion}, " +
                $"system-id {manifest.SystemId}) is not in the backup.info history, skipping");
            manifest = null;
        }

        if (manifest is null && result.Status == BackupStatus.Valid)
        {
            result.Status = BackupStatus.Invalid;
            _errorTotal++;
        }

        return manifest;
    }

    /// <summary>
    /// pgBackRest 2.45 does not check that the WAL a backup needs to be consistent is in the archive (its status stays
    /// valid); pgrest says so in the log without changing the status, so both tools report the same.
    /// </summary>
    private void ReportMissingBackupWal(Manifest manifest)
    {
        if (manifest.ArchiveStart is not { } start || manifest.ArchiveStop is not { } stop || manifest.Options.ArchiveCopy)
            return;
        if (!WalSegmentName.TryParse(start, out var first) || !WalSegmentName.TryParse(stop, out var last))
            return;

        var archiveId = RepositoryLayout.ArchiveId(manifest.DbVersion, manifest.DbId);
        var archive = _archiveResults.Find(r => r.ArchiveId == archiveId);
        var segmentSize = archive is { WalSegmentSize: > 0 } ? archive.WalSegmentSize : WalSegmentName.DefaultSegmentSize;
        var missing = WalSegmentName.Range(first, last, segmentSize)
            .Select(segment => segment.ToString())
            .Where(segment => archive is null || !archive.ValidSegments.Contains(segment))
            .ToList();
        if (missing.Count > 0)
        {
            Log.Info($"backup '{manifest.Label}' needs WAL {start} to {stop} but {missing.Count} segment(s) are missing or invalid " +
                $"in archive '{archiveId}' (first: {missing[0]}): the backup cannot be made consistent from this repository");
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>Runs the checks with <c>process-max</c> in flight; outcomes in the order of <paramref name="checks"/>.</summary>
    private async Task<FileCheckOutcome[]> CheckAllAsync(IReadOnlyList<FileCheck> checks)
    {
        var outcomes = new FileCheckOutcome[checks.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = _processMax, CancellationToken = _cancellation };
        _progress?.AddTotal(checks.Sum(c => (long)c.ExpectedSize), checks.Count);
        await Parallel.ForAsync(0, checks.Count, options, async (index, cancellation) =>
        {
            outcomes[index] = await FileVerifier.CheckAsync(_repo, checks[index], cancellation).ConfigureAwait(false);
            _progress?.FileDone((long)checks[index].ExpectedSize);
        }).ConfigureAwait(false);
        return outcomes;
    }

    private void LogInvalid(string name, FileCheckOutcome outcome)
    {
        _errorTotal++;
        if (outcome.Error is { } error)
            Log.Info($"{VerifyReport.Describe(VerifyResult.OtherError)} {name}: [{error.ExitCode}] {error.Message}");
        else
            Log.Info($"{VerifyReport.Describe(outcome.Result)} '{name}'");
    }
}
