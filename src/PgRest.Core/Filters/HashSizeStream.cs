using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace PgRest.Filters;

/// <summary>
/// A pass-through that computes the SHA-1 and counts the bytes of everything read from (<see cref="ForReading"/>) or
/// written to (<see cref="ForWriting"/>) the inner stream. <see cref="Sha1"/>/<see cref="Sha1Hex"/> are final once
/// <see cref="Finish"/> has run: call it, dispose the stream (which calls it), or read either property (which calls it
/// too). After that, writing throws and so does reading any further data.
/// </summary>
public sealed class HashSizeStream : Stream
{
    private readonly Stream _inner;
    private readonly bool _writing;
    private readonly bool _leaveOpen;
    private readonly bool _countOnly;
    private IncrementalHash? _hash;
    private bool _finished;
    private byte[]? _sha1;
    private string? _sha1Hex;
    private bool _disposed;

    private HashSizeStream(Stream inner, bool writing, bool leaveOpen, bool countOnly = false)
    {
        _countOnly = countOnly;
        _hash = countOnly ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        ArgumentNullException.ThrowIfNull(inner);
        if (writing ? !inner.CanWrite : !inner.CanRead)
            throw new ArgumentException($"the inner stream is not {(writing ? "writable" : "readable")}", nameof(inner));
        _inner = inner;
        _writing = writing;
        _leaveOpen = leaveOpen;
    }

    /// <summary>Hashes what is read from <paramref name="source"/>.</summary>
    public static HashSizeStream ForReading(Stream source, bool leaveOpen = false) => new(source, writing: false, leaveOpen);

    /// <summary>Hashes what is written through to <paramref name="destination"/>.</summary>
    public static HashSizeStream ForWriting(Stream destination, bool leaveOpen = false) => new(destination, writing: true, leaveOpen);

    /// <summary>Counts what is read from <paramref name="source"/> without hashing it (no SHA-1 to ask for).</summary>
    public static HashSizeStream CountingReads(Stream source, bool leaveOpen = false) => new(source, writing: false, leaveOpen, countOnly: true);

    /// <summary>Counts what is written through to <paramref name="destination"/> without hashing it (no SHA-1 to ask for).</summary>
    public static HashSizeStream CountingWrites(Stream destination, bool leaveOpen = false) => new(destination, writing: true, leaveOpen, countOnly: true);

    /// <summary>Bytes passed through so far.</summary>
    public long Size { get; private set; }

    /// <summary>True once a read returned 0 for a non-empty buffer (read mode).</summary>
    public bool EndOfStreamReached { get; private set; }

    public bool IsFinished => _sha1 is not null || _finished;

    /// <summary>The SHA-1 of everything passed through; finishes the stream.</summary>
    public byte[] Sha1
    {
        get
        {
            Finish();
            return (byte[])(_sha1 ?? throw NotHashed()).Clone();
        }
    }

    /// <summary>The SHA-1 in lowercase hex, as in manifests; finishes the stream.</summary>
    public string Sha1Hex
    {
        get
        {
            Finish();
            return _sha1Hex ?? throw NotHashed();
        }
    }

    public override bool CanRead => !_writing && !_disposed;
    public override bool CanWrite => _writing && !_disposed;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Completes the hash; later calls do nothing.</summary>
    public void Finish()
    {
        if (_countOnly)
        {
            _finished = true;
            return;
        }

        if (_hash is null)
            return;
        _sha1 = _hash.GetHashAndReset();
        _sha1Hex = Convert.ToHexStringLower(_sha1);
        _hash.Dispose();
        _hash = null;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    public override int Read(Span<byte> buffer)
    {
        CheckReading();
        int count = _inner.Read(buffer);
        return Account(buffer[..count], buffer.IsEmpty);
    }

    public override int ReadByte()
    {
        byte value = 0;
        return Read(new Span<byte>(ref value)) == 0 ? -1 : value;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        CheckReading();
        int count = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Account(buffer.Span[..count], buffer.IsEmpty);
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Write(buffer.AsSpan(offset, count));
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        CheckWriting();
        Append(buffer);
        _inner.Write(buffer);
    }

    public override void WriteByte(byte value) => Write(new ReadOnlySpan<byte>(in value));

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        CheckWriting();
        Append(buffer.Span);
        return _inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush()
    {
        if (_writing)
            _inner.Flush();
    }

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        _writing ? _inner.FlushAsync(cancellationToken) : Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            _disposed = true;
            Finish();
            if (!_leaveOpen)
                _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            Finish();
            if (!_leaveOpen)
                await _inner.DisposeAsync().ConfigureAwait(false);
        }

        base.Dispose(false);
        GC.SuppressFinalize(this);
    }

    private static InvalidOperationException NotHashed() => new("this stream only counts bytes");

    private void CheckReading()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_writing)
            throw new NotSupportedException("this hash stream is for writing");
    }

    private void CheckWriting()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_writing)
            throw new NotSupportedException("this hash stream is for reading");
        if (_hash is null && (!_countOnly || _finished))
            throw new InvalidOperationException("the hash is already finished");
    }

    private int Account(ReadOnlySpan<byte> data, bool emptyBuffer)
    {
        if (!data.IsEmpty)
            Append(data);
        else if (!emptyBuffer)
            EndOfStreamReached = true;
        return data.Length;
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        if (_countOnly)
        {
            Size += data.Length;
            return;
        }

        if (_hash is null)
            throw new InvalidOperationException("the hash is already finished");
        _hash.AppendData(data);
        Size += data.Length;
    }
}

/// <summary>One-shot digests.</summary>
public static class Hash
{
    /// <summary>SHA-1 of <paramref name="data"/> in lowercase hex.</summary>
    public static string Sha1Hex(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(data, digest);
        return Convert.ToHexStringLower(digest);
    }
}
