using System.Globalization;
using PgRest.Errors;

namespace PgRest.Info;

/// <summary>One <c>[db:history]</c> entry of archive.info.</summary>
public sealed record ArchiveInfoHistory(uint Id, ulong SystemId, string Version)
{
    /// <summary>Archive id, e.g. <c>15-1</c>: the directory WAL of this cluster is stored under.</summary>
    public string ArchiveId => $"{Version}-{Id.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary><c>archive/&lt;stanza&gt;/archive.info</c>: the cluster history of the WAL archive.</summary>
public sealed class ArchiveInfo
{
    internal const string DbSection = "db";
    internal const string HistorySection = "db:history";
    internal const string DbIdKey = "db-id";
    internal const string SystemIdKey = "db-system-id";
    internal const string VersionKey = "db-version";

    /// <summary>History id of the current cluster (<c>[db] db-id</c>).</summary>
    public uint DbId { get; set; }

    /// <summary>System identifier of the current cluster (from pg_control).</summary>
    public ulong SystemId { get; set; }

    /// <summary>PostgreSQL version of the current cluster, e.g. "15" or "9.6".</summary>
    public string DbVersion { get; set; } = "";

    /// <summary>All clusters, in id order (oldest first).</summary>
    public List<ArchiveInfoHistory> History { get; } = [];

    /// <summary>Sub-passphrase that encrypts WAL files of this stanza; null when the repo is not encrypted.</summary>
    public string? CipherPass { get; set; }

    /// <summary>The <c>backrest-version</c> of the file this was read from.</summary>
    public string? BackrestVersion { get; private set; }

    /// <summary>Archive id of the current cluster, e.g. <c>15-1</c>.</summary>
    public string ArchiveId => $"{DbVersion}-{DbId.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The history entry of the current cluster, or null when it is missing.</summary>
    public ArchiveInfoHistory? Current => History.Find(entry => entry.Id == DbId);

    /// <summary>Adds a cluster to the history (stanza-create/upgrade) with the next id and makes it current.</summary>
    public ArchiveInfoHistory AddDb(ulong systemId, string version)
    {
        uint id = History.Count == 0 ? 1 : History.Max(entry => entry.Id) + 1;
        var entry = new ArchiveInfoHistory(id, systemId, version);
        History.Add(entry);
        DbId = id;
        SystemId = systemId;
        DbVersion = version;
        return entry;
    }

    public static ArchiveInfo Parse(string text) => FromInfoFile(InfoFile.Parse(text));

    public static ArchiveInfo FromInfoFile(InfoFile file)
    {
        ArgumentNullException.ThrowIfNull(file);

        var result = new ArchiveInfo
        {
            BackrestVersion = file.BackrestVersion,
            CipherPass = file.GetCipherPass(),
        };

        InfoSection history = file.FindSection(HistorySection)
            ?? throw new PgRestException(ErrorCode.Format, "history is missing");
        foreach (KeyValuePair<string, string> entry in history.Entries)
        {
            JsonObject value = JsonReader.Parse(entry.Value).AsObject();
            result.History.Add(new ArchiveInfoHistory(
                ParseHistoryId(entry.Key),
                // The key is "db-id" although it holds the system id: a historic typo kept by the format.
                value.GetUInt64(DbIdKey),
                value.GetString(VersionKey)));
        }

        if (result.History.Count == 0)
            throw new PgRestException(ErrorCode.Format, "history is missing");
        result.History.Sort((left, right) => left.Id.CompareTo(right.Id));

        JsonValue currentId = file.GetValue(DbSection, DbIdKey)
            ?? throw new PgRestException(ErrorCode.Format, "current id is missing");
        result.DbId = currentId.GetUInt32();

        ArchiveInfoHistory current = result.Current
            ?? throw new PgRestException(ErrorCode.Format, "unable to find current id in history");
        result.SystemId = file.GetValue(DbSection, SystemIdKey)?.GetUInt64() ?? current.SystemId;
        result.DbVersion = file.GetValue(DbSection, VersionKey)?.GetString() ?? current.Version;
        return result;
    }

    public InfoFile ToInfoFile()
    {
        var file = new InfoFile();
        file.SetCipherPass(CipherPass);
        file.SetJson(DbSection, DbIdKey, JsonValue.Create(DbId));
        file.SetJson(DbSection, SystemIdKey, JsonValue.Create(SystemId));
        file.SetJson(DbSection, VersionKey, JsonValue.Create(DbVersion));

        foreach (ArchiveInfoHistory entry in History.OrderBy(entry => entry.Id))
        {
            var value = new JsonObject
            {
                { DbIdKey, entry.SystemId },
                { VersionKey, entry.Version },
            };
            file.SetJson(HistorySection, entry.Id.ToString(CultureInfo.InvariantCulture), value);
        }

        return file;
    }

    public string Serialize(string backrestVersion) => ToInfoFile().Serialize(backrestVersion);

    internal static uint ParseHistoryId(string key) =>
        uint.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out uint id)
            ? id
            : throw new PgRestException(ErrorCode.Format, $"invalid history id '{key}'");
}
