using System.Runtime.CompilerServices;
using PgRest.Errors;

namespace PgRest.Filters;

/// <summary>Builds the filter chain every stored file goes through (pgbackrest-format.md, "4.4 Processing order for every stored stream").</summary>
public static class Pipeline
{
    /// <summary>
    /// plain bytes → SHA-1/size → compress → encrypt → SHA-1/size of stored bytes → <paramref name="destination"/>.
    /// <paramref name="compressType"/> <see cref="CompressType.None"/> and a null passphrase skip those steps.
    /// </summary>
    /// <param name="hashed">False: sizes only, no SHA-1 (a block-incremental super block, hashed as part of its file).</param>
    public static WritePipeline Write(
        Stream destination, CompressType compressType, int compressLevel, string? cipherPassphrase, bool raw = false,
        bool leaveOpen = false, bool hashed = true) =>
        new(destination, compressType, compressLevel, cipherPassphrase, raw, leaveOpen, hashed);

    /// <summary>stored bytes from <paramref name="source"/> → decrypt → decompress → SHA-1/size → plain bytes.</summary>
    /// <param name="hashed">False: the size only, for a caller that hashes the plain bytes itself (on another core).</param>
    public static ReadPipeline Read(
        Stream source, CompressType compressType, string? cipherPassphrase, bool raw = false, bool leaveOpen = false, bool hashed = true) =>
        new(source, compressType, cipherPassphrase, raw, leaveOpen, hashed);
}

/// <summary>
/// The write side of the chain. Copy plain bytes into <see cref="Input"/>, then call <see cref="CompleteAsync"/> (or
/// <see cref="Complete"/>), which ends the compressed frame and the cipher and disposes the destination unless
/// leaveOpen. Disposing without completing abandons the write: nothing more reaches the destination.
/// </summary>
public sealed class WritePipeline : IDisposable, IAsyncDisposable
{
    private readonly GateStream _gate;
    private readonly HashSizeStream _plainHash;
    private readonly HashSizeStream? _repoHash;
    private readonly List<Stream> _stages = [];
    private bool _completed;
    private bool _disposed;

    internal WritePipeline(
        Stream destination, CompressType compressType, int compressLevel, string? cipherPassphrase, bool raw, bool leaveOpen,
        bool hashed = true)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (compressType != CompressType.None &&
            (compressLevel < CompressTypes.MinLevel(compressType) || compressLevel > CompressTypes.MaxLevel(compressType)))
        {
            throw new ArgumentOutOfRangeException(nameof(compressLevel), compressLevel,
                $"{CompressTypes.Name(compressType)} level must be " +
                $"{CompressTypes.MinLevel(compressType)}..{CompressTypes.MaxLevel(compressType)}");
        }

        if (cipherPassphrase is not null)
            ArgumentException.ThrowIfNullOrEmpty(cipherPassphrase);

        _gate = new GateStream(destination, leaveOpen);
        Stream next = _gate;
        if (compressType != CompressType.None || cipherPassphrase is not null)
        {
            _repoHash = hashed ? HashSizeStream.ForWriting(next) : HashSizeStream.CountingWrites(next);
            next = _repoHash;
        }

        if (cipherPassphrase is not null)
            next = Add(Cipher.Encryptor(next, cipherPassphrase, raw));
        if (compressType != CompressType.None)
            next = Add(Compression.Compressor(next, compressType, compressLevel, raw));
        _plainHash = hashed ? HashSizeStream.ForWriting(next) : HashSizeStream.CountingWrites(next);
    }

    /// <summary>Where the plain bytes go (write-only).</summary>
    public Stream Input => _plainHash;

    /// <summary>Whether the stored bytes differ from the plain ones (compressed or encrypted).</summary>
    public bool IsTransformed => _repoHash is not null;

    /// <summary>Plain size (manifest <c>size</c>); valid after completion.</summary>
    public long Size => Completed(_plainHash).Size;

    /// <summary>Plain SHA-1 (manifest <c>checksum</c>); valid after completion.</summary>
    public string Sha1Hex => Completed(_plainHash).Sha1Hex;

    /// <summary>Stored size (manifest <c>repo-size</c>); equals <see cref="Size"/> when nothing is transformed.</summary>
    public long RepoSize => Completed(_repoHash ?? _plainHash).Size;

    /// <summary>Stored SHA-1 (manifest <c>rck</c>, meaningful only if <see cref="IsTransformed"/>).</summary>
    public string RepoSha1Hex => Completed(_repoHash ?? _plainHash).Sha1Hex;

    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
            return;
        _plainHash.Dispose();
        _completed = true;
    }

    public async ValueTask CompleteAsync()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
            return;
        await _plainHash.DisposeAsync().ConfigureAwait(false);
        _completed = true;
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (!_completed)
        {
            Abandon();
            _plainHash.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (!_completed)
        {
            Abandon();
            await _plainHash.DisposeAsync().ConfigureAwait(false);
        }
    }

    private Stream Add(Stream stage)
    {
        _stages.Add(stage);
        return stage;
    }

    private void Abandon()
    {
        _gate.DiscardFurtherWrites();
        foreach (Stream stage in _stages)
            (stage as WriteFilterStream)?.Abandon();
    }

    private HashSizeStream Completed(HashSizeStream stream)
    {
        if (!_completed)
            throw new InvalidOperationException("the write pipeline is not complete");
        return stream;
    }

    /// <summary>Passes writes to the destination until closed; after that they are dropped.</summary>
    private sealed class GateStream(Stream destination, bool leaveOpen) : Stream
    {
        private bool _closed;
        private bool _disposed;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => !_disposed;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public void DiscardFurtherWrites() => _closed = true;

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (!_closed)
                destination.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            _closed ? ValueTask.CompletedTask : destination.WriteAsync(buffer, cancellationToken);

        public override void Flush()
        {
            if (!_closed)
                destination.Flush();
        }

        public override Task FlushAsync(CancellationToken cancellationToken) =>
            _closed ? Task.CompletedTask : destination.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (!_disposed && disposing)
            {
                _disposed = true;
                if (!leaveOpen)
                    destination.Dispose();
            }

            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            if (!_disposed)
            {
                _disposed = true;
                if (!leaveOpen)
                    await destination.DisposeAsync().ConfigureAwait(false);
            }

            base.Dispose(false);
            GC.SuppressFinalize(this);
        }
    }
}

/// <summary>
/// The read side of the chain: read plain bytes from <see cref="Output"/>; once it has returned the end of data,
/// <see cref="Size"/> and <see cref="Sha1Hex"/> describe them. Disposing disposes the source unless leaveOpen.
/// </summary>
public sealed class ReadPipeline : IDisposable, IAsyncDisposable
{
    private readonly HashSizeStream _plainHash;

    internal ReadPipeline(Stream source, CompressType compressType, string? cipherPassphrase, bool raw, bool leaveOpen, bool hashed = true)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (cipherPassphrase is not null)
            ArgumentException.ThrowIfNullOrEmpty(cipherPassphrase);

        Stream next = source;
        bool ownsNext = !leaveOpen;
        if (cipherPassphrase is not null)
        {
            next = Cipher.Decryptor(next, cipherPassphrase, raw, leaveOpen: !ownsNext);
            ownsNext = true;
        }

        if (compressType != CompressType.None)
        {
            next = Compression.Decompressor(next, compressType, raw, leaveOpen: !ownsNext);
            ownsNext = true;

            // Data decrypted with a wrong passphrase is garbage that the decompressor rejects before the cipher padding
            // check at the end can say what is wrong.
            if (cipherPassphrase is not null)
                next = new PassphraseHintStream(next);
        }

        _plainHash = hashed ? HashSizeStream.ForReading(next, leaveOpen: !ownsNext) : HashSizeStream.CountingReads(next, leaveOpen: !ownsNext);
    }

    /// <summary>The plain bytes (read-only).</summary>
    public Stream Output => _plainHash;

    /// <summary>Plain size; valid once <see cref="Output"/> has been read to its end.</summary>
    public long Size => AtEnd().Size;

    /// <summary>Plain SHA-1 in lowercase hex; valid once <see cref="Output"/> has been read to its end.</summary>
    public string Sha1Hex => AtEnd().Sha1Hex;

    public void Dispose() => _plainHash.Dispose();

    public ValueTask DisposeAsync() => _plainHash.DisposeAsync();

    private HashSizeStream AtEnd()
    {
        if (!_plainHash.EndOfStreamReached)
            throw new InvalidOperationException("the read pipeline's output has not been read to its end");
        return _plainHash;
    }

    /// <summary>Adds a hint about the passphrase to format errors of data that was decrypted.</summary>
    private sealed class PassphraseHintStream(Stream source) : ReadFilterStream(source, leaveOpen: false)
    {
        protected override int ReadCore(Span<byte> buffer)
        {
            try
            {
                return Source.Read(buffer);
            }
            catch (PgRestException exception) when (exception.Code == ErrorCode.Format)
            {
                throw WithHint(exception);
            }
        }

        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        protected override async ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            try
            {
                return await Source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (PgRestException exception) when (exception.Code == ErrorCode.Format)
            {
                throw WithHint(exception);
            }
        }

        protected override void ReleaseResources()
        {
        }

        private static PgRestException WithHint(PgRestException exception) =>
            new(exception.Code, exception.Message + "\nHINT: is the cipher passphrase correct? data decrypted with a wrong one cannot be decompressed.", exception);
    }
}
