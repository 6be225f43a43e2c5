using PgRest.Config;
using PgRest.Errors;
using PgRest.Storage;

namespace PgRest.Remote;

/// <summary>
/// The remote end: serves one storage (a repository of this host) to one client over a pair of streams (stdin and
/// stdout under SSH, one TLS stream for the server command), one operation at a time, until the client says exit or
/// closes its end. File content streams through as data frames; nothing is buffered whole.
/// </summary>
public sealed partial class RemoteServer
{
    private readonly Func<OpenRequest, RemoteSession> _open;
    private readonly Stream _output;
    private readonly FrameReader _reader;
    private readonly FrameBuilder _frame = new(RemoteProtocol.DataChunk + 64);
    private IStorage? _opened;
    private IDisposable? _lock;
    private bool _servesPg;
    private Cluster.PgServePolicy? _pgPolicy;
    private bool _relayed;

    /// <param name="open">Answers the client's open request (may refuse it by throwing); until then only noop is served.</param>
    public RemoteServer(Func<OpenRequest, RemoteSession> open, Stream input, Stream output)
    {
        _open = open;
        _output = output;
        _reader = new FrameReader(input);
    }

    // A database host's connection serves only the pg operations: its files are read through them, checked there.
    private IStorage Storage => _servesPg ? throw new PgRestException(ErrorCode.Protocol, "this remote serves a PostgreSQL host, not a repository")
        : _opened ?? throw new PgRestException(ErrorCode.Protocol, "the client asked for storage before opening the connection");

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await _output.WriteAsync(RemoteProtocol.Greeting(), cancellationToken).ConfigureAwait(false);
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (await _reader.ReadAsync(cancellationToken).ConfigureAwait(false) is { } frame)
            {
                if (frame.Kind != FrameKind.Request || frame.Payload.Length == 0)
                    throw new PgRestException(ErrorCode.Protocol, $"expected a request from the client, got a {frame.Kind} frame");
                var operation = (RemoteOperation)frame.Payload.Span[0];
                if (operation == RemoteOperation.Exit)
                    return;
                try
                {
                    await ServeAsync(operation, frame.Payload[1..], cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    await SendErrorAsync(e, cancellationToken).ConfigureAwait(false);
                }

                // A connection that carried a database session ends with it.
                if (_relayed)
                    return;
            }
        }
        finally
        {
            (_opened as IDisposable)?.Dispose();
            _lock?.Dispose();
            _reader.Dispose();
            _frame.Dispose();
        }
    }

    private async Task ServeAsync(RemoteOperation operation, ReadOnlyMemory<byte> parameters, CancellationToken cancellationToken)
    {
        switch (operation)
        {
            case RemoteOperation.Noop:
                break;
            case RemoteOperation.Open:
                if (_opened is not null)
                    throw new PgRestException(ErrorCode.Protocol, "the connection is already open");
                var request = new PayloadReader(parameters.Span);
                var session = _open(new OpenRequest(request.Bool(), request.NullableString(), request.Int32(), (CommandLockType)request.Byte(), request.Bool()));
                (_opened, _lock, _servesPg, _pgPolicy) = (session.Storage, session.Lock, session.ServesPg, session.PgPolicy);
                var identity = session.Identity;
                await SendAsync(_frame.Start(FrameKind.Reply).Int32((int)identity.Features).String(identity.RepoPath)
                    .String(identity.CipherType).String(identity.CipherPass), cancellationToken).ConfigureAwait(false);
                return;
            case RemoteOperation.Info:
                var info = await Storage.InfoAsync(PathOf(parameters), cancellationToken).ConfigureAwait(false);
                _frame.Start(FrameKind.Reply).Bool(info is not null);
                if (info is not null)
                    RemoteProtocol.WriteEntry(_frame, info);
                await SendAsync(_frame, cancellationToken).ConfigureAwait(false);
                return;
            case RemoteOperation.List:
                await ListAsync(PathOf(parameters), cancellationToken).ConfigureAwait(false);
                return;
            case RemoteOperation.Read:
                await ReadAsync(parameters, cancellationToken).ConfigureAwait(false);
                return;
            case RemoteOperation.Write:
                await WriteAsync(parameters, cancellationToken).ConfigureAwait(false);
                return;
            case RemoteOperation.Remove:
            {
                var (path, errorOnMissing) = PathAndFlag(parameters);
                await Storage.RemoveAsync(path, errorOnMissing, cancellationToken).ConfigureAwait(false);
                break;
            }
            case RemoteOperation.PathRemove:
                await Storage.PathRemoveAsync(PathOf(parameters), cancellationToken).ConfigureAwait(false);
                break;
            case RemoteOperation.PathCreate:
                await Storage.PathCreateAsync(PathOf(parameters), cancellationToken).ConfigureAwait(false);
                break;
            case RemoteOperation.LinkCreate:
                var (target, link) = TwoPaths(parameters);
                await Storage.LinkCreateAsync(target, link, cancellationToken).ConfigureAwait(false);
                break;
            case RemoteOperation.Sync:
                await Storage.SyncAsync(cancellationToken).ConfigureAwait(false);
                break;
            case >= RemoteOperation.PgControl and <= RemoteOperation.DbRelay:
                if (!_servesPg)
                    throw new PgRestException(ErrorCode.Protocol, $"this remote serves a repository, not a PostgreSQL host (operation {(byte)operation})");
                await ServePgAsync(operation, parameters, cancellationToken).ConfigureAwait(false);
                return;
            default:
                throw new PgRestException(ErrorCode.Protocol, $"unknown remote operation {(byte)operation}");
        }

        await SendAsync(_frame.Start(FrameKind.Reply), cancellationToken).ConfigureAwait(false);
    }

    private async Task ListAsync(string path, CancellationToken cancellationToken)
    {
        // The reply opens the listing; entries follow in data frames of about one chunk each.
        await SendAsync(_frame.Start(FrameKind.Reply), cancellationToken).ConfigureAwait(false);
        try
        {
            _frame.Start(FrameKind.Data);
            await foreach (var entry in Storage.ListAsync(path, cancellationToken).ConfigureAwait(false))
            {
                RemoteProtocol.WriteEntry(_frame, entry);
                if (_frame.PayloadLength >= RemoteProtocol.DataChunk / 2)
                {
                    await SendAsync(_frame, cancellationToken).ConfigureAwait(false);
                    _frame.Start(FrameKind.Data);
                }
            }

            if (_frame.PayloadLength > 0)
                await SendAsync(_frame, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // An error frame ends the listing in place of the end frame.
            await SendErrorAsync(e, cancellationToken).ConfigureAwait(false);
            return;
        }

        await SendAsync(_frame.Start(FrameKind.End), cancellationToken).ConfigureAwait(false);
    }

    private async Task ReadAsync(ReadOnlyMemory<byte> parameters, CancellationToken cancellationToken)
    {
        string path;
        long offset, length;
        bool ignoreMissing;
        {
            var payload = new PayloadReader(parameters.Span);
            (path, offset, length, ignoreMissing) = (payload.String(), payload.Int64(), payload.Int64(), payload.Bool());
        }

        var stream = await Storage.OpenReadAsync(path, offset, length < 0 ? null : length, ignoreMissing, cancellationToken).ConfigureAwait(false);
        await SendAsync(_frame.Start(FrameKind.Reply).Bool(stream is not null), cancellationToken).ConfigureAwait(false);
        if (stream is null)
            return;
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                while (true)
                {
                    _frame.Start(FrameKind.Data);
                    var read = await stream.ReadAsync(_frame.DataSpace(RemoteProtocol.DataChunk), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                        break;
                    _frame.Advance(read);
                    await SendAsync(_frame, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await SendErrorAsync(e, cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        await SendAsync(_frame.Start(FrameKind.End), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Opens the destination and replies; then takes data frames until the client's end frame says commit or abort. A
    /// failure while writing is kept and answered after the end frame: the client never blocks on a server that stopped
    /// reading, and nothing becomes visible unless the whole file arrived and was committed.
    /// </summary>
    private async Task WriteAsync(ReadOnlyMemory<byte> parameters, CancellationToken cancellationToken)
    {
        var (path, durable) = PathAndFlag(parameters);
        var stream = await Storage.OpenWriteAsync(path, durable, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await SendAsync(_frame.Start(FrameKind.Reply), cancellationToken).ConfigureAwait(false);
            Exception? failure = null;
            while (true)
            {
                var frame = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                    ?? throw new PgRestException(ErrorCode.Protocol, $"the client closed the connection while writing '{path}'");
                if (frame.Kind == FrameKind.End)
                {
                    var commit = frame.Payload.Length > 0 && frame.Payload.Span[0] != 0;
                    if (failure is null && commit)
                    {
                        try
                        {
                            await stream.CommitAsync(cancellationToken).ConfigureAwait(false);
                        }
                        catch (Exception e) when (e is not OperationCanceledException)
                        {
                            failure = e;
                        }
                    }

                    break;
                }

                if (frame.Kind != FrameKind.Data)
                    throw new PgRestException(ErrorCode.Protocol, $"expected file data for '{path}', got a {frame.Kind} frame");
                if (failure is not null)
                    continue;
                try
                {
                    await stream.WriteAsync(frame.Payload, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failure = e;
                }
            }

            if (failure is not null)
                await SendErrorAsync(failure, cancellationToken).ConfigureAwait(false);
            else
                await SendAsync(_frame.Start(FrameKind.Reply), cancellationToken).ConfigureAwait(false);
        }
    }

    private Task SendErrorAsync(Exception e, CancellationToken cancellationToken)
    {
        var error = e as PgRestException ?? new PgRestException(ErrorCode.Unhandled, $"{e.GetType().Name}: {e.Message}");
        return SendAsync(_frame.Start(FrameKind.Error).Int32((int)error.Code).String(error.Message), cancellationToken);
    }

    private async Task SendAsync(FrameBuilder frame, CancellationToken cancellationToken)
    {
        await _output.WriteAsync(frame.Build(), cancellationToken).ConfigureAwait(false);
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string PathOf(ReadOnlyMemory<byte> parameters) => new PayloadReader(parameters.Span).String();

    private static (string Path, bool Flag) PathAndFlag(ReadOnlyMemory<byte> parameters)
    {
        var payload = new PayloadReader(parameters.Span);
        return (payload.String(), payload.Bool());
    }

    private static (string First, string Second) TwoPaths(ReadOnlyMemory<byte> parameters)
    {
        var payload = new PayloadReader(parameters.Span);
        return (payload.String(), payload.String());
    }
}
