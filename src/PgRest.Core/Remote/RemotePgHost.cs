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
        var connection = await connections.OpenDedicatedAsync(cancellationToken).ConfigureAwait(false);
        string user;
        try
        {
            connection.Frame.Start(FrameKind.Request).Byte((byte)RemoteOperation.DbRelay).String(options.Host ?? options.SocketPath).Int32(options.Port);
            await connection.SendAsync(cancellationToken).ConfigureAwait(false);
            user = new PayloadReader((await connection.ReplyAsync(cancellationToken).ConfigureAwait(false)).Span).String();
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

        connection.WaitWithoutTimeout();
        var relay = DbRelay.Start(connection, options.Port);
        return await DbClient.ConnectAsync(options with { RelaySocketDirectory = relay.SocketDirectory, RelayUser = user.Length == 0 ? null : user },
            cancellationToken, relay).ConfigureAwait(false);
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
/// Npgsql connects to as to a local server, its bytes carried in data frames to the database host's remote, which
/// holds the real connection to PostgreSQL. One session; it ends when either side closes.
/// </summary>
internal sealed class DbRelay : IAsyncDisposable
{
    private readonly RemoteConnection _connection;
    private readonly Socket _listener;
    private readonly DirectoryInfo _directory;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;
    private Socket? _session;

    private DbRelay(RemoteConnection connection, Socket listener, DirectoryInfo directory)
    {
        (_connection, _listener, _directory) = (connection, listener, directory);
        _pump = PumpAsync();
    }

    public string SocketDirectory => _directory.FullName;

    public static DbRelay Start(RemoteConnection connection, int port)
    {
        // Created 0700: nobody else on this host can reach the session.
        var directory = Directory.CreateTempSubdirectory("pgrest-db-");
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(Path.Combine(directory.FullName, $".s.PGSQL.{port}")));
            listener.Listen(1);
        }
        catch
        {
            listener.Dispose();
            directory.Delete(recursive: true);
            throw;
        }

        return new DbRelay(connection, listener, directory);
    }

    private async Task PumpAsync()
    {
        var token = _stop.Token;
        Socket session;
        try
        {
            session = _session = await _listener.AcceptAsync(token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            return;
        }

        var toRemote = Task.Run(async () =>
        {
            var buffer = new byte[RemoteProtocol.DataChunk];
            int read;
            while ((read = await session.ReceiveAsync(buffer, SocketFlags.None, token).ConfigureAwait(false)) > 0)
            {
                _connection.Frame.Start(FrameKind.Data);
                buffer.AsSpan(0, read).CopyTo(_connection.Frame.DataSpace(read).Span);
                _connection.Frame.Advance(read);
                await _connection.SendAsync(token).ConfigureAwait(false);
            }

            _connection.Frame.Start(FrameKind.End);
            await _connection.SendAsync(token).ConfigureAwait(false);
        }, token);
        try
        {
            while (true)
            {
                var frame = await _connection.ReceiveAsync(token).ConfigureAwait(false);
                if (frame.Kind != FrameKind.Data)
                    break;
                await session.SendAsync(frame.Payload, SocketFlags.None, token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or IOException or PgRestException)
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
        }

        try
        {
            await toRemote.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or IOException or PgRestException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        _session?.Dispose();
        await _pump.ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
