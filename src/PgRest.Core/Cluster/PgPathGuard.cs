namespace PgRest.Cluster;

/// <summary>
/// Which paths of a database host a repository host may read through <c>pgrest server</c>: those below the stanza's
/// configured data directories and below where their links lead (tablespaces in pg_tblspc, a pg_wal or other link at the
/// top of PGDATA), after resolving <c>..</c>. Nothing else of the host (a ~/.pgpass, /etc) is served.
/// </summary>
public static class PgPathGuard
{
    public static Func<string, bool> Below(IReadOnlyList<string> pgPaths)
    {
        var roots = new List<string>();
        foreach (var pgPath in pgPaths)
        {
            var root = Normal(pgPath);
            roots.Add(root);
            foreach (var directory in new[] { root, root + "/pg_tblspc" })
                roots.AddRange(LinkDestinations(directory));
        }

        return path =>
        {
            var full = Normal(path);
            return roots.Exists(root => full == root || full.StartsWith(root == "/" ? "/" : root + "/", StringComparison.Ordinal));
        };
    }

    private static string Normal(string path)
    {
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
