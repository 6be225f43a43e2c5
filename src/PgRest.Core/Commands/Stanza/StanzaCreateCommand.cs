using PgRest.Commands.Control;
using PgRest.Errors;
using PgRest.Info;
using PgRest.Logging;
using PgRest.Postgres;
using PgRest.Repository;
using PgRest.Storage.Posix;

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
            await FinishHalfCreatedAsync(repo, stanza, pgControl, archiveExists, cancellation).ConfigureAwait(false);
            return;
        }

        var archiveNotEmpty = await HasFilesAsync(repo, RepositoryLayout.ArchivePath(stanza), cancellation).ConfigureAwait(false);
        var backupNotEmpty = await HasFilesAsync(repo, RepositoryLayout.BackupPath(stanza), cancellation).ConfigureAwait(false);
        if (archiveNotEmpty || backupNotEmpty)
        {
            var which = archiveNotEmpty && backupNotEmpty ? "backup directory and/or archive" : archiveNotEmpty ? "archive" : "backup";
            throw new PgRestException(ErrorCode.PathNotEmpty,
                $"{which} directory not empty on {repo.Name}\nHINT: the stanza may have been deleted without removing its files; remove them or use another stanza name.");
        }

        await WalArchive.SaveInfoAsync(repo, stanza, NewArchiveInfo(repo, pgControl), cancellation).ConfigureAwait(false);
        await BackupStore.SaveInfoAsync(repo, stanza, NewBackupInfo(repo, pgControl), cancellation).ConfigureAwait(false);
    }

    /// <summary>
    /// One info file without the other is what a stanza-create killed between writing them leaves (archive.info is
    /// written first). When the side without its info file holds nothing else and the present one names this cluster,
    /// the missing file is written, as the killed run would have; otherwise it is the corruption pgBackRest reports.
    /// pgBackRest 2.45 refuses both cases with [055].
    /// </summary>
    private static async Task FinishHalfCreatedAsync(Repo repo, string stanza, PgControl pgControl, bool archiveExists, CancellationToken cancellation)
    {
        var (present, missing) = archiveExists ? ("archive.info", "backup.info") : ("backup.info", "archive.info");
        var missingSide = archiveExists ? RepositoryLayout.BackupPath(stanza) : RepositoryLayout.ArchivePath(stanza);
        if (await HasFilesAsync(repo, missingSide, cancellation).ConfigureAwait(false))
        {
            throw new PgRestException(ErrorCode.FileMissing,
                $"{present} exists but {missing} is missing on {repo.Name}\nHINT: this may be a symptom of repository corruption!");
        }

        var (version, systemId) = archiveExists ? Identity(await WalArchive.LoadInfoAsync(repo, stanza, cancellation).ConfigureAwait(false))
            : Identity(await BackupStore.LoadInfoAsync(repo, stanza, cancellation).ConfigureAwait(false));
        if (version != pgControl.DbVersion || systemId != pgControl.SystemId)
        {
            throw new PgRestException(ErrorCode.FileInvalid,
                $"{present} on {repo.Name} does not match the database\nHINT: it was created for PostgreSQL {version}, system-id {systemId}; the cluster is PostgreSQL {pgControl.DbVersion}, system-id {pgControl.SystemId}.");
        }

        Log.Info($"stanza '{stanza}' on {repo.Name} has {present} but no {missing} (an interrupted stanza-create): creating {missing}");
        if (archiveExists)
            await BackupStore.SaveInfoAsync(repo, stanza, NewBackupInfo(repo, pgControl), cancellation).ConfigureAwait(false);
        else
            await WalArchive.SaveInfoAsync(repo, stanza, NewArchiveInfo(repo, pgControl), cancellation).ConfigureAwait(false);
    }

    private static (string Version, ulong SystemId) Identity(ArchiveInfo info) => (info.DbVersion, info.SystemId);

    private static (string Version, ulong SystemId) Identity(BackupInfo info) => (info.DbVersion, info.SystemId);

    private static ArchiveInfo NewArchiveInfo(Repo repo, PgControl pgControl)
    {
        var info = new ArchiveInfo { CipherPass = repo.Encrypted ? BackupStore.NewCipherPass() : null };
        info.AddDb(pgControl.SystemId, pgControl.DbVersion);
        return info;
    }

    private static BackupInfo NewBackupInfo(Repo repo, PgControl pgControl)
    {
        var info = new BackupInfo { CipherPass = repo.Encrypted ? BackupStore.NewCipherPass() : null };
        info.AddDb(pgControl.SystemId, pgControl.DbVersion, pgControl.CatalogVersion, pgControl.ControlVersion);
        return info;
    }

    private static bool Matches(ArchiveInfo archiveInfo, BackupInfo backupInfo, PgControl pgControl) =>
        archiveInfo.DbVersion == pgControl.DbVersion && archiveInfo.SystemId == pgControl.SystemId
        && backupInfo.DbVersion == pgControl.DbVersion && backupInfo.SystemId == pgControl.SystemId;

    private static async Task<bool> InfoExistsAsync(Repo repo, string path, CancellationToken cancellation) =>
        await repo.Storage.InfoAsync(path, cancellation).ConfigureAwait(false) is not null
        || await repo.Storage.InfoAsync(path + RepositoryLayout.CopySuffix, cancellation).ConfigureAwait(false) is not null;

    /// <summary>Whether anything is below the path besides the temporary files of writes that never completed (a
    /// killed writer's, never read as data).</summary>
    private static async Task<bool> HasFilesAsync(Repo repo, string path, CancellationToken cancellation)
    {
        await foreach (var entry in repo.Storage.ListAsync(path, cancellation).ConfigureAwait(false))
        {
            if (!entry.Name.EndsWith(PosixStorage.TempSuffix, StringComparison.Ordinal))
                return true;
        }

        return false;
    }
}
