using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;
using PgRest.Postgres;

namespace PgRest.IntegrationTests.Infrastructure;

/// <summary>How pg_ctl stops the server.</summary>
public enum PgStopMode
{
    Smart,
    Fast,
    Immediate,
}

/// <summary>Settings of a test cluster.</summary>
public sealed record PgClusterOptions
{
    /// <summary><c>archive_command</c>; the default accepts every segment without storing it.</summary>
    public string ArchiveCommand { get; init; } = "/bin/true";

    /// <summary>The PostgreSQL major version (12 to 18) whose server binaries run the cluster.</summary>
    public int Major { get; init; } = PgCluster.DefaultMajor;

    /// <summary>initdb <c>--data-checksums</c> (or, from PostgreSQL 18 where checksums are the default, <c>--no-data-checksums</c> when false).</summary>
    public bool DataChecksums { get; init; } = true;

    /// <summary>initdb <c>--waldir</c>: pg_wal is a symlink to <c>wal/</c> next to <c>data/</c>.</summary>
    public bool SeparateWalDirectory { get; init; }

    /// <summary>Start the server once created.</summary>
    public bool Start { get; init; } = true;

    /// <summary>Further postgresql.conf settings (raw values, quoted as needed by the caller, e.g. <c>"'1min'"</c>).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// A throw-away PostgreSQL cluster (15 unless another major is asked for) in its own directory under /tmp, owned and
/// run by the postgres OS user, listening on a private port and a socket in that directory. Several can run at once.
/// Dispose stops it and deletes everything.
/// </summary>
public sealed class PgCluster : IAsyncDisposable, IDisposable
{
    /// <summary>Debian's PostgreSQL 15: its client tools (psql, pgbench, pg_basebackup, pg_controldata) serve every major.</summary>
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";
    public const int DefaultMajor = 15;

    /// <summary>Every major the tests run, oldest first: 15 is Debian's package, the others scripts/setup.sh unpacks.</summary>
    public static readonly IReadOnlyList<int> Majors = [12, 13, 14, 15, 16, 17, 18];
    public const string OsUser = "postgres";
    public const string DatabaseUser = "postgres";
    public const string SettingsFileName = "pgrest-test.conf";

    private static readonly TimeSpan ServerTimeout = TimeSpan.FromSeconds(120);
    private static readonly Lock PortLock = new();
    private static readonly HashSet<int> PortsInUse = [];

    private readonly Dictionary<string, string> _settings;
    private bool _disposed;

    private PgCluster(TempDirectory root, PgClusterOptions options)
    {
        Root = root;
        Options = options;
        Major = options.Major;
        _settings = new Dictionary<string, string>(options.Settings);
    }

    public PgClusterOptions Options { get; }

    /// <summary>The private directory: holds <c>data/</c>, the socket and the server log.</summary>
    public TempDirectory Root { get; }

    public string DataDirectory => Root.Combine("data");

    public string SocketDirectory => Root.Path;

    /// <summary>Where pg_wal points with <see cref="PgClusterOptions.SeparateWalDirectory"/>.</summary>
    public string WalDirectory => Root.Combine("wal");

    public string LogFile => Root.Combine("postgresql.log");

    public int Port { get; private set; }

    /// <summary>True while the postmaster recorded in postmaster.pid is alive.</summary>
    public bool IsRunning => PostmasterPid() is { } pid && Directory.Exists("/proc/" + pid.ToString(CultureInfo.InvariantCulture));

    /// <summary>Npgsql connection string for this cluster (socket connection as the postgres superuser).</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = SocketDirectory,
        Port = Port,
        Username = DatabaseUser,
        Database = "postgres",
        Pooling = false,
        Timeout = 30,
    }.ConnectionString;

    /// <summary>The major whose binaries run the cluster; <see cref="ReinitializeAsync"/> changes it.</summary>
    public int Major { get; private set; }

    /// <summary>A client tool of Debian's PostgreSQL 15.</summary>
    public static string Bin(string tool) => Path.Combine(BinDirectory, tool);

    /// <summary>A server binary (initdb, pg_ctl, postgres) of one major; a major that is not installed fails the test.</summary>
    public static string ServerBin(int major, string tool)
    {
        if (major == DefaultMajor)
            return Bin(tool);

        string path = $"/opt/pgrest-postgres/{major.ToString(CultureInfo.InvariantCulture)}/bin/{tool}";
        if (!File.Exists(path))
            throw new InvalidOperationException($"PostgreSQL {major} is not installed at {Path.GetDirectoryName(path)}; scripts/setup.sh installs it");
        return path;
    }

    /// <summary>initdb's a new cluster and (unless told otherwise) starts it.</summary>
    public static async Task<PgCluster> CreateAsync(PgClusterOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new PgClusterOptions();
        TempDirectory root = new("pgrest-pg");
        PgCluster cluster = new(root, options);

        try
        {
            await cluster.InitdbAsync(cancellationToken).ConfigureAwait(false);

            if (options.Start)
                await cluster.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return cluster;
    }

    /// <summary>
    /// What <c>pg_upgrade</c> leaves for a backup tool: the server stopped, and a new cluster of <paramref name="major"/>
    /// (new system identifier) initdb'd at the same data directory, started again.
    /// </summary>
    public async Task ReinitializeAsync(int major, CancellationToken cancellationToken = default)
    {
        await StopAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        Directory.Delete(DataDirectory, recursive: true);
        if (Options.SeparateWalDirectory)
            Directory.Delete(WalDirectory, recursive: true);
        Major = major;
        await InitdbAsync(cancellationToken).ConfigureAwait(false);
        await StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Empties the data directory of a stopped cluster (keeping the directory and its owner), for a restore into it.</summary>
    public void EmptyDataDirectory()
    {
        if (IsRunning)
            throw new InvalidOperationException("stop the cluster before emptying its data directory");

        foreach (FileSystemInfo entry in new DirectoryInfo(DataDirectory).EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo directory && directory.LinkTarget is null)
                directory.Delete(recursive: true);
            else
                entry.Delete();
        }
    }

    private async Task InitdbAsync(CancellationToken cancellationToken)
    {
        List<string> initdb = ["-D", DataDirectory, "-U", DatabaseUser, "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"];

        if (Options.DataChecksums)
            initdb.Add("--data-checksums");
        else if (Major >= 18)
            initdb.Add("--no-data-checksums");

        if (Options.SeparateWalDirectory)
            initdb.Add("--waldir=" + WalDirectory);

        (await ProcessRunner.RunAsync(ServerBin(Major, "initdb"), initdb, OsUser, timeout: ServerTimeout, cancellationToken: cancellationToken)
            .ConfigureAwait(false)).EnsureSuccess("initdb");

        await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), $"\ninclude '{SettingsFileName}'\n", cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Starts the server with <c>pg_ctl -w</c>; a port taken meanwhile by someone else is replaced and retried.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        for (int attempt = 1; ; attempt++)
        {
            if (Port == 0)
                Port = ReservePort();

            await WriteSettingsAsync(cancellationToken).ConfigureAwait(false);
            long logStart = File.Exists(LogFile) ? new FileInfo(LogFile).Length : 0;

            ProcessResult result = await ProcessRunner.RunAsync(
                ServerBin(Major, "pg_ctl"), ["-w", "-t", "100", "-D", DataDirectory, "-l", LogFile, "start"], OsUser,
                timeout: ServerTimeout, cancellationToken: cancellationToken).ConfigureAwait(false);

            if (result.ExitCode == 0)
                return;

            string log = ReadLogFrom(logStart);

            if (attempt < 5 && (log.Contains("could not bind", StringComparison.Ordinal)
                                || log.Contains("could not create any TCP/IP sockets", StringComparison.Ordinal)))
            {
                ReleasePort(Port);
                Port = 0;
                continue;
            }

            throw new InvalidOperationException(
                $"pg_ctl start failed with exit code {result.ExitCode}\n{result.StandardOutput}{result.StandardError}\nserver log:\n{log}");
        }
    }

    /// <summary>Stops the server with <c>pg_ctl -w -m &lt;mode&gt;</c>.</summary>
    public async Task StopAsync(PgStopMode mode = PgStopMode.Fast, CancellationToken cancellationToken = default)
    {
        if (!IsRunning)
            return;

        string modeName = mode switch
        {
            PgStopMode.Smart => "smart",
            PgStopMode.Immediate => "immediate",
            _ => "fast",
        };

        (await ProcessRunner.RunAsync(
                ServerBin(Major, "pg_ctl"), ["-w", "-t", "100", "-D", DataDirectory, "-m", modeName, "stop"], OsUser,
                timeout: ServerTimeout, cancellationToken: cancellationToken)
            .ConfigureAwait(false)).EnsureSuccess("pg_ctl stop");
    }

    public async Task RestartAsync(PgStopMode mode = PgStopMode.Fast, CancellationToken cancellationToken = default)
    {
        await StopAsync(mode, cancellationToken).ConfigureAwait(false);
        await StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Changes postgresql.conf settings; they apply at the next start, or now for reloadable ones with <paramref name="reload"/>.</summary>
    public async Task SetSettingsAsync(IReadOnlyDictionary<string, string> changes, bool reload = true, CancellationToken cancellationToken = default)
    {
        foreach ((string name, string value) in changes)
            _settings[name] = value;

        await WriteSettingsAsync(cancellationToken).ConfigureAwait(false);

        if (reload && IsRunning)
            await ExecuteAsync("select pg_catalog.pg_reload_conf()", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a query and returns the first column of the first row (default when there is none or it is null).</summary>
    public async Task<T?> QueryScalarAsync<T>(string sql, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection connection = new(ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlCommand command = new(sql, connection);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);

        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false) || await reader.IsDBNullAsync(0, cancellationToken).ConfigureAwait(false))
            return default;

        return await reader.GetFieldValueAsync<T>(0, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs one or more statements; returns the rows affected. Several statements run as one implicit transaction,
    /// so VACUUM, CREATE DATABASE or CREATE TABLESPACE must be sent alone.
    /// </summary>
    public async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection connection = new(ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlCommand command = new(sql, connection);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What pgrest needs to reach this cluster (<c>pg1-socket-path</c>, <c>pg1-port</c>, <c>pg1-user</c>).</summary>
    public DbConnectionOptions ConnectionOptions(string command = "backup") => new()
    {
        SocketPath = SocketDirectory,
        Port = Port,
        User = DatabaseUser,
        Command = command,
    };

    /// <summary>Runs a PostgreSQL tool from <see cref="BinDirectory"/> as the postgres OS user.</summary>
    public Task<ProcessResult> RunToolAsync(string tool, IEnumerable<string> arguments, CancellationToken cancellationToken = default) =>
        ProcessRunner.RunAsync(Bin(tool), arguments, OsUser, timeout: ServerTimeout, cancellationToken: cancellationToken);

    /// <summary>Runs Debian's pgbench 15 (it drives every major) against the <c>postgres</c> database of this cluster.</summary>
    public async Task PgbenchAsync(params string[] arguments)
    {
        ProcessResult result = await ProcessRunner.RunAsync(
            Bin("pgbench"), ["-h", SocketDirectory, "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", DatabaseUser, .. arguments, "postgres"],
            OsUser, timeout: TimeSpan.FromMinutes(3)).ConfigureAwait(false);
        result.EnsureSuccess("pgbench " + string.Join(' ', arguments));
    }

    /// <summary><c>pg_controldata</c> output as label → value (PostgreSQL 15 only: the tool reads only its own layout).</summary>
    public async Task<IReadOnlyDictionary<string, string>> ControlDataAsync(CancellationToken cancellationToken = default)
    {
        if (Major != DefaultMajor)
            throw new InvalidOperationException($"pg_controldata {DefaultMajor} cannot read the pg_control of PostgreSQL {Major}");

        ProcessResult result = (await RunToolAsync("pg_controldata", ["-D", DataDirectory], cancellationToken).ConfigureAwait(false))
            .EnsureSuccess("pg_controldata");
        Dictionary<string, string> values = new(StringComparer.Ordinal);

        foreach (string line in result.StandardOutput.Split('\n'))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);

            if (colon > 0)
                values[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        return values;
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;

        _disposed = true;

        try
        {
            await StopAsync(PgStopMode.Immediate).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            KillPostmaster();
        }

        if (Port != 0)
            ReleasePort(Port);

        Root.Dispose();
    }

    /// <summary>Waits until a promoted cluster accepts writes (recovery finished); on timeout the server log says why.</summary>
    public async Task WaitForPromotionAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(120));
        while (true)
        {
            try
            {
                if (!await QueryScalarAsync<bool>("select pg_is_in_recovery()"))
                    return;
            }
            catch (Npgsql.NpgsqlException) when (DateTime.UtcNow < deadline)
            {
                // still starting up
            }

            if (DateTime.UtcNow >= deadline)
                throw new TimeoutException($"cluster did not finish recovery; log:\n{(File.Exists(LogFile) ? File.ReadAllText(LogFile) : "(no log)")}");
            await Task.Delay(200);
        }
    }

    public override string ToString() => $"PostgreSQL {Major} at {DataDirectory} port {Port}";

    private async Task WriteSettingsAsync(CancellationToken cancellationToken)
    {
        Dictionary<string, string> all = new(StringComparer.Ordinal)
        {
            ["port"] = Port.ToString(CultureInfo.InvariantCulture),
            ["listen_addresses"] = "'127.0.0.1'",
            ["unix_socket_directories"] = Quote(SocketDirectory),
            ["wal_level"] = "replica",
            ["archive_mode"] = "on",
            ["archive_command"] = Quote(Options.ArchiveCommand),
            ["max_wal_senders"] = "4",
            // fsync and synchronous_commit keep their defaults: what a test committed survives an immediate stop.
            ["max_connections"] = "30",
            ["shared_buffers"] = "'32MB'",
            ["logging_collector"] = "off",
        };

        foreach ((string name, string value) in _settings)
            all[name] = value;

        StringBuilder text = new("# written by the PgRest integration test harness\n");

        foreach ((string name, string value) in all)
            text.Append(name).Append(" = ").Append(value).Append('\n');

        string path = Path.Combine(DataDirectory, SettingsFileName);
        await File.WriteAllTextAsync(path, text.ToString(), cancellationToken).ConfigureAwait(false);
        TempDirectory.ChangeOwner(path, OsUser);
    }

    private static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private int? PostmasterPid()
    {
        string pidFile = Path.Combine(DataDirectory, "postmaster.pid");

        try
        {
            using StreamReader reader = new(pidFile);
            return int.TryParse(reader.ReadLine(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? pid : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private void KillPostmaster()
    {
        if (PostmasterPid() is not { } pid)
            return;

        try
        {
            using System.Diagnostics.Process process = System.Diagnostics.Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Already gone.
        }
    }

    private string ReadLogFrom(long offset)
    {
        if (!File.Exists(LogFile))
            return "";

        using FileStream stream = new(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
        using StreamReader reader = new(stream);
        return reader.ReadToEnd();
    }

    /// <summary>A port free on 127.0.0.1 and not handed to another cluster of this process.</summary>
    private static int ReservePort()
    {
        lock (PortLock)
        {
            for (int attempt = 0; attempt < 100; attempt++)
            {
                using TcpListener listener = new(IPAddress.Loopback, 0);
                listener.Start();
                int port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();

                if (PortsInUse.Add(port))
                    return port;
            }

            throw new InvalidOperationException("no free TCP port found");
        }
    }

    private static void ReleasePort(int port)
    {
        lock (PortLock)
            PortsInUse.Remove(port);
    }
}
