using Microsoft.Win32.SafeHandles;

namespace PgRest.Common;

/// <summary>
/// A file stream whose async methods complete synchronously. On Linux, .NET runs async file I/O as blocking calls on
/// the thread pool anyway; doing the call inline saves a thread hop per block and the thread-pool start-up that
/// matters for a process started once per WAL segment. Parallelism comes from callers (process-max), not from here.
/// </summary>
public sealed class BlockingFileStream : Stream
{
    private readonly SafeFileHandle _handle;
    private readonly bool _writable;
    private long _position;

    private BlockingFileStream(SafeFileHandle handle, bool writable, string path)
    {
        _handle = handle;
        _writable = writable;
        Name = path;
    }

    public string Name { get; }

    public SafeFileHandle Handle => _handle;

    public static BlockingFileStream OpenRead(string path) =>
        new(File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete), writable: false, path);

    public static BlockingFileStream Create(string path, UnixFileMode mode)
    {
        var handle = File.OpenHandle(path, FileMode.Create, FileAccess.Write, FileShare.None);
        File.SetUnixFileMode(handle, mode);
        return new BlockingFileStream(handle, writable: true, path);
    }

    public override bool CanRead => !_writable;
    public override bool CanSeek => true;
    public override bool CanWrite => _writable;
    public override long Length => RandomAccess.GetLength(_handle);

    public override long Position
    {
        get => _position;
        set => _position = value;
    }

    public override long Seek(long offset, SeekOrigin origin) => _position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => Length + offset,
    };

    public override void SetLength(long value) => RandomAccess.SetLength(_handle, value);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = RandomAccess.Read(_handle, buffer, _position);
        _position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        RandomAccess.Write(_handle, buffer, _position);
        _position += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush() { }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>fsync: the data is on disk when this returns.</summary>
    public void FlushToDisk() => RandomAccess.FlushToDisk(_handle);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _handle.Dispose();
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync()
    {
        _handle.Dispose();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
