using System.Globalization;
using System.Text;

namespace PgRest.Postgres;

/// <summary>
/// How to reach one PostgreSQL server (pgBackRest's <c>pgN-*</c> options). Like pgBackRest, the client talks to a
/// local server through its Unix socket unless told otherwise.
/// </summary>
public sealed record DbConnectionOptions
{
    /// <summary>The libpq compiled-in socket directory on Debian/Ubuntu, used when <see cref="SocketPath"/> is not set.</summary>
    public const string DefaultSocketPath = "/var/run/postgresql";

    /// <summary>Default of <c>db-timeout</c>.</summary>
    public static readonly TimeSpan DefaultQueryTimeout = TimeSpan.FromSeconds(1800);

    /// <summary>
    /// TCP host name or address of the server; null for a local server. (pgBackRest's <c>pg1-host</c> names the host a
    /// remote pgBackRest runs on; that remote connects locally, so pass this only for a direct TCP connection.)
    /// </summary>
    public string? Host { get; init; }

    /// <summary><c>pg1-port</c>; also selects the socket file <c>.s.PGSQL.&lt;port&gt;</c>.</summary>
    public int Port { get; init; } = 5432;

    /// <summary>
    /// <c>pg1-socket-path</c>: the socket directory. As with libpq, a value not starting with '/' is a host name.
    /// </summary>
    public string? SocketPath { get; init; }

    /// <summary><c>pg1-user</c>; null lets the client pick PGUSER or the OS user, as libpq does.</summary>
    public string? User { get; init; }

    /// <summary><c>pg1-database</c>.</summary>
    public string Database { get; init; } = "postgres";

    /// <summary>Command name shown in <c>application_name</c> (<c>pgBackRest [backup]</c>).</summary>
    public string Command { get; init; } = "backup";

    /// <summary><c>db-timeout</c>: the longest a single query may run.</summary>
    public TimeSpan QueryTimeout { get; init; } = DefaultQueryTimeout;

    /// <summary>How long to wait for the connection itself.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A socket directory on this host that relays to the server of another host (pgN-host); the other fields still
    /// say how that host reaches its server, and messages name them.
    /// </summary>
    public string? RelaySocketDirectory { get; init; }

    /// <summary>With a relay and no <see cref="User"/>: the database host's OS user, whom libpq there would send.</summary>
    public string? RelayUser { get; init; }

    /// <summary>What pgBackRest 2.45 sets as <c>application_name</c>.</summary>
    public string ApplicationName => "pgBackRest [" + Command + "]";

    /// <summary>The address actually used: the TCP host, or the socket directory (default included).</summary>
    public string EffectiveHost => Host ?? SocketPath ?? DefaultSocketPath;

    public bool IsUnixSocket => EffectiveHost.StartsWith('/');

    /// <summary>
    /// The libpq-style connection description pgBackRest prints in connection errors, e.g.
    /// <c>dbname='postgres' port=5432 user='backup' host='/tmp'</c> (host only when configured).
    /// </summary>
    public string Describe()
    {
        StringBuilder text = new();
        text.Append("dbname=").Append(Quote(Database)).Append(" port=").Append(Port.ToString(CultureInfo.InvariantCulture));

        if (User is not null)
            text.Append(" user=").Append(Quote(User));

        if ((Host ?? SocketPath) is { } host)
            text.Append(" host=").Append(Quote(host));

        return text.ToString();
    }

    private static string Quote(string value) => "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
}
