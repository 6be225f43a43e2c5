using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using PgRest.Errors;

namespace PgRest.Filters;

/// <summary>Encrypting side of <see cref="Cipher"/>: collects plaintext in a pooled buffer and encrypts it a full
/// buffer at a time; the header goes out with the first ciphertext and the padded last block on dispose.</summary>
internal sealed class CipherEncryptStream : WriteFilterStream
{
    private const int BufferSize = 64 * 1024;

    private readonly byte[] _header;
    private ICryptoTransform? _transform;
    private byte[]? _plain;
    private byte[]? _cipher;
    private int _plainLength;
    private bool _headerWritten;

    public CipherEncryptStream(Stream destination, string passphrase, byte[] salt, bool raw, bool leaveOpen)
        : base(destination, leaveOpen)
    {
        _header = raw ? [.. salt] : [.. Cipher.Magic, .. salt];
        _transform = Cipher.CreateTransform(passphrase, salt, encrypt: true);
        _plain = ArrayPool<byte>.Shared.Rent(BufferSize);
        _cipher = ArrayPool<byte>.Shared.Rent(BufferSize + Cipher.Magic.Length + Cipher.SaltSize);
    }

    protected override void WriteCore(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            buffer = buffer[Buffer(buffer)..];
            if (_plainLength == BufferSize)
                Destination.Write(_cipher!, 0, EncryptBuffered(pad: false));
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    protected override async ValueTask WriteCoreAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        while (!buffer.IsEmpty)
        {
            buffer = buffer[Buffer(buffer.Span)..];
            if (_plainLength == BufferSize)
                await Destination.WriteAsync(_cipher.AsMemory(0, EncryptBuffered(pad: false)), cancellationToken).ConfigureAwait(false);
        }
    }

    protected override void Finish()
    {
        Destination.Write(_cipher!, 0, EncryptBuffered(pad: true));
        Destination.Flush();
    }

    protected override async ValueTask FinishAsync()
    {
        await Destination.WriteAsync(_cipher.AsMemory(0, EncryptBuffered(pad: true))).ConfigureAwait(false);
        await Destination.FlushAsync().ConfigureAwait(false);
    }

    protected override void ReleaseResources()
    {
        _transform?.Dispose();
        _transform = null;
        if (_plain is not null)
        {
            ArrayPool<byte>.Shared.Return(_plain);
            _plain = null;
        }

        if (_cipher is not null)
        {
            ArrayPool<byte>.Shared.Return(_cipher);
            _cipher = null;
        }
    }

    private int Buffer(ReadOnlySpan<byte> data)
    {
        int count = Math.Min(data.Length, BufferSize - _plainLength);
        data[..count].CopyTo(_plain.AsSpan(_plainLength));
        _plainLength += count;
        return count;
    }

    /// <summary>Encrypts the buffered plaintext (PKCS#7-padded when last) into <c>cipher</c>; returns the bytes to write.</summary>
    private int EncryptBuffered(bool pad)
    {
        int length = _plainLength;
        if (pad)
        {
            // Always 1..16 bytes, so a full last block gets a whole block of padding, and empty input one block.
            int padding = Cipher.BlockSize - length % Cipher.BlockSize;
            _plain.AsSpan(length, padding).Fill((byte)padding);
            length += padding;
        }

        int offset = 0;
        if (!_headerWritten)
        {
            _header.CopyTo(_cipher!, 0);
            offset = _header.Length;
            _headerWritten = true;
        }

        _plainLength = 0;
        return offset + _transform!.TransformBlock(_plain!, 0, length, _cipher!, offset);
    }
}

/// <summary>Decrypting side of <see cref="Cipher"/>. The last ciphertext block is held back until the source ends,
/// because only then is it known to carry the padding that must be checked and removed.</summary>
internal sealed class CipherDecryptStream : ReadFilterStream
{
    private const int BufferSize = 64 * 1024;

    private readonly string _passphrase;
    private readonly bool _raw;
    private ICryptoTransform? _transform;
    private byte[]? _cipher;
    private byte[]? _plain;
    private int _cipherLength;
    private int _plainStart;
    private int _plainEnd;
    private bool _sourceEnded;
    private bool _finished;

    public CipherDecryptStream(Stream source, string passphrase, bool raw, bool leaveOpen) : base(source, leaveOpen)
    {
        _passphrase = passphrase;
        _raw = raw;
        _cipher = ArrayPool<byte>.Shared.Rent(BufferSize);
        _plain = ArrayPool<byte>.Shared.Rent(BufferSize);
    }

    private int HeaderLength => _raw ? Cipher.SaltSize : Cipher.Magic.Length + Cipher.SaltSize;

    protected override int ReadCore(Span<byte> buffer)
    {
        while (_plainStart == _plainEnd)
        {
            if (_finished)
                return 0;
            if (_transform is null)
                StartDecrypting(Source.ReadAtLeast(_cipher.AsSpan(0, BufferSize), HeaderLength, throwOnEndOfStream: false));
            else
                Decrypt(_sourceEnded ? 0 : Source.Read(_cipher.AsSpan(_cipherLength, BufferSize - _cipherLength)));
        }

        return TakePlain(buffer);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    protected override async ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (_plainStart == _plainEnd)
        {
            if (_finished)
                return 0;
            if (_transform is null)
            {
                StartDecrypting(await Source.ReadAtLeastAsync(
                    _cipher.AsMemory(0, BufferSize), HeaderLength, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false));
            }
            else
            {
                Decrypt(_sourceEnded
                    ? 0
                    : await Source.ReadAsync(_cipher.AsMemory(_cipherLength, BufferSize - _cipherLength), cancellationToken).ConfigureAwait(false));
            }
        }

        return TakePlain(buffer.Span);
    }

    protected override void ReleaseResources()
    {
        _transform?.Dispose();
        _transform = null;
        if (_cipher is not null)
        {
            ArrayPool<byte>.Shared.Return(_cipher);
            _cipher = null;
        }

        if (_plain is not null)
        {
            ArrayPool<byte>.Shared.Return(_plain);
            _plain = null;
        }
    }

    private int TakePlain(Span<byte> buffer)
    {
        int count = Math.Min(buffer.Length, _plainEnd - _plainStart);
        _plain.AsSpan(_plainStart, count).CopyTo(buffer);
        _plainStart += count;
        return count;
    }

    /// <summary>Checks the header read into <c>cipher</c> and keys the transform with its salt.</summary>
    private void StartDecrypting(int count)
    {
        Span<byte> read = _cipher.AsSpan(0, count);
        if (!_raw && !read[..Math.Min(count, Cipher.Magic.Length)].SequenceEqual(Cipher.Magic[..Math.Min(count, Cipher.Magic.Length)]))
            throw new PgRestException(ErrorCode.Crypto, "cipher header invalid\nHINT: is or was the repo encrypted?");
        if (count < HeaderLength)
            throw new PgRestException(ErrorCode.Crypto, "cipher header missing");

        _transform = Cipher.CreateTransform(_passphrase, read.Slice(HeaderLength - Cipher.SaltSize, Cipher.SaltSize), encrypt: false);
        _cipherLength = count - HeaderLength;
        read[HeaderLength..].CopyTo(_cipher);
        Decrypt(-1);
    }

    /// <summary>Takes <paramref name="count"/> newly read bytes (0 = end of source, -1 = none read) and decrypts every
    /// complete block that is known not to be the last.</summary>
    private void Decrypt(int count)
    {
        if (count == 0)
            _sourceEnded = true;
        else if (count > 0)
            _cipherLength += count;

        if (_sourceEnded)
        {
            DecryptLast();
            return;
        }

        // Hold back the last complete block when nothing follows it yet: it may be the padded one.
        int length = _cipherLength - _cipherLength % Cipher.BlockSize;
        if (length == _cipherLength)
            length -= Cipher.BlockSize;
        if (length <= 0)
            return;

        _plainStart = 0;
        _plainEnd = _transform!.TransformBlock(_cipher!, 0, length, _plain!, 0);
        _cipher.AsSpan(length, _cipherLength - length).CopyTo(_cipher);
        _cipherLength -= length;
    }

    private void DecryptLast()
    {
        _finished = true;
        if (_cipherLength == 0 || _cipherLength % Cipher.BlockSize != 0)
        {
            throw new PgRestException(ErrorCode.Crypto,
                "unable to decrypt: the encrypted data is truncated (its length is not a whole number of 16-byte cipher blocks)");
        }

        int length = _transform!.TransformBlock(_cipher!, 0, _cipherLength, _plain!, 0);
        _cipherLength = 0;
        int padding = length == 0 ? 0 : _plain![length - 1];
        bool valid = padding is >= 1 and <= Cipher.BlockSize && padding <= length;
        for (int i = length - padding; valid && i < length; i++)
            valid = _plain![i] == padding;
        if (!valid)
        {
            throw new PgRestException(ErrorCode.Crypto,
                "unable to decrypt: the cipher passphrase is probably wrong (the decrypted data has invalid padding); " +
                "otherwise the encrypted data is corrupt");
        }

        _plainStart = 0;
        _plainEnd = length - padding;
    }
}
