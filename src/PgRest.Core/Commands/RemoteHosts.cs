using PgRest.Config;
using PgRest.Errors;

namespace PgRest.Commands;

/// <summary>
/// What of <c>pgN-host</c> is not built yet: a PostgreSQL cluster on another host (a backup run on the repository
/// host). A command that would need it fails with <c>[067]</c> before it takes a lock or writes
/// anything, rather than quietly working on local paths (pgBackRest connects to the host, or fails trying).
/// </summary>
internal static class RemoteHosts
{
    public static void Refuse(Configuration config)
    {
        if (!config.Accepts(Options.PgHost))
            return;
        foreach (var index in config.PgIndexes)
        {
            if (config.Find(Options.PgHost, index) is { } host)
                throw NotYet(Options.PgHost.IndexedName(index), $"the PostgreSQL cluster on host '{host}'",
                    "run pgrest on the database host, with a local pg1-path (and repo1-host for a repository on another host).");
        }
    }

    private static PgRestException NotYet(string option, string what, string hint) => new(ErrorCode.FeatureNotSupported,
        $"option '{option}' ({what}) is not supported by this version of pgrest yet\nHINT: {hint}");
}
