using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using PgRest.Errors;

namespace PgRest.Remote;

/// <summary>
/// What one frame of the pgrest remote protocol is. A frame is a 1-byte kind, a 4-byte little-endian payload length and
/// the payload (docs/remote-protocol.md).
/// </summary>
public enum FrameKind : byte
{
    /// <summary>Client to server: an operation and its parameters.</summary>
    Request = 1,

    /// <summary>Server to client: the operation succeeded, with its result.</summary>
    Reply = 2,

    /// <summary>Server to client: the operation failed; pgBackRest's error code and the message.</summary>
    Error = 3,

    /// <summary>Either way: a chunk of file content or of a listing.</summary>
    Data = 4,

    /// <summary>Either way: the end of a series of data frames (for a write, with commit or abort).</summary>
    End = 5,
}

/// <summary>Builds one frame in a reused buffer so that header and payload go out in a single write.</summary>
public sealed class FrameBuilder : IDisposable
{
    public const int HeaderSize = 5;

    private byte[] _buffer;
    private int _position;

    public FrameBuilder(int capacity = 4096) => _buffer = ArrayPool<byte>.Shared.Rent(capacity);

    public FrameBuilder Start(FrameKind kind)
    {
        _buffer[0] = (byte)kind;
        _position = HeaderSize;
        return this;
    }

    public FrameBuilder Byte(byte value)
    {
        Reserve(1)[0] = value;
        _position++;
        return this;
    }

    public FrameBuilder Bool(bool value) => Byte(value ? (byte)1 : (byte)0);

    public FrameBuilder Int32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(Reserve(4), value);
        _position += 4;
        return this;
    }

    public FrameBuilder Int64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), value);
        _position += 8;
        return this;
    }

    /// <summary>A string as its UTF-8 byte count (-1 for null) and bytes.</summary>
    public FrameBuilder String(string? value)
    {
        if (value is null)
            return Int32(-1);
        var count = Encoding.UTF8.GetByteCount(value);
        Int32(count);
        Encoding.UTF8.GetBytes(value, Reserve(count));
        _position += count;
        return this;
    }

    /// <summary>Room for up to <paramref name="size"/> bytes of data written in place; then <see cref="Advance"/>.</summary>
    public Memory<byte> DataSpace(int size)
    {
        Reserve(size);
        return _buffer.AsMemory(_position, size);
    }

    public void Advance(int count) => _position += count;

    /// <summary>Payload bytes so far (what a frame with nothing in it yet would report as 0).</summary>
    public int PayloadLength => _position - HeaderSize;

    /// <summary>The finished frame, valid until the next <see cref="Start"/>.</summary>
    public ReadOnlyMemory<byte> Build()
    {
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(1, 4), _position - HeaderSize);
        return _buffer.AsMemory(0, _position);
    }

    private Span<byte> Reserve(int count)
    {
        if (_position + count > _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _position + count));
            _buffer.AsSpan(0, _position).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        return _buffer.AsSpan(_position, count);
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}

/// <summary>Reads frames from a stream into one reused buffer; a frame's payload is valid until the next read.</summary>
public sealed class FrameReader : IDisposable
{
    /// <summary>Larger frames are a broken peer, not data: refuse rather than allocate.</summary>
    public const int MaxPayload = 16 * 1024 * 1024;

    private readonly Stream _input;
    private readonly byte[] _header = new byte[FrameBuilder.HeaderSize];
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);

    public FrameReader(Stream input) => _input = input;

    /// <summary>The next frame, or null when the peer closed the stream between frames.</summary>
    public async ValueTask<(FrameKind Kind, ReadOnlyMemory<byte> Payload)?> ReadAsync(CancellationToken cancellationToken = default)
    {
        var read = await _input.ReadAtLeastAsync(_header, _header.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read == 0)
            return null;
        if (read < _header.Length)
            throw Truncated();
        var kind = (FrameKind)_header[0];
        var length = BinaryPrimitives.ReadInt32LittleEndian(_header.AsSpan(1));
        if (kind is < FrameKind.Request or > FrameKind.End || length is < 0 or > MaxPayload)
            throw new PgRestException(ErrorCode.Protocol, $"invalid frame from the remote (kind {_header[0]}, length {length})");
        if (length > _buffer.Length)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(length);
        }

        if (await _input.ReadAtLeastAsync(_buffer.AsMemory(0, length), length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false) < length)
            throw Truncated();
        return (kind, _buffer.AsMemory(0, length));
    }

    private static PgRestException Truncated() => new(ErrorCode.Protocol, "the remote closed the connection inside a frame");

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}

/// <summary>Reads the fields of one payload in the order <see cref="FrameBuilder"/> wrote them.</summary>
public ref struct PayloadReader
{
    private readonly ReadOnlySpan<byte> _payload;
    private int _position;

    public PayloadReader(ReadOnlySpan<byte> payload) => _payload = payload;

    public readonly bool AtEnd => _position == _payload.Length;

    public byte Byte() => Take(1)[0];

    public bool Bool() => Byte() != 0;

    public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public string? NullableString()
    {
        var count = Int32();
        return count < 0 ? null : Encoding.UTF8.GetString(Take(count));
    }

    public string String() => NullableString() ?? throw Malformed();

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || _position + count > _payload.Length)
            throw Malformed();
        var slice = _payload.Slice(_position, count);
        _position += count;
        return slice;
    }

    private static PgRestException Malformed() => new(ErrorCode.Protocol, "malformed message from the remote");
}
