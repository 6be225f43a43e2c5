using System.Globalization;
using System.Text;
using PgRest.Errors;
using PgRest.Json;

namespace PgRest.Info;

/// <summary>
/// <c>backup.manifest</c>: everything about one backup (labels, LSNs, options, targets, databases, and every
/// file, link and path with its attributes). Entries are written in UTF-8 byte order of their names; user, group
/// and mode equal to <see cref="Defaults"/> are omitted on write and filled in by the Effective* methods on read.
/// </summary>
public sealed class Manifest
{
    private const string BackupSection = "backup";
    private const string BackupDbSection = "backup:db";
    private const string OptionSection = "backup:option";
    private const string TargetSection = "backup:target";
    private const string DbSection = "db";
    private const string MetadataSection = "metadata";
    private const string FileSection = "target:file";
    private const string FileDefaultSection = "target:file:default";
    private const string LinkSection = "target:link";
    private const string LinkDefaultSection = "target:link:default";
    private const string PathSection = "target:path";
    private const string PathDefaultSection = "target:path:default";

    private const string GroupKey = "group";
    private const string ModeKey = "mode";
    private const string UserKey = "user";

    /// <summary>The <c>backrest-version</c> of the file this was read from (compared when resuming).</summary>
    public string? BackrestVersion { get; private set; }

    // [backup]

    /// <summary>First WAL segment of the backup; null for offline backups.</summary>
    public string? ArchiveStart { get; set; }

    public string? ArchiveStop { get; set; }

    public bool BlockIncr { get; set; }

    public bool Bundle { get; set; }

    /// <summary>All streams of this backup use raw (headerless) compression/encryption; written only with <see cref="Bundle"/>.</summary>
    public bool BundleRaw { get; set; }

    public string Label { get; set; } = "";

    public string? LsnStart { get; set; }

    public string? LsnStop { get; set; }

    /// <summary>Label of the backup this diff/incr is based on.</summary>
    public string? Prior { get; set; }

    /// <summary>Labels of the set in the order they were added (full first, this backup last). When empty the
    /// writer stores just <see cref="Label"/>.</summary>
    public List<string> References { get; } = [];

    public long TimestampCopyStart { get; set; }

    public long TimestampStart { get; set; }

    public long TimestampStop { get; set; }

    public BackupType Type { get; set; }

    // [backup:db]

    public uint CatalogVersion { get; set; }

    public uint ControlVersion { get; set; }

    public uint DbId { get; set; }

    public ulong SystemId { get; set; }

    public string DbVersion { get; set; } = "";

    public ManifestBackupOptions Options { get; } = new();

    public List<ManifestTarget> Targets { get; } = [];

    /// <summary>Passphrase of the backup set (encrypts every data file of the set); null when not encrypted.</summary>
    public string? CipherPass { get; set; }

    public List<ManifestDb> Databases { get; } = [];

    /// <summary><c>[metadata] annotation</c>; null when none.</summary>
    public IDictionary<string, string>? Annotation { get; set; }

    public List<ManifestFile> Files { get; } = [];

    public List<ManifestLink> Links { get; } = [];

    public List<ManifestPath> Paths { get; } = [];

    /// <summary>Defaults for user, group and mode; must be set before saving.</summary>
    public ManifestDefaults? Defaults { get; set; }

    /// <summary>The label of the backup that holds the file's data.</summary>
    public string ReferenceOf(ManifestFile file) => file.Reference ?? Label;

    public UnixFileMode EffectiveMode(ManifestFile file) => file.Mode ?? RequireDefaults().FileMode;

    public UnixFileMode EffectiveMode(ManifestPath path) => path.Mode ?? RequireDefaults().PathMode;

    public ManifestOwner EffectiveUser(ManifestFile file) => file.User ?? RequireDefaults().FileUser;

    public ManifestOwner EffectiveUser(ManifestPath path) => path.User ?? RequireDefaults().PathUser;

    public ManifestOwner EffectiveUser(ManifestLink link) => link.User ?? RequireDefaults().LinkUser;

    public ManifestOwner EffectiveGroup(ManifestFile file) => file.Group ?? RequireDefaults().FileGroup;

    public ManifestOwner EffectiveGroup(ManifestPath path) => path.Group ?? RequireDefaults().PathGroup;

    public ManifestOwner EffectiveGroup(ManifestLink link) => link.Group ?? RequireDefaults().LinkGroup;

    public static Manifest Parse(string text) => FromInfoFile(InfoFile.Parse(text));

    public static Manifest FromInfoFile(InfoFile file)
    {
        ArgumentNullException.ThrowIfNull(file);

        var manifest = new Manifest
        {
            BackrestVersion = file.BackrestVersion,
            CipherPass = file.GetCipherPass(),
        };

        manifest.ReadBackup(file);
        manifest.ReadBackupDb(file);
        manifest.ReadOptions(file);
        manifest.Defaults = ReadDefaults(file);

        foreach (KeyValuePair<string, JsonObject> entry in Objects(file, TargetSection))
            manifest.Targets.Add(ReadTarget(entry.Key, entry.Value));

        foreach (KeyValuePair<string, JsonObject> entry in Objects(file, DbSection))
        {
            manifest.Databases.Add(new ManifestDb
            {
                Name = entry.Key,
                Id = entry.Value.GetUInt32("db-id"),
                LastSystemId = entry.Value.GetUInt32("db-last-system-id"),
            });
        }

        if (file.GetValue(MetadataSection, "annotation") is { IsNull: false } annotation)
            manifest.Annotation = BackupInfoEntry.ReadAnnotation(annotation);

        foreach (KeyValuePair<string, JsonObject> entry in Objects(file, FileSection))
            manifest.Files.Add(ReadFile(entry.Key, entry.Value));

        foreach (KeyValuePair<string, JsonObject> entry in Objects(file, LinkSection))
        {
            manifest.Links.Add(new ManifestLink
            {
                Name = entry.Key,
                Destination = entry.Value.GetString("destination"),
                User = ReadOwner(entry.Value, UserKey),
                Group = ReadOwner(entry.Value, GroupKey),
            });
        }

        foreach (KeyValuePair<string, JsonObject> entry in Objects(file, PathSection))
        {
            manifest.Paths.Add(new ManifestPath
            {
                Name = entry.Key,
                Mode = ReadMode(entry.Value),
                User = ReadOwner(entry.Value, UserKey),
                Group = ReadOwner(entry.Value, GroupKey),
            });
        }

        // Manifests before 2.42 have no reference list: rebuild it from the files, the current backup last.
        if (file.GetValue(BackupSection, "backup-reference") is null)
        {
            foreach (ManifestFile entry in manifest.Files)
            {
                if (entry.Reference is not null && !manifest.References.Contains(entry.Reference))
                    manifest.References.Add(entry.Reference);
            }

            if (!manifest.References.Contains(manifest.Label))
                manifest.References.Add(manifest.Label);
        }

        return manifest;
    }

    public InfoFile ToInfoFile()
    {
        ManifestDefaults defaults = Defaults
            ?? throw new InvalidOperationException("Manifest.Defaults must be set before the manifest is saved");
        var file = new InfoFile();

        WriteBackup(file);
        WriteBackupDb(file);
        WriteOptions(file);

        foreach (ManifestTarget target in SortedByName(Targets, target => target.Name))
            file.SetJson(TargetSection, target.Name, WriteTarget(target));

        file.SetCipherPass(CipherPass);

        foreach (ManifestDb db in SortedByName(Databases, db => db.Name))
        {
            file.SetJson(DbSection, db.Name, new JsonObject
            {
                { "db-id", (ulong)db.Id },
                { "db-last-system-id", (ulong)db.LastSystemId },
            });
        }

        if (Annotation is not null)
            file.SetJson(MetadataSection, "annotation", BackupInfoEntry.WriteAnnotation(Annotation));

        InfoSection files = file.GetOrAddSection(FileSection);
        var json = new StringBuilder(256);
        foreach (ManifestFile entry in SortedByName(Files, entry => entry.Name))
        {
            json.Clear();
            WriteFile(json, entry, defaults);
            files.SetGenerated(entry.Name, json.ToString());
        }

        file.SetJson(FileDefaultSection, GroupKey, defaults.FileGroup.ToJson());
        file.SetJson(FileDefaultSection, ModeKey, JsonValue.Create(ManifestMode.Format(defaults.FileMode)));
        file.SetJson(FileDefaultSection, UserKey, defaults.FileUser.ToJson());

        foreach (ManifestLink link in SortedByName(Links, link => link.Name))
        {
            var value = new JsonObject { { "destination", link.Destination } };
            AddOwnerIfNotDefault(value, GroupKey, link.Group, defaults.LinkGroup);
            AddOwnerIfNotDefault(value, UserKey, link.User, defaults.LinkUser);
            file.SetJson(LinkSection, link.Name, value);
        }

        if (Links.Count > 0)
        {
            file.SetJson(LinkDefaultSection, GroupKey, defaults.LinkGroup.ToJson());
            file.SetJson(LinkDefaultSection, UserKey, defaults.LinkUser.ToJson());
        }

        foreach (ManifestPath path in SortedByName(Paths, path => path.Name))
        {
            var value = new JsonObject();
            AddOwnerIfNotDefault(value, GroupKey, path.Group, defaults.PathGroup);
            if (path.Mode is { } mode && mode != defaults.PathMode)
                value.Add(ModeKey, ManifestMode.Format(mode));
            AddOwnerIfNotDefault(value, UserKey, path.User, defaults.PathUser);
            file.SetJson(PathSection, path.Name, value);
        }

        file.SetJson(PathDefaultSection, GroupKey, defaults.PathGroup.ToJson());
        file.SetJson(PathDefaultSection, ModeKey, JsonValue.Create(ManifestMode.Format(defaults.PathMode)));
        file.SetJson(PathDefaultSection, UserKey, defaults.PathUser.ToJson());
        return file;
    }

    public string Serialize(string backrestVersion) => ToInfoFile().Serialize(backrestVersion);

    private ManifestDefaults RequireDefaults() =>
        Defaults ?? throw new InvalidOperationException("Manifest.Defaults is not set");

    private void ReadBackup(InfoFile file)
    {
        Label = file.GetRequired(BackupSection, "backup-label").GetString();
        Type = BackupTypeText.Parse(file.GetRequired(BackupSection, "backup-type").GetString());
        ArchiveStart = file.GetValue(BackupSection, "backup-archive-start")?.GetStringOrNull();
        ArchiveStop = file.GetValue(BackupSection, "backup-archive-stop")?.GetStringOrNull();
        BlockIncr = file.GetValue(BackupSection, "backup-block-incr")?.GetBool() ?? false;
        Bundle = file.GetValue(BackupSection, "backup-bundle")?.GetBool() ?? false;
        BundleRaw = file.GetValue(BackupSection, "backup-bundle-raw")?.GetBool() ?? false;
        LsnStart = file.GetValue(BackupSection, "backup-lsn-start")?.GetStringOrNull();
        LsnStop = file.GetValue(BackupSection, "backup-lsn-stop")?.GetStringOrNull();
        Prior = file.GetValue(BackupSection, "backup-prior")?.GetStringOrNull();
        TimestampCopyStart = file.GetValue(BackupSection, "backup-timestamp-copy-start")?.GetInt64() ?? 0;
        TimestampStart = file.GetValue(BackupSection, "backup-timestamp-start")?.GetInt64() ?? 0;
        TimestampStop = file.GetValue(BackupSection, "backup-timestamp-stop")?.GetInt64() ?? 0;

        string? references = file.GetValue(BackupSection, "backup-reference")?.GetString();
        if (!string.IsNullOrEmpty(references))
            References.AddRange(references.Split(','));
    }

    private void WriteBackup(InfoFile file)
    {
        if (ArchiveStart is not null)
            file.SetJson(BackupSection, "backup-archive-start", JsonValue.Create(ArchiveStart));
        if (ArchiveStop is not null)
            file.SetJson(BackupSection, "backup-archive-stop", JsonValue.Create(ArchiveStop));
        if (BlockIncr)
            file.SetJson(BackupSection, "backup-block-incr", JsonValue.Create(true));
        if (Bundle)
            file.SetJson(BackupSection, "backup-bundle", JsonValue.Create(true));
        if (BundleRaw)
            file.SetJson(BackupSection, "backup-bundle-raw", JsonValue.Create(true));

        file.SetJson(BackupSection, "backup-label", JsonValue.Create(Label));
        if (LsnStart is not null)
            file.SetJson(BackupSection, "backup-lsn-start", JsonValue.Create(LsnStart));
        if (LsnStop is not null)
            file.SetJson(BackupSection, "backup-lsn-stop", JsonValue.Create(LsnStop));
        if (Prior is not null)
            file.SetJson(BackupSection, "backup-prior", JsonValue.Create(Prior));

        string references = References.Count == 0 ? Label : string.Join(',', References);
        file.SetJson(BackupSection, "backup-reference", JsonValue.Create(references));
        file.SetJson(BackupSection, "backup-timestamp-copy-start", JsonValue.Create(TimestampCopyStart));
        file.SetJson(BackupSection, "backup-timestamp-start", JsonValue.Create(TimestampStart));
        file.SetJson(BackupSection, "backup-timestamp-stop", JsonValue.Create(TimestampStop));
        file.SetJson(BackupSection, "backup-type", JsonValue.Create(Type.ToText()));
    }

    private void ReadBackupDb(InfoFile file)
    {
        CatalogVersion = file.GetValue(BackupDbSection, PgHistory.CatalogVersionKey)?.GetUInt32() ?? 0;
        ControlVersion = file.GetValue(BackupDbSection, PgHistory.ControlVersionKey)?.GetUInt32() ?? 0;
        DbId = file.GetRequired(BackupDbSection, PgHistory.DbIdKey).GetUInt32();
        SystemId = file.GetRequired(BackupDbSection, PgHistory.SystemIdKey).GetUInt64();
        DbVersion = file.GetRequired(BackupDbSection, PgHistory.VersionKey).GetString();
    }

    private void WriteBackupDb(InfoFile file)
    {
        file.SetJson(BackupDbSection, PgHistory.CatalogVersionKey, JsonValue.Create(CatalogVersion));
        file.SetJson(BackupDbSection, PgHistory.ControlVersionKey, JsonValue.Create(ControlVersion));
        file.SetJson(BackupDbSection, PgHistory.DbIdKey, JsonValue.Create(DbId));
        file.SetJson(BackupDbSection, PgHistory.SystemIdKey, JsonValue.Create(SystemId));
        file.SetJson(BackupDbSection, PgHistory.VersionKey, JsonValue.Create(DbVersion));
    }

    private void ReadOptions(InfoFile file)
    {
        JsonValue? Option(string name) => file.GetValue(OptionSection, "option-" + name);

        Options.ArchiveCheck = Option("archive-check")?.GetBool() ?? false;
        Options.ArchiveCopy = Option("archive-copy")?.GetBool() ?? false;
        Options.BackupStandby = Option("backup-standby")?.GetBool();
        Options.BufferSize = Option("buffer-size")?.GetUInt64();
        Options.ChecksumPage = Option("checksum-page")?.GetBool();
        Options.CompressLevel = Option("compress-level")?.GetInt32();
        Options.CompressLevelNetwork = Option("compress-level-network")?.GetInt32();
        Options.Delta = Option("delta")?.GetBool();
        Options.Hardlink = Option("hardlink")?.GetBool() ?? false;
        Options.Online = Option("online")?.GetBool() ?? false;
        Options.ProcessMax = Option("process-max")?.GetUInt32();

        // option-compress-type (2.25+) overrides the older boolean, which meant gz.
        Options.CompressType = Option("compress-type")?.GetString()
            ?? (Option("compress")?.GetBool() == true ? "gz" : "none");
    }

    private void WriteOptions(InfoFile file)
    {
        void Set(string name, JsonValue value) => file.SetJson(OptionSection, "option-" + name, value);

        Set("archive-check", JsonValue.Create(Options.ArchiveCheck));
        Set("archive-copy", JsonValue.Create(Options.ArchiveCopy));
        if (Options.BackupStandby is { } standby)
            Set("backup-standby", JsonValue.Create(standby));
        if (Options.BufferSize is { } bufferSize)
            Set("buffer-size", JsonValue.Create(bufferSize));
        if (Options.ChecksumPage is { } checksumPage)
            Set("checksum-page", JsonValue.Create(checksumPage));
        Set("compress", JsonValue.Create(Options.CompressType != "none"));
        if (Options.CompressLevel is { } level)
            Set("compress-level", JsonValue.Create(level));
        if (Options.CompressLevelNetwork is { } levelNetwork)
            Set("compress-level-network", JsonValue.Create(levelNetwork));
        Set("compress-type", JsonValue.Create(Options.CompressType));
        if (Options.Delta is { } delta)
            Set("delta", JsonValue.Create(delta));
        Set("hardlink", JsonValue.Create(Options.Hardlink));
        Set("online", JsonValue.Create(Options.Online));
        if (Options.ProcessMax is { } processMax)
            Set("process-max", JsonValue.Create(processMax));
    }

    private static ManifestDefaults ReadDefaults(InfoFile file)
    {
        JsonValue Required(string section, string key) => file.GetRequired(section, key);

        ManifestOwner pathUser = ManifestOwner.FromJson(Required(PathDefaultSection, UserKey));
        ManifestOwner pathGroup = ManifestOwner.FromJson(Required(PathDefaultSection, GroupKey));

        // Link defaults are only written when there are links; pgBackRest uses the same owner for all defaults.
        JsonValue? linkUser = file.GetValue(LinkDefaultSection, UserKey);
        JsonValue? linkGroup = file.GetValue(LinkDefaultSection, GroupKey);

        return new ManifestDefaults(
            ManifestOwner.FromJson(Required(FileDefaultSection, UserKey)),
            ManifestOwner.FromJson(Required(FileDefaultSection, GroupKey)),
            ManifestMode.Parse(Required(FileDefaultSection, ModeKey).GetString()),
            pathUser,
            pathGroup,
            ManifestMode.Parse(Required(PathDefaultSection, ModeKey).GetString()),
            linkUser is null ? pathUser : ManifestOwner.FromJson(linkUser),
            linkGroup is null ? pathGroup : ManifestOwner.FromJson(linkGroup));
    }

    private static ManifestTarget ReadTarget(string name, JsonObject value)
    {
        string type = value.GetString("type");
        var target = new ManifestTarget
        {
            Name = name,
            Path = value.GetString("path"),
            File = value.GetOptionalString("file"),
            TablespaceName = value.GetOptionalString("tablespace-name"),
            Type = type switch
            {
                "path" => ManifestTargetType.Path,
                "link" => ManifestTargetType.Link,
                _ => throw new PgRestException(ErrorCode.Format, $"invalid target type '{type}' for target '{name}'"),
            },
        };

        if (value.GetOptionalString("tablespace-id") is { } tablespaceId)
        {
            target.TablespaceId = uint.TryParse(tablespaceId, NumberStyles.None, CultureInfo.InvariantCulture, out uint oid)
                ? oid
                : throw new PgRestException(ErrorCode.Format, $"invalid tablespace-id '{tablespaceId}' for target '{name}'");
        }

        return target;
    }

    private static JsonObject WriteTarget(ManifestTarget target)
    {
        var value = new JsonObject
        {
            { "path", target.Path },
            { "type", target.Type == ManifestTargetType.Path ? "path" : "link" },
        };

        if (target.File is not null)
            value.Add("file", target.File);
        if (target.TablespaceId is { } oid && oid != 0)
            value.Add("tablespace-id", oid.ToString(CultureInfo.InvariantCulture));
        if (target.TablespaceName is not null)
            value.Add("tablespace-name", target.TablespaceName);
        return value;
    }

    private static ManifestFile ReadFile(string name, JsonObject value)
    {
        ulong size = value.TryGetValue("size", out JsonValue? sizeValue)
            ? sizeValue.GetUInt64()
            : throw new PgRestException(ErrorCode.Format, $"missing size for file '{name}'");
        long timestamp = value.TryGetValue("timestamp", out JsonValue? timestampValue)
            ? timestampValue.GetInt64()
            : throw new PgRestException(ErrorCode.Format, $"missing timestamp for file '{name}'");

        var file = new ManifestFile
        {
            Name = name,
            Size = size,
            Timestamp = timestamp,
            SizeOriginal = value.GetOptionalUInt64("szo"),
            RepoSize = value.GetOptionalUInt64("repo-size"),
            Checksum = size == 0 ? ManifestFile.ZeroChecksum : value.GetOptionalString("checksum"),
            ChecksumPage = value.GetOptionalBool("checksum-page"),
            ChecksumPageErrors = value.GetOrNull("checksum-page-error"),
            RepoChecksum = value.GetOptionalString("rck"),
            Reference = value.GetOptionalString("reference"),
            BundleId = value.GetOptionalUInt64("bni"),
            BundleOffset = value.GetOptionalUInt64("bno") ?? 0,
            Mode = ReadMode(value),
            User = ReadOwner(value, UserKey),
            Group = ReadOwner(value, GroupKey),
        };

        if (value.GetOptionalUInt64("bi") is { } blockIncr)
        {
            file.BlockIncrSize = blockIncr * ManifestFile.BlockIncrSizeFactor;
            file.BlockIncrChecksumSize = value.GetOptionalUInt64("bic") ?? ManifestFile.BlockIncrChecksumSizeDefault;
            file.BlockIncrMapSize = value.GetOptionalUInt64("bim") ?? 0;
        }

        return file;
    }

    // Keys in byte order, written directly: manifests can hold millions of files.
    private static void WriteFile(StringBuilder json, ManifestFile file, ManifestDefaults defaults)
    {
        bool first = true;

        void Key(string key)
        {
            json.Append(first ? '{' : ',').Append('"').Append(key).Append("\":");
            first = false;
        }

        void Number(string key, ulong value)
        {
            Key(key);
            json.Append(value.ToString(CultureInfo.InvariantCulture));
        }

        void Text(string key, string value)
        {
            Key(key);
            JsonWriter.WriteString(json, value);
        }

        void Value(string key, JsonValue value)
        {
            Key(key);
            JsonWriter.Write(json, value);
        }

        if (file.BlockIncrSize != 0)
        {
            Number("bi", file.BlockIncrSize / ManifestFile.BlockIncrSizeFactor);
            if (file.BlockIncrChecksumSize != ManifestFile.BlockIncrChecksumSizeDefault)
                Number("bic", file.BlockIncrChecksumSize);
            if (file.BlockIncrMapSize != 0)
                Number("bim", file.BlockIncrMapSize);
        }

        if (file.BundleId is { } bundleId && bundleId != 0)
        {
            Number("bni", bundleId);
            if (file.BundleOffset != 0)
                Number("bno", file.BundleOffset);
        }

        if (file.Size != 0 && file.Checksum is not null)
            Text("checksum", file.Checksum);

        if (file.ChecksumPage is { } checksumPage)
        {
            Value("checksum-page", JsonValue.Create(checksumPage));
            if (file.ChecksumPageErrors is not null)
                Value("checksum-page-error", file.ChecksumPageErrors);
        }

        if (file.Group is { } group && group != defaults.FileGroup)
            Value(GroupKey, group.ToJson());
        if (file.Mode is { } mode && mode != defaults.FileMode)
            Text(ModeKey, ManifestMode.Format(mode));
        if (file.RepoChecksum is not null)
            Text("rck", file.RepoChecksum);
        if (file.Reference is not null)
            Text("reference", file.Reference);
        if (file.RepoSize is { } repoSize && repoSize != file.Size)
            Number("repo-size", repoSize);
        Number("size", file.Size);
        if (file.SizeOriginal is { } sizeOriginal && sizeOriginal != file.Size)
            Number("szo", sizeOriginal);

        Key("timestamp");
        json.Append(file.Timestamp.ToString(CultureInfo.InvariantCulture));

        if (file.User is { } user && user != defaults.FileUser)
            Value(UserKey, user.ToJson());
        json.Append('}');
    }

    private static UnixFileMode? ReadMode(JsonObject value) =>
        value.GetOptionalString(ModeKey) is { } mode ? ManifestMode.Parse(mode) : null;

    private static ManifestOwner? ReadOwner(JsonObject value, string key) =>
        value.GetOrNull(key) is { } owner ? ManifestOwner.FromJson(owner) : null;

    private static void AddOwnerIfNotDefault(JsonObject value, string key, ManifestOwner? owner, ManifestOwner ownerDefault)
    {
        if (owner is { } actual && actual != ownerDefault)
            value.Add(key, actual.ToJson());
    }

    private static IEnumerable<KeyValuePair<string, JsonObject>> Objects(InfoFile file, string section)
    {
        InfoSection? found = file.FindSection(section);
        if (found is null)
            yield break;

        foreach (KeyValuePair<string, string> entry in found.Entries)
            yield return new KeyValuePair<string, JsonObject>(entry.Key, JsonReader.Parse(entry.Value).AsObject());
    }

    private static List<T> SortedByName<T>(List<T> items, Func<T, string> name)
    {
        var sorted = new List<T>(items);
        sorted.Sort((left, right) => Utf8Ordinal.CompareStrings(name(left), name(right)));
        return sorted;
    }
}
