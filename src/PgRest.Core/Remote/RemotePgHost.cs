using System.Net.Sockets;
using PgRest.Cluster;
using PgRest.Commands.Backup;
using PgRest.Errors;
using PgRest.Filters;
using PgRest.Postgres;

namespace PgRest.Remote;

/// <summary>
/// A cluster on a database host (<c>pgN-host</c>), through pgrest started there with remote-type=pg: every file
/// operation is a request to it, file content arrives compressed (and page-checked and hashed) from there and is
/// encrypted here, and the database session is relayed to the server's socket on that host. Connections come from
/// the pool of <paramref name="connections"/>, one per parallel job.
/// </summary>
public sealed class RemotePgHost(RemoteStorage connections, string name) : IPgHost
{
    public string? Name => name;

    public async Task<PgControl> ReadControlAsync(string pgPath, CancellationToken cancellationToken)
    {
        var reply = await RequestAsync(frame => frame.Byte((byte)RemoteOperation.PgControl).String(pgPath), cancellationToken).ConfigureAwait(false);
        return PgControl.Parse(reply.Span);
    }

    public async Task<bool> FileExistsAsync(string path, CancellationToken cancellationToken)
    {
        var reply = await RequestAsync(frame => frame.Byte((byte)RemoteOperation.PgFileExists).String(path), cancellationToken).ConfigureAwait(false);
        return new PayloadReader(reply.Span).Bool();
    }

    public async Task<string?> Sha1Async(string path, CancellationToken cancellationToken)
    {
        var reply = await RequestAsync(frame => frame.Byte((byte)RemoteOperation.PgSha1).String(path), cancellationToken).ConfigureAwait(false);
        return new PayloadReader(reply.Span).NullableString();
    }

    public async Task<DataDirectoryScan> ScanAsync(ScanRequest request, CancellationToken cancellationToken)
    {
        var connection = await connections.RentAsync(cancellationToken).ConfigureAwait(false);
        var ended = false;
        try
        {
            PgHostWire.WriteScanRequest(connection.Frame.Start(FrameKind.Request).Byte((byte)RemoteOperation.PgScan), request);
            await connection.SendAsync(cancellationToken).ConfigureAwait(false);
            ended = true; // an error reply ends the operation
            await connection.ReplyAsync(cancellationToken).ConfigureAwait(false);
            ended = false;
            var collector = new PgHostWire.ScanCollector();
            while (true)
            {
                var frame = await RemoteStorage.ReceiveEndingOnErrorAsync(connection, () => ended = true, cancellationToken).ConfigureAwait(false);
                if (frame.Kind == FrameKind.End)
                {
                    ended = true;
                    return collector.Result();
                }

                if (frame.Kind != FrameKind.Data)
                    throw connection.Unexpected(frame.Kind);
                collector.Add(frame.Payload.Span);
            }
        }
        finally
        {
            await ReleaseAsync(connection, ended).ConfigureAwait(false);
        }
    }

    public async Task<BackupFileResult> CopyIntoAsync(string path, long sizeLimit, bool checkPages, Stream destination, StoreAs store, CancellationToken cancellationToken)
    {
        // A block-incremental file is compared block by block with the prior map here, so it comes plain; any other is
        // compressed where it is read.
        var blockIncr = store.BlockIncr is not null;
        var remoteCompression = blockIncr ? CompressType.None : store.CompressType;
        var connection = await connections.RentAsync(cancellationToken).ConfigureAwait(false);
        var ended = true;
        try
        {
            connection.Frame.Start(FrameKind.Request).Byte((byte)RemoteOperation.PgBackupFile).String(path).Int64(sizeLimit).Bool(checkPages)
                .Byte((byte)remoteCompression).Int32(store.CompressLevel).Bool(store.Raw);
            await connection.SendAsync(cancellationToken).ConfigureAwait(false);
            var reply = await connection.ReplyAsync(cancellationToken).ConfigureAwait(false);
            if (!new PayloadReader(reply.Span).Bool())
                return BackupFileResult.MissingFile;
            ended = false;
            IFileSink sink = blockIncr ? store.Open(destination)
                : new PipelineSink(Pipeline.Write(destination, CompressType.None, 0, store.CipherPass, store.Raw, leaveOpen: true));
            await using (sink.ConfigureAwait(false))
            {
                BackupFileResult there;
                while (true)
                {
                    var frame = await RemoteStorage.ReceiveEndingOnErrorAsync(connection, () => ended = true, cancellationToken).ConfigureAwait(false);
                    if (frame.Kind == FrameKind.End)
                    {
                        ended = true;
                        there = PgHostWire.ReadCopyResult(frame.Payload.Span);
                        break;
                    }

                    if (frame.Kind != FrameKind.Data)
                        throw connection.Unexpected(frame.Kind);
                    await sink.WriteAsync(frame.Payload, cancellationToken).ConfigureAwait(false);
                }

                await sink.CompleteAsync(cancellationToken).ConfigureAwait(false);
                if (blockIncr)
                    return new BackupFileResult(false, sink.Size, sink.Sha1, sink.RepoSize, sink.RepoSha1, there.PageChecksumValid, there.PageErrors, sink.MapSize);
                // Encrypted here: the stored bytes are what this side wrote; otherwise what the database host compressed.
                return store.CipherPass is null
                    ? there
                    : there with { RepoSize = sink.RepoSize, RepoSha1 = sink.RepoSha1 };
            }
        }
        finally
        {
            await ReleaseAsync(connection, ended).ConfigureAwait(false);
        }
    }

    public async Task<DbClient> ConnectAsync(DbConnectionOptions options, CancellationToken cancellationToken)
    {
        // The first relayed connection is opened here, so that a server that cannot be reached is reported in libpq's
        // words; more come when Npgsql connects again (a cancel request goes over a connection of its own).
        var (connection, user) = await OpenRelayAsync(options, cancellationToken).ConfigureAwait(false);
        DbRelay relay;
        try
        {
            relay = DbRelay.Start(connection, async token => (await OpenRelayAsync(options, token).ConfigureAwait(false)).Connection, options.Port);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return await DbClient.ConnectAsync(options with { RelaySocketDirectory = relay.SocketDirectory, RelayUser = user.Length == 0 ? null : user },
            cancellationToken, relay).ConfigureAwait(false);
    }

    /// <summary>A connection of its own on which the database host connected to its server; the relay starts after the reply.</summary>
    private async Task<(RemoteConnection Connection, string User)> OpenRelayAsync(DbConnectionOptions options, CancellationToken cancellationToken)
    {
        var connection = await connections.OpenDedicatedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            connection.Frame.Start(FrameKind.Request).Byte((byte)RemoteOperation.DbRelay).String(options.Host ?? options.SocketPath).Int32(options.Port);
            await connection.SendAsync(cancellationToken).ConfigureAwait(false);
            var user = new PayloadReader((await connection.ReplyAsync(cancellationToken).ConfigureAwait(false)).Span).String();
            connection.WaitWithoutTimeout();
            return (connection, user);
        }
        catch (PgRestException e) when (e.Code == ErrorCode.DbConnect && !connection.Broken)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new PgRestException(ErrorCode.DbConnect, $"unable to connect to '{options.Describe()}': {e.Message}");
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<ReadOnlyMemory<byte>> RequestAsync(Action<FrameBuilder> request, CancellationToken cancellationToken)
    {
        var connection = await connections.RentAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            request(connection.Frame.Start(FrameKind.Request));
            await connection.SendAsync(cancellationToken).ConfigureAwait(false);
            // The payload lives in the connection's reader until its next frame: copied before the connection goes back.
            return (await connection.ReplyAsync(cancellationToken).ConfigureAwait(false)).ToArray();
        }
        finally
        {
            connections.Return(connection);
        }
    }

    private async Task ReleaseAsync(RemoteConnection connection, bool ended)
    {
        if (!ended && !connection.Broken)
            await RemoteStorage.DrainAsync(connection).ConfigureAwait(false);
        connections.Return(connection);
    }
}

/// <summary>
/// The repository host's end of a relayed database session: a Unix socket in a private temporary directory, which
/// Npgsql connects to as to a local server. Each connection to it (the session, and any cancel request Npgsql sends
/// on a connection of its own) is carried in data frames over its own remote connection to the database host's
/// remote, which holds the real connection to PostgreSQL; it ends when either side closes.
/// </summary>
internal sealed class DbRelay : IAsyncDisposable
{
    private readonly Func<CancellationToken, Task<RemoteConnection>> _connectMore;
    private readonly Socket _listener;
    private readonly DirectoryInfo _directory;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(Socket Socket, RemoteConnection Connection, Task Pump)> _sessions = [];
    private readonly Task _accepting;
    private RemoteConnection? _first;

    private DbRelay(RemoteConnection first, Func<CancellationToken, Task<RemoteConnection>> connectMore, Socket listener, DirectoryInfo directory)
    {
        (_first, _connectMore, _listener, _directory) = (first, connectMore, listener, directory);
        _accepting = AcceptAsync();
    }

    public string SocketDirectory => _directory.FullName;

    /// <param name="first">Already relaying to the server: carries the first connection made to the socket.</param>
    /// <param name="connectMore">Opens another relayed connection for each further one (a cancel request).</param>
    public static DbRelay Start(RemoteConnection first, Func<CancellationToken, Task<RemoteConnection>> connectMore, int port)
    {
        // Created 0700: nobody else on this host can reach the session.
        var directory = Directory.CreateTempSubdirectory("pgrest-db-");
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(Path.Combine(directory.FullName, $".s.PGSQL.{port}")));
            listener.Listen(4);
        }
        catch
        {
            listener.Dispose();
            directory.Delete(recursive: true);
            throw;
        }

        return new DbRelay(first, connectMore, listener, directory);
    }

    private async Task AcceptAsync()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            Socket socket;
            RemoteConnection connection;
            try
            {
                socket = await _listener.AcceptAsync(token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            try
            {
                connection = Interlocked.Exchange(ref _first, null) ?? await _connectMore(token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or PgRestException)
            {
                socket.Dispose();
                continue;
            }

            lock (_sessions)
                _sessions.Add((socket, connection, PumpAsync(socket, connection, token)));
        }
    }

    private static async Task PumpAsync(Socket session, RemoteConnection connection, CancellationToken token)
    {
        var toRemote = Task.Run(async () =>
        {
            var buffer = new byte[RemoteProtocol.DataChunk];
            int read;
            while ((read = await session.ReceiveAsync(buffer, SocketFlags.None, token).ConfigureAwait(false)) > 0)
            {
                connection.Frame.Start(FrameKind.Data);
                buffer.AsSpan(0, read).CopyTo(connection.Frame.DataSpace(read).Span);
                connection.Frame.Advance(read);
                await connection.SendAsync(token).ConfigureAwait(false);
            }

            connection.Frame.Start(FrameKind.End);
            await connection.SendAsync(token).ConfigureAwait(false);
        }, token);
        try
        {
            while (true)
            {
                var frame = await connection.ReceiveAsync(token).ConfigureAwait(false);
                if (frame.Kind != FrameKind.Data)
                    break;
                await session.SendAsync(frame.Payload, SocketFlags.None, token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (Ended(e))
        {
            // The database host or this side ended the session.
        }
        finally
        {
            try
            {
                session.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }

            try
            {
                await toRemote.ConfigureAwait(false);
            }
            catch (Exception e) when (Ended(e))
            {
            }
        }
    }

    private static bool Ended(Exception e) => e is OperationCanceledException or SocketException or ObjectDisposedException or IOException or PgRestException;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _accepting.ConfigureAwait(false);
        List<(Socket Socket, RemoteConnection Connection, Task Pump)> sessions;
        lock (_sessions)
            sessions = [.. _sessions];
        foreach (var (socket, connection, pump) in sessions)
        {
            socket.Dispose();
            await pump.ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        if (Interlocked.Exchange(ref _first, null) is { } unused)
            await unused.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
