using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Storage;

namespace PgRest.Remote;

/// <summary>
/// A repository on another host, through pgrest running there (<c>repoN-host</c>): every storage operation is one
/// request to that process, which does it on its own storage (posix, S3, ...). Compression and encryption stay on this
/// side, where the data is, so only stored bytes cross the network. Parallel jobs each get a connection of their own,
/// opened when first needed and reused after (pgBackRest likewise opens one remote per process).
/// </summary>
public sealed class RemoteStorage : IStorage, IAsyncDisposable, IDisposable
{
    private readonly Func<int, CancellationToken, Task<RemoteConnection>> _connect;
    private readonly bool _wantCipher;
    private readonly string? _stanza;
    private readonly int _repo;
    private readonly CommandLockType _hostLock;
    private readonly bool _pg;
    private readonly ConcurrentBag<RemoteConnection> _idle = [];
    private readonly ConcurrentBag<RemoteConnection> _all = [];
    private readonly SemaphoreSlim _first = new(1, 1);
    private RemoteRepoIdentity? _identity;
    private Exception? _unreachable;
    private int _opened;

    /// <param name="connect">Opens connection number N (greeted, not yet opened).</param>
    /// <param name="wantCipher">Ask the remote for its cipher settings (the local side has none).</param>
    /// <param name="hostLock">The lock to take on the repository host, by the first connection (held while it lives).</param>
    /// <param name="pg">Connections to a database host's cluster (<see cref="RemotePgHost"/>), not to a repository.</param>
    public RemoteStorage(Func<int, CancellationToken, Task<RemoteConnection>> connect, bool wantCipher, string? stanza = null, int repo = 1,
        CommandLockType hostLock = CommandLockType.None, bool pg = false)
    {
        _pg = pg;
        _hostLock = hostLock;
        _connect = connect;
        _wantCipher = wantCipher;
        _stanza = stanza;
        _repo = repo;
    }

    /// <summary>What the remote said of its repository; connects when nothing has yet.</summary>
    public RemoteRepoIdentity Identity => _identity ?? ConnectFirst();

    // A remote write is named when it opens (the protocol's write request carries the path).
    public StorageFeatures Features => Identity.Features & ~StorageFeatures.NameAtCommit;

    private RemoteRepoIdentity ConnectFirst()
    {
        var connection = Task.Run(() => RentAsync(CancellationToken.None)).GetAwaiter().GetResult();
        Return(connection);
        return _identity!;
    }

    public async Task<Stream?> OpenReadAsync(string path, long offset = 0, long? length = null, bool ignoreMissing = false, CancellationToken cancellationToken = default)
    {
        var connection = await RentAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            connection.Frame.Start(FrameKind.Request).Byte((byte)RemoteOperation.Read).String(path).Int64(offset).Int64(length ?? -1).Bool(ignoreMissing);
            await connection.SendAsync(cancellationToken).ConfigureAwait(false);
            var reply = await connection.ReplyAsync(cancellationToken).ConfigureAwait(false);
            if (!new PayloadReader(reply.Span).Bool())
            {
                Return(connection);
                return null;
            }
        }
        catch
        {
            Return(connection);
            throw;
        }

        return new RemoteReadStream(connection, this);
    }

    public async Task<StorageWriteStream> OpenWriteAsync(string path, bool durable = true, CancellationToken cancellationToken = default)
    {
        var connection = await RentAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            connection.Frame.Start(FrameKind.Request).Byte((byte)RemoteOperation.Write).String(path).Bool(durable);
            await connection.SendAsync(cancellationToken).ConfigureAwait(false);
            await connection.ReplyAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Return(connection);
            throw;
        }

        return new RemoteWriteStream(connection, this);
    }

    public Task SyncAsync(CancellationToken cancellationToken = default) =>
        SimpleAsync(frame => frame.Byte((byte)RemoteOperation.Sync), cancellationToken);

    public async Task<StorageInfo?> InfoAsync(string path, CancellationToken cancellationToken = default)
    {
        var connection = await RentAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            connection.Frame.Start(FrameKind.Request).Byte((byte)RemoteOperation.Info).String(path);
            await connection.SendAsync(cancellationToken).ConfigureAwait(false);
            var reply = await connection.ReplyAsync(cancellationToken).ConfigureAwait(false);
            var payload = new PayloadReader(reply.Span);
            return payload.Bool() ? RemoteProtocol.ReadEntry(ref payload) : null;
        }
        finally
        {
            Return(connection);
        }
    }

    public async IAsyncEnumerable<StorageInfo> ListAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var connection = await RentAsync(cancellationToken).ConfigureAwait(false);
        var ended = false;
        try
        {
            connection.Frame.Start(FrameKind.Request).Byte((byte)RemoteOperation.List).String(path);
            await connection.SendAsync(cancellationToken).ConfigureAwait(false);
            await connection.ReplyAsync(cancellationToken).ConfigureAwait(false);
            var batch = new List<StorageInfo>();
            while (true)
            {
                var frame = await ReceiveEndingOnErrorAsync(connection, () => ended = true, cancellationToken).ConfigureAwait(false);
                if (frame.Kind == FrameKind.End)
                {
                    ended = true;
                    break;
                }

                if (frame.Kind != FrameKind.Data)
                    throw connection.Unexpected(frame.Kind);
                batch.Clear();
                var payload = new PayloadReader(frame.Payload.Span);
                while (!payload.AtEnd)
                    batch.Add(RemoteProtocol.ReadEntry(ref payload));
                foreach (var entry in batch)
                    yield return entry;
            }
        }
        finally
        {
            if (!ended && !connection.Broken)
                await DrainAsync(connection).ConfigureAwait(false);
            Return(connection);
        }
    }

    public Task RemoveAsync(string path, bool errorOnMissing = false, CancellationToken cancellationToken = default) =>
        SimpleAsync(frame => frame.Byte((byte)RemoteOperation.Remove).String(path).Bool(errorOnMissing), cancellationToken);

    public Task PathRemoveAsync(string path, CancellationToken cancellationToken = default) =>
        SimpleAsync(frame => frame.Byte((byte)RemoteOperation.PathRemove).String(path), cancellationToken);

    public Task PathCreateAsync(string path, CancellationToken cancellationToken = default) =>
        SimpleAsync(frame => frame.Byte((byte)RemoteOperation.PathCreate).String(path), cancellationToken);

    public Task LinkCreateAsync(string target, string linkPath, CancellationToken cancellationToken = default) =>
        SimpleAsync(frame => frame.Byte((byte)RemoteOperation.LinkCreate).String(target).String(linkPath), cancellationToken);

    private async Task SimpleAsync(Action<FrameBuilder> request, CancellationToken cancellationToken)
    {
        var connection = await RentAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            request(connection.Frame.Start(FrameKind.Request));
            await connection.SendAsync(cancellationToken).ConfigureAwait(false);
            await connection.ReplyAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Return(connection);
        }
    }

    /// <summary>A data or end frame of a stream; an error frame also ends the stream (the connection stays usable).</summary>
    internal static async Task<(FrameKind Kind, ReadOnlyMemory<byte> Payload)> ReceiveEndingOnErrorAsync(RemoteConnection connection, Action ended, CancellationToken cancellationToken)
    {
        try
        {
            return await connection.ReceiveAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PgRestException) when (!connection.Broken)
        {
            ended();
            throw;
        }
    }

    /// <summary>Reads what is left of a stream the caller stopped reading, so the connection can serve the next request.</summary>
    internal static async Task DrainAsync(RemoteConnection connection)
    {
        try
        {
            while ((await connection.ReceiveAsync(CancellationToken.None).ConfigureAwait(false)).Kind != FrameKind.End)
            {
            }
        }
        catch (PgRestException)
        {
            // An error frame also ends the stream; a broken connection is not reused.
        }
    }

    internal async Task<RemoteConnection> RentAsync(CancellationToken cancellationToken)
    {
        if (_idle.TryTake(out var idle))
            return idle;
        if (_identity is null)
        {
            // The first connection opens alone: it learns what the remote is, and a failure is reported once.
            // A host that could not be reached is not tried again by every later operation of the command.
            await _first.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_unreachable is not null)
                    throw _unreachable;
                if (_identity is null)
                {
                    try
                    {
                        return await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (PgRestException e)
                    {
                        _unreachable = new PgRestException(e.Code, e.Message, e) { Reaching = true };
                        throw _unreachable;
                    }
                }
            }
            finally
            {
                _first.Release();
            }

            if (_idle.TryTake(out idle))
                return idle;
        }

        return await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A connection of its own, outside the pool, for something that holds it for the whole command (a relayed
    /// database session). The first connection is opened as usual before, so that an unreachable host is reported once.
    /// </summary>
    internal async Task<RemoteConnection> OpenDedicatedAsync(CancellationToken cancellationToken)
    {
        Return(await RentAsync(cancellationToken).ConfigureAwait(false));
        return await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<RemoteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var number = Interlocked.Increment(ref _opened) - 1;
        var connection = await _connect(number, cancellationToken).ConfigureAwait(false);
        _all.Add(connection);
        await connection.GreetAsync(cancellationToken).ConfigureAwait(false);
        var hostLock = number == 0 ? _hostLock : CommandLockType.None;
        connection.Frame.Start(FrameKind.Request).Byte((byte)RemoteOperation.Open).Bool(_wantCipher).String(_stanza).Int32(_repo).Byte((byte)hostLock).Bool(_pg);
        await connection.SendAsync(cancellationToken).ConfigureAwait(false);
        var reply = await connection.ReplyAsync(cancellationToken).ConfigureAwait(false);
        var payload = new PayloadReader(reply.Span);
        _identity ??= new RemoteRepoIdentity((StorageFeatures)payload.Int32(), payload.String(), payload.NullableString(), payload.NullableString());
        return connection;
    }

    internal void Return(RemoteConnection connection)
    {
        if (!connection.Broken)
            _idle.Add(connection);
    }

    public async ValueTask DisposeAsync()
    {
        while (_all.TryTake(out var connection))
            await connection.DisposeAsync().ConfigureAwait(false);
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}

/// <summary>File content arriving in data frames; returns its connection to the pool at the end frame or on dispose.</summary>
internal sealed class RemoteReadStream : Stream
{
    private readonly RemoteConnection _connection;
    private readonly RemoteStorage _owner;
    private ReadOnlyMemory<byte> _pending;
    private bool _ended;
    private bool _returned;

    public RemoteReadStream(RemoteConnection connection, RemoteStorage owner) => (_connection, _owner) = (connection, owner);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_pending.IsEmpty)
        {
            if (_ended)
                return 0;
            var frame = await RemoteStorage.ReceiveEndingOnErrorAsync(_connection, () => _ended = true, cancellationToken).ConfigureAwait(false);
            if (frame.Kind == FrameKind.End)
            {
                _ended = true;
                Release();
                return 0;
            }

            if (frame.Kind != FrameKind.Data)
                throw _connection.Unexpected(frame.Kind);
            _pending = frame.Payload;
        }

        var count = Math.Min(buffer.Length, _pending.Length);
        _pending[..count].CopyTo(buffer);
        _pending = _pending[count..];
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask DisposeAsync()
    {
        if (!_ended && !_connection.Broken)
            await RemoteStorage.DrainAsync(_connection).ConfigureAwait(false);
        _ended = true;
        Release();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_returned)
            DisposeAsync().AsTask().GetAwaiter().GetResult();
        base.Dispose(disposing);
    }

    private void Release()
    {
        if (_returned)
            return;
        _returned = true;
        _owner.Return(_connection);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>File content sent in data frames; the remote makes it visible only when the end frame says commit.</summary>
internal sealed class RemoteWriteStream : StorageWriteStream
{
    private readonly RemoteConnection _connection;
    private readonly RemoteStorage _owner;
    private bool _finished;

    public RemoteWriteStream(RemoteConnection connection, RemoteStorage owner) => (_connection, _owner) = (connection, owner);

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        while (!buffer.IsEmpty)
        {
            var count = Math.Min(buffer.Length, RemoteProtocol.DataChunk);
            _connection.Frame.Start(FrameKind.Data);
            buffer.Span[..count].CopyTo(_connection.Frame.DataSpace(count).Span);
            _connection.Frame.Advance(count);
            await _connection.SendAsync(cancellationToken).ConfigureAwait(false);
            buffer = buffer[count..];
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override Task CommitAsync(CancellationToken cancellationToken = default) => FinishAsync(commit: true, cancellationToken);

    private async Task FinishAsync(bool commit, CancellationToken cancellationToken)
    {
        if (_finished)
            return;
        _finished = true;
        try
        {
            _connection.Frame.Start(FrameKind.End).Bool(commit);
            await _connection.SendAsync(cancellationToken).ConfigureAwait(false);
            await _connection.ReplyAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _owner.Return(_connection);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_finished && !_connection.Broken)
        {
            try
            {
                await FinishAsync(commit: false, CancellationToken.None).ConfigureAwait(false);
            }
            catch (PgRestException)
            {
                // Aborting leaves nothing behind; an error while doing so changes nothing for the caller.
            }
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_finished)
            DisposeAsync().AsTask().GetAwaiter().GetResult();
        base.Dispose(disposing);
    }
}
