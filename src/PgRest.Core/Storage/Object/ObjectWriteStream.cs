using System.Buffers;

namespace PgRest.Storage.Object;

/// <summary>
/// Collects a file in one chunk-sized pooled buffer. A file that fits is sent by one PUT at commit; a larger one becomes
/// an upload in parts, each part sent when the buffer is full and more data arrives, the last one at commit. Disposed
/// without commit, the upload is aborted: a reader never sees a partial object.
/// </summary>
internal sealed class ObjectWriteStream : StorageWriteStream
{
    private readonly ObjectStorage _storage;
    private readonly string _key;
    private byte[]? _buffer;
    private int _filled;
    private ObjectUpload? _upload;
    private int _partNumber;
    private bool _committed;

    public ObjectWriteStream(ObjectStorage storage, string key, int chunkSize)
    {
        _storage = storage;
        _key = key;
        _buffer = ArrayPool<byte>.Shared.Rent(chunkSize);
        ChunkSize = chunkSize;
    }

    private int ChunkSize { get; }

    public override void Flush() { }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            if (_filled == ChunkSize)
                SendPartAsync(last: false, CancellationToken.None).GetAwaiter().GetResult();
            var take = Math.Min(data.Length, ChunkSize - _filled);
            data[..take].CopyTo(Buffer.AsSpan(_filled));
            _filled += take;
            data = data[take..];
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        while (data.Length > 0)
        {
            if (_filled == ChunkSize)
                await SendPartAsync(last: false, cancellationToken).ConfigureAwait(false);
            var take = Math.Min(data.Length, ChunkSize - _filled);
            data.Span[..take].CopyTo(Buffer.AsSpan(_filled));
            _filled += take;
            data = data[take..];
        }
    }

    public override async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        if (_upload is null)
        {
            await _storage.PutAsync(_key, Buffer.AsMemory(0, _filled), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await SendPartAsync(last: true, cancellationToken).ConfigureAwait(false);
            await _upload.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        _committed = true;
        ReturnBuffer();
    }

    private byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(ObjectWriteStream));

    private async Task SendPartAsync(bool last, CancellationToken cancellationToken)
    {
        _upload ??= await _storage.BeginAsync(_key, cancellationToken).ConfigureAwait(false);
        await _upload.PutPartAsync(++_partNumber, Buffer.AsMemory(0, _filled), last, cancellationToken).ConfigureAwait(false);
        _filled = 0;
    }

    private void ReturnBuffer()
    {
        if (_buffer is not null)
            ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            AbortIfOpenAsync().GetAwaiter().GetResult();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await AbortIfOpenAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    private async Task AbortIfOpenAsync()
    {
        ReturnBuffer();
        if (_committed || _upload is null)
            return;
        var upload = _upload;
        _upload = null;
        try
        {
            await upload.AbortAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is PgRest.Errors.PgRestException or HttpRequestException or IOException or OperationCanceledException)
        {
            // The parts were never completed, so no object exists; the service drops them (S3 lifecycle, Azure after 7 days).
        }
    }
}
