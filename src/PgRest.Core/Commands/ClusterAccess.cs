using PgRest.Config;
using PgRest.Errors;
using PgRest.Postgres;

namespace PgRest.Commands;

/// <summary>Reaching the stanza's PostgreSQL cluster: pg_control from <c>pg1-path</c>, and a session when online.</summary>
public static class ClusterAccess
{
    public static DbConnectionOptions ConnectionOptions(Configuration config) => new()
    {
        Host = config.GetString("pg1-host"),
        Port = (int)config.GetInteger("pg1-port"),
        SocketPath = config.GetString("pg1-socket-path"),
        User = config.GetString("pg1-user"),
        Database = config.GetString("pg1-database") ?? "postgres",
        Command = config.Command,
        QueryTimeout = config.GetTime("db-timeout"),
    };

    /// <summary>
    /// The cluster's pg_control for the stanza commands: online (the default) it is also checked that the server on
    /// <c>pg1-port</c> is the primary in <c>pg1-path</c>; with <c>--no-online</c> only the file is read.
    /// </summary>
    public static async Task<PgControl> ReadIdentityAsync(CommandContext context)
    {
        if (!context.Config.GetBool("online"))
            return PgControl.Read(context.PgPath);
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
            pgControl = PgControl.Read(context.PgPath);
            db = await ConnectAsync(context, pgControl).ConfigureAwait(false);
        }
        catch (PgRestException e) when (e.Code is ErrorCode.FileMissing or ErrorCode.FileOpen or ErrorCode.FileInvalid or ErrorCode.DbConnect)
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
    /// Connects and checks that the server answering on <c>pg1-port</c> is the cluster in <c>pg1-path</c>, as pgBackRest
    /// does, so a wrong port cannot make a backup of another cluster.
    /// </summary>
    public static async Task<DbClient> ConnectAsync(CommandContext context, PgControl pgControl)
    {
        var client = await DbClient.ConnectAsync(ConnectionOptions(context.Config), context.Cancellation).ConfigureAwait(false);
        try
        {
            var dataDirectory = await client.DataDirectoryAsync(context.Cancellation).ConfigureAwait(false);
            var pgPath = context.PgPath;
            if (client.PgVersion != pgControl.DbVersion || !SamePath(dataDirectory, pgPath))
            {
                throw new PgRestException(ErrorCode.DbMismatch,
                    $"version '{client.PgVersion}' and path '{dataDirectory}' queried from cluster do not match version '{pgControl.DbVersion}' and '{pgPath}' read from '{pgPath}/global/pg_control'" +
                    "\nHINT: the pg1-path and pg1-port settings likely reference different clusters.");
            }

            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

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
