using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PgRest.Storage.S3;

/// <summary>
/// AWS Signature Version 4 for one region and service: the canonical request (method, URI, sorted query, sorted
/// lower-case headers, signed header list, payload hash), the string to sign and the <c>Authorization</c> header. The
/// signing key is derived once per day and secret, as pgBackRest does.
/// </summary>
public sealed class S3Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>SHA-256 of an empty payload.</summary>
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private readonly object _lock = new();
    private string? _keyDate;
    private string? _keySecret;
    private byte[]? _key;

    public S3Signer(string region, string service = "s3")
    {
        Region = region;
        Service = service;
    }

    public string Region { get; }

    public string Service { get; }

    /// <summary><c>yyyyMMddTHHmmssZ</c>, the form of <c>x-amz-date</c>.</summary>
    public static string FormatDateTime(DateTime utc) => utc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// The <c>Authorization</c> header value. <paramref name="canonicalUri"/> is the request path as sent (already
    /// URI-encoded, see <see cref="EncodePath"/>); <paramref name="query"/> holds unencoded names and values;
    /// <paramref name="headers"/> are every header to sign (names in any case, values trimmed here), including host
    /// and x-amz-date; <paramref name="amzDate"/> is the value of x-amz-date.
    /// </summary>
    public string Authorization(
        string method, string canonicalUri, IReadOnlyList<KeyValuePair<string, string>> query,
        IReadOnlyList<KeyValuePair<string, string>> headers, string payloadHash, string amzDate, string accessKey, string secretKey)
    {
        var (canonicalRequest, signedHeaders) = CanonicalRequest(method, canonicalUri, query, headers, payloadHash);
        var date = amzDate[..8];
        var scope = date + "/" + Region + "/" + Service + "/aws4_request";
        var stringToSign = Algorithm + "\n" + amzDate + "\n" + scope + "\n" + Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)));
        var signature = Hex(HMACSHA256.HashData(SigningKey(date, secretKey), Encoding.UTF8.GetBytes(stringToSign)));
        return Algorithm + " Credential=" + accessKey + "/" + scope + ",SignedHeaders=" + signedHeaders + ",Signature=" + signature;
    }

    /// <summary>The canonical request and the signed-headers list (exposed for tests against published vectors).</summary>
    public static (string Request, string SignedHeaders) CanonicalRequest(
        string method, string canonicalUri, IReadOnlyList<KeyValuePair<string, string>> query,
        IReadOnlyList<KeyValuePair<string, string>> headers, string payloadHash)
    {
        var text = new StringBuilder(512);
        text.Append(method).Append('\n').Append(canonicalUri).Append('\n').Append(CanonicalQuery(query)).Append('\n');

        var sorted = new List<KeyValuePair<string, string>>(headers.Count);
        foreach (var header in headers)
            sorted.Add(new KeyValuePair<string, string>(header.Key.ToLowerInvariant(), CollapseSpaces(header.Value.Trim())));
        sorted.Sort(static (left, right) => string.CompareOrdinal(left.Key, right.Key));

        var signed = new StringBuilder(128);
        foreach (var header in sorted)
        {
            text.Append(header.Key).Append(':').Append(header.Value).Append('\n');
            if (signed.Length > 0)
                signed.Append(';');
            signed.Append(header.Key);
        }

        text.Append('\n').Append(signed).Append('\n').Append(payloadHash);
        return (text.ToString(), signed.ToString());
    }

    /// <summary>Query pairs encoded and sorted by name (then value); a name without value becomes <c>name=</c>.</summary>
    public static string CanonicalQuery(IReadOnlyList<KeyValuePair<string, string>> query)
    {
        if (query.Count == 0)
            return "";
        var encoded = new List<KeyValuePair<string, string>>(query.Count);
        foreach (var pair in query)
            encoded.Add(new KeyValuePair<string, string>(Encode(pair.Key, keepSlash: false), Encode(pair.Value, keepSlash: false)));
        encoded.Sort(static (left, right) =>
        {
            var byName = string.CompareOrdinal(left.Key, right.Key);
            return byName != 0 ? byName : string.CompareOrdinal(left.Value, right.Value);
        });
        var text = new StringBuilder();
        foreach (var pair in encoded)
        {
            if (text.Length > 0)
                text.Append('&');
            text.Append(pair.Key).Append('=').Append(pair.Value);
        }

        return text.ToString();
    }

    /// <summary>A path as S3 wants it in the request line and the canonical request: each byte but the unreserved
    /// ones and '/' percent-encoded once (upper-case hex).</summary>
    public static string EncodePath(string path) => Encode(path, keepSlash: true);

    /// <summary>RFC 3986 encoding of the UTF-8 bytes: A-Z a-z 0-9 - _ . ~ stay, everything else becomes %XX.</summary>
    public static string Encode(string value, bool keepSlash)
    {
        var needs = false;
        foreach (var c in value)
        {
            if (!IsUnreserved(c) && !(keepSlash && c == '/'))
            {
                needs = true;
                break;
            }
        }

        if (!needs)
            return value;
        var text = new StringBuilder(value.Length + 16);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (b < 0x80 && (IsUnreserved(c) || (keepSlash && c == '/')))
                text.Append(c);
            else
                text.Append('%').Append("0123456789ABCDEF"[b >> 4]).Append("0123456789ABCDEF"[b & 0xF]);
        }

        return text.ToString();
    }

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>Hex SHA-256 of a payload, as x-amz-content-sha256 carries it.</summary>
    public static string PayloadHash(ReadOnlySpan<byte> content) =>
        content.IsEmpty ? EmptyPayloadHash : Hex(SHA256.HashData(content));

    private static bool IsUnreserved(char c) =>
        c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.' or '~';

    private static string CollapseSpaces(string value)
    {
        if (!value.Contains("  ", StringComparison.Ordinal))
            return value;
        var text = new StringBuilder(value.Length);
        var previousSpace = false;
        foreach (var c in value)
        {
            if (c == ' ' && previousSpace)
                continue;
            previousSpace = c == ' ';
            text.Append(c);
        }

        return text.ToString();
    }

    private byte[] SigningKey(string date, string secretKey)
    {
        lock (_lock)
        {
            if (_key is not null && _keyDate == date && _keySecret == secretKey)
                return _key;
            var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretKey), Encoding.UTF8.GetBytes(date));
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(Region));
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(Service));
            key = HMACSHA256.HashData(key, "aws4_request"u8);
            (_key, _keyDate, _keySecret) = (key, date, secretKey);
            return key;
        }
    }
}
