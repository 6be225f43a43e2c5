using PgRest.Commands.Restore;
using PgRest.Filters;
using PgRest.Info;
using PgRest.Logging;
using PgRest.Postgres;
using PgRest.Repository;

namespace PgRest.Commands.TargetFind;

/// <summary>What a backup's catalog says of a table: where it is, and where it would appear if created later.</summary>
internal sealed record CatalogSearch(List<CatalogRelation> Found, List<CatalogWatch> Watches);

/// <summary>Finds a table in the catalog files a backup holds: pg_filenode.map, then pg_class and pg_namespace.</summary>
internal static class BackupCatalog
{
    /// <summary>
    /// The table in every database of the backup that has it (or only in the one named), and in every database whose
    /// catalog has the schema, where a table of that name would be created later.
    /// </summary>
    public static async Task<CatalogSearch> FindAsync(Repo repo, string stanza, Manifest manifest, RelationName wanted, CancellationToken cancellation)
    {
        var versionNum = PgVersions.VersionNumFromVersion(manifest.DbVersion);
        List<CatalogRelation> found = [];
        List<CatalogWatch> watches = [];
        foreach (var db in manifest.Databases.Where(db => db.Name is not ("template0" or "template1") && (wanted.Database is null || db.Name == wanted.Database)))
        {
            var directory = $"pg_data/base/{db.Id}";
            var mapFile = manifest.Files.FirstOrDefault(file => file.Name == directory + "/pg_filenode.map");
            if (mapFile is null)
                continue;
            var map = CatalogReader.ParseRelMap(await ReadAsync(repo, stanza, manifest, mapFile, cancellation).ConfigureAwait(false));
            if (map is null || !map.TryGetValue(CatalogReader.PgClassId, out var pgClassNode))
            {
                Log.Warn($"{directory}/pg_filenode.map of backup {manifest.Label} cannot be read: database {db.Name} not searched");
                continue;
            }

            var pgClass = await ReadRelationAsync(repo, stanza, manifest, directory, pgClassNode, cancellation).ConfigureAwait(false);
            if (CatalogReader.FindFileNodeById(pgClass, CatalogReader.PgNamespaceId) is not { } namespaceNode)
                continue;
            var pgNamespace = await ReadRelationAsync(repo, stanza, manifest, directory, namespaceNode, cancellation).ConfigureAwait(false);
            if (CatalogReader.FindNamespace(pgNamespace, wanted.Schema) is not { } namespaceId)
                continue;
            watches.Add(new CatalogWatch(db.Name, db.Id, wanted.Schema, wanted.Table, namespaceId, pgClassNode));
            if (CatalogReader.FindTable(pgClass, versionNum, namespaceId, wanted.Table) is { } table)
            {
                found.Add(new CatalogRelation(db.Name, db.Id, wanted.Schema, wanted.Table, table.RelationId, table.FileNode, pgClassNode, table.Tid,
                    table.Live));
            }
        }

        return new CatalogSearch(found, watches);
    }

    /// <summary>All 1 GiB segments of a relation's main fork (<c>N</c>, <c>N.1</c>, ...), one after the other.</summary>
    private static async Task<byte[]> ReadRelationAsync(Repo repo, string stanza, Manifest manifest, string directory, uint fileNode, CancellationToken cancellation)
    {
        using var all = new MemoryStream();
        for (var segment = 0; ; segment++)
        {
            var name = segment == 0 ? $"{directory}/{fileNode}" : $"{directory}/{fileNode}.{segment}";
            var file = manifest.Files.FirstOrDefault(entry => entry.Name == name);
            if (file is null)
                break;
            all.Write(await ReadAsync(repo, stanza, manifest, file, cancellation).ConfigureAwait(false));
        }

        return all.ToArray();
    }

    /// <summary>One file of the backup, as restore would write it (whole, bundled or block incremental).</summary>
    private static async Task<byte[]> ReadAsync(Repo repo, string stanza, Manifest manifest, ManifestFile file, CancellationToken cancellation)
    {
        if (file.Size == 0)
            return [];
        var compressType = CompressTypes.Parse(manifest.Options.CompressType);
        if (file.BlockIncrSize > 0)
        {
            var temporary = Path.Combine(Path.GetTempPath(), $"pgrest-catalog-{Environment.ProcessId}-{Guid.NewGuid():N}");
            try
            {
                await new BlockIncrRestore(repo, stanza, manifest, compressType)
                    .RestoreAsync(file, temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite, null, cancellation).ConfigureAwait(false);
                return await File.ReadAllBytesAsync(temporary, cancellation).ConfigureAwait(false);
            }
            finally
            {
                File.Delete(temporary);
            }
        }

        var (pipeline, _) = await RestoreFileWriter.OpenStoredAsync(repo, stanza, manifest, file, compressType, cancellation).ConfigureAwait(false);
        await using (pipeline.ConfigureAwait(false))
        {
            using var bytes = new MemoryStream((int)Math.Min(file.Size, 64UL * 1024 * 1024));
            await pipeline.Output.CopyToAsync(bytes, cancellation).ConfigureAwait(false);
            return bytes.ToArray();
        }
    }
}
