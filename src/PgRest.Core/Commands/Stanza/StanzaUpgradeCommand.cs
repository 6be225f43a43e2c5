using PgRest.Commands.Control;
using PgRest.Errors;
using PgRest.Info;
using PgRest.Logging;
using PgRest.Postgres;
using PgRest.Repository;

namespace PgRest.Commands.Stanza;

/// <summary>
/// <c>stanza-upgrade</c>: after <c>pg_upgrade</c> (or any change of PostgreSQL version or system id in pg_control)
/// adds a new history entry to archive.info and backup.info on every repository. The new entry's id is the current
/// id + 1, so WAL of the new cluster goes to a new archive id (e.g. <c>15-2</c>); that directory appears with the
/// first archive-push, as in pgBackRest. Nothing changes when both files already match the cluster.
/// </summary>
public static class StanzaUpgradeCommand
{
    public static async Task<int> RunAsync(CommandContext context)
    {
        var config = context.Config;
        var stanza = context.Stanza;
        StopFile.ThrowIfStopped(config, stanza);

        var pgControl = await ClusterAccess.ReadIdentityAsync(context).ConfigureAwait(false);

        foreach (var repo in context.Repos)
        {
            Log.Info($"stanza-upgrade for stanza '{stanza}' on {repo.Name}");
            await UpgradeRepoAsync(context, repo, stanza, pgControl).ConfigureAwait(false);
        }

        return 0;
    }

    private static async Task UpgradeRepoAsync(CommandContext context, Repo repo, string stanza, PgControl pgControl)
    {
        var cancellation = context.Cancellation;
        var archiveInfo = await WalArchive.LoadInfoAsync(repo, stanza, cancellation).ConfigureAwait(false);
        var backupInfo = await BackupStore.LoadInfoAsync(repo, stanza, cancellation).ConfigureAwait(false);

        // The two files are saved one after the other, so an interrupted upgrade may have updated only one: each is
        // checked and brought up to date on its own.
        var archiveUpgrade = archiveInfo.DbVersion != pgControl.DbVersion || archiveInfo.SystemId != pgControl.SystemId;
        if (archiveUpgrade)
            AddHistory(archiveInfo, pgControl);

        var backupUpgrade = backupInfo.DbVersion != pgControl.DbVersion || backupInfo.SystemId != pgControl.SystemId;
        if (backupUpgrade)
            AddHistory(backupInfo, pgControl);

        if (archiveInfo.DbId != backupInfo.DbId || archiveInfo.SystemId != backupInfo.SystemId || archiveInfo.DbVersion != backupInfo.DbVersion)
        {
            throw new PgRestException(ErrorCode.FileInvalid,
                "backup info file and archive info file do not match\n" +
                $"archive: id = {archiveInfo.DbId}, version = {archiveInfo.DbVersion}, system-id = {archiveInfo.SystemId}\n" +
                $"backup : id = {backupInfo.DbId}, version = {backupInfo.DbVersion}, system-id = {backupInfo.SystemId}\n" +
                "HINT: this may be a symptom of repository corruption!");
        }

        if (archiveUpgrade)
            await WalArchive.SaveInfoAsync(repo, stanza, archiveInfo, cancellation).ConfigureAwait(false);
        if (backupUpgrade)
            await BackupStore.SaveInfoAsync(repo, stanza, backupInfo, cancellation).ConfigureAwait(false);

        if (!archiveUpgrade && !backupUpgrade)
            Log.Info($"stanza '{stanza}' on {repo.Name} is already up to date");
    }

    /// <summary>The next history id follows the current one, as pgBackRest numbers it.</summary>
    private static void AddHistory(ArchiveInfo info, PgControl pgControl) => info.AddDb(pgControl.SystemId, pgControl.DbVersion);

    private static void AddHistory(BackupInfo info, PgControl pgControl) =>
        info.AddDb(pgControl.SystemId, pgControl.DbVersion, pgControl.CatalogVersion, pgControl.ControlVersion);
}
