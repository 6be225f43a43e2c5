using PgRest.Common;
using PgRest.Errors;
using PgRest.Logging;

namespace PgRest.Commands.Backup;

public sealed record ScannedFile(string ManifestName, string FullPath, FileStatus Status, bool PageChecksumEligible);

public sealed record ScannedPath(string ManifestName, FileStatus Status);

public sealed record ScannedLink(string ManifestName, string Destination, FileStatus Status);

/// <summary>A backup target: <c>pg_data</c>, a tablespace, or another link in PGDATA.</summary>
public sealed record ScannedTarget(string Name, string Path, bool IsLink, string? TablespaceId = null, string? TablespaceName = null, string? File = null);

/// <summary>What to scan: PGDATA, this version's tablespace directory, tablespace names by oid, exclusions, online or not.</summary>
/// <param name="WalDirectory"><c>pg_wal</c> (<c>pg_xlog</c> before PostgreSQL 10).</param>
/// <param name="Online">Online, the WAL files and <c>archive_status</c> contents are left out (restore brings WAL from the archive).</param>
public sealed record ScanRequest(string PgPath, string TablespaceDirectory, IReadOnlyDictionary<string, string> TablespaceNames,
    IReadOnlyList<string> Exclusions, string WalDirectory = "pg_wal", bool Online = true);

/// <summary>
/// What a scan found, with the owner names of the host it ran on (a database host scanned for a repository host
/// resolves them there, where the ids mean something).
/// </summary>
public sealed record DataDirectoryScan(IReadOnlyList<ScannedFile> Files, IReadOnlyList<ScannedPath> Paths, IReadOnlyList<ScannedLink> Links,
    IReadOnlyList<ScannedTarget> Targets, IReadOnlyDictionary<uint, string> UserNames, IReadOnlyDictionary<uint, string> GroupNames)
{
    public string? UserName(uint id) => UserNames.GetValueOrDefault(id);

    public string? GroupName(uint id) => GroupNames.GetValueOrDefault(id);

    /// <summary>Scans on this host.</summary>
    public static DataDirectoryScan Run(ScanRequest request)
    {
        var scanner = new DataDirectoryScanner(request.PgPath, request.TablespaceDirectory, request.TablespaceNames, request.Exclusions,
            request.WalDirectory, request.Online);
        scanner.Scan();
        var statuses = scanner.Files.Select(f => f.Status).Concat(scanner.Paths.Select(p => p.Status)).Concat(scanner.Links.Select(l => l.Status)).ToList();
        var users = new Dictionary<uint, string>();
        var groups = new Dictionary<uint, string>();
        foreach (var status in statuses)
        {
            if (!users.ContainsKey(status.UserId) && OwnerNames.UserName(status.UserId) is { } user)
                users[status.UserId] = user;
            if (!groups.ContainsKey(status.GroupId) && OwnerNames.GroupName(status.GroupId) is { } group)
                groups[status.GroupId] = group;
        }

        return new DataDirectoryScan(scanner.Files, scanner.Paths, scanner.Links, scanner.Targets, users, groups);
    }
}

/// <summary>
/// Lists PGDATA (and tablespaces) for a backup manifest with pgBackRest's exclusions (pgbackrest-format.md, "3.8 What the manifest excludes"), so that manifests
/// built by either tool compare file for file.
/// </summary>
public sealed class DataDirectoryScanner
{
    private static readonly HashSet<string> RootFileExclusions = new(StringComparer.Ordinal)
    {
        "postmaster.pid", "postmaster.opts", "backup_label", "backup_label.old", "postgresql.auto.conf.tmp",
        "recovery.signal", "standby.signal", "backup_manifest", "backup_manifest.tmp",
    };

    // Directories kept (empty) in the backup: their contents are rebuilt by PostgreSQL.
    private static readonly HashSet<string> ContentExcludedDirectories = new(StringComparer.Ordinal)
    {
        "pg_dynshmem", "pg_notify", "pg_replslot", "pg_serial", "pg_snapshots", "pg_stat_tmp", "pg_subtrans",
    };

    private readonly string _pgPath;
    private readonly string _tablespaceDirectory;
    private readonly IReadOnlyDictionary<string, string> _tablespaceNames;
    private readonly HashSet<string> _exclusions;
    private readonly string _walManifestPath;
    private readonly bool _online;

    /// <param name="walDirectory"><c>pg_wal</c> (<c>pg_xlog</c> before PostgreSQL 10).</param>
    /// <param name="online">Online, the WAL files and <c>archive_status</c> contents are left out (restore brings WAL from the archive).</param>
    public DataDirectoryScanner(string pgPath, string tablespaceDirectory, IReadOnlyDictionary<string, string> tablespaceNames, IEnumerable<string> exclusions,
        string walDirectory = "pg_wal", bool online = true)
    {
        _walManifestPath = "pg_data/" + walDirectory;
        _online = online;
        _pgPath = pgPath.TrimEnd('/');
        _tablespaceDirectory = tablespaceDirectory;
        _tablespaceNames = tablespaceNames;
        _exclusions = new HashSet<string>(exclusions, StringComparer.Ordinal);
    }

    public List<ScannedFile> Files { get; } = [];
    public List<ScannedPath> Paths { get; } = [];
    public List<ScannedLink> Links { get; } = [];
    public List<ScannedTarget> Targets { get; } = [];

    public void Scan()
    {
        var root = FileStatus.TryGet(_pgPath);
        if (root is not { Kind: FileKind.Directory })
            throw new PgRestException(ErrorCode.PathMissing, $"unable to list file info for missing path '{_pgPath}'");
        Targets.Add(new ScannedTarget("pg_data", _pgPath, IsLink: false));
        Paths.Add(new ScannedPath("pg_data", root.Value));
        ScanDirectory(_pgPath, "pg_data", "", dbDirectory: false);
    }

    private void ScanDirectory(string fullPath, string manifestPath, string relativePath, bool dbDirectory)
    {
        string[] names;
        try
        {
            names = Directory.GetFileSystemEntries(fullPath);
        }
        catch (DirectoryNotFoundException)
        {
            return; // removed by the database while listing
        }

        var unloggedRelations = dbDirectory ? FindUnloggedRelations(names) : null;
        Array.Sort(names, StringComparer.Ordinal);
        foreach (var entryPath in names)
        {
            var name = Path.GetFileName(entryPath);
            if (name.StartsWith("pgsql_tmp", StringComparison.Ordinal))
                continue;
            var relative = relativePath.Length == 0 ? name : relativePath + "/" + name;
            if (_exclusions.Contains(relative))
                continue;

            var status = FileStatus.TryGet(entryPath);
            if (status is null)
                continue; // removed by the database while listing

            var entryManifestName = manifestPath + "/" + name;
            switch (status.Value.Kind)
            {
                case FileKind.File:
                    if (relativePath.Length == 0 && RootFileExclusions.Contains(name))
                        continue;
                    if (_online && manifestPath == _walManifestPath)
                        continue;
                    // pg_internal.init is rebuilt at start-up, in global/ as in each database directory.
                    if ((dbDirectory || relative == "global/" + name) && name.StartsWith("pg_internal.init", StringComparison.Ordinal))
                        continue;
                    if (dbDirectory && (IsTempRelation(name) || IsUnloggedFork(name, unloggedRelations!)))
                        continue;
                    Files.Add(new ScannedFile(entryManifestName, entryPath, status.Value, PageChecksumEligible(relative, name)));
                    break;

                case FileKind.Directory:
                    Paths.Add(new ScannedPath(entryManifestName, status.Value));
                    if (relativePath.Length == 0 && ContentExcludedDirectories.Contains(name))
                        continue;
                    if (_exclusions.Contains(relative + "/"))
                        continue;
                    // The directory is kept (PostgreSQL needs it) but not its status files, as in pgBackRest.
                    if (_online && manifestPath == _walManifestPath && name == "archive_status")
                        continue;
                    ScanDirectory(entryPath, entryManifestName, relative, IsDbDirectory(relative));
                    break;

                case FileKind.Link:
                    ScanLink(entryPath, entryManifestName, relative, name, status.Value);
                    break;

                default:
                    Log.Warn($"exclude special file '{entryPath}' from backup");
                    break;
            }
        }
    }

    private void ScanLink(string entryPath, string manifestName, string relative, string name, FileStatus linkStatus)
    {
        // The manifest keeps the link text as written (it may be relative); the scan follows the resolved path.
        var linkText = new FileInfo(entryPath).LinkTarget
            ?? throw new PgRestException(ErrorCode.LinkDestination, $"unable to read link '{entryPath}'");
        var destination = Path.GetFullPath(linkText, Path.GetDirectoryName(entryPath)!);
        var destinationStatus = FileStatus.TryGet(destination)
            ?? throw new PgRestException(ErrorCode.LinkDestination, $"link '{entryPath}' destination '{destination}' does not exist");
        if (destinationStatus.Kind == FileKind.Link)
            throw new PgRestException(ErrorCode.LinkDestination, $"link '{entryPath}' cannot reference another link '{destination}'");

        Links.Add(new ScannedLink(manifestName, linkText, linkStatus));

        if (relative.StartsWith("pg_tblspc/", StringComparison.Ordinal))
        {
            // A tablespace: only this PostgreSQL version's directory inside it belongs to the cluster.
            // pgBackRest's manifests carry a dummy pg_tblspc path (as pg_data) and give each tablespace path the owner and
            // mode of pg_data/pg_tblspc rather than of the link destination.
            var targetName = "pg_tblspc/" + name;
            Targets.Add(new ScannedTarget(targetName, destination, IsLink: true, name, _tablespaceNames.GetValueOrDefault(name) ?? "ts" + name));
            if (!Paths.Any(p => p.ManifestName == "pg_tblspc"))
                Paths.Add(new ScannedPath("pg_tblspc", Paths[0].Status));
            Paths.Add(new ScannedPath(targetName, Paths.FirstOrDefault(p => p.ManifestName == "pg_data/pg_tblspc")?.Status ?? destinationStatus));
            var versionDirectory = Path.Combine(destination, _tablespaceDirectory);
            var versionStatus = FileStatus.TryGet(versionDirectory);
            if (versionStatus is { Kind: FileKind.Directory })
            {
                Paths.Add(new ScannedPath(targetName + "/" + _tablespaceDirectory, versionStatus.Value));
                ScanTablespaceVersionDirectory(versionDirectory, targetName + "/" + _tablespaceDirectory);
            }

            return;
        }

        if (destinationStatus.Kind == FileKind.File)
        {
            Targets.Add(new ScannedTarget(manifestName, Path.GetDirectoryName(destination)!, IsLink: true, File: Path.GetFileName(destination)));
            Files.Add(new ScannedFile(manifestName, destination, destinationStatus, PageChecksumEligible: false));
            return;
        }

        Targets.Add(new ScannedTarget(manifestName, destination, IsLink: true));
        Paths.Add(new ScannedPath(manifestName, destinationStatus));
        if (!ContentExcludedDirectories.Contains(relative))
            ScanDirectory(destination, manifestName, relative, IsDbDirectory(relative));
    }

    private void ScanTablespaceVersionDirectory(string fullPath, string manifestPath)
    {
        foreach (var entryPath in Directory.GetFileSystemEntries(fullPath).Order(StringComparer.Ordinal))
        {
            var status = FileStatus.TryGet(entryPath);
            if (status is not { Kind: FileKind.Directory })
                continue;
            var name = Path.GetFileName(entryPath);
            Paths.Add(new ScannedPath(manifestPath + "/" + name, status.Value));
            ScanDirectory(entryPath, manifestPath + "/" + name, "\0tablespace/" + name, dbDirectory: true);
        }
    }

    private static bool IsDbDirectory(string relative) =>
        relative.StartsWith("base/", StringComparison.Ordinal) && relative.IndexOf('/', 5) < 0;

    /// <summary>Relation files under base/, global/ and tablespaces carry page checksums; a few metadata files do not.</summary>
    private static bool PageChecksumEligible(string relative, string name)
    {
        var inDbDirectory = relative.StartsWith("base/", StringComparison.Ordinal) || relative.StartsWith("global/", StringComparison.Ordinal)
            || relative.StartsWith("\0tablespace/", StringComparison.Ordinal);
        return inDbDirectory && name is not ("pg_filenode.map" or "PG_VERSION" or "pg_control" or "pg_internal.init");
    }

    /// <summary>Temporary relations: <c>t&lt;digits&gt;_&lt;relfilenode&gt;[_fork][.segment]</c>.</summary>
    private static bool IsTempRelation(string name)
    {
        if (name.Length < 4 || name[0] != 't' || !char.IsAsciiDigit(name[1]))
            return false;
        var i = 1;
        while (i < name.Length && char.IsAsciiDigit(name[i]))
            i++;
        return i < name.Length - 1 && name[i] == '_' && char.IsAsciiDigit(name[i + 1]);
    }

    /// <summary>Relations that have an <c>_init</c> fork are unlogged: only the init fork is backed up.</summary>
    private static HashSet<string> FindUnloggedRelations(string[] entries)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var name = Path.GetFileName(entry.AsSpan());
            if (name.EndsWith("_init", StringComparison.Ordinal))
                result.Add(name[..^5].ToString());
        }

        return result;
    }

    private static bool IsUnloggedFork(string name, HashSet<string> unloggedRelations)
    {
        if (unloggedRelations.Count == 0 || name.EndsWith("_init", StringComparison.Ordinal) || name.Contains("_init.", StringComparison.Ordinal))
            return false;
        var end = 0;
        while (end < name.Length && char.IsAsciiDigit(name[end]))
            end++;
        return end > 0 && unloggedRelations.Contains(name[..end]);
    }
}
