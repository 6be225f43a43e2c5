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
    private readonly Stream inner;
    private readonly bool writing;
    private readonly bool leaveOpen;
    private IncrementalHash? hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
    private byte[]? sha1;
    private string? sha1Hex;
    private bool disposed;

    private HashSizeStream(Stream inner, bool writing, bool leaveOpen)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (writing ? !inner.CanWrite : !inner.CanRead)
            throw new ArgumentException($"the inner stream is not {(writing ? "writable" : "readable")}", nameof(inner));
        this.inner = inner;
        this.writing = writing;
        this.leaveOpen = leaveOpen;
    }

    /// <summary>Hashes what is read from <paramref name="source"/>.</summary>
    public static HashSizeStream ForReading(Stream source, bool leaveOpen = false) => new(source, writing: false, leaveOpen);

    /// <summary>Hashes what is written through to <paramref name="destination"/>.</summary>
    public static HashSizeStream ForWriting(Stream destination, bool leaveOpen = false) => new(destination, writing: true, leaveOpen);

    /// <summary>Bytes passed through so far.</summary>
    public long Size { get; private set; }

    /// <summary>True once a read returned 0 for a non-empty buffer (read mode).</summary>
    public bool EndOfStreamReached { get; private set; }

    public bool IsFinished => sha1 is not null;

    /// <summary>The SHA-1 of everything passed through; finishes the stream.</summary>
    public byte[] Sha1
    {
        get
        {
            Finish();
            return (byte[])sha1!.Clone();
        }
    }

    /// <summary>The SHA-1 in lowercase hex, as in manifests; finishes the stream.</summary>
    public string Sha1Hex
    {
        get
        {
            Finish();
            return sha1Hex!;
        }
    }

    public override bool CanRead => !writing && !disposed;
    public override bool CanWrite => writing && !disposed;
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
        if (hash is null)
            return;
        sha1 = hash.GetHashAndReset();
        sha1Hex = Convert.ToHexStringLower(sha1);
        hash.Dispose();
        hash = null;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    public override int Read(Span<byte> buffer)
    {
        CheckReading();
        int count = inner.Read(buffer);
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
        int count = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
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
        inner.Write(buffer);
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
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush()
    {
        if (writing)
            inner.Flush();
    }

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        writing ? inner.FlushAsync(cancellationToken) : Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (!disposed && disposing)
        {
            disposed = true;
            Finish();
            if (!leaveOpen)
                inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!disposed)
        {
            disposed = true;
            Finish();
            if (!leaveOpen)
                await inner.DisposeAsync().ConfigureAwait(false);
        }

        base.Dispose(false);
        GC.SuppressFinalize(this);
    }

    private void CheckReading()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (writing)
            throw new NotSupportedException("this hash stream is for writing");
    }

    private void CheckWriting()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (!writing)
            throw new NotSupportedException("this hash stream is for reading");
        if (hash is null)
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
        if (hash is null)
            throw new InvalidOperationException("the hash is already finished");
        hash.AppendData(data);
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
