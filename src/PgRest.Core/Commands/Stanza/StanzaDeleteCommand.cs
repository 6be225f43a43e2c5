using PgRest.Commands.Control;
using PgRest.Errors;
using PgRest.Repository;
using PgRest.Storage;
using PgRest.Config;

namespace PgRest.Commands.Stanza;

/// <summary>
/// <c>stanza-delete</c>: removes the stanza's archive and backup paths from one repository (<c>--repo</c>, required when
/// several are configured). It requires a prior <c>stop</c> of the stanza, even with <c>--force</c>, and refuses while
/// PostgreSQL runs (postmaster.pid exists) unless <c>--force</c>. The info files go first, then every manifest, so an
/// interrupted delete never leaves anything that looks like a valid stanza or a complete backup. The stop file is
/// removed at the end.
/// </summary>
public static class StanzaDeleteCommand
{
    public static async Task<int> RunAsync(CommandContext context)
    {
        var config = context.Config;
        var stanza = context.Stanza;
        if (context.Repos.Count > 1 && !context.RepoSelected)
        {
            throw new PgRestException(ErrorCode.OptionRequired,
                "stanza-delete command requires option: repo\nHINT: this command requires a specific repository to operate on");
        }

        var repo = context.TargetRepo;
        var storage = repo.Storage;
        var cancellation = context.Cancellation;
        var archivePath = RepositoryLayout.ArchivePath(stanza);
        var backupPath = RepositoryLayout.BackupPath(stanza);
        var archiveExists = await storage.InfoAsync(archivePath, cancellation).ConfigureAwait(false) is not null;
        var backupExists = await storage.InfoAsync(backupPath, cancellation).ConfigureAwait(false) is not null;
        if (!archiveExists && !backupExists)
            return 0;

        var archiveNotEmpty = archiveExists && await HasEntriesAsync(storage, archivePath, cancellation).ConfigureAwait(false);
        var backupNotEmpty = backupExists && await HasEntriesAsync(storage, backupPath, cancellation).ConfigureAwait(false);
        if (archiveNotEmpty || backupNotEmpty)
        {
            if (!File.Exists(StopFile.PathFor(config, stanza)))
            {
                throw new PgRestException(ErrorCode.FileMissing,
                    $"stop file does not exist for stanza '{stanza}'\nHINT: has the pgbackrest stop command been run on this server for this stanza?");
            }

            if (!config.Get(Options.Force)
                && await context.PgHost(1).FileExistsAsync(Path.Combine(context.PgPath, "postmaster.pid"), cancellation).ConfigureAwait(false))
            {
                throw new PgRestException(ErrorCode.PgRunning,
                    $"postmaster.pid exists - looks like PostgreSQL is running. To delete stanza '{stanza}' on {repo.Name}, shut down PostgreSQL for stanza '{stanza}' and try again, or use --force.");
            }

            if (archiveNotEmpty)
            {
                await storage.RemoveAsync(RepositoryLayout.ArchiveInfoPath(stanza), cancellationToken: cancellation).ConfigureAwait(false);
                await storage.RemoveAsync(RepositoryLayout.ArchiveInfoPath(stanza) + RepositoryLayout.CopySuffix, cancellationToken: cancellation).ConfigureAwait(false);
            }

            if (backupNotEmpty)
            {
                await storage.RemoveAsync(RepositoryLayout.BackupInfoPath(stanza), cancellationToken: cancellation).ConfigureAwait(false);
                await storage.RemoveAsync(RepositoryLayout.BackupInfoPath(stanza) + RepositoryLayout.CopySuffix, cancellationToken: cancellation).ConfigureAwait(false);
                await RemoveManifestsAsync(storage, stanza, cancellation).ConfigureAwait(false);
            }
        }

        if (archiveExists)
            await storage.PathRemoveAsync(archivePath, cancellation).ConfigureAwait(false);
        if (backupExists)
            await storage.PathRemoveAsync(backupPath, cancellation).ConfigureAwait(false);

        // Without info files no command can be running on the stanza any more, so the stop is no longer needed.
        File.Delete(StopFile.PathFor(config, stanza));
        return 0;
    }

    private static async Task RemoveManifestsAsync(IStorage storage, string stanza, CancellationToken cancellation)
    {
        var labels = await storage.NamesAsync(RepositoryLayout.BackupPath(stanza), StorageEntryType.Path, BackupLabels.IsLabel, cancellation).ConfigureAwait(false);
        foreach (var label in labels)
        {
            var manifest = RepositoryLayout.ManifestPath(stanza, label);
            await storage.RemoveAsync(manifest, cancellationToken: cancellation).ConfigureAwait(false);
            await storage.RemoveAsync(manifest + RepositoryLayout.CopySuffix, cancellationToken: cancellation).ConfigureAwait(false);
        }
    }

    private static async Task<bool> HasEntriesAsync(IStorage storage, string path, CancellationToken cancellation)
    {
        await foreach (var _ in storage.ListAsync(path, cancellation).ConfigureAwait(false))
            return true;
        return false;
    }
}
