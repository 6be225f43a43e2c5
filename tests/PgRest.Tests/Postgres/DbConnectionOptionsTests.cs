using PgRest.Postgres;

namespace PgRest.Tests.Postgres;

public class DbConnectionOptionsTests
{
    [Fact]
    public void Defaults_are_pgbackrest_defaults()
    {
        DbConnectionOptions options = new();

        Assert.Equal(5432, options.Port);
        Assert.Equal("postgres", options.Database);
        Assert.Null(options.User);
        Assert.Equal(TimeSpan.FromSeconds(1800), options.QueryTimeout);
        Assert.Equal("/var/run/postgresql", options.EffectiveHost);
        Assert.True(options.IsUnixSocket);
        Assert.Equal("pgBackRest [backup]", options.ApplicationName);
    }

    [Fact]
    public void Description_matches_the_libpq_string_pgbackrest_prints()
    {
        Assert.Equal("dbname='postgres' port=5432", new DbConnectionOptions().Describe());
        Assert.Equal(
            "dbname='my\\'db' port=5433 user='back\\\\up' host='/tmp/pg'",
            new DbConnectionOptions { Database = "my'db", Port = 5433, User = "back\\up", SocketPath = "/tmp/pg" }.Describe());
    }

    [Fact]
    public void A_host_or_a_socket_path_without_slash_means_tcp()
    {
        Assert.False(new DbConnectionOptions { Host = "db1.example" }.IsUnixSocket);
        Assert.False(new DbConnectionOptions { SocketPath = "127.0.0.1" }.IsUnixSocket);
        Assert.Equal("127.0.0.1", new DbConnectionOptions { SocketPath = "127.0.0.1" }.EffectiveHost);
        Assert.Equal("pgBackRest [archive-push]", new DbConnectionOptions { Command = "archive-push" }.ApplicationName);
    }

    [Fact]
    public void Timestamp_offers_seconds_and_date()
    {
        DbTimestamp timestamp = new(1795260995123);

        Assert.Equal(1795260995, timestamp.EpochSeconds);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795260995).AddMilliseconds(123), timestamp.Value);
    }
}
