using PgRest.Cluster;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Postgres;

namespace PgRest.Commands;

/// <summary>Reaching the stanza's PostgreSQL cluster: pg_control from <c>pg1-path</c>, and a session when online.</summary>
public static class ClusterAccess
{
    public static DbConnectionOptions ConnectionOptions(Configuration config, int index = 1) => new()
    {
        // pgN-host names the database host pgrest is started on (IPgHost), never a libpq host: the cluster is reached
        // on its socket there, as pgBackRest's remote reaches it on its own host.
        Port = (int)config.Get(Options.PgPort, index),
        SocketPath = config.Find(Options.PgSocketPath, index),
        User = config.Find(Options.PgUser, index),
        Database = config.Get(Options.PgDatabase, index),
        Command = config.Command,
        QueryTimeout = config.Get(Options.DbTimeout),
    };

    /// <summary>
    /// <c>backup-standby</c>: the first configured cluster other than pg1 that is in recovery. One that cannot be reached
    /// is a warning, as in pgBackRest's <c>dbGet</c>; none at all fails with "unable to find standby cluster".
    /// </summary>
    public static async Task<(DbClient Db, string PgPath, IPgHost Host, PgControl Control)> OpenStandbyAsync(CommandContext context)
    {
        foreach (var index in context.Config.PgIndexes.Where(i => i != 1))
        {
            var pgPath = context.Config.Find(Options.PgPath, index);
            if (pgPath is null)
                continue;
            DbClient db;
            PgControl control;
            var host = context.PgHost(index);
            try
            {
                control = await host.ReadControlAsync(pgPath, context.Cancellation).ConfigureAwait(false);
                db = await ConnectAsync(context, control, index).ConfigureAwait(false);
            }
            catch (PgRestException e) when (Unreachable(e) || e.Code is ErrorCode.DbMismatch)
            {
                Logging.Log.Warn($"unable to check pg{index}: [{e.TypeName}] {e.Message}");
                continue;
            }

            if (await db.IsInRecoveryAsync(context.Cancellation).ConfigureAwait(false))
                return (db, pgPath, host, control);
            await db.DisposeAsync().ConfigureAwait(false);
            throw new PgRestException(ErrorCode.DbConnect, "more than one primary cluster found");
        }

        throw new PgRestException(ErrorCode.DbConnect, "unable to find standby cluster - cannot proceed");
    }

    /// <summary>
    /// Waits until the standby has replayed past the backup start and checkpointed there (pgBackRest's
    /// <c>dbReplayWait</c>), so that the files read from it are at least as new as the start of the backup.
    /// </summary>
    public static async Task WaitForStandbyReplayAsync(DbClient standby, IPgHost host, string standbyPath, Lsn target, uint timeline, TimeSpan timeout, CancellationToken cancellation)
    {
        var checkpoint = (await host.ReadControlAsync(standbyPath, cancellation).ConfigureAwait(false)).CheckpointLsn;
        if (checkpoint > target)
            throw new PgRestException(ErrorCode.DbMismatch, $"standby checkpoint '{checkpoint}' is ahead of target '{target}'");

        // The timer restarts whenever replay makes progress: a slow but moving standby is waited for.
        var deadline = DateTime.UtcNow + timeout;
        Lsn? replayed = null;
        while (true)
        {
            var now = await standby.ReplayLsnAsync(cancellation).ConfigureAwait(false)
                ?? throw new PgRestException(ErrorCode.ArchiveTimeout, $"unable to query replay lsn on the standby using 'pg_catalog.pg_last_wal_replay_lsn()'\nHINT: Is this a standby?");
            if (now > target)
                break;
            if (replayed is { } previous && now > previous)
                deadline = DateTime.UtcNow + timeout;
            replayed = now;
            if (DateTime.UtcNow >= deadline)
            {
                throw new PgRestException(ErrorCode.ArchiveTimeout, $"timeout before standby replayed to {target} - only reached {now}" +
                    "\nHINT: is replication running and current on the standby?\nHINT: disable the 'backup-standby' option to backup directly from the primary.");
            }

            await Task.Delay(100, cancellation).ConfigureAwait(false);
        }

        await standby.CheckpointAsync(cancellation).ConfigureAwait(false);
        deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var checkpointed = await standby.ControlCheckpointLsnAsync(cancellation).ConfigureAwait(false);
            if (checkpointed > target)
                break;
            if (DateTime.UtcNow >= deadline)
                throw new PgRestException(ErrorCode.ArchiveTimeout, $"timeout before standby checkpoint lsn reached {target} - only reached {checkpointed}");
            await Task.Delay(100, cancellation).ConfigureAwait(false);
        }

        var standbyTimeline = (await host.ReadControlAsync(standbyPath, cancellation).ConfigureAwait(false)).Timeline;
        if (standbyTimeline != timeline)
            throw new PgRestException(ErrorCode.DbMismatch, $"standby is on timeline {standbyTimeline} but expected {timeline}");
    }

    /// <summary>
    /// The cluster's pg_control for the stanza commands: online (the default) it is also checked that the server on
    /// <c>pg1-port</c> is the primary in <c>pg1-path</c>; with <c>--no-online</c> only the file is read.
    /// </summary>
    public static async Task<PgControl> ReadIdentityAsync(CommandContext context)
    {
        if (!context.Config.Get(Options.Online))
            return await context.PgHost(1).ReadControlAsync(context.PgPath, context.Cancellation).ConfigureAwait(false);
        var (control, db) = await OpenPrimaryAsync(context).ConfigureAwait(false);
        await db.DisposeAsync().ConfigureAwait(false);
        return control;
    }

    /// <summary>
    /// For online commands: reads pg_control and connects. As in pgBackRest, a cluster that cannot be checked is
    /// reported as a warning and the command fails with "unable to find primary cluster".
    /// </summary>
    public static async Task<(PgControl Control, DbClient Db)> OpenPrimaryAsync(CommandContext context)
    {
        PgControl pgControl;
        DbClient db;
        try
        {
            pgControl = await context.PgHost(1).ReadControlAsync(context.PgPath, context.Cancellation).ConfigureAwait(false);
            db = await ConnectAsync(context, pgControl).ConfigureAwait(false);
        }
        catch (PgRestException e) when (Unreachable(e))
        {
            Logging.Log.Warn($"unable to check pg1: [{e.TypeName}] {e.Message}");
            throw new PgRestException(ErrorCode.DbConnect, "unable to find primary cluster - cannot proceed\nHINT: are all available clusters in recovery?");
        }

        if (await db.IsInRecoveryAsync(context.Cancellation).ConfigureAwait(false))
        {
            await db.DisposeAsync().ConfigureAwait(false);
            throw new PgRestException(ErrorCode.DbConnect, "unable to find primary cluster - cannot proceed\nHINT: are all available clusters in recovery?");
        }

        return (pgControl, db);
    }

    /// <summary>
    /// For <c>check</c>, which runs on a primary or a standby: pg1's pg_control and a session. A cluster that cannot be
    /// checked is a warning, and none at all fails as in pgBackRest with <c>[027] no database found</c>.
    /// </summary>
    public static async Task<(PgControl Control, DbClient Db)> OpenAnyAsync(CommandContext context)
    {
        try
        {
            var pgControl = await context.PgHost(1).ReadControlAsync(context.PgPath, context.Cancellation).ConfigureAwait(false);
            return (pgControl, await ConnectAsync(context, pgControl).ConfigureAwait(false));
        }
        catch (PgRestException e) when (Unreachable(e))
        {
            Logging.Log.Warn($"unable to check pg1: [{e.TypeName}] {e.Message}");
            throw new PgRestException(ErrorCode.Config, "no database found\nHINT: check indexed pg-path/pg-host configurations");
        }
    }

    /// <summary>
    /// Connects and checks that the server answering on <c>pg1-port</c> is the cluster in <c>pg1-path</c>, as pgBackRest
    /// does, so a wrong port cannot make a backup of another cluster.
    /// </summary>
    public static async Task<DbClient> ConnectAsync(CommandContext context, PgControl pgControl, int index = 1)
    {
        var host = context.PgHost(index);
        var client = await host.ConnectAsync(ConnectionOptions(context.Config, index), context.Cancellation).ConfigureAwait(false);
        try
        {
            var dataDirectory = await client.DataDirectoryAsync(context.Cancellation).ConfigureAwait(false);
            var pgPath = index == 1 ? context.PgPath : context.Config.Get(Options.PgPath, index);
            // Paths of another host can only be compared as text here.
            if (client.PgVersion != pgControl.DbVersion || !(host.Name is null ? SamePath(dataDirectory, pgPath) : dataDirectory.TrimEnd('/') == pgPath.TrimEnd('/')))
            {
                throw new PgRestException(ErrorCode.DbMismatch,
                    $"version '{client.PgVersion}' and path '{dataDirectory}' queried from cluster do not match version '{pgControl.DbVersion}' and '{pgPath}' read from '{pgPath}/global/pg_control'" +
                    $"\nHINT: the pg{index}-path and pg{index}-port settings likely reference different clusters.");
            }

            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A cluster that cannot be checked: its pg_control unreadable, its server or its host unreachable.</summary>
    private static bool Unreachable(PgRestException e) =>
        e.Reaching || e.Code is ErrorCode.FileMissing or ErrorCode.FileOpen or ErrorCode.FileInvalid or ErrorCode.DbConnect;

    private static bool SamePath(string left, string right)
    {
        static string Normalize(string path)
        {
            var full = Path.GetFullPath(path).TrimEnd('/');
            try
            {
                return new DirectoryInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
            }
            catch (IOException)
            {
                return full;
            }
        }

        return Normalize(left) == Normalize(right);
    }
}
