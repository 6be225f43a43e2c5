using PgRest.Errors;

namespace PgRest.Storage.Object;

/// <summary>
/// An object body that survives a dropped connection: when a read fails, the rest of the object is asked for again
/// with a ranged GET from the first byte not yet returned, so the caller sees one unbroken stream.
/// </summary>
internal sealed class ResumingReadStream : ReadOnlyStream
{
    private const int MaxResumes = 5;

    public delegate Task<Stream?> Reopen(long offset, long? length, CancellationToken cancellationToken);

    private readonly Reopen _reopen;
    private Stream _body;
    private long _position;
    private readonly long? _end;
    private int _resumes;

    public ResumingReadStream(Stream body, long offset, long? length, Reopen reopen)
    {
        _body = body;
        _position = offset;
        _end = length is { } limit ? offset + limit : null;
        _reopen = reopen;
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public override int Read(Span<byte> buffer)
    {
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            var read = ReadAsync(rented.AsMemory(0, buffer.Length), CancellationToken.None).AsTask().GetAwaiter().GetResult();
            rented.AsSpan(0, read).CopyTo(buffer);
            return read;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0 || (_end is { } end && _position >= end))
            return 0;
        while (true)
        {
            try
            {
                var read = await _body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                _position += read;
                if (read == 0 && _end is { } expectedEnd && _position < expectedEnd)
                    throw new IOException($"object body ended at byte {_position} of {expectedEnd}");
                return read;
            }
            catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                if (++_resumes > MaxResumes)
                    throw new PgRestException(ErrorCode.FileRead, $"unable to read object: connection failed {MaxResumes} times: {e.Message}", e);
                await _body.DisposeAsync().ConfigureAwait(false);
                await Task.Delay(100 * _resumes, cancellationToken).ConfigureAwait(false);
                _body = await _reopen(_position, _end - _position, cancellationToken).ConfigureAwait(false)
                    ?? throw new PgRestException(ErrorCode.FileMissing, "object removed while it was being read");
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _body.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _body.DisposeAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }
}
