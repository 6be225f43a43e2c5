using System.Globalization;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Info;
using PgRest.Logging;

namespace PgRest.Commands.Restore;

/// <summary>
/// Where the manifest's targets go on this host, as pgBackRest 2.45 <c>restoreManifestMap</c> decides it:
/// <c>--pg1-path</c> moves PGDATA, <c>--tablespace-map</c>/<c>--tablespace-map-all</c> move tablespaces,
/// <c>--link-map</c> moves (or creates) other links, and without <c>--link-all</c> an unmapped link's contents are
/// restored in place of the link (a directory or file inside PGDATA).
/// </summary>
internal static class RestoreMapping
{
    private const string PgData = "pg_data";

    public static void Apply(Manifest manifest, Configuration config, string pgPath)
    {
        var pgDataTarget = manifest.Targets.First(t => t.Name == PgData);
        if (pgDataTarget.Path.TrimEnd('/') != pgPath)
        {
            Log.Info($"remap data directory to '{pgPath}'");
            pgDataTarget.Path = pgPath;
        }

        MapTablespaces(manifest, config);
        var linkMap = config.IsSet(Options.LinkMap) ? config.Get(Options.LinkMap) : null;
        if (linkMap is not null)
            MapLinks(manifest, linkMap);

        if (config.Get(Options.LinkAll))
            return;
        foreach (var target in manifest.Targets.Where(t => t.Type == ManifestTargetType.Link && t.TablespaceId is null or 0).ToList())
        {
            var link = target.Name[(PgData.Length + 1)..];
            if (linkMap is not null && linkMap.ContainsKey(link))
                continue;
            Log.Warn(target.File is not null
                ? $"file link '{link}' will be restored as a file at the same location"
                : $"contents of directory link '{link}' will be restored in a directory at the same location");
            manifest.Links.RemoveAll(l => l.Name == target.Name);
            manifest.Targets.Remove(target);
        }
    }

    private static void MapTablespaces(Manifest manifest, Configuration config)
    {
        var map = config.IsSet(Options.TablespaceMap) ? config.Get(Options.TablespaceMap) : null;
        var mapAll = config.Find(Options.TablespaceMapAll);
        if (map is null && mapAll is null)
            return;

        var remapped = new HashSet<string>(StringComparer.Ordinal);
        foreach (var target in manifest.Targets.Where(t => t.TablespaceId is > 0))
        {
            var id = target.TablespaceId!.Value.ToString(CultureInfo.InvariantCulture);
            string? path = null;
            if (map is not null)
            {
                var byName = target.TablespaceName is not null ? map.GetValueOrDefault(target.TablespaceName) : null;
                var byId = map.GetValueOrDefault(id);
                if (byName is not null)
                    remapped.Add(target.TablespaceName!);
                if (byId is not null)
                    remapped.Add(id);
                if (byName is not null && byId is not null && byName != byId)
                    throw new PgRestException(ErrorCode.TablespaceMap, $"tablespace remapped by name '{target.TablespaceName}' and id {id} with different paths");
                path = byName ?? byId;
            }

            path ??= mapAll is null ? null : mapAll + "/" + target.TablespaceName;
            if (path is null)
                continue;
            Log.Info($"map tablespace '{target.Name}' to '{path}'");
            target.Path = path;
            foreach (var link in manifest.Links.Where(l => l.Name == PgData + "/" + target.Name))
                link.Destination = path;
        }

        foreach (var key in map is null ? [] : map.Keys.Order(StringComparer.Ordinal).ToList())
        {
            if (!remapped.Contains(key))
                throw new PgRestException(ErrorCode.TablespaceMap, $"unable to remap invalid tablespace '{key}'");
        }
    }

    private static void MapLinks(Manifest manifest, IReadOnlyDictionary<string, string> linkMap)
    {
        foreach (var link in linkMap.Keys.Order(StringComparer.Ordinal))
        {
            var destination = linkMap[link];
            var name = PgData + "/" + link;
            var target = manifest.Targets.FirstOrDefault(t => t.Name == name);
            var create = target is null;
            if (target is null)
            {
                // A path or file that was not a link in the backup becomes one.
                var isPath = manifest.Paths.Any(p => p.Name == name);
                var isFile = manifest.Files.Any(f => f.Name == name);
                if (!isPath && !isFile)
                    throw new PgRestException(ErrorCode.LinkMap, $"unable to map link '{link}'\nHINT: Does the link reference a valid backup path or file?");
                var pgDataPath = manifest.Paths.First(p => p.Name == PgData);
                manifest.Links.Add(new ManifestLink { Name = name, Destination = destination, User = pgDataPath.User, Group = pgDataPath.Group });
                target = new ManifestTarget { Name = name, Path = destination, Type = ManifestTargetType.Link, File = isFile ? "." : null };
            }
            else
            {
                if (target.TablespaceId is > 0)
                    throw new PgRestException(ErrorCode.LinkMap, $"unable to remap tablespace '{link}'\nHINT: use 'tablespace-map' option to remap tablespaces.");
                target.Path = destination;
            }

            Log.Info($"{(create ? "" : "map ")}link '{link}' to '{destination}'");
            if (!create)
            {
                foreach (var existing in manifest.Links.Where(l => l.Name == name))
                    existing.Destination = destination;
            }

            if (target.File is not null)
            {
                // A file link names a directory and a file; the destination needs both.
                var slash = destination.LastIndexOf('/');
                if (slash <= 0 && !destination.StartsWith('/'))
                    throw new PgRestException(ErrorCode.LinkMap, $"'{destination}' is not long enough to be the destination for file link '{link}'");
                target.File = destination[(slash + 1)..];
                target.Path = slash == 0 ? "/" : destination[..slash];
            }

            if (create)
                manifest.Targets.Add(target);
        }
    }
}
