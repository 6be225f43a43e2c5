using System.Security.Cryptography;
using System.Text;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Filters;
using PgRest.Info;
using PgRest.Storage;

namespace PgRest.Repository;

/// <summary>The backup side of a repository: backup.info, manifests and their history copies.</summary>
public static class BackupStore
{
    public static async Task<BackupInfo> LoadInfoAsync(Repo repo, string stanza, CancellationToken cancellationToken)
    {
        try
        {
            var info = await InfoStore.LoadAsync(repo, RepositoryLayout.BackupInfoPath(stanza), repo.CipherPass, BackupInfo.Parse, ignoreMissing: false, cancellationToken).ConfigureAwait(false);
            return info!;
        }
        catch (PgRestException e)
        {
            throw InfoLoadError(e);
        }
    }

    /// <summary>A backup.info that cannot be loaded (missing, corrupt, undecryptable), with pgBackRest's hints.</summary>
    public static PgRestException InfoLoadError(PgRestException e) => e.Reaching ? e : new(e.Code, e.Message +
        "\nHINT: backup.info cannot be opened and is required to perform a backup." +
        "\nHINT: has a stanza-create been performed?", e);

    public static Task SaveInfoAsync(Repo repo, string stanza, BackupInfo info, CancellationToken cancellationToken) =>
        InfoStore.SaveAsync(repo, RepositoryLayout.BackupInfoPath(stanza), info.Serialize(PgRestVersion.FormatVersion), repo.CipherPass, cancellationToken);

    /// <summary>Loads a backup's manifest, encrypted with the manifest passphrase kept in backup.info.</summary>
    public static async Task<Manifest> LoadManifestAsync(Repo repo, string stanza, string label, BackupInfo backupInfo, CancellationToken cancellationToken)
    {
        var manifest = await InfoStore.LoadAsync(repo, RepositoryLayout.ManifestPath(stanza, label), backupInfo.CipherPass, Manifest.Parse, ignoreMissing: false, cancellationToken).ConfigureAwait(false);
        return manifest!;
    }

    /// <summary>
    /// Saves the serialized in-progress manifest (<c>backup.manifest.copy</c> only): the backup is not complete yet, and an
    /// interrupted one is resumed from it.
    /// </summary>
    public static Task SaveManifestCopyAsync(Repo repo, string stanza, string label, string manifestText, BackupInfo backupInfo, CancellationToken cancellationToken) =>
        InfoStore.WriteBytesAsync(repo, RepositoryLayout.ManifestPath(stanza, label) + RepositoryLayout.CopySuffix,
            Encoding.UTF8.GetBytes(manifestText), backupInfo.CipherPass, cancellationToken);

    /// <summary>
    /// Completes a backup's manifest: <c>.copy</c> first, then <c>backup.manifest</c> (whose existence marks the backup
    /// complete), then the gzip history copy.
    /// </summary>
    public static async Task SaveManifestFinalAsync(Repo repo, string stanza, Manifest manifest, BackupInfo backupInfo, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(manifest.Serialize(PgRestVersion.FormatVersionOf(manifest)));
        var path = RepositoryLayout.ManifestPath(stanza, manifest.Label);
        await InfoStore.WriteBytesAsync(repo, path + RepositoryLayout.CopySuffix, bytes, backupInfo.CipherPass, cancellationToken).ConfigureAwait(false);
        await InfoStore.WriteBytesAsync(repo, path, bytes, backupInfo.CipherPass, cancellationToken).ConfigureAwait(false);
        // History manifests are always gzip level 9, encrypted with the manifest passphrase.
        await RepoFiles.WriteAsync(repo, RepositoryLayout.HistoryManifestPath(stanza, manifest.Label), bytes, CompressType.Gz, 9, backupInfo.CipherPass, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The backup directories of the stanza (labels, oldest first), whether backup.info lists them or not: a complete
    /// backup, one being written, one left by an interrupted backup.
    /// </summary>
    public static Task<List<string>> ListBackupDirectoriesAsync(Repo repo, string stanza, CancellationToken cancellationToken) =>
        repo.Storage.NamesAsync(RepositoryLayout.BackupPath(stanza), StorageEntryType.Path, BackupLabels.IsLabel, cancellationToken);

    /// <summary>A sub-passphrase: 48 random bytes in base64 (64 characters), as stanza-create and full backups make.</summary>
    public static string NewCipherPass() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
}
