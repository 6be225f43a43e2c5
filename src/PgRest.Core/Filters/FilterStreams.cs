using System.Runtime.CompilerServices;

namespace PgRest.Filters;

/// <summary>
/// Base of the write-only filters: subclasses transform written bytes into <see cref="Destination"/> and write their
/// trailer in <see cref="Finish"/>, which Dispose/DisposeAsync run once. After a failed write (or <see cref="Abandon"/>)
/// the trailer is skipped, so disposing a broken stream releases resources without writing more.
/// </summary>
internal abstract class WriteFilterStream : Stream
{
    private readonly bool _leaveOpen;
    private bool _disposed;
    private bool _skipFinish;

    protected WriteFilterStream(Stream destination, bool leaveOpen)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (!destination.CanWrite)
            throw new ArgumentException("the destination stream is not writable", nameof(destination));
        Destination = destination;
        _leaveOpen = leaveOpen;
    }

    protected Stream Destination { get; }

    public sealed override bool CanRead => false;
    public sealed override bool CanSeek => false;
    public sealed override bool CanWrite => !_disposed;
    public sealed override long Length => throw new NotSupportedException();

    public sealed override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Makes Dispose release resources without writing the trailer (the output is being thrown away).</summary>
    internal void Abandon() => _skipFinish = true;

    protected abstract void WriteCore(ReadOnlySpan<byte> buffer);

    protected abstract ValueTask WriteCoreAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken);

    protected abstract void Finish();

    protected abstract ValueTask FinishAsync();

    /// <summary>Returns pooled buffers and frees native state; called exactly once.</summary>
    protected abstract void ReleaseResources();

    public sealed override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Write(buffer.AsSpan(offset, count));
    }

    public sealed override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty)
            return;
        bool wasSkipping = _skipFinish;
        _skipFinish = true;
        WriteCore(buffer);
        _skipFinish = wasSkipping;
    }

    public sealed override void WriteByte(byte value) => Write(new ReadOnlySpan<byte>(in value));

    public sealed override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public sealed override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty)
            return;
        bool wasSkipping = _skipFinish;
        _skipFinish = true;
        await WriteCoreAsync(buffer, cancellationToken).ConfigureAwait(false);
        _skipFinish = wasSkipping;
    }

    /// <summary>Flushes the destination; bytes the codec still holds stay there until the frame is finished.</summary>
    public sealed override void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Destination.Flush();
    }

    public sealed override Task FlushAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Destination.FlushAsync(cancellationToken);
    }

    public sealed override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public sealed override int Read(Span<byte> buffer) => throw new NotSupportedException();
    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public sealed override void SetLength(long value) => throw new NotSupportedException();

    protected sealed override void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            _disposed = true;
            try
            {
                if (!_skipFinish)
                    Finish();
            }
            finally
            {
                ReleaseResources();
                if (!_leaveOpen)
                    Destination.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    public sealed override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            try
            {
                if (!_skipFinish)
                    await FinishAsync().ConfigureAwait(false);
            }
            finally
            {
                ReleaseResources();
                if (!_leaveOpen)
                    await Destination.DisposeAsync().ConfigureAwait(false);
            }
        }

        base.Dispose(false);
        GC.SuppressFinalize(this);
    }
}

/// <summary>Base of the read-only filters: subclasses produce transformed bytes read from <see cref="Source"/>.</summary>
internal abstract class ReadFilterStream : Stream
{
    private readonly bool _leaveOpen;
    private bool _disposed;

    protected ReadFilterStream(Stream source, bool leaveOpen)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!source.CanRead)
            throw new ArgumentException("the source stream is not readable", nameof(source));
        Source = source;
        _leaveOpen = leaveOpen;
    }

    protected Stream Source { get; }

    public sealed override bool CanRead => !_disposed;
    public sealed override bool CanSeek => false;
    public sealed override bool CanWrite => false;
    public sealed override long Length => throw new NotSupportedException();

    public sealed override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Reads at least one byte into a non-empty buffer, or returns 0 at the end of the data.</summary>
    protected abstract int ReadCore(Span<byte> buffer);

    protected abstract ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    protected abstract void ReleaseResources();

    public sealed override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    public sealed override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return buffer.IsEmpty ? 0 : ReadCore(buffer);
    }

    public sealed override int ReadByte()
    {
        byte value = 0;
        return Read(new Span<byte>(ref value)) == 0 ? -1 : value;
    }

    public sealed override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public sealed override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return buffer.IsEmpty ? ValueTask.FromResult(0) : ReadCoreAsync(buffer, cancellationToken);
    }

    public sealed override void Flush()
    {
    }

    public sealed override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public sealed override void Write(ReadOnlySpan<byte> buffer) => throw new NotSupportedException();
    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public sealed override void SetLength(long value) => throw new NotSupportedException();

    protected sealed override void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            _disposed = true;
            try
            {
                ReleaseResources();
            }
            finally
            {
                if (!_leaveOpen)
                    Source.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    public sealed override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            try
            {
                ReleaseResources();
            }
            finally
            {
                if (!_leaveOpen)
                    await Source.DisposeAsync().ConfigureAwait(false);
            }
        }

        base.Dispose(false);
        GC.SuppressFinalize(this);
    }
}
