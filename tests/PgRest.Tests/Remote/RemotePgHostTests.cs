using System.Security.Cryptography;
using PgRest.Cluster;
using PgRest.Commands.Backup;
using PgRest.Errors;
using PgRest.Filters;
using PgRest.Remote;
using PgRest.Storage;
using PgRest.Storage.Posix;
using PgRest.Tests.Postgres;

namespace PgRest.Tests.Remote;

/// <summary>
/// A database host's files through the remote protocol (remote-type=pg) give a backup on the repository host what
/// it would get reading them itself: the same scan, pg_control, checksums and stored bytes. Client and server talk over
/// in-process pipes; the SSH path and the relayed database session run against a real sshd and PostgreSQL in the
/// integration tests.
/// </summary>
public sealed class RemotePgHostTests : IAsyncDisposable
{
    private readonly string _pgData = Directory.CreateTempSubdirectory("pgrest-pg-host-").FullName;
    private readonly List<RemoteStorage> _connections = [];

    public RemotePgHostTests()
    {
        Directory.CreateDirectory(Path.Combine(_pgData, "global"));
        Directory.CreateDirectory(Path.Combine(_pgData, "base", "1"));
        Directory.CreateDirectory(Path.Combine(_pgData, "pg_wal", "archive_status"));
        File.WriteAllBytes(Path.Combine(_pgData, "global", "pg_control"), PgControlTests.Pg15Control());
        File.WriteAllText(Path.Combine(_pgData, "PG_VERSION"), "15\n");
        File.WriteAllText(Path.Combine(_pgData, "postmaster.pid"), "1\n");
        // Compressible but not trivial: a relation of 40 pages.
        var relation = new byte[40 * 8192];
        for (var i = 0; i < relation.Length; i++)
            relation[i] = (byte)(i % 251 < 50 ? i % 7 : i % 251);
        File.WriteAllBytes(Path.Combine(_pgData, "base", "1", "16384"), relation);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connections in _connections)
            await connections.DisposeAsync();
        Directory.Delete(_pgData, recursive: true);
    }

    private RemotePgHost Host(bool servesPg = true, PgServePolicy? policy = null) => new(Connections(servesPg, policy), "db1");

    private RemoteStorage Connections(bool servesPg = true, PgServePolicy? policy = null)
    {
        var storage = new PosixStorage("/");
        var session = new RemoteSession(storage, new RemoteRepoIdentity(storage.Features, "/", null, null), ServesPg: servesPg, PgPolicy: policy);
        var connections = new RemoteStorage((number, _) => Task.FromResult(RemoteConformanceTests.Connect(session, number)), wantCipher: false, pg: servesPg);
        _connections.Add(connections);
        return connections;
    }

    private ScanRequest Request() => new(_pgData, "PG_15_202209061", new Dictionary<string, string>(), ["log/"]);

    [Fact]
    public async Task The_scan_on_the_database_host_is_the_scan_this_host_would_make()
    {
        var local = await LocalPgHost.Instance.ScanAsync(Request(), CancellationToken.None);
        var remote = await Host().ScanAsync(Request(), CancellationToken.None);

        Assert.Equal(local.Files, remote.Files);
        Assert.Equal(local.Paths, remote.Paths);
        Assert.Equal(local.Links, remote.Links);
        Assert.Equal(local.Targets, remote.Targets);
        Assert.Equal(local.UserNames, remote.UserNames);
        Assert.Equal(local.GroupNames, remote.GroupNames);
        Assert.Contains("pg_data/base/1/16384", remote.Files.Select(f => f.ManifestName));
        Assert.DoesNotContain("pg_data/postmaster.pid", remote.Files.Select(f => f.ManifestName));
    }

    [Fact]
    public async Task Pg_control_and_file_checks_come_from_the_database_host()
    {
        var host = Host();
        var control = await host.ReadControlAsync(_pgData, CancellationToken.None);
        Assert.Equal(7710618587992439585UL, control.SystemId);
        Assert.True(await host.FileExistsAsync(Path.Combine(_pgData, "postmaster.pid"), CancellationToken.None));
        Assert.False(await host.FileExistsAsync(Path.Combine(_pgData, "no-such-file"), CancellationToken.None));

        var relation = Path.Combine(_pgData, "base", "1", "16384");
        Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(File.ReadAllBytes(relation))), await host.Sha1Async(relation, CancellationToken.None));
        Assert.Null(await host.Sha1Async(relation + ".1", CancellationToken.None));

        var missing = await Assert.ThrowsAsync<PgRestException>(() => host.ReadControlAsync(_pgData + "/nowhere", CancellationToken.None));
        Assert.Equal(ErrorCode.FileMissing, missing.Code);
        Assert.Contains(_pgData + "/nowhere/global/pg_control", missing.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CompressType.Lz4)]
    [InlineData(CompressType.Zst)]
    [InlineData(CompressType.None)]
    public async Task A_file_compressed_on_the_database_host_is_stored_as_this_host_would_store_it(CompressType compressType)
    {
        var relation = Path.Combine(_pgData, "base", "1", "16384");
        var store = new StoreAs(compressType, CompressTypes.DefaultLevel(compressType), CipherPass: null);
        var (local, localBytes) = await CopyAsync(LocalPgHost.Instance, relation, store);
        var (remote, remoteBytes) = await CopyAsync(Host(), relation, store);

        Assert.Equal(local, remote with { PageErrors = local.PageErrors });
        Assert.Equal(localBytes, remoteBytes);
        Assert.Equal(remoteBytes.Length, remote.RepoSize);
    }

    [Fact]
    public async Task An_encrypted_file_is_encrypted_on_the_repository_host_and_reads_back()
    {
        var relation = Path.Combine(_pgData, "base", "1", "16384");
        var store = new StoreAs(CompressType.Zst, 3, "a passphrase only the repository host knows");
        var (result, stored) = await CopyAsync(Host(), relation, store);

        Assert.Equal(stored.Length, result.RepoSize);
        Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(stored)), result.RepoSha1);
        await using var read = Pipeline.Read(new MemoryStream(stored), CompressType.Zst, store.CipherPass);
        var plain = new MemoryStream();
        await read.Output.CopyToAsync(plain);
        Assert.Equal(File.ReadAllBytes(relation), plain.ToArray());
        Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(plain.ToArray())), result.Sha1);
    }

    [Fact]
    public async Task A_file_removed_meanwhile_is_missing_and_nothing_is_written()
    {
        var (result, stored) = await CopyAsync(Host(), Path.Combine(_pgData, "base", "1", "99999"), new StoreAs(CompressType.Lz4, 1, null));
        Assert.True(result.Missing);
        Assert.Empty(stored);
    }

    [Fact]
    public async Task A_repository_remote_does_not_serve_a_database_hosts_operations()
    {
        var error = await Assert.ThrowsAsync<PgRestException>(() => Host(servesPg: false).ReadControlAsync(_pgData, CancellationToken.None));
        Assert.Equal(ErrorCode.Protocol, error.Code);
        Assert.Contains("serves a repository, not a PostgreSQL host", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Through_pgrest_server_only_the_data_directory_and_where_its_links_lead_are_served()
    {
        var tablespace = Directory.CreateTempSubdirectory("pgrest-pg-host-tablespace-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(_pgData, "pg_tblspc"));
            File.CreateSymbolicLink(Path.Combine(_pgData, "pg_tblspc", "16400"), tablespace);
            File.WriteAllText(Path.Combine(tablespace, "16401"), "relation");
            var host = Host(policy: new PgServePolicy([new ServedCluster(_pgData, _pgData, 5999)]));

            Assert.NotNull(await host.Sha1Async(Path.Combine(_pgData, "base", "1", "16384"), CancellationToken.None));
            Assert.NotNull(await host.Sha1Async(Path.Combine(tablespace, "16401"), CancellationToken.None));
            Assert.Equal(7710618587992439585UL, (await host.ReadControlAsync(_pgData, CancellationToken.None)).SystemId);
            // '..' after a link is resolved by the kernel past the link: refused whatever it looks like as text.
            foreach (var outside in new[] { "/etc/passwd", _pgData + "/../" + Path.GetFileName(tablespace) + "-not/x", _pgData + "-other/global/pg_control", "/",
                _pgData + "/pg_tblspc/16400/../../etc/passwd", "relative/path" })
            {
                var denied = await Assert.ThrowsAsync<PgRestException>(() => host.Sha1Async(outside, CancellationToken.None));
                Assert.Equal(ErrorCode.Access, denied.Code);
                Assert.Contains("not in a data directory or tablespace of the stanza on this host", denied.Message, StringComparison.Ordinal);
            }

            // The connection stays usable after a refusal.
            Assert.NotNull(await host.Sha1Async(Path.Combine(_pgData, "PG_VERSION"), CancellationToken.None));

            // A scan names its tablespace and WAL directories by plain names only (Path.Combine would let "/home" escape).
            var escape = await Assert.ThrowsAsync<PgRestException>(() =>
                host.ScanAsync(new ScanRequest(_pgData, "/home", new Dictionary<string, string>(), []), CancellationToken.None));
            Assert.Equal(ErrorCode.Access, escape.Code);

            // Only the stanza's own server: another socket or port of this host is refused before any connection.
            var otherServer = await Assert.ThrowsAsync<PgRestException>(() =>
                host.ConnectAsync(new PgRest.Postgres.DbConnectionOptions { SocketPath = "/var/run/postgresql", Port = 5432 }, CancellationToken.None));
            Assert.Equal(ErrorCode.Access, otherServer.Code);
            Assert.Contains("not a cluster of the stanza on this host", otherServer.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(tablespace, recursive: true);
        }
    }

    [Fact]
    public async Task A_database_hosts_connection_serves_no_storage_operation()
    {
        // Its files are read only through the pg operations, which check what may be read.
        var connections = Connections(policy: new PgServePolicy([new ServedCluster(_pgData, null, 5432)]));
        foreach (var operation in new Func<Task>[]
        {
            () => connections.InfoAsync("/etc/passwd"),
            () => connections.OpenReadAsync("/etc/passwd"),
            () => connections.RemoveAsync(Path.Combine(_pgData, "PG_VERSION")),
            () => connections.OpenWriteAsync(Path.Combine(_pgData, "evil")),
        })
        {
            var refused = await Assert.ThrowsAsync<PgRestException>(operation);
            Assert.Equal(ErrorCode.Protocol, refused.Code);
            Assert.Contains("serves a PostgreSQL host, not a repository", refused.Message, StringComparison.Ordinal);
        }

        Assert.True(File.Exists(Path.Combine(_pgData, "PG_VERSION")));
        Assert.False(File.Exists(Path.Combine(_pgData, "evil")));
    }

    [Fact]
    public async Task The_database_session_is_relayed_only_to_a_server_on_the_database_host()
    {
        var refused = await Assert.ThrowsAsync<PgRestException>(() =>
            Host().ConnectAsync(new PgRest.Postgres.DbConnectionOptions { SocketPath = "db.example.com", Port = 5432 }, CancellationToken.None));
        Assert.Equal(ErrorCode.DbConnect, refused.Code);
        Assert.Contains("connects only to its own server", refused.Message, StringComparison.Ordinal);

        // A socket with no server behind it: libpq's words, for the database host's socket.
        var missing = await Assert.ThrowsAsync<PgRestException>(() =>
            Host().ConnectAsync(new PgRest.Postgres.DbConnectionOptions { SocketPath = _pgData, Port = 5999 }, CancellationToken.None));
        Assert.Equal(ErrorCode.DbConnect, missing.Code);
        Assert.Equal($"unable to connect to 'dbname='postgres' port=5999 host='{_pgData}'': connection to server on socket \"{_pgData}/.s.PGSQL.5999\" failed: "
            + "No such file or directory\n\tIs the server running locally and accepting connections on that socket?", missing.Message);
    }

    private static async Task<(BackupFileResult Result, byte[] Stored)> CopyAsync(IPgHost host, string path, StoreAs store)
    {
        var destination = new MemoryStream();
        var result = await host.CopyIntoAsync(path, long.MaxValue, checkPages: false, destination, store, CancellationToken.None);
        return (result, destination.ToArray());
    }
}
