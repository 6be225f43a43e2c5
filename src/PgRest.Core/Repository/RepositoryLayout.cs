namespace PgRest.Repository;

/// <summary>Where things live in a repository (spec §1): one place for every path rule.</summary>
public static class RepositoryLayout
{
    public const string ArchiveInfoFile = "archive.info";
    public const string BackupInfoFile = "backup.info";
    public const string ManifestFile = "backup.manifest";
    public const string CopySuffix = ".copy";
    public const string HistoryPath = "backup.history";
    public const string LatestLink = "latest";

    public static string ArchivePath(string stanza) => "archive/" + stanza;

    public static string BackupPath(string stanza) => "backup/" + stanza;

    public static string ArchiveInfoPath(string stanza) => ArchivePath(stanza) + "/" + ArchiveInfoFile;

    public static string BackupInfoPath(string stanza) => BackupPath(stanza) + "/" + BackupInfoFile;

    public static string ArchiveId(string dbVersion, uint historyId) => dbVersion + "-" + historyId;

    /// <summary>Files whose name starts with 24 hex characters go into a directory named by the first 16.</summary>
    public static string ArchiveFilePath(string stanza, string archiveId, string fileName)
    {
        var prefix = ArchivePath(stanza) + "/" + archiveId + "/";
        return StartsWithWalName(fileName) ? prefix + fileName[..16] + "/" + fileName : prefix + fileName;
    }

    public static string ArchiveSegmentDirectory(string stanza, string archiveId, string walName) =>
        ArchivePath(stanza) + "/" + archiveId + "/" + walName[..16];

    /// <summary>The informational <c>latest</c> link to the newest backup (posix repositories only).</summary>
    public static string LatestLinkPath(string stanza) => BackupPath(stanza) + "/" + LatestLink;

    public static string BackupLabelPath(string stanza, string label) => BackupPath(stanza) + "/" + label;

    public static string ManifestPath(string stanza, string label) => BackupLabelPath(stanza, label) + "/" + ManifestFile;

    public static string HistoryManifestPath(string stanza, string label) =>
        BackupPath(stanza) + "/" + HistoryPath + "/" + label[..4] + "/" + label + ".manifest.gz";

    /// <summary>A backup file stored on its own (not bundled): <c>&lt;label&gt;/&lt;manifest name&gt;&lt;ext&gt;</c>.</summary>
    public static string BackupFilePath(string stanza, string label, string manifestName, string compressExtension) =>
        BackupLabelPath(stanza, label) + "/" + manifestName + compressExtension;

    public static string BundlePath(string stanza, string label, ulong bundleId) =>
        BackupLabelPath(stanza, label) + "/bundle/" + bundleId;

    public static bool StartsWithWalName(string name)
    {
        if (name.Length < 24)
            return false;
        for (var i = 0; i < 24; i++)
        {
            if (!char.IsAsciiHexDigitUpper(name[i]) && !char.IsAsciiDigit(name[i]))
                return false;
        }

        return true;
    }
}
