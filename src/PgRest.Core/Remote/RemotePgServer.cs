using System.Net.Sockets;
using PgRest.Commands.Backup;
using PgRest.Common;
using PgRest.Errors;
using PgRest.Filters;
using PgRest.Postgres;

namespace PgRest.Remote;

/// <summary>
/// The pg operations of a database host's remote (remote-type=pg), for a backup run on a repository host: pg_control,
/// the PGDATA scan, SHA-1 of a file, a file copied through its page checks, SHA-1 and compression here (so only
/// compressed bytes cross the network; encryption stays on the repository host with the passphrase), and the database
/// session relayed to the server's socket on this host.
/// </summary>
public sealed partial class RemoteServer
{
    private async Task ServePgAsync(RemoteOperation operation, ReadOnlyMemory<byte> parameters, CancellationToken cancellationToken)
    {
        switch (operation)
        {
            case RemoteOperation.PgControl:
            {
                var bytes = PgControl.ReadBytes(Allowed(PathOf(parameters)));
                _frame.Start(FrameKind.Reply);
                bytes.CopyTo(_frame.DataSpace(bytes.Length));
                _frame.Advance(bytes.Length);
                await SendAsync(_frame, cancellationToken).ConfigureAwait(false);
                return;
            }

            case RemoteOperation.PgFileExists:
                await SendAsync(_frame.Start(FrameKind.Reply).Bool(File.Exists(Allowed(PathOf(parameters)))), cancellationToken).ConfigureAwait(false);
                return;
            case RemoteOperation.PgScan:
            {
                var request = PgHostWire.ReadScanRequest(parameters.Span);
                Allowed(request.PgPath);
                // Directory names inside PGDATA and its tablespaces, never paths of their own.
                if (!PlainName(request.TablespaceDirectory) || !PlainName(request.WalDirectory))
                    throw new PgRestException(ErrorCode.Access, "access denied: a scan names its tablespace and WAL directories by their plain names");
                var scan = DataDirectoryScan.Run(request);
                await SendAsync(_frame.Start(FrameKind.Reply), cancellationToken).ConfigureAwait(false);
                await PgHostWire.WriteScanAsync(_frame, scan, RemoteProtocol.DataChunk / 2, () => SendAsync(_frame, cancellationToken)).ConfigureAwait(false);
                await SendAsync(_frame.Start(FrameKind.End), cancellationToken).ConfigureAwait(false);
                return;
            }

            case RemoteOperation.PgSha1:
            {
                var sha1 = await Cluster.LocalPgHost.Instance.Sha1Async(Allowed(PathOf(parameters)), cancellationToken).ConfigureAwait(false);
                await SendAsync(_frame.Start(FrameKind.Reply).String(sha1), cancellationToken).ConfigureAwait(false);
                return;
            }

            case RemoteOperation.PgBackupFile:
                await BackupFileAsync(parameters, cancellationToken).ConfigureAwait(false);
                return;
            case RemoteOperation.DbRelay:
                await RelayAsync(parameters, cancellationToken).ConfigureAwait(false);
                return;
        }
    }

    /// <summary>A path the session may touch (<see cref="RemoteSession.PgPolicy"/>; never one with <c>..</c>), else [105].</summary>
    private string Allowed(string path)
    {
        if (!path.StartsWith('/') || Cluster.PgServePolicy.HasParentSegment(path) || _pgPolicy?.PathAllowed(path) == false)
            throw new PgRestException(ErrorCode.Access, $"access denied to '{path}': not in a data directory or tablespace of the stanza on this host");
        return path;
    }

    private static bool PlainName(string name) => name.Length > 0 && name != "." && name != ".." && !name.Contains('/');

    /// <summary>
    /// Reply (found or not), then the file's stored bytes in data frames, then an end frame with what the copy found;
    /// an error while copying takes the end frame's place.
    /// </summary>
    private async Task BackupFileAsync(ReadOnlyMemory<byte> parameters, CancellationToken cancellationToken)
    {
        string path;
        long sizeLimit;
        bool checkPages, raw;
        CompressType compressType;
        int compressLevel;
        {
            var payload = new PayloadReader(parameters.Span);
            (path, sizeLimit, checkPages, compressType, compressLevel, raw) =
                (payload.String(), payload.Int64(), payload.Bool(), (CompressType)payload.Byte(), payload.Int32(), payload.Bool());
        }

        var source = BackupFileCopier.TryOpen(Allowed(path));
        await SendAsync(_frame.Start(FrameKind.Reply).Bool(source is not null), cancellationToken).ConfigureAwait(false);
        if (source is null)
            return;
        BackupFileResult result;
        await using (source.ConfigureAwait(false))
        {
            try
            {
                var frames = new DataFrameStream(_frame, () => SendAsync(_frame, cancellationToken));
                var sink = new PipelineSink(Pipeline.Write(frames, compressType, compressLevel, cipherPassphrase: null, raw, leaveOpen: true));
                await using (sink.ConfigureAwait(false))
                    result = await BackupFileCopier.CopyIntoAsync(source, sizeLimit, checkPages, sink, cancellationToken).ConfigureAwait(false);
                await frames.SendPendingAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await SendErrorAsync(e, cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        _frame.Start(FrameKind.End);
        PgHostWire.WriteCopyResult(_frame, result);
        await SendAsync(_frame, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Connects to the PostgreSQL server on this host (its socket directory or host, and port, as the repository
    /// host's pgN-* options name them) and relays bytes both ways in data frames until either side closes; the reply
    /// names this host's user, whom PostgreSQL sees connecting (peer authentication).
    /// </summary>
    private async Task RelayAsync(ReadOnlyMemory<byte> parameters, CancellationToken cancellationToken)
    {
        DbConnectionOptions options;
        {
            var payload = new PayloadReader(parameters.Span);
            options = new DbConnectionOptions { SocketPath = payload.NullableString(), Port = payload.Int32() };
        }

        if (!options.IsUnixSocket && options.EffectiveHost is not ("localhost" or "127.0.0.1" or "::1"))
        {
            // The relay reaches this host's own server, never another machine on the client's behalf.
            throw new PgRestException(ErrorCode.DbConnect,
                $"a database host connects only to its own server (a Unix socket or localhost), not to '{options.EffectiveHost}'");
        }

        if (_pgPolicy?.ServerAllowed(options) == false)
        {
            throw new PgRestException(ErrorCode.Access,
                $"access denied to the server at '{options.EffectiveHost}' port {options.Port}: not a cluster of the stanza on this host");
        }

        var socket = await ConnectToServerAsync(options, cancellationToken).ConfigureAwait(false);
        using (socket)
        {
            _relayed = true;
            await SendAsync(_frame.Start(FrameKind.Reply).String(OwnerNames.UserName(Native.GetEffectiveUserId()) ?? ""), cancellationToken).ConfigureAwait(false);
            var fromClient = Task.Run(async () =>
            {
                try
                {
                    while (await _reader.ReadAsync(cancellationToken).ConfigureAwait(false) is { Kind: FrameKind.Data } frame)
                        await socket.SendAsync(frame.Payload, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    try
                    {
                        socket.Shutdown(SocketShutdown.Both);
                    }
                    catch (Exception e) when (RelayEnded(e))
                    {
                    }
                }
            }, cancellationToken);
            var buffer = new byte[RemoteProtocol.DataChunk];
            try
            {
                int read;
                while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    _frame.Start(FrameKind.Data);
                    buffer.AsSpan(0, read).CopyTo(_frame.DataSpace(read).Span);
                    _frame.Advance(read);
                    await SendAsync(_frame, cancellationToken).ConfigureAwait(false);
                }

                await SendAsync(_frame.Start(FrameKind.End), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (RelayEnded(e))
            {
                // One side went away; the other follows.
            }
            finally
            {
                try
                {
                    socket.Shutdown(SocketShutdown.Both);
                }
                catch (Exception e) when (RelayEnded(e))
                {
                }

                // The client's side ends when it closes or says end; its reader is not used after this.
                try
                {
                    await fromClient.ConfigureAwait(false);
                }
                catch (Exception e) when (RelayEnded(e))
                {
                }
            }
        }
    }

    private static bool RelayEnded(Exception e) => e is SocketException or IOException or ObjectDisposedException or PgRestException or OperationCanceledException;

    private static async Task<Socket> ConnectToServerAsync(DbConnectionOptions options, CancellationToken cancellationToken)
    {
        var unix = options.IsUnixSocket;
        var socket = unix ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) : new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (unix)
                await socket.ConnectAsync(new UnixDomainSocketEndPoint($"{options.EffectiveHost.TrimEnd('/')}/.s.PGSQL.{options.Port}"), cancellationToken).ConfigureAwait(false);
            else
                await socket.ConnectAsync(options.EffectiveHost, options.Port, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new PgRestException(ErrorCode.DbConnect, DbClient.ConnectFailure(options, e));
        }
    }
}

/// <summary>A write-only stream that sends what is written as data frames of up to one chunk.</summary>
internal sealed class DataFrameStream(FrameBuilder frame, Func<Task> send) : Stream
{
    private int _pending;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            buffer = buffer[Append(buffer.Span)..];
            if (_pending == RemoteProtocol.DataChunk)
                await SendPendingAsync().ConfigureAwait(false);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        // Compressors write synchronously; the bytes go into the frame in place, sent when it is full.
        while (!buffer.IsEmpty)
        {
            buffer = buffer[Append(buffer)..];
            if (_pending == RemoteProtocol.DataChunk)
                SendPendingAsync().GetAwaiter().GetResult();
        }
    }

    /// <summary>Copies what fits of <paramref name="data"/> into the frame being filled; returns how much.</summary>
    private int Append(ReadOnlySpan<byte> data)
    {
        if (_pending == 0)
            frame.Start(FrameKind.Data);
        var count = Math.Min(data.Length, RemoteProtocol.DataChunk - _pending);
        data[..count].CopyTo(frame.DataSpace(count).Span);
        frame.Advance(count);
        _pending += count;
        return count;
    }

    /// <summary>Sends what is buffered as a last, shorter frame.</summary>
    public async Task SendPendingAsync()
    {
        if (_pending == 0)
            return;
        _pending = 0;
        await send().ConfigureAwait(false);
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
