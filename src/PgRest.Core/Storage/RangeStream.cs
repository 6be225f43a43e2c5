namespace PgRest.Storage;

/// <summary>Reads at most <c>length</c> bytes of an inner stream (a bundle member, a ranged object read, a super block).</summary>
public sealed class RangeStream : ReadOnlyStream
{
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private long _remaining;

    public RangeStream(Stream inner, long length, bool leaveOpen = false)
    {
        _inner = inner;
        _remaining = length;
        _leaveOpen = leaveOpen;
    }

    /// <summary>Bytes of the range not read yet.</summary>
    public long Remaining => _remaining;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_remaining <= 0)
            return 0;
        if (buffer.Length > _remaining)
            buffer = buffer[..(int)_remaining];
        var read = _inner.Read(buffer);
        _remaining -= read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_remaining <= 0)
            return 0;
        if (buffer.Length > _remaining)
            buffer = buffer[..(int)_remaining];
        var read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        _remaining -= read;
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_leaveOpen)
            _inner.Dispose();
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return _leaveOpen ? ValueTask.CompletedTask : _inner.DisposeAsync();
    }
}
