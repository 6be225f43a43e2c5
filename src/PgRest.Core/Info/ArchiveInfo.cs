using PgRest.Errors;

namespace PgRest.Info;

/// <summary><c>archive/&lt;stanza&gt;/archive.info</c>: the cluster history of the WAL archive.</summary>
public sealed class ArchiveInfo
{
    /// <summary>The current cluster and every cluster before it.</summary>
    public PgHistory Db { get; } = new(PgHistoryFormat.Archive);

    /// <summary>History id of the current cluster (<c>[db] db-id</c>).</summary>
    public uint DbId => Db.CurrentId;

    /// <summary>System identifier of the current cluster (from pg_control).</summary>
    public ulong SystemId => Db.SystemId;

    /// <summary>PostgreSQL version of the current cluster, e.g. "15" or "9.6".</summary>
    public string DbVersion => Db.Version;

    /// <summary>All clusters, in id order (oldest first).</summary>
    public IReadOnlyList<PgHistoryEntry> History => Db.Entries;

    /// <summary>Sub-passphrase that encrypts WAL files of this stanza; null when the repo is not encrypted.</summary>
    public string? CipherPass { get; set; }

    /// <summary>The <c>backrest-version</c> of the file this was read from.</summary>
    public string? BackrestVersion { get; private set; }

    /// <summary>Archive id of the current cluster, e.g. <c>15-1</c>.</summary>
    public string ArchiveId => Repository.RepositoryLayout.ArchiveId(DbVersion, DbId);

    /// <summary>The history entry of the current cluster, or null when it is missing.</summary>
    public PgHistoryEntry? Current => Db.Current;

    /// <summary>Adds a cluster to the history (stanza-create/upgrade) with the next id and makes it current.</summary>
    public PgHistoryEntry AddDb(ulong systemId, string version) => Db.Add(systemId, version);

    public static ArchiveInfo Parse(string text) => FromInfoFile(InfoFile.Parse(text));

    public static ArchiveInfo FromInfoFile(InfoFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var result = new ArchiveInfo(PgHistory.Read(file, PgHistoryFormat.Archive))
        {
            BackrestVersion = file.BackrestVersion,
            CipherPass = file.GetCipherPass(),
        };
        return result;
    }

    public ArchiveInfo()
    {
    }

    private ArchiveInfo(PgHistory db) => Db = db;

    public InfoFile ToInfoFile()
    {
        var file = new InfoFile();
        file.SetCipherPass(CipherPass);
        Db.Write(file);
        return file;
    }

    public string Serialize(string backrestVersion) => ToInfoFile().Serialize(backrestVersion);
}
