using System.Globalization;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Info;
using PgRest.Logging;

namespace PgRest.Commands.Restore;

/// <summary>
/// <c>--db-include</c>/<c>--db-exclude</c> (pgBackRest 2.45 <c>restoreSelectiveExpression</c>): the relation files of the
/// databases left out are restored as sparse zero-filled files of their size, so the cluster starts and replays WAL; the
/// user then drops those databases. System databases (template0/1, postgres, any oid below 16384) are always restored
/// unless excluded by name.
/// </summary>
internal sealed class SelectiveRestore
{
    private const uint FirstNormalObjectId = 16384;

    private readonly List<string> _zeroedPrefixes;

    private SelectiveRestore(List<string> zeroedPrefixes) => _zeroedPrefixes = zeroedPrefixes;

    /// <summary>Null when no database is left out.</summary>
    public static SelectiveRestore? Create(Manifest manifest, Configuration config)
    {
        if (!config.IsSet(Options.DbInclude) && !config.IsSet(Options.DbExclude))
            return null;

        var tablespaceDirectory = "PG_" + manifest.DbVersion + "_" + manifest.CatalogVersion.ToString(CultureInfo.InvariantCulture);
        var systemIds = new List<string>();
        var found = new List<string>();
        foreach (var db in manifest.Databases)
        {
            if (IsSystem(db.Name) || db.Id < FirstNormalObjectId)
            {
                var id = db.Id.ToString(CultureInfo.InvariantCulture);
                systemIds.Add(id);
                found.Add(id);
            }
        }

        // Databases are whatever directory holds a PG_VERSION, in base/ or in a tablespace.
        foreach (var file in manifest.Files)
        {
            if (DatabaseDirectoryOf(file.Name, tablespaceDirectory) is not { } id)
                continue;
            if (uint.Parse(id, CultureInfo.InvariantCulture) < FirstNormalObjectId && !systemIds.Contains(id))
                systemIds.Add(id);
            if (!found.Contains(id))
                found.Add(id);
        }

        found.Sort(StringComparer.Ordinal);
        if (found.Count == 0)
            throw new PgRestException(ErrorCode.Format, "no databases found for selective restore\nHINT: is this a valid cluster?");
        Log.Detail($"databases found for selective restore ({string.Join(", ", found)})");

        var excluded = new List<string>();
        foreach (var name in config.Get(Options.DbExclude))
            excluded.Add(Resolve(manifest, found, name) ?? throw new PgRestException(ErrorCode.DbMissing, $"database to exclude '{name}' does not exist"));

        var include = config.Get(Options.DbInclude);
        var zeroed = new List<string>(found);
        foreach (var name in include)
        {
            var id = Resolve(manifest, found, name) ?? throw new PgRestException(ErrorCode.DbMissing, $"database to include '{name}' does not exist");
            if (systemIds.Contains(id))
                throw new PgRestException(ErrorCode.DbInvalid, "system databases (template0, postgres, etc.) are included by default");
            if (excluded.Contains(id))
                throw new PgRestException(ErrorCode.DbInvalid, $"database to include '{id}' is in the exclude list");
            zeroed.Remove(id);
        }

        // Without an include list only the excluded ones go; with one, everything else except the system databases
        // (unless a system database is excluded explicitly).
        zeroed = include.Count == 0 ? excluded : zeroed.Where(id => !systemIds.Contains(id) || excluded.Contains(id)).ToList();
        if (zeroed.Count == 0)
        {
            Log.Info("nothing to filter - all user databases have been selected");
            return null;
        }

        Log.Detail($"databases excluded (zeroed) from selective restore ({string.Join(", ", zeroed)})");
        var prefixes = new List<string>();
        foreach (var id in zeroed)
        {
            prefixes.Add("pg_data/base/" + id + "/");
            foreach (var target in manifest.Targets.Where(t => t.TablespaceId is > 0))
                prefixes.Add(target.Name + "/" + tablespaceDirectory + "/" + id + "/");
        }

        return new SelectiveRestore(prefixes);
    }

    /// <summary>A file of a left-out database: written as zeroes (PG_VERSION stays real so the directory is still a database).</summary>
    public bool IsZeroed(string manifestName) =>
        !manifestName.EndsWith("/PG_VERSION", StringComparison.Ordinal) && _zeroedPrefixes.Any(p => manifestName.StartsWith(p, StringComparison.Ordinal));

    private static bool IsSystem(string name) => name is "postgres" or "template0" or "template1";

    /// <summary>An oid as given, or the oid of the database with that name.</summary>
    private static string? Resolve(Manifest manifest, List<string> found, string nameOrId)
    {
        if (found.Contains(nameOrId))
            return nameOrId;
        var db = manifest.Databases.FirstOrDefault(d => d.Name == nameOrId);
        var id = db?.Id.ToString(CultureInfo.InvariantCulture);
        return id is not null && found.Contains(id) ? id : null;
    }

    /// <summary>The database oid of <c>pg_data/base/&lt;oid&gt;/PG_VERSION</c> or <c>pg_tblspc/&lt;ts&gt;/PG_…/&lt;oid&gt;/PG_VERSION</c>.</summary>
    private static string? DatabaseDirectoryOf(string name, string tablespaceDirectory)
    {
        var parts = name.Split('/');
        var isBase = parts.Length == 4 && parts[0] == "pg_data" && parts[1] == "base";
        var isTablespace = parts.Length == 5 && parts[0] == "pg_tblspc" && IsDigits(parts[1]) && parts[2] == tablespaceDirectory;
        if (!(isBase || isTablespace) || parts[^1] != "PG_VERSION" || !IsDigits(parts[^2]))
            return null;
        return parts[^2];
    }

    private static bool IsDigits(string text) => text.Length > 0 && text.All(char.IsAsciiDigit);
}
