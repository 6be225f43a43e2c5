using PgRest.Config;
using PgRest.Errors;

namespace PgRest.Commands;

/// <summary>
/// Where a command may run when its cluster is on another host (<c>pg1-host</c>): backup, check and the stanza
/// commands run on the repository host and reach the cluster through pgrest there; archive-push, archive-get, restore
/// and rehearse work on the cluster's own files and must run on the database host, refused as pgBackRest refuses them
/// (<c>[072]</c>) before a lock is taken or anything is written.
/// </summary>
internal static class RemoteHosts
{
    public static void Refuse(Configuration config, CommandRow row)
    {
        if (row.OnDatabaseHost && config.Accepts(Options.PgHost) && config.Find(Options.PgHost, 1) is not null)
            throw new PgRestException(ErrorCode.HostInvalid, $"{config.Command} command must be run on the PostgreSQL host");
    }
}
