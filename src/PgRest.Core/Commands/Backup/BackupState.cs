using PgRest.Cluster;
using PgRest.Config;
using PgRest.Filters;
using PgRest.Info;
using PgRest.Postgres;
using PgRest.Repository;

namespace PgRest.Commands.Backup;

/// <summary>
/// What the steps of one backup share, filled in as they run (as pgBackRest's backup.c hands one state from phase to
/// phase): the repository and its backup.info, the cluster, the prior backup, the manifest being built.
/// </summary>
internal sealed class BackupState(CommandContext context, Repo repo, BackupInfo info) : IAsyncDisposable
{
    public CommandContext Context { get; } = context;

    public Configuration Config => Context.Config;

    public string Stanza => Context.Stanza;

    public CancellationToken Cancellation => Context.Cancellation;

    public Repo Repo { get; } = repo;

    public BackupInfo Info { get; } = info;

    public string PgPath => Context.PgPath;

    /// <summary>Where pg1 is: this host, or the database host of <c>pg1-host</c>.</summary>
    public IPgHost Host => Context.PgHost(1);

    /// <summary><c>backup-standby</c>: the host of the standby the files are read from.</summary>
    public IPgHost? StandbyHost { get; set; }

    public bool Online { get; set; }

    public PgControl PgControl { get; set; } = null!;

    /// <summary>The primary's session; null offline.</summary>
    public DbClient? Db { get; set; }

    /// <summary><c>backup-standby</c>: the standby's session and data directory, where most files are read.</summary>
    public DbClient? StandbyDb { get; set; }

    public string? StandbyPath { get; set; }

    public bool BackupStandby { get; set; }

    /// <summary>Whether the WAL that makes the backup consistent is waited for (and with <c>archive-copy</c> stored in it).</summary>
    public bool ArchiveCheck { get; set; }

    public ArchiveInfo? ArchiveInfo { get; set; }

    public BackupType Type { get; set; }

    public BackupInfoEntry? Prior { get; set; }

    public Manifest? PriorManifest { get; set; }

    public CompressType CompressType { get; set; }

    public int CompressLevel { get; set; }

    public bool ChecksumPage { get; set; }

    /// <summary>Plain bytes after which a block-incremental super block closes (<c>repo-block-size-super[-full]</c>).</summary>
    public long SuperBlockSize { get; set; }

    public long TimestampStart { get; set; }

    public BackupStartResult? Start { get; set; }

    public BackupStopResult? Stop { get; set; }

    public DataDirectoryScan Scan { get; set; } = null!;

    public Manifest Manifest { get; set; } = null!;

    /// <summary>Files kept from an interrupted backup that this one took over; empty otherwise.</summary>
    public IReadOnlySet<string> Resumed { get; set; } = new HashSet<string>();

    /// <summary>Saves the in-progress manifest as <c>backup.manifest.copy</c> (with <c>resume</c>); null to never save.</summary>
    public Func<string, CancellationToken, Task>? SaveManifestCopy { get; set; }

    public BackupCopier Copier { get; set; } = null!;

    public async ValueTask DisposeAsync()
    {
        if (StandbyDb is not null)
            await StandbyDb.DisposeAsync().ConfigureAwait(false);
        if (Db is not null)
            await Db.DisposeAsync().ConfigureAwait(false);
    }
}
