using PgRest.Postgres;

namespace PgRest.Repository;

/// <summary>Where things live in a repository (pgbackrest-format.md, "1. Repository layout"): one place for every path rule.</summary>
public static class RepositoryLayout
{
    public const string ArchiveInfoFile = "archive.info";
    public const string BackupInfoFile = "backup.info";
    public const string ManifestFile = "backup.manifest";
    public const string CopySuffix = ".copy";
    public const string HistoryPath = "backup.history";
    public const string LatestLink = "latest";
    public const string HistoryManifestSuffix = ".manifest.gz";

    /// <summary>The directories holding one sub-directory per stanza.</summary>
    public const string ArchiveRoot = "archive";
    public const string BackupRoot = "backup";

    public static string ArchivePath(string stanza) => ArchiveRoot + "/" + stanza;

    public static string BackupPath(string stanza) => BackupRoot + "/" + stanza;

    public static string ArchiveInfoPath(string stanza) => ArchivePath(stanza) + "/" + ArchiveInfoFile;

    public static string BackupInfoPath(string stanza) => BackupPath(stanza) + "/" + BackupInfoFile;

    /// <summary>The directory the WAL of one cluster is stored under: <c>&lt;version&gt;-&lt;history id&gt;</c> (<c>15-1</c>).</summary>
    public static string ArchiveId(string dbVersion, uint historyId) => dbVersion + "-" + historyId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Where the WAL of one cluster is stored: <c>archive/&lt;stanza&gt;/&lt;archive id&gt;</c>.</summary>
    public static string ArchiveIdPath(string stanza, string archiveId) => ArchivePath(stanza) + "/" + archiveId;

    /// <summary>An archive id directory name, <c>^[0-9]+(\.[0-9]+)*-[0-9]+$</c> (<c>15-1</c>, <c>9.6-2</c>).</summary>
    public static bool IsArchiveId(string name)
    {
        var dash = name.LastIndexOf('-');
        if (dash <= 0 || dash == name.Length - 1 || !IsDigits(name.AsSpan(dash + 1)))
            return false;
        foreach (var part in name[..dash].Split('.'))
        {
            if (!IsDigits(part))
                return false;
        }

        return true;
    }

    /// <summary>The history id of an archive id (<c>15-2</c> → 2); long.MaxValue when it has none.</summary>
    public static long HistoryIdOf(string archiveId) =>
        long.TryParse(archiveId.AsSpan(archiveId.LastIndexOf('-') + 1), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : long.MaxValue;

    /// <summary>The backup.history directory of manifests kept after backups expire.</summary>
    public static string HistoryManifestDirectory(string stanza) => BackupPath(stanza) + "/" + HistoryPath;

    private static bool IsDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
                return false;
        }

        return !text.IsEmpty;
    }

    /// <summary>Files whose name starts with 24 hex characters go into a directory named by the first 16.</summary>
    public static string ArchiveFilePath(string stanza, string archiveId, string fileName)
    {
        var prefix = ArchiveIdPath(stanza, archiveId) + "/";
        return Wal.HasSegmentPrefix(fileName) ? prefix + Wal.SegmentDirectoryOf(fileName) + "/" + fileName : prefix + fileName;
    }

    public static string ArchiveSegmentDirectory(string stanza, string archiveId, string walName) =>
        ArchiveIdPath(stanza, archiveId) + "/" + Wal.SegmentDirectoryOf(walName);

    /// <summary>The informational <c>latest</c> link to the newest backup (posix repositories only).</summary>
    public static string LatestLinkPath(string stanza) => BackupPath(stanza) + "/" + LatestLink;

    public static string BackupLabelPath(string stanza, string label) => BackupPath(stanza) + "/" + label;

    public static string ManifestPath(string stanza, string label) => BackupLabelPath(stanza, label) + "/" + ManifestFile;

    public static string HistoryManifestPath(string stanza, string label) =>
        HistoryManifestYearPath(stanza, label[..4]) + "/" + label + HistoryManifestSuffix;

    /// <summary>The manifests kept after the backups of one year (<c>backup.history/2026</c>).</summary>
    public static string HistoryManifestYearPath(string stanza, string year) => HistoryManifestDirectory(stanza) + "/" + year;

    /// <summary>A backup file stored on its own (not bundled): <c>&lt;label&gt;/&lt;manifest name&gt;&lt;ext&gt;</c>.</summary>
    public static string BackupFilePath(string stanza, string label, string manifestName, string compressExtension) =>
        BackupLabelPath(stanza, label) + "/" + manifestName + compressExtension;

    /// <summary>A block-incremental file stored on its own: <c>&lt;label&gt;/&lt;manifest name&gt;.pgbi</c>, whatever the compression.</summary>
    public static string BlockIncrFilePath(string stanza, string label, string manifestName) =>
        BackupLabelPath(stanza, label) + "/" + manifestName + BlockIncrExtension;

    /// <summary>The extension of block-incremental files, in place of the compression's.</summary>
    public const string BlockIncrExtension = ".pgbi";

    public static string BundlePath(string stanza, string label, ulong bundleId) =>
        BackupLabelPath(stanza, label) + "/bundle/" + bundleId;
}
