using System.Globalization;
using System.Text;
using System.Text.Json;
using PgRest.Errors;
using PgRest.Storage.Object;

namespace PgRest.Storage.Gcs;

/// <summary>One page of <c>GET /storage/v1/b/&lt;bucket&gt;/o</c>: objects, common prefixes (ending in '/'), and the token of the next page.</summary>
internal sealed record GcsListPage(IReadOnlyList<ObjectEntry> Items, IReadOnlyList<string> Prefixes, string? NextPageToken);

/// <summary>The fields of an object resource pgrest asks for (<c>fields=size,updated</c> or <c>md5Hash,size</c>).</summary>
internal readonly record struct GcsObject(string? Name, long Size, DateTimeOffset Updated, string? Md5Hash);

/// <summary>An OAuth token answer (<c>access_token</c>, <c>token_type</c>, <c>expires_in</c>) or its <c>error</c>.</summary>
internal readonly record struct GcsToken(string? TokenType, string? AccessToken, long? ExpiresIn, string? Error, string? ErrorDescription);

/// <summary>What pgrest needs of a service account key file.</summary>
internal readonly record struct GcsServiceKey(string? ClientEmail, string? PrivateKey, string? TokenUri);

/// <summary>
/// The JSON of the GCS JSON API and of Google's OAuth endpoints, read with <see cref="Utf8JsonReader"/> (no reflection,
/// trim and AOT clean). Unknown members are skipped, so the answers may carry more than the <c>fields</c> asked for.
/// </summary>
internal static class GcsJson
{
    public static GcsListPage ParseListPage(ReadOnlySpan<byte> json)
    {
        try
        {
            return ParseListPageCore(json);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw Invalid(e.Message);
        }
    }

    private static GcsListPage ParseListPageCore(ReadOnlySpan<byte> json)
    {
        var items = new List<ObjectEntry>();
        var prefixes = new List<string>();
        string? next = null;
        var reader = Start(json);
        while (NextProperty(ref reader) is { } name)
        {
            switch (name)
            {
                case "nextPageToken":
                    next = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    break;
                case "prefixes":
                    ExpectArray(ref reader);
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        prefixes.Add(reader.GetString() ?? throw Invalid("null prefix"));
                    break;
                case "items":
                    ExpectArray(ref reader);
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        var item = ReadObject(ref reader);
                        items.Add(new ObjectEntry(item.Name ?? throw Invalid("object name missing"), false, item.Size, item.Updated));
                    }

                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        // An empty page token means the end as well (seen from some emulators).
        return new GcsListPage(items, prefixes, string.IsNullOrEmpty(next) ? null : next);
    }

    public static GcsObject ParseObject(ReadOnlySpan<byte> json)
    {
        try
        {
            return ParseObjectCore(json);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw Invalid(e.Message);
        }
    }

    private static GcsObject ParseObjectCore(ReadOnlySpan<byte> json)
    {
        var reader = Start(json);
        return ReadObjectBody(ref reader);
    }

    public static GcsToken ParseToken(ReadOnlySpan<byte> json)
    {
        try
        {
            return ParseTokenCore(json);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw Invalid(e.Message);
        }
    }

    private static GcsToken ParseTokenCore(ReadOnlySpan<byte> json)
    {
        string? type = null, token = null, error = null, description = null;
        long? expiresIn = null;
        var reader = Start(json);
        while (NextProperty(ref reader) is { } name)
        {
            switch (name)
            {
                case "token_type":
                    type = reader.GetString();
                    break;
                case "access_token":
                    token = reader.GetString();
                    break;
                case "expires_in":
                    expiresIn = reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : ParseLong(reader.GetString());
                    break;
                case "error" when reader.TokenType == JsonTokenType.String:
                    error = reader.GetString();
                    break;
                case "error" when reader.TokenType == JsonTokenType.StartObject:
                    var (reason, message) = ReadError(ref reader);
                    error = reason;
                    description = message;
                    break;
                case "error_description":
                    description = reader.GetString();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new GcsToken(type, token, expiresIn, error, description);
    }

    public static GcsServiceKey ParseServiceKey(ReadOnlySpan<byte> json)
    {
        try
        {
            return ParseServiceKeyCore(json);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw Invalid(e.Message);
        }
    }

    private static GcsServiceKey ParseServiceKeyCore(ReadOnlySpan<byte> json)
    {
        string? email = null, key = null, uri = null;
        var reader = Start(json);
        while (NextProperty(ref reader) is { } name)
        {
            switch (name)
            {
                case "client_email":
                    email = reader.GetString();
                    break;
                case "private_key":
                    key = reader.GetString();
                    break;
                case "token_uri":
                    uri = reader.GetString();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new GcsServiceKey(email, key, uri);
    }

    /// <summary>
    /// The reason and message of a JSON API error (<c>{"error":{"code":403,"message":"...","errors":[{"reason":"forbidden"}]}}</c>);
    /// nulls when the body is not one.
    /// </summary>
    public static (string? Reason, string? Message) ParseError(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = Start(json);
            while (NextProperty(ref reader) is { } name)
            {
                if (name == "error" && reader.TokenType == JsonTokenType.StartObject)
                    return ReadError(ref reader);
                if (name == "error" && reader.TokenType == JsonTokenType.String)
                    return (reader.GetString(), null);
                reader.Skip();
            }
        }
        catch (Exception e) when (e is PgRestException or JsonException or InvalidOperationException)
        {
            // Not JSON (a proxy's HTML page): the caller shows the body as it is.
        }

        return (null, null);
    }

    private static (string? Reason, string? Message) ReadError(ref Utf8JsonReader reader)
    {
        string? reason = null, message = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            if (name == "message" && reader.TokenType == JsonTokenType.String)
            {
                message = reader.GetString();
            }
            else if (name == "errors" && reader.TokenType == JsonTokenType.StartArray)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        reader.Skip();
                        continue;
                    }

                    while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                    {
                        var field = reader.GetString();
                        reader.Read();
                        if (field == "reason" && reader.TokenType == JsonTokenType.String)
                            reason ??= reader.GetString();
                        else
                            reader.Skip();
                    }
                }
            }
            else if (name == "status" && reader.TokenType == JsonTokenType.String)
            {
                reason ??= reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }

        return (reason, message);
    }

    private static GcsObject ReadObject(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw Invalid("object expected in items");
        return ReadObjectBody(ref reader);
    }

    private static GcsObject ReadObjectBody(ref Utf8JsonReader reader)
    {
        string? name = null, md5 = null;
        long size = 0;
        var updated = DateTimeOffset.UnixEpoch;
        while (NextProperty(ref reader) is { } property)
        {
            switch (property)
            {
                case "name":
                    name = reader.GetString();
                    break;
                case "size":
                    // The API gives uint64 values as strings; accept a number too.
                    size = reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : ParseLong(reader.GetString());
                    break;
                case "updated":
                    updated = ParseTime(reader.GetString());
                    break;
                case "md5Hash":
                    md5 = reader.GetString();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new GcsObject(name, size, updated, md5);
    }

    /// <summary>RFC 3339 (<c>2026-11-21T12:00:00.123Z</c>) to whole seconds, as pgBackRest keeps it.</summary>
    internal static DateTimeOffset ParseTime(string? text)
    {
        if (text is null || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
            throw Invalid($"invalid time '{text}'");
        return new DateTimeOffset(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }

    private static long ParseLong(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : throw Invalid($"invalid number '{text}'");

    private static Utf8JsonReader Start(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw Invalid("object expected");
        }
        catch (JsonException e)
        {
            throw Invalid(e.Message);
        }

        return reader;
    }

    /// <summary>Moves to the value of the next property of the current object; null at its end.</summary>
    private static string? NextProperty(ref Utf8JsonReader reader)
    {
        try
        {
            if (!reader.Read() || reader.TokenType == JsonTokenType.EndObject)
                return null;
            var name = reader.GetString();
            if (!reader.Read())
                throw Invalid("value expected");
            return name;
        }
        catch (JsonException e)
        {
            throw Invalid(e.Message);
        }
    }

    private static void ExpectArray(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
            throw Invalid("array expected");
    }

    private static PgRestException Invalid(string detail) =>
        new(ErrorCode.JsonFormat, "invalid JSON from GCS: " + detail);

    /// <summary>A JSON string literal (quotes included) with the escapes JSON requires.</summary>
    internal static string Quote(string value)
    {
        var text = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case < ' ':
                    text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }

        return text.Append('"').ToString();
    }
}
