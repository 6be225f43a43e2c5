namespace PgRest.Postgres;

/// <summary>Result of starting a non-exclusive backup.</summary>
/// <param name="Lsn">Backup start LSN (pgBackRest's <c>backup-lsn-start</c>).</param>
/// <param name="WalSegmentName">Segment holding the start LSN (<c>backup-archive-start</c>).</param>
public sealed record BackupStartResult(Lsn Lsn, string WalSegmentName);

/// <summary>Result of stopping a non-exclusive backup.</summary>
/// <param name="Lsn">Backup stop LSN (<c>backup-lsn-stop</c>).</param>
/// <param name="WalSegmentName">Segment holding the stop LSN (<c>backup-archive-stop</c>).</param>
/// <param name="BackupLabel">Content to store as <c>backup_label</c> (null before PostgreSQL 9.6).</param>
/// <param name="TablespaceMap">Content to store as <c>tablespace_map</c>; null when there are no tablespaces.</param>
public sealed record BackupStopResult(Lsn Lsn, string WalSegmentName, string? BackupLabel, string? TablespaceMap);

/// <summary>A row of pg_tablespace (including pg_default and pg_global, whose location is empty).</summary>
public sealed record DbTablespace(uint Oid, string Name, string Location);

/// <summary>A row of pg_database; <paramref name="LastSystemOid"/> is template0's oid, as pgBackRest uses it.</summary>
public sealed record DbDatabase(uint Oid, string Name, uint LastSystemOid);

/// <summary>The settings pgBackRest reads when it opens a connection.</summary>
public sealed record DbSettings(
    int ServerVersionNum,
    string DataDirectory,
    string ArchiveMode,
    string ArchiveCommand,
    TimeSpan CheckpointTimeout);

/// <summary>The database server's clock.</summary>
public readonly record struct DbTimestamp(long EpochMilliseconds)
{
    public long EpochSeconds => EpochMilliseconds / 1000;

    public DateTimeOffset Value => DateTimeOffset.FromUnixTimeMilliseconds(EpochMilliseconds);
}

/// <summary>A query's result as text: column names and rows (a null value is SQL NULL).</summary>
public sealed record DbRows(IReadOnlyList<string> Columns, IReadOnlyList<string?[]> Rows);
