using PgRest.Config;
using PgRest.Errors;
using PgRest.Filters;
using PgRest.Info;
using PgRest.Logging;
using PgRest.Repository;

namespace PgRest.Commands.Backup;

/// <summary>
/// Resume of an interrupted backup (pgBackRest 2.45 <c>backupResume</c>): the newest backup directory without
/// <c>backup.manifest</c> is either taken over — same version, type, prior and compression — keeping the files its
/// saved <c>backup.manifest.copy</c> has checksums for, or removed. The kept files are checked against their repository
/// checksum again when the copy reaches them (<see cref="BackupCopier"/>).
/// </summary>
internal static class BackupResume
{
    /// <summary>
    /// Looks for a resumable backup for <paramref name="manifest"/> (whose label is not set yet). When one is taken over,
    /// sets the manifest's label (and, for a full backup, its cipher passphrase) and returns the names of the files kept;
    /// otherwise returns null, having removed any incomplete backup.
    /// </summary>
    public static async Task<HashSet<string>?> TryResumeAsync(BackupState backup, Func<ManifestFile, bool> isReferenced)
    {
        var (repo, stanza, config, backupInfo, manifest, compressType, cancellation) =
            (backup.Repo, backup.Stanza, backup.Config, backup.Info, backup.Manifest, backup.CompressType, backup.Cancellation);
        var newest = (await BackupStore.ListBackupDirectoriesAsync(repo, stanza, cancellation).ConfigureAwait(false)).LastOrDefault();

        var manifestPath = RepositoryLayout.ManifestPath(stanza, newest ?? "");
        if (newest is null || await repo.Storage.InfoAsync(manifestPath, cancellation).ConfigureAwait(false) is not null)
            return null;

        var resume = config.Get(Options.Resume);
        var reason = "partially deleted by prior resume or invalid";
        Manifest? resumed = null;
        if (await repo.Storage.InfoAsync(manifestPath + RepositoryLayout.CopySuffix, cancellation).ConfigureAwait(false) is not null)
        {
            reason = "resume is disabled";
            if (resume)
            {
                try
                {
                    resumed = await BackupStore.LoadManifestAsync(repo, stanza, newest, backupInfo, cancellation).ConfigureAwait(false);
                }
                catch (PgRestException)
                {
                    reason = $"unable to read <REPO:BACKUP>/{newest}/{RepositoryLayout.ManifestFile}{RepositoryLayout.CopySuffix}";
                }

                if (resumed is not null)
                    reason = BackupPlanner.WhyNotResumable(resumed, manifest, compressType, PgRestVersion.FormatVersion) ?? "";
            }
        }

        if (reason.Length > 0)
        {
            var message = $"backup '{newest}' cannot be resumed: {reason}";
            if (resume)
                Log.Warn(message);
            else
                Log.Info(message);
            await repo.Storage.PathRemoveAsync(RepositoryLayout.BackupLabelPath(stanza, newest), cancellation).ConfigureAwait(false);
            return null;
        }

        manifest.Label = newest;
        Log.Warn($"resumable backup {newest} of same type exists -- invalid files will be removed then the backup will resume");
        // The kept files of a full backup were encrypted with the resumed set's passphrase; diff/incr inherit the prior's anyway.
        if (manifest.Type == BackupType.Full)
            manifest.CipherPass = resumed!.CipherPass;

        var cleaner = new Cleaner(repo, manifest, resumed!, compressType, manifest.Options.Delta == true, isReferenced);
        await cleaner.CleanAsync(RepositoryLayout.BackupLabelPath(stanza, newest), null, cancellation).ConfigureAwait(false);
        return cleaner.Kept;
    }

    /// <summary>Removes from the resumed directory whatever the new manifest cannot take over, as pgBackRest's <c>backupResumeClean</c>.</summary>
    private sealed class Cleaner(Repo repo, Manifest manifest, Manifest resumed, CompressType compressType, bool delta, Func<ManifestFile, bool> isReferenced)
    {
        private readonly HashSet<string> _paths = manifest.Paths.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        private readonly Dictionary<string, ManifestFile> _files = manifest.Files.ToDictionary(f => f.Name, StringComparer.Ordinal);
        private readonly Dictionary<string, ManifestFile> _resumedFiles = resumed.Files.ToDictionary(f => f.Name, StringComparer.Ordinal);

        public HashSet<string> Kept { get; } = new(StringComparer.Ordinal);

        public async Task CleanAsync(string repoPath, string? manifestParent, CancellationToken cancellation)
        {
            var entries = new List<Storage.StorageInfo>();
            await foreach (var entry in repo.Storage.ListAsync(repoPath, cancellation).ConfigureAwait(false))
                entries.Add(entry);
            entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));

            foreach (var entry in entries)
            {
                // The saved manifest stays so that a failure before the next save can still be resumed.
                if (manifestParent is null && entry.Name == RepositoryLayout.ManifestFile + RepositoryLayout.CopySuffix)
                    continue;
                var manifestName = manifestParent is null ? entry.Name : manifestParent + "/" + entry.Name;
                var path = repoPath + "/" + entry.Name;
                switch (entry.Type)
                {
                    case Storage.StorageEntryType.Path:
                        if (_paths.Contains(manifestName))
                        {
                            await CleanAsync(path, manifestName, cancellation).ConfigureAwait(false);
                        }
                        else
                        {
                            Log.Detail($"remove path '{repo.Display(path)}' from resumed backup");
                            await repo.Storage.PathRemoveAsync(path, cancellation).ConfigureAwait(false);
                        }

                        break;

                    case Storage.StorageEntryType.File:
                        var reason = TryKeep(manifestName);
                        if (reason is not null)
                        {
                            Log.Detail($"remove file '{repo.Display(path)}' from resumed backup ({reason})");
                            await repo.Storage.RemoveAsync(path, cancellationToken: cancellation).ConfigureAwait(false);
                        }

                        break;

                    default:
                        // Links are recreated by the backup when needed.
                        await repo.Storage.RemoveAsync(path, cancellationToken: cancellation).ConfigureAwait(false);
                        break;
                }
            }
        }

        /// <summary>Null when the file is kept (its entry takes the resumed checksums), else why it is removed.</summary>
        private string? TryKeep(string storedName)
        {
            var fileCompress = CompressTypes.FromExtension(storedName);
            var name = storedName[..^CompressTypes.Extension(fileCompress).Length];
            var file = _files.GetValueOrDefault(name);
            var saved = _resumedFiles.GetValueOrDefault(name);
            if (BackupPlanner.WhyNotKept(fileCompress, compressType, file, saved, delta, file is not null && isReferenced(file)) is { } reason)
                return reason;

            file!.Checksum = saved!.Checksum;
            file.RepoSize = saved.RepoSize;
            file.RepoChecksum = saved.RepoChecksum;
            file.ChecksumPage = saved.ChecksumPage;
            file.ChecksumPageErrors = saved.ChecksumPageErrors;
            Kept.Add(name);
            return null;
        }
    }
}
