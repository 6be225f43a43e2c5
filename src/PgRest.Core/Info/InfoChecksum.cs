using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using PgRest.Json;

namespace PgRest.Info;

/// <summary>
/// Streams the text that <c>backrest-checksum</c> hashes: <c>{"section":{"key":raw,...},...}</c> where runs of
/// consecutive values with the same section form one object, section names are quoted verbatim, keys are
/// JSON-encoded and values are the raw text found after '='.
/// </summary>
internal sealed class InfoChecksum : IDisposable
{
    private const int BufferSize = 64 * 1024;

    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
    private readonly StringBuilder? _text;
    private readonly StringBuilder _keyBuffer = new();
    private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _buffered;
    private string? _sectionLast;

    public InfoChecksum(bool keepText = false)
    {
        _text = keepText ? new StringBuilder() : null;
        Append("{");
    }

    public static bool IsChecksumValue(string section, string key) =>
        section == InfoFile.BackrestSection && key == InfoFile.ChecksumKey;

    public void Add(string section, string key, string rawValue)
    {
        if (IsChecksumValue(section, key))
            return;

        if (_sectionLast is null || !string.Equals(_sectionLast, section, StringComparison.Ordinal))
        {
            if (_sectionLast is not null)
                Append("},");
            Append("\"");
            Append(section);
            Append("\":{");
            _sectionLast = section;
        }
        else
        {
            Append(",");
        }

        _keyBuffer.Clear();
        JsonWriter.WriteString(_keyBuffer, key);
        foreach (ReadOnlyMemory<char> chunk in _keyBuffer.GetChunks())
            Append(chunk.Span);
        Append(":");
        Append(rawValue);
    }

    /// <summary>Lower-case hex SHA-1 of everything added.</summary>
    public string Finish()
    {
        Append("}}");
        Flush();
        return Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    public string Text => _text?.ToString() ?? throw new InvalidOperationException("text was not kept");

    public void Dispose()
    {
        _hash.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
    }

    private void Append(string value) => Append(value.AsSpan());

    private void Append(ReadOnlySpan<char> value)
    {
        _text?.Append(value);

        // Pieces are tiny (keys, punctuation, one JSON value); batch them so SHA-1 sees large blocks.
        int maxBytes = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (maxBytes > _buffer.Length - _buffered)
        {
            Flush();
            if (maxBytes > _buffer.Length)
            {
                AppendLarge(value, maxBytes);
                return;
            }
        }

        _buffered += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_buffered));
    }

    private void AppendLarge(ReadOnlySpan<char> value, int maxBytes)
    {
        byte[] rented = ArrayPool<byte>.Shared.Rent(maxBytes);
        try
        {
            int written = Encoding.UTF8.GetBytes(value, rented);
            _hash.AppendData(rented, 0, written);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void Flush()
    {
        if (_buffered == 0)
            return;
        _hash.AppendData(_buffer, 0, _buffered);
        _buffered = 0;
    }
}
