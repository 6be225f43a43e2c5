using System.Globalization;
using PgRest.Common;
using PgRest.Config;
using PgRest.Info;
using PgRest.Postgres;
using PgRest.Repository;

namespace PgRest.Commands.Backup;

/// <summary>The manifest of a new backup from the scanned data directory, the cluster and the backup's settings.</summary>
internal static class ManifestBuilder
{
    public static Manifest Build(BackupState backup, IReadOnlyList<DbDatabase> databases)
    {
        var scanner = backup.Scan;
        var root = scanner.Paths[0].Status;
        var manifest = new Manifest
        {
            Type = backup.Type,
            Prior = backup.Prior?.Label,
            DbId = backup.Info.DbId,
            SystemId = backup.PgControl.SystemId,
            DbVersion = backup.PgControl.DbVersion,
            CatalogVersion = backup.PgControl.CatalogVersion,
            ControlVersion = backup.PgControl.ControlVersion,
            CipherPass = !backup.Repo.Encrypted ? null : backup.PriorManifest?.CipherPass ?? BackupStore.NewCipherPass(),
            Defaults = ManifestDefaults.FromPgData(new(scanner.UserName(root.UserId)), new(scanner.GroupName(root.GroupId)), (UnixFileMode)root.Mode),
        };
        if (backup.PriorManifest is not null)
            manifest.References.AddRange(backup.PriorManifest.References);

        var annotation = backup.Config.Get(Options.Annotation);
        if (annotation.Count > 0)
            manifest.Annotation = new SortedDictionary<string, string>(annotation.ToDictionary(), StringComparer.Ordinal);

        SetManifestOptions(manifest.Options, backup);
        AddTargets(manifest, scanner);
        foreach (var database in databases)
            manifest.Databases.Add(new ManifestDb { Name = database.Name, Id = database.Oid, LastSystemId = database.LastSystemOid });
        AddEntries(manifest, scanner);
        return manifest;
    }

    private static void SetManifestOptions(ManifestBackupOptions manifestOptions, BackupState backup)
    {
        var (config, options) = (backup.Config, manifestOptions);
        options.ArchiveCheck = backup.ArchiveCheck;
        options.ArchiveCopy = config.Get(Options.ArchiveCopy);
        options.BackupStandby = backup.BackupStandby;
        options.BufferSize = (ulong)config.Get(Options.BufferSize);
        options.ChecksumPage = backup.ChecksumPage;
        options.CompressType = Filters.CompressTypes.Name(backup.CompressType);
        options.CompressLevel = backup.CompressLevel;
        options.CompressLevelNetwork = (int)config.Get(Options.CompressLevelNetwork);
        options.Delta = config.Get(Options.Delta);
        options.Hardlink = false;
        options.Online = backup.Online;
        options.ProcessMax = (uint)config.Get(Options.ProcessMax);
    }

    private static void AddTargets(Manifest manifest, DataDirectoryScan scanner)
    {
        foreach (var target in scanner.Targets)
        {
            manifest.Targets.Add(new ManifestTarget
            {
                Name = target.Name,
                Path = target.Path,
                File = target.File,
                Type = target.IsLink ? ManifestTargetType.Link : ManifestTargetType.Path,
                TablespaceId = target.TablespaceId is null ? null : uint.Parse(target.TablespaceId, CultureInfo.InvariantCulture),
                TablespaceName = target.TablespaceName,
            });
        }
    }

    private static void AddEntries(Manifest manifest, DataDirectoryScan scanner)
    {
        foreach (var path in scanner.Paths)
        {
            manifest.Paths.Add(new ManifestPath
            {
                Name = path.ManifestName, Mode = (UnixFileMode)path.Status.Mode,
                User = new(scanner.UserName(path.Status.UserId)), Group = new(scanner.GroupName(path.Status.GroupId)),
            });
        }

        foreach (var link in scanner.Links)
        {
            manifest.Links.Add(new ManifestLink
            {
                Name = link.ManifestName, Destination = link.Destination,
                User = new(scanner.UserName(link.Status.UserId)), Group = new(scanner.GroupName(link.Status.GroupId)),
            });
        }

        foreach (var file in scanner.Files)
        {
            manifest.Files.Add(new ManifestFile
            {
                Name = file.ManifestName,
                Size = (ulong)file.Status.Size,
                Timestamp = file.Status.ModifiedSeconds,
                Mode = (UnixFileMode)file.Status.Mode,
                User = new(scanner.UserName(file.Status.UserId)),
                Group = new(scanner.GroupName(file.Status.GroupId)),
            });
        }
    }
}
