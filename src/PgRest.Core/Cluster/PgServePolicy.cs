using PgRest.Postgres;

namespace PgRest.Cluster;

/// <summary>A cluster of a stanza as this host's configuration names it: where its files and its server are.</summary>
public sealed record ServedCluster(string PgPath, string? SocketPath, int Port);

/// <summary>
/// What <c>pgrest server</c> on a database host lets a repository host do with a stanza's clusters: read paths below
/// their configured data directories and below where their links lead (tablespaces in pg_tblspc, a pg_wal or other link
/// at the top of PGDATA), and open a session with their configured servers only. Nothing else of the host (a ~/.pgpass,
/// /etc, another cluster) is served. Paths with a <c>..</c> segment are refused outright: the kernel resolves it after
/// following links, where a textual check cannot see it.
/// </summary>
public sealed class PgServePolicy
{
    private readonly List<string> _roots = [];
    private readonly List<(string Host, int Port)> _servers = [];

    public PgServePolicy(IReadOnlyList<ServedCluster> clusters)
    {
        foreach (var cluster in clusters)
        {
            var root = Normal(cluster.PgPath);
            _roots.Add(root);
            foreach (var directory in new[] { root, root + "/pg_tblspc" })
                _roots.AddRange(LinkDestinations(directory));
            var server = new DbConnectionOptions { SocketPath = cluster.SocketPath, Port = cluster.Port };
            _servers.Add((Normal(server.EffectiveHost), server.Port));
        }
    }

    public bool PathAllowed(string path)
    {
        if (HasParentSegment(path))
            return false;
        var full = Normal(path);
        return _roots.Exists(root => full == root || full.StartsWith(root == "/" ? "/" : root + "/", StringComparison.Ordinal));
    }

    /// <summary>Whether <paramref name="options"/> reach the server of one of the stanza's clusters.</summary>
    public bool ServerAllowed(DbConnectionOptions options) => _servers.Contains((Normal(options.EffectiveHost), options.Port));

    /// <summary>A path with a <c>..</c> segment, which pgrest's own requests never have.</summary>
    public static bool HasParentSegment(string path) => path.Split('/').Contains("..");

    private static string Normal(string path)
    {
        if (!path.StartsWith('/'))
            return path; // a host name
        var full = Path.GetFullPath(path);
        return full.Length > 1 ? full.TrimEnd('/') : full;
    }

    private static IEnumerable<string> LinkDestinations(string directory)
    {
        if (!Directory.Exists(directory))
            yield break;
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
        {
            if (entry.LinkTarget is { } target)
                yield return Normal(Path.GetFullPath(target, directory));
        }
    }
}
