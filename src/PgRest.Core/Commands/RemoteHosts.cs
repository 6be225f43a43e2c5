using PgRest.Config;
using PgRest.Errors;

namespace PgRest.Commands;

/// <summary>
/// <c>repoN-host</c> and <c>pgN-host</c> put a repository or a cluster on another host, reached over SSH or TLS. That
/// is not built yet, so a command that would need it fails with <c>[067]</c> before it takes a lock or writes anything,
/// rather than quietly working on local paths (pgBackRest connects to the host, or fails trying).
/// </summary>
internal static class RemoteHosts
{
    public static void Refuse(Configuration config)
    {
        Refuse(config, Options.RepoHost, config.RepoIndexes, "the repository");
        Refuse(config, Options.PgHost, config.PgIndexes, "the PostgreSQL cluster");
    }

    private static void Refuse(Configuration config, StringOption option, IReadOnlyList<int> indexes, string what)
    {
        if (!config.Accepts(option))
            return;
        foreach (var index in indexes)
        {
            if (config.Find(option, index) is not { } host)
                continue;
            throw new PgRestException(ErrorCode.FeatureNotSupported,
                $"option '{option.IndexedName(index)}' ({what} on host '{host}') is not supported by this version of pgrest yet" +
                "\nHINT: run pgrest on the host where the repository and the cluster are, with local paths.");
        }
    }
}
