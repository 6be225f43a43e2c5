using PgRest.Commands.Control;
using PgRest.Errors;
using PgRest.Info;
using PgRest.Logging;
using PgRest.Postgres;
using PgRest.Repository;

namespace PgRest.Commands.Stanza;

/// <summary><c>stanza-create</c>: archive.info and backup.info (with copies) on every repository; idempotent.</summary>
public static class StanzaCreateCommand
{
    public static async Task RunAsync(CommandContext context)
    {
        var config = context.Config;
        var stanza = context.Stanza;
        StopFile.ThrowIfStopped(config, stanza);

        var pgControl = await ClusterAccess.ReadIdentityAsync(context).ConfigureAwait(false);

        foreach (var repo in context.Repos)
        {
            Log.Info($"stanza-create for stanza '{stanza}' on {repo.Name}");
            await CreateOnRepoAsync(context, repo, stanza, pgControl).ConfigureAwait(false);
        }
    }

    private static async Task CreateOnRepoAsync(CommandContext context, Repo repo, string stanza, PgControl pgControl)
    {
        var cancellation = context.Cancellation;
        var archiveExists = await InfoExistsAsync(repo, RepositoryLayout.ArchiveInfoPath(stanza), cancellation).ConfigureAwait(false);
        var backupExists = await InfoExistsAsync(repo, RepositoryLayout.BackupInfoPath(stanza), cancellation).ConfigureAwait(false);

        if (archiveExists && backupExists)
        {
            var archiveInfo = await WalArchive.LoadInfoAsync(repo, stanza, cancellation).ConfigureAwait(false);
            var backupInfo = await BackupStore.LoadInfoAsync(repo, stanza, cancellation).ConfigureAwait(false);
            if (Matches(archiveInfo, backupInfo, pgControl))
            {
                Log.Info($"stanza '{stanza}' already exists on {repo.Name} and is valid");
                return;
            }

            throw new PgRestException(ErrorCode.FileInvalid,
                $"backup info file or archive info file on {repo.Name} do not match the database" +
                $"\nHINT: the stanza was created for PostgreSQL {backupInfo.DbVersion}, system-id {backupInfo.SystemId}; the cluster is PostgreSQL {pgControl.DbVersion}, system-id {pgControl.SystemId}." +
                "\nHINT: is this the correct stanza? use stanza-upgrade if the PostgreSQL version has changed.");
        }

        if (archiveExists != backupExists)
        {
            var (present, missing) = archiveExists ? ("archive.info", "backup.info") : ("backup.info", "archive.info");
            throw new PgRestException(ErrorCode.FileMissing,
                $"{present} exists but {missing} is missing on {repo.Name}\nHINT: this may be a symptom of repository corruption!");
        }

        if (await HasFilesAsync(repo, RepositoryLayout.ArchivePath(stanza), cancellation).ConfigureAwait(false)
            || await HasFilesAsync(repo, RepositoryLayout.BackupPath(stanza), cancellation).ConfigureAwait(false))
        {
            throw new PgRestException(ErrorCode.PathNotEmpty,
                $"backup directory and/or archive directory not empty on {repo.Name}\nHINT: the stanza may have been deleted without removing its files; remove them or use another stanza name.");
        }

        var newArchiveInfo = new ArchiveInfo { CipherPass = repo.Encrypted ? BackupStore.NewCipherPass() : null };
        newArchiveInfo.AddDb(pgControl.SystemId, pgControl.DbVersion);
        var newBackupInfo = new BackupInfo { CipherPass = repo.Encrypted ? BackupStore.NewCipherPass() : null };
        newBackupInfo.AddDb(pgControl.SystemId, pgControl.DbVersion, pgControl.CatalogVersion, pgControl.ControlVersion);

        await WalArchive.SaveInfoAsync(repo, stanza, newArchiveInfo, cancellation).ConfigureAwait(false);
        await BackupStore.SaveInfoAsync(repo, stanza, newBackupInfo, cancellation).ConfigureAwait(false);
    }

    private static bool Matches(ArchiveInfo archiveInfo, BackupInfo backupInfo, PgControl pgControl) =>
        archiveInfo.DbVersion == pgControl.DbVersion && archiveInfo.SystemId == pgControl.SystemId
        && backupInfo.DbVersion == pgControl.DbVersion && backupInfo.SystemId == pgControl.SystemId;

    private static async Task<bool> InfoExistsAsync(Repo repo, string path, CancellationToken cancellation) =>
        await repo.Storage.InfoAsync(path, cancellation).ConfigureAwait(false) is not null
        || await repo.Storage.InfoAsync(path + RepositoryLayout.CopySuffix, cancellation).ConfigureAwait(false) is not null;

    private static async Task<bool> HasFilesAsync(Repo repo, string path, CancellationToken cancellation)
    {
        await foreach (var _ in repo.Storage.ListAsync(path, cancellation).ConfigureAwait(false))
            return true;
        return false;
    }
}
