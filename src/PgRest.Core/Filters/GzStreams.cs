using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using PgRest.Errors;

namespace PgRest.Filters;

/// <summary>
/// gzip (or, raw, zlib) writer on top of <see cref="GZipStream"/>/<see cref="ZLibStream"/> (zlib-ng). Those write
/// nothing at all for empty input, where pgBackRest (zlib) writes a complete empty member, so that case is written here
/// byte for byte as zlib does.
/// </summary>
internal sealed class GzCompressStream : WriteFilterStream
{
    // Gzip header (10) + empty stored block (5) + trailer (8).
    private const int EmptyMaxLength = 10 + 5 + 8;

    private readonly Stream _deflater;
    private readonly int _level;
    private readonly bool _raw;
    private bool _written;

    public GzCompressStream(Stream destination, int level, bool raw, bool leaveOpen) : base(destination, leaveOpen)
    {
        _level = level;
        _raw = raw;
        var options = new ZLibCompressionOptions { CompressionLevel = level };
        _deflater = raw ? new ZLibStream(destination, options, leaveOpen: true) : new GZipStream(destination, options, leaveOpen: true);
    }

    protected override void WriteCore(ReadOnlySpan<byte> buffer)
    {
        _written = true;
        _deflater.Write(buffer);
    }

    protected override ValueTask WriteCoreAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        _written = true;
        return _deflater.WriteAsync(buffer, cancellationToken);
    }

    protected override void Finish()
    {
        if (_written)
        {
            _deflater.Dispose();
        }
        else
        {
            Span<byte> empty = stackalloc byte[EmptyMaxLength];
            Destination.Write(empty[..WriteEmpty(empty)]);
        }

        Destination.Flush();
    }

    protected override async ValueTask FinishAsync()
    {
        if (_written)
        {
            await _deflater.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            byte[] empty = new byte[EmptyMaxLength];
            await Destination.WriteAsync(empty.AsMemory(0, WriteEmpty(empty))).ConfigureAwait(false);
        }

        await Destination.FlushAsync().ConfigureAwait(false);
    }

    protected override void ReleaseResources()
    {
        // After Finish this is a no-op; otherwise (abandoned, failed) it frees zlib's state.
        try
        {
            _deflater.Dispose();
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>zlib's output for no input: header, an empty final block (stored at level 0, else fixed), zero
    /// checksum and length (Adler-32 of nothing is 1).</summary>
    private int WriteEmpty(Span<byte> output)
    {
        int effectiveLevel = _level == -1 ? 6 : _level;
        int length;
        if (_raw)
        {
            output[0] = 0x78;
            output[1] = effectiveLevel switch { < 2 => 0x01, < 6 => 0x5e, 6 => 0x9c, _ => 0xda };
            length = 2;
        }
        else
        {
            ReadOnlySpan<byte> header = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];
            header.CopyTo(output);
            output[8] = effectiveLevel switch { 9 => 2, < 2 => 4, _ => 0 };
            length = header.Length;
        }

        ReadOnlySpan<byte> block = effectiveLevel == 0 ? [0x01, 0x00, 0x00, 0xff, 0xff] : [0x03, 0x00];
        block.CopyTo(output[length..]);
        length += block.Length;

        ReadOnlySpan<byte> trailer = _raw ? [0, 0, 0, 1] : [0, 0, 0, 0, 0, 0, 0, 0];
        trailer.CopyTo(output[length..]);
        return length + trailer.Length;
    }
}

/// <summary>
/// gzip (or, raw, zlib) reader on top of <see cref="GZipStream"/>/<see cref="ZLibStream"/>, which report a truncated
/// stream as a silent end of data. The end is therefore checked here: the source's last bytes must be the trailer of
/// what was decoded (gzip ISIZE, i.e. length mod 2^32; zlib Adler-32). zlib-ng itself verifies CRC and ISIZE when the
/// trailer is present. A consequence: bytes after the gzip member (another member, garbage) are reported as an error
/// too, where the other codecs stop at the end of the frame and ignore them.
/// </summary>
internal sealed class GzDecompressStream : ReadFilterStream
{
    // Header (10) + an empty final deflate block (2) + CRC32 (4) + ISIZE (4); zlib: header (2) + block (2) + Adler-32 (4).
    private const int GzipMinimumLength = 20;
    private const int ZlibMinimumLength = 8;

    private readonly TailRecordingStream _tail;
    private readonly Stream _inflater;
    private readonly bool _raw;
    private long _decodedLength;
    private uint _adler = Adler32.Initial;
    private bool _ended;

    public GzDecompressStream(Stream source, bool raw, bool leaveOpen) : base(source, leaveOpen)
    {
        _raw = raw;
        _tail = new TailRecordingStream(source);
        _inflater = raw
            ? new ZLibStream(_tail, CompressionMode.Decompress, leaveOpen: true)
            : new GZipStream(_tail, CompressionMode.Decompress, leaveOpen: true);
    }

    protected override int ReadCore(Span<byte> buffer)
    {
        if (_ended)
            return 0;
        int count;
        try
        {
            count = _inflater.Read(buffer);
        }
        catch (InvalidDataException exception)
        {
            throw DataError(exception);
        }

        return Account(buffer[..count]);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    protected override async ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_ended)
            return 0;
        int count;
        try
        {
            count = await _inflater.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException exception)
        {
            throw DataError(exception);
        }

        return Account(buffer.Span[..count]);
    }

    protected override void ReleaseResources() => _inflater.Dispose();

    private static PgRestException DataError(InvalidDataException exception) =>
        new(ErrorCode.Format, "zlib threw error: [-3] data error", exception);

    private int Account(ReadOnlySpan<byte> decoded)
    {
        if (!decoded.IsEmpty)
        {
            _decodedLength += decoded.Length;
            if (_raw)
                _adler = Adler32.Update(_adler, decoded);
            return decoded.Length;
        }

        _ended = true;
        ReadOnlySpan<byte> last = _tail.LastBytes;
        bool complete = _raw
            ? _tail.TotalLength >= ZlibMinimumLength && BinaryPrimitives.ReadUInt32BigEndian(last[^4..]) == _adler
            : _tail.TotalLength >= GzipMinimumLength && BinaryPrimitives.ReadUInt32LittleEndian(last[^4..]) == (uint)_decodedLength;
        if (!complete)
            throw new PgRestException(ErrorCode.Format, "unexpected eof in compressed data");
        return 0;
    }

    /// <summary>Passes reads through and remembers the last 8 bytes and the total read.</summary>
    private sealed class TailRecordingStream(Stream source) : Stream
    {
        private readonly byte[] _last = new byte[8];

        public long TotalLength { get; private set; }

        /// <summary>The last 8 bytes read (zero-filled in front if fewer were read).</summary>
        public ReadOnlySpan<byte> LastBytes => _last;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int count = source.Read(buffer);
            Record(buffer[..count]);
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int count = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            Record(buffer.Span[..count]);
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private void Record(ReadOnlySpan<byte> data)
        {
            TotalLength += data.Length;
            if (data.Length >= _last.Length)
            {
                data[^_last.Length..].CopyTo(_last);
            }
            else if (!data.IsEmpty)
            {
                _last.AsSpan(data.Length).CopyTo(_last);
                data.CopyTo(_last.AsSpan(_last.Length - data.Length));
            }
        }
    }
}

/// <summary>Adler-32 (RFC 1950), the zlib stream checksum.</summary>
internal static class Adler32
{
    public const uint Initial = 1;
    private const uint Modulus = 65521;

    // Largest n with 255 n (n + 1) / 2 + (n + 1)(Modulus - 1) < 2^32, so sums need reducing only once per block.
    private const int BlockLength = 5552;

    public static uint Update(uint adler, ReadOnlySpan<byte> data)
    {
        uint a = adler & 0xFFFF;
        uint b = adler >> 16;
        while (!data.IsEmpty)
        {
            ReadOnlySpan<byte> block = data[..Math.Min(data.Length, BlockLength)];
            data = data[block.Length..];
            int i = 0;
            for (; i + 8 <= block.Length; i += 8)
            {
                a += block[i]; b += a;
                a += block[i + 1]; b += a;
                a += block[i + 2]; b += a;
                a += block[i + 3]; b += a;
                a += block[i + 4]; b += a;
                a += block[i + 5]; b += a;
                a += block[i + 6]; b += a;
                a += block[i + 7]; b += a;
            }

            for (; i < block.Length; i++)
            {
                a += block[i];
                b += a;
            }

            a %= Modulus;
            b %= Modulus;
        }

        return (b << 16) | a;
    }
}
