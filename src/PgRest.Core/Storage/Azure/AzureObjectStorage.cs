using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using PgRest.Errors;
using PgRest.Storage.Http;
using PgRest.Storage.Object;

namespace PgRest.Storage.Azure;

/// <summary>How requests to the Blob service are authorized.</summary>
public enum AzureKeyType { Shared, Sas }

/// <summary>
/// Everything a repository on Azure Blob Storage needs: <paramref name="Host"/> is the host the requests name
/// (<c>account.endpoint</c> for host-style URIs, the endpoint for path-style); <paramref name="PathPrefix"/> is
/// <c>/container</c> or, path-style, <c>/account/container</c>; <paramref name="Key"/> is the account key (base64) or
/// the SAS token (a query string).
/// </summary>
public sealed record AzureSettings(
    string Account, string Container, AzureKeyType KeyType, string Key, string PathPrefix, int UploadChunkSize, string OptionPrefix);

/// <summary>
/// A repository in an Azure Blob Storage container (<c>repo-type=azure</c>), over the REST API as pgBackRest 2.45
/// uses it: Get Blob Properties, Get Blob with <c>x-ms-range</c>, List Blobs paged with NextMarker, Delete Blob, Put Blob,
/// Put Block + Put Block List. Requests carry SharedKey authorization or a SAS token.
/// </summary>
public sealed class AzureObjectStorage : ObjectStorage, IDisposable
{
    /// <summary>Deletes in flight at once (the Blob service has no batch delete outside multipart/mixed batches).</summary>
    private const int DeleteParallelism = 8;

    private readonly HttpTransport _transport;
    private readonly AzureSettings _settings;
    private readonly byte[]? _sharedKey;
    private readonly string? _sas;
    private readonly string _hint;

    public AzureObjectStorage(string root, AzureSettings settings, HttpTransport transport)
        : base(root, settings.UploadChunkSize)
    {
        _settings = settings;
        _transport = transport;
        if (settings.KeyType == AzureKeyType.Shared)
            _sharedKey = DecodeKey(settings.Key, settings.OptionPrefix);
        else
            _sas = settings.Key.TrimStart('?');
        _hint = settings.KeyType == AzureKeyType.Shared
            ? $"is {settings.OptionPrefix}-azure-key the access key of storage account '{settings.Account}' ({settings.OptionPrefix}-azure-account)?"
            : $"is the SAS token in {settings.OptionPrefix}-azure-key valid (not expired, signed for account '{settings.Account}', with read, write, delete and list permissions)?";
    }

    /// <summary>The account key as bytes; pgBackRest's error when it is not base64.</summary>
    public static byte[] DecodeKey(string key, string optionPrefix)
    {
        var buffer = new byte[key.Length];
        if (key.Length % 4 != 0 || !Convert.TryFromBase64String(key, buffer, out var written))
            throw new PgRestException(ErrorCode.OptionInvalidValue,
                $"invalid value for '{optionPrefix}-azure-key' option: not valid base64\n" +
                $"HINT: value must be valid base64 when '{optionPrefix}-azure-key-type = shared'.");
        return buffer.AsSpan(0, written).ToArray();
    }

    // ---- requests ----

    /// <summary>The URI path of a blob (or of the container when <paramref name="key"/> is null), URI-encoded.</summary>
    public string EncodedPath(string? key)
    {
        var path = new StringBuilder(_settings.PathPrefix.Length + (key?.Length ?? 0) + 8);
        foreach (var segment in _settings.PathPrefix.Split('/', StringSplitOptions.RemoveEmptyEntries))
            path.Append('/').Append(Uri.EscapeDataString(segment));
        if (key is not null)
        {
            foreach (var segment in key.Split('/'))
                path.Append('/').Append(Uri.EscapeDataString(segment));
        }

        return path.ToString();
    }

    /// <summary>Builds one signed request (called again for each retry: the date is part of the signature).</summary>
    private HttpRequestMessage CreateRequest(
        HttpMethod method, string? key, IReadOnlyList<KeyValuePair<string, string>> query,
        IReadOnlyList<KeyValuePair<string, string>>? headers = null, ReadOnlyMemory<byte>? body = null, byte[]? bodyMd5 = null)
    {
        var path = EncodedPath(key);
        var uri = new StringBuilder(path);
        var separator = '?';
        foreach (var parameter in query)
        {
            uri.Append(separator).Append(Uri.EscapeDataString(parameter.Key)).Append('=').Append(Uri.EscapeDataString(parameter.Value));
            separator = '&';
        }

        if (_sas is not null && _sas.Length > 0)
            uri.Append(separator).Append(_sas);

        var request = new HttpRequestMessage(method, _transport.Uri(uri.ToString()));
        var msHeaders = new List<KeyValuePair<string, string>>(4);
        if (headers is not null)
            msHeaders.AddRange(headers);
        if (body is { } content)
        {
            request.Content = HttpTransport.Content(content);
            if (bodyMd5 is not null)
                request.Content.Headers.ContentMD5 = bodyMd5;
        }

        if (_sharedKey is not null)
        {
            msHeaders.Add(new KeyValuePair<string, string>("x-ms-date", DateTime.UtcNow.ToString("r", CultureInfo.InvariantCulture)));
            msHeaders.Add(new KeyValuePair<string, string>("x-ms-version", AzureSharedKey.Version));
            var stringToSign = AzureSharedKey.StringToSign(
                method.Method, body?.Length ?? 0, bodyMd5 is null ? null : Convert.ToBase64String(bodyMd5), null, null, null,
                msHeaders, _settings.Account, path, query);
            request.Headers.TryAddWithoutValidation("Authorization", AzureSharedKey.Authorization(_settings.Account, _sharedKey, stringToSign));
        }
        else
        {
            msHeaders.Add(new KeyValuePair<string, string>("x-ms-version", AzureSharedKey.Version));
        }

        foreach (var header in msHeaders)
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        return request;
    }

    private Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string? key, IReadOnlyList<KeyValuePair<string, string>> query, CancellationToken cancellationToken,
        IReadOnlyList<KeyValuePair<string, string>>? headers = null, ReadOnlyMemory<byte>? body = null, bool readBody = true)
    {
        var md5 = body is { } content ? MD5.HashData(content.Span) : null;
        return _transport.SendAsync(() => CreateRequest(method, key, query, headers, body, md5), cancellationToken, readBody);
    }

    /// <summary>pgBackRest's ProtocolError with the service's error code; a missing container gets its own message.</summary>
    private async Task<PgRestException> FailureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var code = ErrorCodeOf(response);
        if (code == "ContainerNotFound")
        {
            response.Dispose();
            return ContainerMissing();
        }

        var error = await HttpTransport.FailureAsync(response, _hint, cancellationToken).ConfigureAwait(false);
        if (code is null || error.Message.Contains(code, StringComparison.Ordinal))
            return error;
        // HEAD answers have no body: the code is only in the x-ms-error-code header.
        var message = error.Message;
        var hintAt = message.IndexOf("\nHINT:", StringComparison.Ordinal);
        var line = "\nAzure error code: " + code;
        return new PgRestException(error.Code, hintAt < 0 ? message + line : message.Insert(hintAt, line), error.InnerException);
    }

    private PgRestException ContainerMissing() => new(ErrorCode.Protocol,
        $"container '{_settings.Container}' does not exist in storage account '{_settings.Account}'\n" +
        $"HINT: create the container ({_settings.OptionPrefix}-azure-container) first: pgrest, like pgBackRest, does not create it.");

    private static string? ErrorCodeOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-ms-error-code", out var values) ? values.FirstOrDefault() : null;

    private static bool IsContainerMissing(HttpResponseMessage response) => ErrorCodeOf(response) == "ContainerNotFound";

    // ---- ObjectStorage ----

    protected override async Task<ObjectEntry?> HeadObjectAsync(string key, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Head, key, [], cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound && !IsContainerMissing(response))
            return null;
        if (!response.IsSuccessStatusCode)
            throw await FailureAsync(response, cancellationToken).ConfigureAwait(false);
        return new ObjectEntry(key, false, response.Content.Headers.ContentLength ?? 0, response.Content.Headers.LastModified ?? DateTimeOffset.UnixEpoch);
    }

    protected override async Task<Stream?> GetObjectAsync(string key, long offset, long? length, CancellationToken cancellationToken)
    {
        if (length == 0)
            return await HeadObjectAsync(key, cancellationToken).ConfigureAwait(false) is null ? null : new MemoryStream([], false);

        List<KeyValuePair<string, string>>? headers = null;
        if (offset > 0 || length is not null)
        {
            var range = "bytes=" + offset.ToString(CultureInfo.InvariantCulture) + "-" +
                (length is { } limit ? (offset + limit - 1).ToString(CultureInfo.InvariantCulture) : "");
            headers = [new KeyValuePair<string, string>("x-ms-range", range)];
        }

        // Blob data is streamed: ResumingReadStream picks it up where a dropped connection left it.
        var response = await SendAsync(HttpMethod.Get, key, [], cancellationToken, headers, readBody: false).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound && !IsContainerMissing(response))
        {
            response.Dispose();
            return null;
        }

        // A range starting at the end of the blob (a read resumed after its last byte, or an offset at the size).
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            response.Dispose();
            return new MemoryStream([], false);
        }

        if (!response.IsSuccessStatusCode)
            throw await FailureAsync(response, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return new ResponseStream(response, body);
    }

    protected override async IAsyncEnumerable<ObjectEntry> ListObjectsAsync(string prefix, bool recursive, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? marker = null;
        do
        {
            var query = new List<KeyValuePair<string, string>>(6)
            {
                new("restype", "container"),
                new("comp", "list"),
                new("maxresults", ListPageSize.ToString(CultureInfo.InvariantCulture)),
            };
            if (prefix.Length > 0)
                query.Add(new("prefix", prefix));
            if (!recursive)
                query.Add(new("delimiter", "/"));
            if (marker is not null)
                query.Add(new("marker", marker));

            AzureListPage page;
            using (var response = await SendAsync(HttpMethod.Get, null, query, cancellationToken).ConfigureAwait(false))
            {
                if (!response.IsSuccessStatusCode)
                    throw await FailureAsync(response, cancellationToken).ConfigureAwait(false);
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                page = AzureListing.Parse(body);
            }

            foreach (var entry in page.Entries)
                yield return entry;
            marker = page.NextMarker;
        }
        while (marker is not null);
    }

    protected override Task DeleteObjectsAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        if (keys.Count == 1)
            return DeleteAsync(keys[0], cancellationToken).AsTask();
        return Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = DeleteParallelism, CancellationToken = cancellationToken }, DeleteAsync);
    }

    private async ValueTask DeleteAsync(string key, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Delete, key, [], cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode || (response.StatusCode == HttpStatusCode.NotFound && !IsContainerMissing(response)))
            return;
        throw await FailureAsync(response, cancellationToken).ConfigureAwait(false);
    }

    protected override async Task PutObjectAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Put, key, [], cancellationToken,
            [new KeyValuePair<string, string>("x-ms-blob-type", "BlockBlob")], content).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw await FailureAsync(response, cancellationToken).ConfigureAwait(false);
    }

    protected override Task<ObjectUpload> BeginUploadAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult<ObjectUpload>(new BlockUpload(this, key));

    /// <summary>
    /// The id of block <paramref name="partNumber"/> of upload <paramref name="uploadId"/>: 24 characters of the base64
    /// alphabet (hex upload id, 'x', 7-digit number), the same length for every block of a blob as the service requires,
    /// and the form pgBackRest uses.
    /// </summary>
    public static string BlockId(ulong uploadId, int partNumber) =>
        uploadId.ToString("X16", CultureInfo.InvariantCulture) + "x" + partNumber.ToString("D7", CultureInfo.InvariantCulture);

    /// <summary>The Put Block List body committing <paramref name="blockIds"/> in order.</summary>
    public static byte[] BlockListXml(IReadOnlyList<string> blockIds)
    {
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>");
        foreach (var id in blockIds)
            xml.Append("<Uncommitted>").Append(id).Append("</Uncommitted>");
        xml.Append("</BlockList>");
        return Encoding.UTF8.GetBytes(xml.ToString());
    }

    /// <summary>
    /// Put Block for each part, Put Block List to commit. Uncommitted blocks are never visible (not in listings, a HEAD
    /// or GET answers 404 or the previous content) and the service discards them after a week, so an abort sends nothing.
    /// </summary>
    private sealed class BlockUpload(AzureObjectStorage storage, string key) : ObjectUpload
    {
        private readonly ulong _uploadId = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
        private readonly List<string> _blockIds = [];

        public override async Task PutPartAsync(int partNumber, ReadOnlyMemory<byte> content, bool last, CancellationToken cancellationToken)
        {
            var id = BlockId(_uploadId, partNumber);
            using var response = await storage.SendAsync(HttpMethod.Put, key, [new("comp", "block"), new("blockid", id)], cancellationToken,
                body: content).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw await storage.FailureAsync(response, cancellationToken).ConfigureAwait(false);
            _blockIds.Add(id);
        }

        public override async Task CompleteAsync(CancellationToken cancellationToken)
        {
            using var response = await storage.SendAsync(HttpMethod.Put, key, [new("comp", "blocklist")], cancellationToken,
                body: BlockListXml(_blockIds)).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw await storage.FailureAsync(response, cancellationToken).ConfigureAwait(false);
        }

        public override Task AbortAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    public void Dispose() => _transport.Dispose();
}
