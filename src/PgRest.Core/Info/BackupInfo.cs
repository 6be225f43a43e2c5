using System.Globalization;
using PgRest.Errors;
using PgRest.Json;

namespace PgRest.Info;

/// <summary><c>backup/&lt;stanza&gt;/backup.info</c>: cluster history and the list of current backups.</summary>
public sealed class BackupInfo
{
    internal const string CurrentSection = "backup:current";

    public BackupInfo()
    {
    }

    private BackupInfo(PgHistory db) => Db = db;

    /// <summary>The current cluster and every cluster before it.</summary>
    public PgHistory Db { get; } = new(PgHistoryFormat.Backup);

    /// <summary>History id of the current cluster.</summary>
    public uint DbId => Db.CurrentId;

    public ulong SystemId => Db.SystemId;

    public string DbVersion => Db.Version;

    /// <summary>Catalog version of the current cluster (e.g. 202209061 for PostgreSQL 15).</summary>
    public uint CatalogVersion => Db.CatalogVersion;

    /// <summary>pg_control version of the current cluster (e.g. 1300 for PostgreSQL 15).</summary>
    public uint ControlVersion => Db.ControlVersion;

    /// <summary>All clusters, in id order (oldest first).</summary>
    public IReadOnlyList<PgHistoryEntry> History => Db.Entries;

    /// <summary>Sub-passphrase that encrypts the manifests (and is the parent of each backup set's passphrase).</summary>
    public string? CipherPass { get; set; }

    /// <summary>The <c>backrest-version</c> of the file this was read from.</summary>
    public string? BackrestVersion { get; private set; }

    /// <summary>Current backups keyed and ordered by label (labels sort chronologically).</summary>
    public SortedDictionary<string, BackupInfoEntry> Current { get; } = new(Utf8Ordinal.Comparer);

    public PgHistoryEntry? CurrentHistory => Db.Current;

    /// <summary>Adds or replaces the entry with the same label.</summary>
    public void Add(BackupInfoEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Current[entry.Label] = entry;
    }

    /// <summary>Adds a cluster to the history (stanza-create/upgrade) with the next id and makes it current.</summary>
    public PgHistoryEntry AddDb(ulong systemId, string version, uint catalogVersion, uint controlVersion) =>
        Db.Add(systemId, version, catalogVersion, controlVersion);

    public static BackupInfo Parse(string text) => FromInfoFile(InfoFile.Parse(text));

    public static BackupInfo FromInfoFile(InfoFile file)
    {
        ArgumentNullException.ThrowIfNull(file);

        var result = new BackupInfo(PgHistory.Read(file, PgHistoryFormat.Backup))
        {
            BackrestVersion = file.BackrestVersion,
            CipherPass = file.GetCipherPass(),
        };

        InfoSection? backups = file.FindSection(CurrentSection);
        if (backups is not null)
        {
            foreach (KeyValuePair<string, string> entry in backups.Entries)
                result.Add(BackupInfoEntry.FromJson(entry.Key, JsonReader.Parse(entry.Value).AsObject()));
        }

        return result;
    }

    public InfoFile ToInfoFile()
    {
        var file = new InfoFile();
        foreach (BackupInfoEntry entry in Current.Values)
            file.SetJson(CurrentSection, entry.Label, entry.ToJson());

        file.SetCipherPass(CipherPass);
        Db.Write(file);
        return file;
    }

    public string Serialize(string backrestVersion) => ToInfoFile().Serialize(backrestVersion);
}

/// <summary>One <c>[backup:current]</c> line of backup.info.</summary>
public sealed class BackupInfoEntry
{
    private const string FormatKey = "backrest-format";
    private const string VersionKey = "backrest-version";
    private const string AnnotationKey = "backup-annotation";
    private const string ArchiveStartKey = "backup-archive-start";
    private const string ArchiveStopKey = "backup-archive-stop";
    private const string ErrorKey = "backup-error";
    private const string RepoSizeKey = "backup-info-repo-size";
    private const string RepoSizeDeltaKey = "backup-info-repo-size-delta";
    private const string RepoSizeMapKey = "backup-info-repo-size-map";
    private const string RepoSizeMapDeltaKey = "backup-info-repo-size-map-delta";
    private const string SizeKey = "backup-info-size";
    private const string SizeDeltaKey = "backup-info-size-delta";
    private const string LsnStartKey = "backup-lsn-start";
    private const string LsnStopKey = "backup-lsn-stop";
    private const string PriorKey = "backup-prior";
    private const string ReferenceKey = "backup-reference";
    private const string TimestampStartKey = "backup-timestamp-start";
    private const string TimestampStopKey = "backup-timestamp-stop";
    private const string TypeKey = "backup-type";
    private const string DbIdKey = "db-id";
    private const string ArchiveCheckKey = "option-archive-check";
    private const string ArchiveCopyKey = "option-archive-copy";
    private const string BackupStandbyKey = "option-backup-standby";
    private const string ChecksumPageKey = "option-checksum-page";
    private const string CompressKey = "option-compress";
    private const string HardlinkKey = "option-hardlink";
    private const string OnlineKey = "option-online";

    private static readonly HashSet<string> KnownKeys = new(StringComparer.Ordinal)
    {
        FormatKey, VersionKey, AnnotationKey, ArchiveStartKey, ArchiveStopKey, ErrorKey, RepoSizeKey, RepoSizeDeltaKey,
        RepoSizeMapKey, RepoSizeMapDeltaKey, SizeKey, SizeDeltaKey, LsnStartKey, LsnStopKey, PriorKey, ReferenceKey,
        TimestampStartKey, TimestampStopKey, TypeKey, DbIdKey, ArchiveCheckKey, ArchiveCopyKey, BackupStandbyKey,
        ChecksumPageKey, CompressKey, HardlinkKey, OnlineKey,
    };

    public required string Label { get; init; }

    public uint BackrestFormat { get; set; } = InfoFile.RepositoryFormat;

    /// <summary>Version of the program that made the backup.</summary>
    public required string BackrestVersion { get; set; }

    /// <summary><c>--annotation</c> pairs; null when none.</summary>
    public IDictionary<string, string>? Annotation { get; set; }

    /// <summary>First WAL segment needed; null for offline backups (written as JSON null).</summary>
    public string? ArchiveStart { get; set; }

    public string? ArchiveStop { get; set; }

    /// <summary>True if any file had page checksum errors; null for backups made before the key existed (not written).</summary>
    public bool? Error { get; set; }

    /// <summary>Bytes stored in the repository for all files of the backup (including referenced ones).</summary>
    public ulong RepoSize { get; set; }

    /// <summary>Bytes stored in the repository by this backup only.</summary>
    public ulong RepoSizeDelta { get; set; }

    /// <summary>Block-map bytes (block-incremental backups only; both map sizes or neither are written).</summary>
    public ulong? RepoSizeMap { get; set; }

    public ulong? RepoSizeMapDelta { get; set; }

    /// <summary>Original size of all files of the backup.</summary>
    public ulong Size { get; set; }

    public ulong SizeDelta { get; set; }

    public string? LsnStart { get; set; }

    public string? LsnStop { get; set; }

    /// <summary>Label this diff/incr was based on; null for full backups.</summary>
    public string? Prior { get; set; }

    /// <summary>Earlier labels whose files this backup uses (written sorted); null for full backups.</summary>
    public List<string>? Reference { get; set; }

    /// <summary>Epoch seconds.</summary>
    public long TimestampStart { get; set; }

    public long TimestampStop { get; set; }

    public BackupType Type { get; set; }

    /// <summary>History id of the cluster the backup belongs to.</summary>
    public uint DbId { get; set; }

    public bool OptionArchiveCheck { get; set; }

    public bool OptionArchiveCopy { get; set; }

    public bool OptionBackupStandby { get; set; }

    public bool OptionChecksumPage { get; set; }

    public bool OptionCompress { get; set; }

    public bool OptionHardlink { get; set; }

    public bool OptionOnline { get; set; }

    /// <summary>Keys this version does not know; kept so a rewrite does not lose them.</summary>
    public Dictionary<string, JsonValue> ExtraKeys { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Builds the entry pgBackRest adds after a backup: sizes summed over the manifest files (repo size falls back to
    /// size), deltas over files without a reference, error flag from page checksum errors, sorted references
    /// without the backup's own label.
    /// </summary>
    public static BackupInfoEntry FromManifest(Manifest manifest, string backrestVersion)
    {
        ArgumentNullException.ThrowIfNull(manifest);

        ulong size = 0, sizeDelta = 0, repoSize = 0, repoSizeDelta = 0, mapSize = 0, mapSizeDelta = 0;
        bool error = false;
        foreach (ManifestFile file in manifest.Files)
        {
            ulong fileRepoSize = file.RepoSize is > 0 ? file.RepoSize.Value : file.Size;
            size += file.Size;
            repoSize += fileRepoSize;
            mapSize += file.BlockIncrMapSize;
            if (file.Reference is null)
            {
                sizeDelta += file.Size;
                repoSizeDelta += fileRepoSize;
                mapSizeDelta += file.BlockIncrMapSize;
            }

            if (file.ChecksumPage == false)
                error = true;
        }

        var entry = new BackupInfoEntry
        {
            Label = manifest.Label,
            BackrestVersion = backrestVersion,
            Annotation = manifest.Annotation is null ? null : new SortedDictionary<string, string>(manifest.Annotation, Utf8Ordinal.Comparer),
            ArchiveStart = manifest.ArchiveStart,
            ArchiveStop = manifest.ArchiveStop,
            Error = error,
            RepoSize = repoSize,
            RepoSizeDelta = repoSizeDelta,
            RepoSizeMap = manifest.BlockIncr ? mapSize : null,
            RepoSizeMapDelta = manifest.BlockIncr ? mapSizeDelta : null,
            Size = size,
            SizeDelta = sizeDelta,
            LsnStart = manifest.LsnStart,
            LsnStop = manifest.LsnStop,
            TimestampStart = manifest.TimestampStart,
            TimestampStop = manifest.TimestampStop,
            Type = manifest.Type,
            DbId = manifest.DbId,
            OptionArchiveCheck = manifest.Options.ArchiveCheck,
            OptionArchiveCopy = manifest.Options.ArchiveCopy,
            OptionBackupStandby = manifest.Options.BackupStandby ?? false,
            OptionChecksumPage = manifest.Options.ChecksumPage ?? false,
            OptionCompress = manifest.Options.CompressType != "none",
            OptionHardlink = manifest.Options.Hardlink,
            OptionOnline = manifest.Options.Online,
        };

        if (manifest.Type != BackupType.Full)
        {
            entry.Prior = manifest.Prior;
            entry.Reference = manifest.References.Where(label => label != manifest.Label).ToList();
            entry.Reference.Sort(Utf8Ordinal.Comparer);
        }

        return entry;
    }

    internal static BackupInfoEntry FromJson(string label, JsonObject json)
    {
        var entry = new BackupInfoEntry
        {
            Label = label,
            BackrestFormat = json.GetUInt32(FormatKey),
            BackrestVersion = json.GetString(VersionKey),
            ArchiveStart = json.GetOptionalString(ArchiveStartKey),
            ArchiveStop = json.GetOptionalString(ArchiveStopKey),
            Error = json.GetOptionalBool(ErrorKey),
            RepoSize = json.GetUInt64(RepoSizeKey),
            RepoSizeDelta = json.GetUInt64(RepoSizeDeltaKey),
            RepoSizeMap = json.GetOptionalUInt64(RepoSizeMapKey),
            RepoSizeMapDelta = json.GetOptionalUInt64(RepoSizeMapDeltaKey),
            Size = json.GetUInt64(SizeKey),
            SizeDelta = json.GetUInt64(SizeDeltaKey),
            LsnStart = json.GetOptionalString(LsnStartKey),
            LsnStop = json.GetOptionalString(LsnStopKey),
            Prior = json.GetOptionalString(PriorKey),
            TimestampStart = json.GetInt64(TimestampStartKey),
            TimestampStop = json.GetInt64(TimestampStopKey),
            Type = BackupTypeText.Parse(json.GetString(TypeKey)),
            DbId = json.GetUInt32(DbIdKey),
            OptionArchiveCheck = json.GetBool(ArchiveCheckKey),
            OptionArchiveCopy = json.GetBool(ArchiveCopyKey),
            OptionBackupStandby = json.GetBool(BackupStandbyKey),
            OptionChecksumPage = json.GetBool(ChecksumPageKey),
            OptionCompress = json.GetBool(CompressKey),
            OptionHardlink = json.GetBool(HardlinkKey),
            OptionOnline = json.GetBool(OnlineKey),
        };

        if (json.GetOrNull(AnnotationKey) is { IsNull: false } annotation)
            entry.Annotation = ReadAnnotation(annotation);

        if (json.GetOrNull(ReferenceKey) is { IsNull: false } reference)
            entry.Reference = reference.AsArray().Select(item => item.GetString()).ToList();

        if ((entry.RepoSizeMap is null) != (entry.RepoSizeMapDelta is null))
            throw new PgRestException(ErrorCode.JsonFormat, $"backup '{label}' must have both or neither block map sizes");

        foreach (KeyValuePair<string, JsonValue> member in json)
        {
            if (!KnownKeys.Contains(member.Key))
                entry.ExtraKeys[member.Key] = member.Value;
        }

        return entry;
    }

    internal JsonObject ToJson()
    {
        var json = new JsonObject
        {
            { FormatKey, (ulong)BackrestFormat },
            { VersionKey, BackrestVersion },
            { ArchiveStartKey, JsonValue.CreateOrNull(ArchiveStart) },
            { ArchiveStopKey, JsonValue.CreateOrNull(ArchiveStop) },
            { RepoSizeKey, RepoSize },
            { RepoSizeDeltaKey, RepoSizeDelta },
            { SizeKey, Size },
            { SizeDeltaKey, SizeDelta },
            { TimestampStartKey, TimestampStart },
            { TimestampStopKey, TimestampStop },
            { TypeKey, Type.ToText() },
            { DbIdKey, (ulong)DbId },
            { ArchiveCheckKey, OptionArchiveCheck },
            { ArchiveCopyKey, OptionArchiveCopy },
            { BackupStandbyKey, OptionBackupStandby },
            { ChecksumPageKey, OptionChecksumPage },
            { CompressKey, OptionCompress },
            { HardlinkKey, OptionHardlink },
            { OnlineKey, OptionOnline },
        };

        if (Annotation is not null)
            json.Add(AnnotationKey, WriteAnnotation(Annotation));
        if (Error is not null)
            json.Add(ErrorKey, Error.Value);
        if (RepoSizeMap is not null || RepoSizeMapDelta is not null)
        {
            json.Add(RepoSizeMapKey, RepoSizeMap ?? 0);
            json.Add(RepoSizeMapDeltaKey, RepoSizeMapDelta ?? 0);
        }

        if (LsnStart is not null)
            json.Add(LsnStartKey, LsnStart);
        if (LsnStop is not null)
            json.Add(LsnStopKey, LsnStop);
        if (Prior is not null)
            json.Add(PriorKey, Prior);
        if (Reference is not null)
        {
            var sorted = new List<string>(Reference);
            sorted.Sort(Utf8Ordinal.Comparer);
            json.Add(ReferenceKey, new JsonArray(sorted.Select(label => JsonValue.Create(label))));
        }

        foreach (KeyValuePair<string, JsonValue> extra in ExtraKeys)
        {
            if (!json.ContainsKey(extra.Key))
                json.Add(extra.Key, extra.Value);
        }

        return json;
    }

    internal static SortedDictionary<string, string> ReadAnnotation(JsonValue value)
    {
        var result = new SortedDictionary<string, string>(Utf8Ordinal.Comparer);
        foreach (KeyValuePair<string, JsonValue> member in value.AsObject())
            result[member.Key] = member.Value.GetString();
        return result;
    }

    internal static JsonObject WriteAnnotation(IDictionary<string, string> annotation)
    {
        var json = new JsonObject();
        foreach (KeyValuePair<string, string> pair in annotation)
            json.Add(pair.Key, pair.Value);
        return json;
    }
}
