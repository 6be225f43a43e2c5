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

    private readonly byte[] header;
    private ICryptoTransform? transform;
    private byte[]? plain;
    private byte[]? cipher;
    private int plainLength;
    private bool headerWritten;

    public CipherEncryptStream(Stream destination, string passphrase, byte[] salt, bool raw, bool leaveOpen)
        : base(destination, leaveOpen)
    {
        header = raw ? [.. salt] : [.. Cipher.Magic, .. salt];
        transform = Cipher.CreateTransform(passphrase, salt, encrypt: true);
        plain = ArrayPool<byte>.Shared.Rent(BufferSize);
        cipher = ArrayPool<byte>.Shared.Rent(BufferSize + Cipher.Magic.Length + Cipher.SaltSize);
    }

    protected override void WriteCore(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            buffer = buffer[Buffer(buffer)..];
            if (plainLength == BufferSize)
                Destination.Write(cipher!, 0, EncryptBuffered(pad: false));
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    protected override async ValueTask WriteCoreAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        while (!buffer.IsEmpty)
        {
            buffer = buffer[Buffer(buffer.Span)..];
            if (plainLength == BufferSize)
                await Destination.WriteAsync(cipher.AsMemory(0, EncryptBuffered(pad: false)), cancellationToken).ConfigureAwait(false);
        }
    }

    protected override void Finish()
    {
        Destination.Write(cipher!, 0, EncryptBuffered(pad: true));
        Destination.Flush();
    }

    protected override async ValueTask FinishAsync()
    {
        await Destination.WriteAsync(cipher.AsMemory(0, EncryptBuffered(pad: true))).ConfigureAwait(false);
        await Destination.FlushAsync().ConfigureAwait(false);
    }

    protected override void ReleaseResources()
    {
        transform?.Dispose();
        transform = null;
        if (plain is not null)
        {
            ArrayPool<byte>.Shared.Return(plain);
            plain = null;
        }

        if (cipher is not null)
        {
            ArrayPool<byte>.Shared.Return(cipher);
            cipher = null;
        }
    }

    private int Buffer(ReadOnlySpan<byte> data)
    {
        int count = Math.Min(data.Length, BufferSize - plainLength);
        data[..count].CopyTo(plain.AsSpan(plainLength));
        plainLength += count;
        return count;
    }

    /// <summary>Encrypts the buffered plaintext (PKCS#7-padded when last) into <c>cipher</c>; returns the bytes to write.</summary>
    private int EncryptBuffered(bool pad)
    {
        int length = plainLength;
        if (pad)
        {
            // Always 1..16 bytes, so a full last block gets a whole block of padding, and empty input one block.
            int padding = Cipher.BlockSize - length % Cipher.BlockSize;
            plain.AsSpan(length, padding).Fill((byte)padding);
            length += padding;
        }

        int offset = 0;
        if (!headerWritten)
        {
            header.CopyTo(cipher!, 0);
            offset = header.Length;
            headerWritten = true;
        }

        plainLength = 0;
        return offset + transform!.TransformBlock(plain!, 0, length, cipher!, offset);
    }
}

/// <summary>Decrypting side of <see cref="Cipher"/>. The last ciphertext block is held back until the source ends,
/// because only then is it known to carry the padding that must be checked and removed.</summary>
internal sealed class CipherDecryptStream : ReadFilterStream
{
    private const int BufferSize = 64 * 1024;

    private readonly string passphrase;
    private readonly bool raw;
    private ICryptoTransform? transform;
    private byte[]? cipher;
    private byte[]? plain;
    private int cipherLength;
    private int plainStart;
    private int plainEnd;
    private bool sourceEnded;
    private bool finished;

    public CipherDecryptStream(Stream source, string passphrase, bool raw, bool leaveOpen) : base(source, leaveOpen)
    {
        this.passphrase = passphrase;
        this.raw = raw;
        cipher = ArrayPool<byte>.Shared.Rent(BufferSize);
        plain = ArrayPool<byte>.Shared.Rent(BufferSize);
    }

    private int HeaderLength => raw ? Cipher.SaltSize : Cipher.Magic.Length + Cipher.SaltSize;

    protected override int ReadCore(Span<byte> buffer)
    {
        while (plainStart == plainEnd)
        {
            if (finished)
                return 0;
            if (transform is null)
                StartDecrypting(Source.ReadAtLeast(cipher.AsSpan(0, BufferSize), HeaderLength, throwOnEndOfStream: false));
            else
                Decrypt(sourceEnded ? 0 : Source.Read(cipher.AsSpan(cipherLength, BufferSize - cipherLength)));
        }

        return TakePlain(buffer);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    protected override async ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (plainStart == plainEnd)
        {
            if (finished)
                return 0;
            if (transform is null)
            {
                StartDecrypting(await Source.ReadAtLeastAsync(
                    cipher.AsMemory(0, BufferSize), HeaderLength, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false));
            }
            else
            {
                Decrypt(sourceEnded
                    ? 0
                    : await Source.ReadAsync(cipher.AsMemory(cipherLength, BufferSize - cipherLength), cancellationToken).ConfigureAwait(false));
            }
        }

        return TakePlain(buffer.Span);
    }

    protected override void ReleaseResources()
    {
        transform?.Dispose();
        transform = null;
        if (cipher is not null)
        {
            ArrayPool<byte>.Shared.Return(cipher);
            cipher = null;
        }

        if (plain is not null)
        {
            ArrayPool<byte>.Shared.Return(plain);
            plain = null;
        }
    }

    private int TakePlain(Span<byte> buffer)
    {
        int count = Math.Min(buffer.Length, plainEnd - plainStart);
        plain.AsSpan(plainStart, count).CopyTo(buffer);
        plainStart += count;
        return count;
    }

    /// <summary>Checks the header read into <c>cipher</c> and keys the transform with its salt.</summary>
    private void StartDecrypting(int count)
    {
        Span<byte> read = cipher.AsSpan(0, count);
        if (!raw && !read[..Math.Min(count, Cipher.Magic.Length)].SequenceEqual(Cipher.Magic[..Math.Min(count, Cipher.Magic.Length)]))
            throw new PgRestException(ErrorCode.Crypto, "cipher header invalid\nHINT: is or was the repo encrypted?");
        if (count < HeaderLength)
            throw new PgRestException(ErrorCode.Crypto, "cipher header missing");

        transform = Cipher.CreateTransform(passphrase, read.Slice(HeaderLength - Cipher.SaltSize, Cipher.SaltSize), encrypt: false);
        cipherLength = count - HeaderLength;
        read[HeaderLength..].CopyTo(cipher);
        Decrypt(-1);
    }

    /// <summary>Takes <paramref name="count"/> newly read bytes (0 = end of source, -1 = none read) and decrypts every
    /// complete block that is known not to be the last.</summary>
    private void Decrypt(int count)
    {
        if (count == 0)
            sourceEnded = true;
        else if (count > 0)
            cipherLength += count;

        if (sourceEnded)
        {
            DecryptLast();
            return;
        }

        // Hold back the last complete block when nothing follows it yet: it may be the padded one.
        int length = cipherLength - cipherLength % Cipher.BlockSize;
        if (length == cipherLength)
            length -= Cipher.BlockSize;
        if (length <= 0)
            return;

        plainStart = 0;
        plainEnd = transform!.TransformBlock(cipher!, 0, length, plain!, 0);
        cipher.AsSpan(length, cipherLength - length).CopyTo(cipher);
        cipherLength -= length;
    }

    private void DecryptLast()
    {
        finished = true;
        if (cipherLength == 0 || cipherLength % Cipher.BlockSize != 0)
        {
            throw new PgRestException(ErrorCode.Crypto,
                "unable to decrypt: the encrypted data is truncated (its length is not a whole number of 16-byte cipher blocks)");
        }

        int length = transform!.TransformBlock(cipher!, 0, cipherLength, plain!, 0);
        cipherLength = 0;
        int padding = length == 0 ? 0 : plain![length - 1];
        bool valid = padding is >= 1 and <= Cipher.BlockSize && padding <= length;
        for (int i = length - padding; valid && i < length; i++)
            valid = plain![i] == padding;
        if (!valid)
        {
            throw new PgRestException(ErrorCode.Crypto,
                "unable to decrypt: the cipher passphrase is probably wrong (the decrypted data has invalid padding); " +
                "otherwise the encrypted data is corrupt");
        }

        plainStart = 0;
        plainEnd = length - padding;
    }
}
