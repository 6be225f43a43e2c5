using System.IO.Pipelines;
using PgRest.Errors;
using PgRest.Remote;
using PgRest.Storage;
using PgRest.Storage.Posix;
using PgRest.Tests.Storage;

namespace PgRest.Tests.Remote;

/// <summary>
/// The storage conformance suite through the remote protocol: a <see cref="RemoteStorage"/> client talking to a
/// <see cref="RemoteServer"/> that serves the real posix driver, over in-process pipes instead of SSH (the SSH path
/// runs against a real sshd in the integration tests).
/// </summary>
public sealed class RemoteConformanceTests : StorageConformanceTests, IAsyncDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("pgrest-remote-conformance-").FullName;
    private readonly List<RemoteStorage> _storages = [];

    protected override Task<IStorage> CreateStorageAsync(string root)
    {
        var storage = Served(new PosixStorage(_work + root), new RemoteRepoIdentity(StorageFeatures.Path | StorageFeatures.Symlink, _work + root, "none", null));
        return Task.FromResult<IStorage>(storage);
    }

    protected override Task<IStorage?> CreateStorageWithWrongCredentialsAsync(string root) => Task.FromResult<IStorage?>(null);

    /// <summary>A client whose every connection is a fresh server over <paramref name="served"/>.</summary>
    internal RemoteStorage Served(IStorage served, RemoteRepoIdentity identity, bool wantCipher = false)
    {
        var storage = new RemoteStorage((number, _) => Task.FromResult(Connect(served, identity, number)), wantCipher);
        _storages.Add(storage);
        return storage;
    }

    internal static RemoteConnection Connect(IStorage served, RemoteRepoIdentity identity, int number) =>
        Connect(new RemoteSession(served, identity), number);

    /// <summary>A client connection to a fresh server that opens <paramref name="session"/>, over in-process pipes.</summary>
    internal static RemoteConnection Connect(RemoteSession session, int number)
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        var server = new RemoteServer(_ => session, toServer.Reader.AsStream(), toClient.Writer.AsStream());
        _ = Task.Run(async () =>
        {
            try
            {
                await server.RunAsync(CancellationToken.None);
            }
            finally
            {
                await toClient.Writer.CompleteAsync();
            }
        });
        return new RemoteConnection($"remote-{number} in-process", toClient.Reader.AsStream(), toServer.Writer.AsStream(), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task The_identity_of_the_remote_repository_is_what_the_server_said()
    {
        var storage = Served(new PosixStorage(_work), new RemoteRepoIdentity(StorageFeatures.Path, "/var/lib/pgbackrest", "aes-256-cbc", "secret"), wantCipher: true);
        Assert.Equal(StorageFeatures.Path, storage.Features);
        Assert.Equal("/var/lib/pgbackrest", storage.Identity.RepoPath);
        Assert.Equal("secret", storage.Identity.CipherPass);
    }

    [Fact]
    public async Task An_error_on_the_remote_arrives_with_its_code_and_the_connection_stays_usable()
    {
        var storage = await CreateStorageAsync("/errors");
        var missing = await Assert.ThrowsAsync<PgRestException>(() => storage.RemoveAsync("no/such/file", errorOnMissing: true));
        Assert.Equal(ErrorCode.FileRemove, missing.Code);
        Assert.Contains("no/such/file", missing.Message, StringComparison.Ordinal);

        // The same (single, idle) connection serves the next request.
        await WriteAsync(storage, "after", "ok"u8.ToArray());
        Assert.Equal("ok"u8.ToArray(), await ReadAsync(storage, "after"));
    }

    [Fact]
    public async Task Parallel_reads_each_get_a_connection_and_all_read_their_own_bytes()
    {
        var opened = 0;
        var posix = new PosixStorage(_work + "/parallel");
        var identity = new RemoteRepoIdentity(StorageFeatures.Path, _work, null, null);
        await using var storage = new RemoteStorage((number, _) =>
        {
            Interlocked.Increment(ref opened);
            return Task.FromResult(Connect(posix, identity, number));
        }, wantCipher: false);
        for (var file = 0; file < 4; file++)
            await WriteAsync(storage, $"f{file}", Enumerable.Repeat((byte)file, 300_000).ToArray());

        // Two streams open at once must not share a connection.
        await using var first = (await storage.OpenReadAsync("f1"))!;
        await using var second = (await storage.OpenReadAsync("f2"))!;
        var one = new byte[10];
        await first.ReadExactlyAsync(one);
        var two = new byte[10];
        await second.ReadExactlyAsync(two);
        Assert.All(one, b => Assert.Equal(1, b));
        Assert.All(two, b => Assert.Equal(2, b));
        Assert.Equal(2, opened);
    }

    [Fact]
    public async Task A_read_left_unfinished_does_not_spoil_the_next_request_on_its_connection()
    {
        var storage = await CreateStorageAsync("/unfinished");
        await WriteAsync(storage, "big", new byte[1_000_000]);
        await using (var stream = (await storage.OpenReadAsync("big"))!)
            await stream.ReadExactlyAsync(new byte[100]);
        Assert.Equal(1_000_000, (await storage.InfoAsync("big"))!.Size);
        await foreach (var entry in storage.ListAsync(""))
            break;
        Assert.Equal("big", Assert.Single(await ToListAsync(storage.ListAsync(""))).Name);
    }

    [Fact]
    public async Task A_remote_of_another_version_is_refused_with_a_hint()
    {
        var toClient = new Pipe();
        await toClient.Writer.WriteAsync("pgrest-remote 1 0.0.9\n"u8.ToArray());
        var connection = new RemoteConnection("remote-0 process on 'backup'", toClient.Reader.AsStream(), Stream.Null, TimeSpan.FromSeconds(5));
        var error = await Assert.ThrowsAsync<PgRestException>(() => connection.GreetAsync(CancellationToken.None));
        Assert.Equal(ErrorCode.Protocol, error.Code);
        Assert.Contains("runs pgrest 0.0.9", error.Message, StringComparison.Ordinal);
        Assert.Contains("same version of pgrest", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Something_else_than_pgrest_answering_is_refused()
    {
        var toClient = new Pipe();
        await toClient.Writer.WriteAsync("Welcome to the backup host!\n"u8.ToArray());
        var connection = new RemoteConnection("remote-0 process on 'backup'", toClient.Reader.AsStream(), Stream.Null, TimeSpan.FromSeconds(5));
        var error = await Assert.ThrowsAsync<PgRestException>(() => connection.GreetAsync(CancellationToken.None));
        Assert.Contains("did not answer as pgrest: 'Welcome to the backup host!'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_remote_that_stops_answering_fails_after_protocol_timeout()
    {
        var silent = new Pipe();
        var connection = new RemoteConnection("remote-0 process on 'backup'", silent.Reader.AsStream(), Stream.Null, TimeSpan.FromMilliseconds(200));
        var error = await Assert.ThrowsAsync<PgRestException>(() => connection.GreetAsync(CancellationToken.None));
        Assert.Equal(ErrorCode.Protocol, error.Code);
        Assert.Contains("protocol-timeout", error.Message, StringComparison.Ordinal);
    }

    private static async Task<List<StorageInfo>> ToListAsync(IAsyncEnumerable<StorageInfo> entries)
    {
        var list = new List<StorageInfo>();
        await foreach (var entry in entries)
            list.Add(entry);
        return list;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var storage in _storages)
            await storage.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }
}
