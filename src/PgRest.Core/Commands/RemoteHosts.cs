using PgRest.Config;
using PgRest.Errors;

namespace PgRest.Commands;

/// <summary>
/// What of <c>repoN-host</c> and <c>pgN-host</c> is not built yet: a PostgreSQL cluster on another host, and either
/// kind of host reached over TLS. A command that would need it fails with <c>[067]</c> before it takes a lock or writes
/// anything, rather than quietly working on local paths (pgBackRest connects to the host, or fails trying).
/// </summary>
internal static class RemoteHosts
{
    public static void Refuse(Configuration config)
    {
        if (config.Accepts(Options.RepoHost))
        {
            foreach (var index in config.RepoIndexes)
            {
                if (config.Find(Options.RepoHost, index) is { } host && config.Get(Options.RepoHostType, index) == "tls")
                    throw NotYet(Options.RepoHostType.IndexedName(index) + "=tls", $"the repository on host '{host}' reached over TLS",
                        "reach the repository host over SSH (repo-host-type=ssh, the default).");
            }
        }

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
