using PgRest.Errors;
using PgRest.Logging;
using PgRest.Postgres;
using PgRest.Repository;
using PgRest.Config;

namespace PgRest.Commands.Check;

/// <summary>
/// <c>check</c>: the configuration and the archive path end to end — the info files match the cluster, archiving is
/// on, and a freshly switched WAL segment reaches every repository within <c>archive-timeout</c>.
/// </summary>
public static class CheckCommand
{
    public static async Task RunAsync(CommandContext context)
    {
        var config = context.Config;
        var stanza = context.Stanza;
        var cancellation = context.Cancellation;
        var (pgControl, db) = await ClusterAccess.OpenAnyAsync(context).ConfigureAwait(false);
        await using var session = db;
        var standby = await db.IsInRecoveryAsync(cancellation).ConfigureAwait(false);
        var role = standby ? "standby" : "primary";

        var archiveIds = new Dictionary<Repo, string>();
        foreach (var repo in context.Repos)
        {
            Log.Info($"check {repo.Name} configuration ({role})");
            var archiveInfo = await WalArchive.LoadInfoAsync(repo, stanza, cancellation).ConfigureAwait(false);
            var backupInfo = await BackupStore.LoadInfoAsync(repo, stanza, cancellation).ConfigureAwait(false);
            if (archiveInfo.DbVersion != pgControl.DbVersion || archiveInfo.SystemId != pgControl.SystemId
                || backupInfo.DbVersion != pgControl.DbVersion || backupInfo.SystemId != pgControl.SystemId)
            {
                // pgBackRest's words exactly (compared in PostgresMajorTests); it names neither the repo nor the versions.
                throw new PgRestException(ErrorCode.FileInvalid,
                    "backup and archive info files exist but do not match the database" +
                    "\nHINT: is this the correct stanza?\nHINT: did an error occur during stanza-upgrade?");
            }

            archiveIds[repo] = archiveInfo.ArchiveId;
        }

        if (standby)
            return;

        await CheckArchiveSettingsAsync(db, config.Get(Options.ArchiveModeCheck), cancellation).ConfigureAwait(false);

        foreach (var repo in context.Repos)
            Log.Info($"check {repo.Name} archive for WAL ({role})");
        var walName = await db.SwitchWalAsync(cancellation).ConfigureAwait(false);
        var timeout = config.Get(Options.ArchiveTimeout);
        foreach (var repo in context.Repos)
        {
            var stored = await WalArchive.WaitForSegmentAsync(repo, stanza, archiveIds[repo], walName, timeout, cancellation).ConfigureAwait(false)
                ?? throw WalArchive.ArchiveTimeout(walName, timeout);
            Log.Info($"WAL segment {walName} successfully archived to '{repo.Display(stored)}' on {repo.Name}");
        }
    }

    /// <summary>Shared with backup: archiving must be on and must go through pgBackRest (or pgrest).</summary>
    public static async Task CheckArchiveSettingsAsync(DbClient db, bool archiveModeCheck, CancellationToken cancellation)
    {
        var archiveMode = await db.ArchiveModeAsync(cancellation).ConfigureAwait(false);
        if (archiveMode == "off")
            throw new PgRestException(ErrorCode.ArchiveDisabled, "archive_mode must be enabled");
        if (archiveMode == "always" && archiveModeCheck)
        {
            throw new PgRestException(ErrorCode.FeatureNotSupported,
                "archive_mode=always not supported\nHINT: use the archive-mode-check option to disable this check.");
        }

        var archiveCommand = await db.ArchiveCommandAsync(cancellation).ConfigureAwait(false);
        if (!archiveCommand.Contains("pgbackrest", StringComparison.Ordinal) && !archiveCommand.Contains("pgrest", StringComparison.Ordinal))
        {
            throw new PgRestException(ErrorCode.ArchiveCommandInvalid,
                $"archive_command '{archiveCommand}' must contain pgbackrest or pgrest");
        }
    }
}
