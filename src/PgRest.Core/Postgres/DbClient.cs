using System.Globalization;
using System.Net.Sockets;
using Npgsql;
using PgRest.Errors;

namespace PgRest.Postgres;

/// <summary>
/// One session with a PostgreSQL server, issuing the same queries as pgBackRest's <c>db.c</c>. A non-exclusive backup
/// lives in the session: keep the client open from <see cref="BackupStartAsync"/> until <see cref="BackupStopAsync"/>.
/// Npgsql types never leave this class, so code that does not touch the database never loads that assembly.
/// </summary>
public sealed class DbClient : IAsyncDisposable
{
    /// <summary>Advisory lock key pgBackRest holds during a backup, so pgBackRest and pgrest exclude each other.</summary>
    public const long BackupAdvisoryLockKey = 12340078987004321;

    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlConnection _connection;
    private readonly int _commandTimeoutSeconds;
    private IAsyncDisposable? _transport;

    private DbClient(DbConnectionOptions options, NpgsqlDataSource dataSource, NpgsqlConnection connection, int serverVersionNum)
    {
        Options = options;
        _dataSource = dataSource;
        _connection = connection;
        ServerVersionNum = serverVersionNum;
        _commandTimeoutSeconds = (int)Math.Clamp(Math.Ceiling(options.QueryTimeout.TotalSeconds), 1, int.MaxValue);
    }

    public DbConnectionOptions Options { get; }

    /// <summary><c>server_version_num</c> read when the session opened, e.g. 150004.</summary>
    public int ServerVersionNum { get; }

    /// <summary>pgBackRest's version string of the server, e.g. "15".</summary>
    public string PgVersion => PgVersions.VersionFromServerVersionNum(ServerVersionNum);

    private string WalName => ServerVersionNum >= 100000 ? "wal" : "xlog";

    private string LsnName => ServerVersionNum >= 100000 ? "lsn" : "location";

    /// <summary>
    /// Opens the session and prepares it like pgBackRest: <c>search_path</c> pinned to pg_catalog, no parallel
    /// workers (9.6 cannot stop a backup from a worker).
    /// </summary>
    /// <param name="transport">What carries the connection (a relay to another host's server), ended with the session.</param>
    public static async Task<DbClient> ConnectAsync(DbConnectionOptions options, CancellationToken cancellationToken = default, IAsyncDisposable? transport = null)
    {
        try
        {
            var client = await ConnectDirectAsync(options, cancellationToken).ConfigureAwait(false);
            client._transport = transport;
            return client;
        }
        catch
        {
            if (transport is not null)
                await transport.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<DbClient> ConnectDirectAsync(DbConnectionOptions options, CancellationToken cancellationToken)
    {
        NpgsqlConnectionStringBuilder settings = new()
        {
            Host = options.RelaySocketDirectory ?? options.EffectiveHost,
            Port = options.Port,
            Database = options.Database,
            ApplicationName = options.ApplicationName,
            Pooling = false,
            Enlist = false,
            Timeout = (int)Math.Clamp(Math.Ceiling(options.ConnectTimeout.TotalSeconds), 1, 1024),
            CommandTimeout = (int)Math.Clamp(Math.Ceiling(options.QueryTimeout.TotalSeconds), 1, int.MaxValue),
        };

        if ((options.User ?? options.RelayUser) is { } user)
            settings.Username = user;

        NpgsqlSlimDataSourceBuilder builder = new(settings.ConnectionString);

        // Only built-in types are read (every column is cast in SQL), so skip loading pg_type.
        builder.ConfigureTypeLoading(typeLoading => typeLoading.EnableTypeLoading(false));

        if (!options.IsUnixSocket && options.RelaySocketDirectory is null)
            builder.EnableTransportSecurity();

        NpgsqlDataSource dataSource = builder.Build();
        NpgsqlConnection connection;

        try
        {
            connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);

            if (e is NpgsqlException or SocketException or TimeoutException or IOException or InvalidOperationException
                or ArgumentException)
            {
                throw new PgRestException(
                    ErrorCode.DbConnect, $"unable to connect to '{options.Describe()}': {ConnectFailure(options, e)}", e);
            }

            throw;
        }

        DbClient client;

        try
        {
            await ExecuteOnAsync(connection, "set search_path = 'pg_catalog'", options, cancellationToken).ConfigureAwait(false);
            int versionNum = int.Parse(
                await ScalarTextOnAsync(
                    connection, "select pg_catalog.current_setting('server_version_num')::text", options, cancellationToken)
                    .ConfigureAwait(false) ?? "0",
                CultureInfo.InvariantCulture);
            client = new DbClient(options, dataSource, connection, versionNum);

            if (versionNum >= 90600)
                await client.ExecuteAsync("set max_parallel_workers_per_gather = 0", cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        if (_transport is not null)
            await _transport.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary><c>server_version_num</c> as the server reports it now.</summary>
    public async Task<int> ServerVersionNumAsync(CancellationToken cancellationToken = default) =>
        int.Parse(await RequiredSettingAsync("server_version_num", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);

    public Task<string> DataDirectoryAsync(CancellationToken cancellationToken = default) =>
        RequiredSettingAsync("data_directory", cancellationToken);

    /// <summary><c>archive_mode</c>: off, on or always.</summary>
    public Task<string> ArchiveModeAsync(CancellationToken cancellationToken = default) =>
        RequiredSettingAsync("archive_mode", cancellationToken);

    public Task<string> ArchiveCommandAsync(CancellationToken cancellationToken = default) =>
        RequiredSettingAsync("archive_command", cancellationToken);

    /// <summary>A server setting from pg_settings; null when the setting does not exist or cannot be seen.</summary>
    public Task<string?> SettingAsync(string name, CancellationToken cancellationToken = default) =>
        QuerySingleAsync(
            "select (select setting from pg_catalog.pg_settings where name = $1)::text",
            reader => reader.IsDBNull(0) ? null : reader.GetString(0),
            cancellationToken,
            name);

    /// <summary>
    /// The settings pgBackRest reads at connect time, in one query. A null value means the user may not read
    /// pg_settings, which pgBackRest reports as a query error with hints.
    /// </summary>
    public Task<DbSettings> SettingsAsync(CancellationToken cancellationToken = default) =>
        QuerySingleAsync(
            "select (select setting from pg_catalog.pg_settings where name = 'server_version_num')::int4," +
            " (select setting from pg_catalog.pg_settings where name = 'data_directory')::text," +
            " (select setting from pg_catalog.pg_settings where name = 'archive_mode')::text," +
            " (select setting from pg_catalog.pg_settings where name = 'archive_command')::text," +
            " (select setting from pg_catalog.pg_settings where name = 'checkpoint_timeout')::int4",
            reader =>
            {
                for (int column = 0; column < 5; column++)
                {
                    if (reader.IsDBNull(column))
                    {
                        throw new PgRestException(
                            ErrorCode.DbQuery,
                            "unable to select some rows from pg_settings\n" +
                            "HINT: is the backup running as the postgres user?\n" +
                            "HINT: is the pg_read_all_settings role assigned for PostgreSQL >= 10?");
                    }
                }

                return new DbSettings(
                    reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    TimeSpan.FromSeconds(reader.GetInt32(4)));
            },
            cancellationToken);

    /// <summary>
    /// Any query (several statements allowed): the columns and rows of its last result that has columns, every value as
    /// PostgreSQL prints it (null for SQL NULL), whatever its type.
    /// </summary>
    public Task<DbRows> QueryRowsAsync(string sql, CancellationToken cancellationToken = default) =>
        QueryAsync(sql, [], async reader =>
        {
            var result = new DbRows([], []);
            do
            {
                if (reader.FieldCount == 0)
                    continue;
                string[] columns = new string[reader.FieldCount];
                for (int column = 0; column < columns.Length; column++)
                    columns[column] = reader.GetName(column);
                List<string?[]> rows = [];
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var row = new string?[columns.Length];
                    for (int column = 0; column < columns.Length; column++)
                        row[column] = reader.IsDBNull(column) ? null : reader.GetString(column);
                    rows.Add(row);
                }

                result = new DbRows(columns, rows);
            }
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));

            return result;
        }, cancellationToken, asText: true);

    /// <summary>Undoes the pg_catalog search_path of <see cref="ConnectAsync"/>, for a user's own SQL.</summary>
    public Task UseDefaultSearchPathAsync(CancellationToken cancellationToken = default) => ExecuteAsync("reset search_path", cancellationToken);

    public Task<bool> IsInRecoveryAsync(CancellationToken cancellationToken = default) =>
        QuerySingleAsync("select pg_catalog.pg_is_in_recovery()", reader => reader.GetBoolean(0), cancellationToken);

    /// <summary>The server's wall clock (<c>clock_timestamp()</c>, not the transaction start) to the millisecond.</summary>
    public Task<DbTimestamp> CurrentTimestampAsync(CancellationToken cancellationToken = default) =>
        QuerySingleAsync(
            "select (extract(epoch from pg_catalog.clock_timestamp()) * 1000)::int8",
            reader => new DbTimestamp(reader.GetInt64(0)),
            cancellationToken);

    /// <summary>
    /// Takes pgBackRest's backup advisory lock for this session; fails when another pgBackRest or pgrest backup of
    /// the cluster holds it.
    /// </summary>
    public async Task AcquireBackupLockAsync(CancellationToken cancellationToken = default)
    {
        bool acquired = await QuerySingleAsync(
            $"select pg_catalog.pg_try_advisory_lock({BackupAdvisoryLockKey})::bool",
            reader => reader.GetBoolean(0),
            cancellationToken).ConfigureAwait(false);

        if (!acquired)
        {
            throw new PgRestException(
                ErrorCode.LockAcquire,
                "unable to acquire pgBackRest advisory lock\nHINT: is another pgBackRest backup already running on this cluster?");
        }
    }

    /// <summary>Segment currently being written (checked before a backup starts to know whether a switch is needed).</summary>
    public Task<string> CurrentWalSegmentAsync(CancellationToken cancellationToken = default) =>
        QuerySingleAsync(
            $"select pg_catalog.pg_{WalName}file_name(pg_catalog.pg_current_{WalName}_insert_{LsnName}())::text",
            reader => reader.GetString(0),
            cancellationToken);

    /// <summary>
    /// Starts a non-exclusive backup (<c>pg_backup_start</c> on PostgreSQL ≥ 15, <c>pg_start_backup(label, fast, false)</c>
    /// before). A null <paramref name="label"/> uses pgBackRest's <c>pgBackRest backup started at &lt;now&gt;</c>.
    /// <paramref name="startFast"/> requests an immediate checkpoint instead of waiting for the next one.
    /// </summary>
    public Task<BackupStartResult> BackupStartAsync(string? label, bool startFast, CancellationToken cancellationToken = default)
    {
        string function = ServerVersionNum >= 150000 ? "backup_start" : "start_backup";
        string labelSql = label is null ? "'pgBackRest backup started at ' || current_timestamp" : "$1";
        string fast = startFast ? "true" : "false";
        string exclusive = ServerVersionNum is >= 90600 and < 150000 ? ", false" : "";

        string sql =
            $"select lsn::text as lsn, pg_catalog.pg_{WalName}file_name(lsn)::text as wal_segment_name" +
            $" from pg_catalog.pg_{function}({labelSql}, {fast}{exclusive}) as lsn";

        return QuerySingleAsync(
            sql,
            reader => new BackupStartResult(Lsn.Parse(reader.GetString(0)), reader.GetString(1)),
            cancellationToken,
            label is null ? [] : [label]);
    }

    /// <summary>
    /// Stops the backup started in this session without waiting for WAL archiving (pgrest checks the archive itself)
    /// and returns the backup_label and tablespace_map contents to store with the backup.
    /// </summary>
    public Task<BackupStopResult> BackupStopAsync(CancellationToken cancellationToken = default)
    {
        bool returnsFiles = ServerVersionNum >= 90600;
        string columns = $"lsn::text as lsn, pg_catalog.pg_{WalName}file_name(lsn)::text as wal_segment_name";
        string sql = ServerVersionNum switch
        {
            >= 150000 => $"select {columns}, labelfile::text, spcmapfile::text from pg_catalog.pg_backup_stop(false)",
            >= 100000 => $"select {columns}, labelfile::text, spcmapfile::text from pg_catalog.pg_stop_backup(false, false)",
            >= 90600 => $"select {columns}, labelfile::text, spcmapfile::text from pg_catalog.pg_stop_backup(false)",
            _ => $"select {columns} from pg_catalog.pg_stop_backup() as lsn",
        };

        return QuerySingleAsync(
            sql,
            reader =>
            {
                string? label = returnsFiles && !reader.IsDBNull(2) ? reader.GetString(2) : null;
                string? map = returnsFiles && !reader.IsDBNull(3) ? reader.GetString(3) : null;

                // An empty map means no tablespaces: pgBackRest then stores no tablespace_map.
                if (string.IsNullOrWhiteSpace(map))
                    map = null;

                return new BackupStopResult(Lsn.Parse(reader.GetString(0)), reader.GetString(1), label, map);
            },
            cancellationToken);
    }

    /// <summary>
    /// Forces a WAL segment switch as pgBackRest's check does: first a restore point (so the switch always has WAL to
    /// close even on an idle server), then <c>pg_switch_wal()</c>. Returns the name of the segment that was closed.
    /// </summary>
    public async Task<string> SwitchWalAsync(CancellationToken cancellationToken = default)
    {
        await CreateRestorePointAsync("pgBackRest Archive Check", cancellationToken).ConfigureAwait(false);

        return await QuerySingleAsync(
            $"select pg_catalog.pg_{WalName}file_name(pg_catalog.pg_switch_{WalName}())::text",
            reader => reader.GetString(0),
            cancellationToken).ConfigureAwait(false);
    }

    public Task<Lsn> CreateRestorePointAsync(string name, CancellationToken cancellationToken = default) =>
        QuerySingleAsync(
            "select pg_catalog.pg_create_restore_point($1)::text",
            reader => Lsn.Parse(reader.GetString(0)),
            cancellationToken,
            name);

    public Task CheckpointAsync(CancellationToken cancellationToken = default) => ExecuteAsync("checkpoint", cancellationToken);

    /// <summary>Last WAL position replayed by a standby; null on a primary.</summary>
    public Task<Lsn?> ReplayLsnAsync(CancellationToken cancellationToken = default) =>
        QuerySingleAsync(
            $"select pg_catalog.pg_last_{WalName}_replay_{LsnName}()::text",
            reader => reader.IsDBNull(0) ? (Lsn?)null : Lsn.Parse(reader.GetString(0)),
            cancellationToken);

    /// <summary>Checkpoint location from the server's view of pg_control (PostgreSQL ≥ 9.6).</summary>
    public Task<Lsn> ControlCheckpointLsnAsync(CancellationToken cancellationToken = default) =>
        QuerySingleAsync(
            $"select checkpoint_{LsnName}::text from pg_catalog.pg_control_checkpoint()",
            reader => Lsn.Parse(reader.GetString(0)),
            cancellationToken);

    public Task<IReadOnlyList<DbTablespace>> TablespacesAsync(CancellationToken cancellationToken = default) =>
        QueryListAsync(
            "select oid::int8, spcname::text, pg_catalog.pg_tablespace_location(oid)::text from pg_catalog.pg_tablespace" +
            " order by oid",
            reader => new DbTablespace((uint)reader.GetInt64(0), reader.GetString(1), reader.GetString(2)),
            cancellationToken);

    public Task<IReadOnlyList<DbDatabase>> DatabasesAsync(CancellationToken cancellationToken = default) =>
        QueryListAsync(
            "select oid::int8, datname::text," +
            " (select oid::int8 from pg_catalog.pg_database where datname = 'template0') as datlastsysoid" +
            " from pg_catalog.pg_database order by oid",
            reader => new DbDatabase((uint)reader.GetInt64(0), reader.GetString(1), (uint)reader.GetInt64(2)),
            cancellationToken);

    private async Task<string> RequiredSettingAsync(string name, CancellationToken cancellationToken) =>
        await SettingAsync(name, cancellationToken).ConfigureAwait(false)
        ?? throw new PgRestException(ErrorCode.DbQuery, $"unable to read setting '{name}' from pg_settings");

    private Task ExecuteAsync(string sql, CancellationToken cancellationToken) =>
        ExecuteOnAsync(_connection, sql, Options, cancellationToken);

    private static async Task ExecuteOnAsync(
        NpgsqlConnection connection, string sql, DbConnectionOptions options, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand command = new(sql, connection);

        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsQueryFailure(e, cancellationToken))
        {
            throw QueryError(sql, options, e);
        }
    }

    private static async Task<string?> ScalarTextOnAsync(
        NpgsqlConnection connection, string sql, DbConnectionOptions options, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand command = new(sql, connection);

        try
        {
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        }
        catch (Exception e) when (IsQueryFailure(e, cancellationToken))
        {
            throw QueryError(sql, options, e);
        }
    }

    private Task<T> QuerySingleAsync<T>(
        string sql, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken, params object[] parameters) =>
        QueryAsync(sql, parameters, async reader =>
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                throw new PgRestException(ErrorCode.DbQuery, $"no rows returned from query '{sql}'");

            T value = map(reader);

            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                throw new PgRestException(ErrorCode.DbQuery, $"more than one row returned from query '{sql}'");

            return value;
        }, cancellationToken);

    private Task<IReadOnlyList<T>> QueryListAsync<T>(string sql, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken) =>
        QueryAsync<IReadOnlyList<T>>(sql, [], async reader =>
        {
            List<T> rows = [];

            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                rows.Add(map(reader));

            return rows;
        }, cancellationToken);

    /// <param name="asText">Every column in PostgreSQL's text form (read with GetString), for results of any type.</param>
    private async Task<T> QueryAsync<T>(
        string sql, object[] parameters, Func<NpgsqlDataReader, Task<T>> read, CancellationToken cancellationToken, bool asText = false)
    {
        await using NpgsqlCommand command = new(sql, _connection) { CommandTimeout = _commandTimeoutSeconds, AllResultTypesAreUnknown = asText };

        foreach (object parameter in parameters)
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });

        try
        {
            await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await read(reader).ConfigureAwait(false);
        }
        catch (Exception e) when (IsQueryFailure(e, cancellationToken))
        {
            throw QueryError(sql, Options, e);
        }
    }

    private static bool IsQueryFailure(Exception e, CancellationToken cancellationToken) =>
        e is NpgsqlException or InvalidCastException or FormatException or IOException or InvalidOperationException
        && !cancellationToken.IsCancellationRequested;

    /// <summary>Same wording as pgBackRest (libpq prints the severity, two spaces, then the message).</summary>
    private static PgRestException QueryError(string sql, DbConnectionOptions options, Exception e)
    {
        if (e is NpgsqlException { InnerException: TimeoutException })
        {
            return new PgRestException(
                ErrorCode.DbQuery,
                $"query '{sql}' timed out after {(long)options.QueryTimeout.TotalMilliseconds}ms", e);
        }

        string detail = e is PostgresException postgres ? $"{postgres.Severity}:  {postgres.MessageText}" : e.Message;
        return new PgRestException(ErrorCode.DbQuery, $"unable to execute query '{sql}': {detail}", e);
    }

    /// <summary>Describes a failed connection the way libpq does, which is what pgBackRest shows.</summary>
    internal static string ConnectFailure(DbConnectionOptions options, Exception e)
    {
        string target = options.IsUnixSocket
            ? $"connection to server on socket \"{options.EffectiveHost.TrimEnd('/')}/.s.PGSQL.{options.Port}\" failed"
            : $"connection to server at \"{options.EffectiveHost}\", port {options.Port} failed";

        if (FindInner<PostgresException>(e) is { } postgres)
            return $"{target}: {postgres.Severity}:  {postgres.MessageText}";

        if (FindInner<SocketException>(e) is { } socket)
        {
            string hint = options.IsUnixSocket
                ? "\n\tIs the server running locally and accepting connections on that socket?"
                : "\n\tIs the server running on that host and accepting TCP/IP connections?";
            return $"{target}: {SocketErrorText(socket, options.IsUnixSocket)}{hint}";
        }

        if (FindInner<TimeoutException>(e) is not null)
            return $"{target}: timeout expired";

        return $"{target}: {e.Message}";
    }

    /// <summary>libpq prints strerror(); .NET reports a mapped SocketError whose text differs for the common cases.</summary>
    private static string SocketErrorText(SocketException socket, bool unixSocket) => socket.SocketErrorCode switch
    {
        SocketError.AddressNotAvailable when unixSocket => "No such file or directory",
        SocketError.ConnectionRefused => "Connection refused",
        SocketError.AccessDenied => "Permission denied",
        SocketError.TimedOut => "Connection timed out",
        _ => socket.Message,
    };

    private static T? FindInner<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T match)
                return match;
        }

        return null;
    }
}
