using System.Globalization;
using PgRest.Errors;
using PgRest.Json;

namespace PgRest.Info;

/// <summary>
/// One cluster a stanza has backed up or archived (a <c>[db:history]</c> entry). Catalog and control versions are kept
/// by backup.info only (0 in archive.info).
/// </summary>
public sealed record PgHistoryEntry(uint Id, ulong SystemId, string Version, uint CatalogVersion = 0, uint ControlVersion = 0)
{
    /// <summary>Archive id, e.g. <c>15-1</c>: the directory the WAL of this cluster is stored under.</summary>
    public string ArchiveId => Repository.RepositoryLayout.ArchiveId(Version, Id);
}

/// <summary>Which info file a history belongs to: the two spell the same sections with different keys.</summary>
public enum PgHistoryFormat
{
    /// <summary>archive.info: history entries hold <c>db-id</c> (the system id, a historic misnomer) and <c>db-version</c>.</summary>
    Archive,

    /// <summary>backup.info: history entries hold catalog, control and system id and version.</summary>
    Backup,
}

/// <summary>
/// The cluster history of an info file: <c>[db]</c> (the current cluster) and <c>[db:history]</c> (every cluster, in id
/// order). archive.info and backup.info both carry one, and they must describe the same clusters.
/// </summary>
public sealed class PgHistory(PgHistoryFormat format)
{
    private const string DbSection = "db";
    private const string HistorySection = "db:history";
    internal const string DbIdKey = "db-id";
    internal const string SystemIdKey = "db-system-id";
    internal const string VersionKey = "db-version";
    internal const string CatalogVersionKey = "db-catalog-version";
    internal const string ControlVersionKey = "db-control-version";

    public PgHistoryFormat Format { get; } = format;

    /// <summary>History id of the current cluster (<c>[db] db-id</c>).</summary>
    public uint CurrentId { get; set; }

    /// <summary><c>[db]</c> as written; normally the current entry's values.</summary>
    public ulong SystemId { get; set; }

    public string Version { get; set; } = "";

    public uint CatalogVersion { get; set; }

    public uint ControlVersion { get; set; }

    /// <summary>Every cluster, oldest first.</summary>
    public List<PgHistoryEntry> Entries { get; } = [];

    /// <summary>The entry of the current cluster, or null when it is missing.</summary>
    public PgHistoryEntry? Current => Entries.Find(entry => entry.Id == CurrentId);

    /// <summary>Adds a cluster with the id after the current one (stanza-create, stanza-upgrade) and makes it current.</summary>
    public PgHistoryEntry Add(ulong systemId, string version, uint catalogVersion = 0, uint controlVersion = 0)
    {
        var entry = new PgHistoryEntry(Entries.Count == 0 ? 1 : CurrentId + 1, systemId, version,
            Format == PgHistoryFormat.Backup ? catalogVersion : 0, Format == PgHistoryFormat.Backup ? controlVersion : 0);
        Entries.Add(entry);
        (CurrentId, SystemId, Version, CatalogVersion, ControlVersion) = (entry.Id, systemId, version, entry.CatalogVersion, entry.ControlVersion);
        return entry;
    }

    /// <summary>Whether both histories list the same clusters (id, system id and version), as expire and verify require.</summary>
    public bool SameClusters(PgHistory other)
    {
        if (Entries.Count != other.Entries.Count)
            return false;
        for (var index = 0; index < Entries.Count; index++)
        {
            var (mine, theirs) = (Entries[index], other.Entries[index]);
            if (mine.Id != theirs.Id || mine.SystemId != theirs.SystemId || mine.Version != theirs.Version)
                return false;
        }

        return true;
    }

    /// <summary>
    /// Whether each cluster of this history, newest first, is the same cluster at the same place in
    /// <paramref name="other"/>, which may go further back (expire's rule: pgBackRest 2.45 <c>expire.c</c>).
    /// </summary>
    public bool SameClustersNewestFirst(PgHistory other)
    {
        var mine = Entries.OrderByDescending(entry => entry.Id).ToList();
        var theirs = other.Entries.OrderByDescending(entry => entry.Id).ToList();
        for (var index = 0; index < mine.Count; index++)
        {
            if (index >= theirs.Count || mine[index].Id != theirs[index].Id || mine[index].SystemId != theirs[index].SystemId
                || mine[index].Version != theirs[index].Version)
                return false;
        }

        return true;
    }

    internal static PgHistory Read(InfoFile file, PgHistoryFormat format)
    {
        var history = new PgHistory(format);
        var section = file.FindSection(HistorySection) ?? throw new PgRestException(ErrorCode.Format, "history is missing");
        var systemIdKey = format == PgHistoryFormat.Archive ? DbIdKey : SystemIdKey;
        foreach (var entry in section.Entries)
        {
            var value = JsonReader.Parse(entry.Value).AsObject();
            history.Entries.Add(format == PgHistoryFormat.Archive
                ? new PgHistoryEntry(ParseId(entry.Key), value.GetUInt64(systemIdKey), value.GetString(VersionKey))
                : new PgHistoryEntry(ParseId(entry.Key), value.GetUInt64(systemIdKey), value.GetString(VersionKey),
                    value.GetUInt32(CatalogVersionKey), value.GetUInt32(ControlVersionKey)));
        }

        if (history.Entries.Count == 0)
            throw new PgRestException(ErrorCode.Format, "history is missing");
        history.Entries.Sort((left, right) => left.Id.CompareTo(right.Id));

        history.CurrentId = (file.GetValue(DbSection, DbIdKey) ?? throw new PgRestException(ErrorCode.Format, "current id is missing")).GetUInt32();
        var current = history.Current ?? throw new PgRestException(ErrorCode.Format, "unable to find current id in history");
        history.SystemId = file.GetValue(DbSection, SystemIdKey)?.GetUInt64() ?? current.SystemId;
        history.Version = file.GetValue(DbSection, VersionKey)?.GetString() ?? current.Version;
        if (format == PgHistoryFormat.Backup)
        {
            history.CatalogVersion = file.GetValue(DbSection, CatalogVersionKey)?.GetUInt32() ?? current.CatalogVersion;
            history.ControlVersion = file.GetValue(DbSection, ControlVersionKey)?.GetUInt32() ?? current.ControlVersion;
        }

        return history;
    }

    /// <summary>Writes <c>[db]</c> and <c>[db:history]</c>, keys in the order pgBackRest writes them (alphabetical).</summary>
    internal void Write(InfoFile file)
    {
        var backup = Format == PgHistoryFormat.Backup;
        if (backup)
        {
            file.SetJson(DbSection, CatalogVersionKey, JsonValue.Create(CatalogVersion));
            file.SetJson(DbSection, ControlVersionKey, JsonValue.Create(ControlVersion));
        }

        file.SetJson(DbSection, DbIdKey, JsonValue.Create(CurrentId));
        file.SetJson(DbSection, SystemIdKey, JsonValue.Create(SystemId));
        file.SetJson(DbSection, VersionKey, JsonValue.Create(Version));

        foreach (var entry in Entries.OrderBy(entry => entry.Id))
        {
            var value = backup
                ? new JsonObject
                {
                    { CatalogVersionKey, entry.CatalogVersion },
                    { ControlVersionKey, entry.ControlVersion },
                    { SystemIdKey, entry.SystemId },
                    { VersionKey, entry.Version },
                }
                : new JsonObject { { DbIdKey, entry.SystemId }, { VersionKey, entry.Version } };
            file.SetJson(HistorySection, entry.Id.ToString(CultureInfo.InvariantCulture), value);
        }
    }

    private static uint ParseId(string key) =>
        uint.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new PgRestException(ErrorCode.Format, $"invalid history id '{key}'");
}
