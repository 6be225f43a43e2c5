using PgRest.Info;

namespace PgRest.Commands.Restore;

/// <summary>Where each manifest entry goes on this host: PGDATA (possibly remapped), tablespaces and other link targets.</summary>
internal sealed class RestoreLayout
{
    private readonly List<(string Prefix, string Path)> _targets = [];

    public RestoreLayout(Manifest manifest, string pgPath)
    {
        PgPath = pgPath;
        foreach (var target in manifest.Targets)
        {
            if (target.Name == "pg_data")
                continue;
            var path = target.File is null ? target.Path : Path.Combine(target.Path, target.File);
            _targets.Add((target.Name, path));
            if (target.TablespaceId is not null)
                Tablespaces.Add((target.Name, target.Path));
        }

        // Longest prefix first so that a link inside PGDATA wins over PGDATA itself.
        _targets.Sort((a, b) => b.Prefix.Length.CompareTo(a.Prefix.Length));
    }

    public string PgPath { get; }

    /// <summary>Tablespace targets: manifest name (<c>pg_tblspc/&lt;oid&gt;</c>) and destination directory.</summary>
    public List<(string Name, string Path)> Tablespaces { get; } = [];

    /// <summary>
    /// pgBackRest's manifests list a <c>pg_tblspc</c> path above the tablespace targets; it belongs to no target and is
    /// not restored (the links live in <c>pg_data/pg_tblspc</c>).
    /// </summary>
    public static bool HasLocation(string manifestName) => manifestName != "pg_tblspc";

    public string LocalPath(string manifestName)
    {
        foreach (var (prefix, path) in _targets)
        {
            if (manifestName == prefix)
                return path;
            if (manifestName.Length > prefix.Length && manifestName[prefix.Length] == '/' && manifestName.StartsWith(prefix, StringComparison.Ordinal))
                return path + manifestName[prefix.Length..];
        }

        if (manifestName == "pg_data")
            return PgPath;
        if (manifestName.StartsWith("pg_data/", StringComparison.Ordinal))
            return PgPath + manifestName[7..];
        throw new InvalidOperationException($"manifest entry '{manifestName}' has no target");
    }
}
