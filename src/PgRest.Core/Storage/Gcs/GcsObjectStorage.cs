using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using PgRest.Errors;
using PgRest.Logging;
using PgRest.Storage.Http;
using PgRest.Storage.Object;

namespace PgRest.Storage.Gcs;

/// <summary>What a GCS repository is opened with (read from the <c>repoN-gcs-*</c> and <c>repoN-storage-*</c> options).</summary>
internal sealed record GcsSettings(
    string Root, string Bucket, HttpEndpoint Endpoint, GcsCredentials Credentials, int UploadChunkSize, string Hint);

/// <summary>
/// A repository in a Google Cloud Storage bucket through the JSON API, with the requests pgBackRest 2.45 makes:
/// object metadata by <c>GET /storage/v1/b/&lt;bucket&gt;/o/&lt;object&gt;?fields=size,updated</c>, data by <c>?alt=media</c>
/// with a Range, listings with prefix/delimiter/pageToken, one DELETE per object (several at once), and uploads as one
/// <c>uploadType=media</c> POST or a resumable session whose chunks are PUT with <c>Content-Range</c>; the object only
/// exists once the last chunk is in. Each upload's MD5 is checked against the service's <c>md5Hash</c>.
/// </summary>
internal sealed class GcsObjectStorage : ObjectStorage, IDisposable
{
    /// <summary>Resumable chunks other than the last must be a multiple of this (GCS refuses others).</summary>
    internal const int ChunkGranularity = 256 * 1024;

    private const int DeleteConcurrency = 8;

    private readonly GcsSettings _settings;
    private readonly HttpTransport _transport;
    private readonly string _objectsPath;
    private readonly string _uploadPath;

    public GcsObjectStorage(GcsSettings settings) : base(settings.Root, settings.UploadChunkSize)
    {
        _settings = settings;
        _transport = new HttpTransport(settings.Endpoint);
        _objectsPath = "/storage/v1/b/" + Uri.EscapeDataString(settings.Bucket) + "/o";
        _uploadPath = "/upload" + _objectsPath;
    }

    /// <summary>A chunk size GCS accepts for resumable uploads: a multiple of 256 KiB, at least 256 KiB.</summary>
    internal static int AlignChunkSize(long size) =>
        (int)Math.Clamp(size - (size % ChunkGranularity), ChunkGranularity, int.MaxValue - (int.MaxValue % ChunkGranularity));

    internal string Bucket => _settings.Bucket;

    private string ObjectPath(string key) => _objectsPath + "/" + Uri.EscapeDataString(key);

    /// <summary>
    /// Sends a request (retried by the transport until its answer's headers arrive) and, unless <paramref name="buffer"/>
    /// is false (object data, read as a stream that resumes by itself), reads the answer's body too: a connection cut in
    /// the middle of a body sends the request again. Every request pgrest makes may be repeated: a chunk sent twice is
    /// skipped by GCS, an upload sent twice writes the same object.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, bool authorize, Action<HttpRequestMessage>? build,
        CancellationToken cancellationToken, bool buffer = true)
    {
        // The token is fetched (or refreshed) once, before the attempts: each attempt re-uses it.
        var authorization = authorize ? await _settings.Credentials.AuthorizationAsync(cancellationToken).ConfigureAwait(false) : null;
        return await _transport.SendAsync(() =>
        {
            var request = new HttpRequestMessage(method, _transport.Uri(pathAndQuery));
            if (authorization is not null)
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            build?.Invoke(request);
            request.Content ??= HttpTransport.Content(ReadOnlyMemory<byte>.Empty);
            return request;
        }, cancellationToken, readBody: buffer).ConfigureAwait(false);
    }

    /// <summary>pgBackRest's ProtocolError for a failed answer, with GCS's reason and message, and the credentials hint on 401/403.</summary>
    internal async Task<PgRestException> FailureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        byte[] body = [];
        try
        {
            body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            // The status line is the error; a body cut short adds nothing.
        }

        var request = response.RequestMessage;
        var message = new StringBuilder();
        message.Append(CultureInfo.InvariantCulture, $"HTTP request failed with {(int)response.StatusCode} ({response.ReasonPhrase})");
        if (request is not null)
            message.Append(CultureInfo.InvariantCulture, $": {request.Method} {request.RequestUri?.AbsolutePath}");
        var (reason, text) = GcsJson.ParseError(body);
        if (reason is not null || text is not null)
            message.Append(CultureInfo.InvariantCulture, $"\n[{reason ?? "error"}] {text}");
        else if (body.Length > 0)
            message.Append('\n').Append(Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 1000)).Trim());
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            message.Append("\nHINT: ").Append(_settings.Hint);
        else if (response.StatusCode == HttpStatusCode.NotFound && IsMissingBucket(text))
            message.Append(CultureInfo.InvariantCulture,
                $"\nHINT: bucket '{_settings.Bucket}' does not exist: create it first (repo-gcs-bucket); pgrest, as pgBackRest, does not create buckets.");
        response.Dispose();
        return new PgRestException(ErrorCode.Protocol, message.ToString());
    }

    private static bool IsMissingBucket(string? message) =>
        message is not null && message.Contains("bucket does not exist", StringComparison.OrdinalIgnoreCase);

    /// <summary>A 404 on an object: missing (null), unless GCS says the bucket itself is missing (then the error).</summary>
    private async Task<PgRestException?> MissingBucketAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (!IsMissingBucket(GcsJson.ParseError(body).Message))
            return null;
        return new PgRestException(ErrorCode.Protocol,
            $"HTTP request failed with 404 (Not Found): bucket '{_settings.Bucket}' does not exist\nHINT: create it first (repo-gcs-bucket); pgrest, as pgBackRest, does not create buckets.");
    }

    private static async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);

    protected override async Task<ObjectEntry?> HeadObjectAsync(string key, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, ObjectPath(key) + "?fields=size%2Cupdated", true, null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return await MissingBucketAsync(response, cancellationToken).ConfigureAwait(false) is { } error ? throw error : null;
        if (!response.IsSuccessStatusCode)
            throw await FailureAsync(response, cancellationToken).ConfigureAwait(false);
        var item = GcsJson.ParseObject(await ReadBodyAsync(response, cancellationToken).ConfigureAwait(false));
        return new ObjectEntry(key, false, item.Size, item.Updated);
    }

    protected override async Task<Stream?> GetObjectAsync(string key, long offset, long? length, CancellationToken cancellationToken)
    {
        if (length == 0)
            return await HeadObjectAsync(key, cancellationToken).ConfigureAwait(false) is null ? null : new MemoryStream([], false);
        var response = await SendAsync(HttpMethod.Get, ObjectPath(key) + "?alt=media", true, request =>
        {
            if (offset > 0 || length is not null)
                request.Headers.Range = new RangeHeaderValue(offset, length is { } count ? offset + count - 1 : null);
        }, cancellationToken, buffer: false).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            using (response)
                return await MissingBucketAsync(response, cancellationToken).ConfigureAwait(false) is { } error ? throw error : null;
        }

        // A range that starts at the end of the object: nothing more to read.
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            response.Dispose();
            return new MemoryStream([], false);
        }

        if (!response.IsSuccessStatusCode)
            throw await FailureAsync(response, cancellationToken).ConfigureAwait(false);
        Stream body = new ResponseStream(response, await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        if (response.StatusCode == HttpStatusCode.PartialContent || (offset == 0 && length is null))
            return body;

        // The whole object instead of the range: the firebase emulator answers so when the range starts at or past the
        // end (GCS answers 416). Skip to the offset and stop after the length.
        var skip = offset;
        var scratch = new byte[(int)Math.Min(Math.Max(skip, 1), 64 * 1024)];
        while (skip > 0)
        {
            var read = await body.ReadAsync(scratch.AsMemory(0, (int)Math.Min(skip, scratch.Length)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
                break;
            skip -= read;
        }

        return length is { } limit ? new RangeStream(body, limit) : body;
    }

    protected override async IAsyncEnumerable<ObjectEntry> ListObjectsAsync(string prefix, bool recursive, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = new StringBuilder("?");
        if (!recursive)
            query.Append("delimiter=%2F&");
        if (prefix.Length > 0)
            query.Append("prefix=").Append(Uri.EscapeDataString(prefix)).Append('&');
        query.Append("fields=nextPageToken%2Cprefixes%2Citems(name%2Csize%2Cupdated)");
        query.Append("&maxResults=").Append(ListPageSize.ToString(CultureInfo.InvariantCulture));
        var first = query.ToString();
        string? pageToken = null;
        // The firebase emulator repeats every prefix on each page (GCS pages them); yield each once.
        HashSet<string>? seenPrefixes = null;
        do
        {
            var pathAndQuery = _objectsPath + first + (pageToken is null ? "" : "&pageToken=" + Uri.EscapeDataString(pageToken));
            GcsListPage page;
            using (var response = await SendAsync(HttpMethod.Get, pathAndQuery, true, null, cancellationToken).ConfigureAwait(false))
            {
                if (!response.IsSuccessStatusCode)
                    throw await FailureAsync(response, cancellationToken).ConfigureAwait(false);
                page = GcsJson.ParseListPage(await ReadBodyAsync(response, cancellationToken).ConfigureAwait(false));
            }

            foreach (var name in page.Prefixes)
            {
                if ((seenPrefixes ??= new HashSet<string>(StringComparer.Ordinal)).Add(name))
                    yield return new ObjectEntry(name, true, 0, DateTimeOffset.UnixEpoch);
            }

            foreach (var item in page.Items)
                yield return item;
            pageToken = page.NextPageToken;
        }
        while (pageToken is not null);
    }

    protected override Task DeleteObjectsAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = DeleteConcurrency, CancellationToken = cancellationToken },
            async (key, token) =>
            {
                using var response = await SendAsync(HttpMethod.Delete, ObjectPath(key), true, null, token).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
                    throw await FailureAsync(response, token).ConfigureAwait(false);
            });

    protected override async Task PutObjectAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var pathAndQuery = _uploadPath + "?uploadType=media&name=" + Uri.EscapeDataString(key) + "&fields=md5Hash%2Csize";
        using var response = await SendAsync(HttpMethod.Post, pathAndQuery, true,
            request => request.Content = HttpTransport.Content(content, "application/octet-stream"), cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw await FailureAsync(response, cancellationToken).ConfigureAwait(false);
        Verify(key, GcsJson.ParseObject(await ReadBodyAsync(response, cancellationToken).ConfigureAwait(false)), MD5.HashData(content.Span), content.Length);
    }

    protected override async Task<ObjectUpload> BeginUploadAsync(string key, CancellationToken cancellationToken)
    {
        var pathAndQuery = _uploadPath + "?uploadType=resumable&name=" + Uri.EscapeDataString(key);
        using var response = await SendAsync(HttpMethod.Post, pathAndQuery, true, null, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw await FailureAsync(response, cancellationToken).ConfigureAwait(false);
        var uploadId = UploadId(response) ?? throw new PgRestException(ErrorCode.Format, $"upload id missing in the answer to POST {pathAndQuery}");
        return new GcsResumableUpload(this, key, pathAndQuery + "&upload_id=" + Uri.EscapeDataString(uploadId));
    }

    /// <summary>The session id: the <c>x-guploader-uploadid</c> header (what pgBackRest reads), else <c>upload_id</c> of the Location.</summary>
    internal static string? UploadId(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("x-guploader-uploadid", out var values) && values.FirstOrDefault() is { Length: > 0 } id)
            return id;
        if (response.Headers.Location is not { } location)
            return null;
        var query = location.IsAbsoluteUri ? location.Query : location.OriginalString[(location.OriginalString.IndexOf('?', StringComparison.Ordinal) + 1)..];
        foreach (var pair in query.TrimStart('?').Split('&'))
        {
            if (pair.StartsWith("upload_id=", StringComparison.Ordinal))
                return Uri.UnescapeDataString(pair["upload_id=".Length..]);
        }

        return null;
    }

    /// <summary>Checks what GCS stored against what was sent (pgBackRest checks md5Hash and size the same way).</summary>
    internal static void Verify(string key, GcsObject stored, ReadOnlySpan<byte> md5, long size)
    {
        if (stored.Md5Hash is null)
            throw new PgRestException(ErrorCode.Format, $"MD5 missing in the answer to the upload of '{key}'");
        var actual = Convert.FromBase64String(stored.Md5Hash);
        if (!actual.AsSpan().SequenceEqual(md5))
            throw new PgRestException(ErrorCode.Format,
                $"expected md5 '{Convert.ToHexStringLower(md5)}' for '{key}' but actual is '{Convert.ToHexStringLower(actual)}'");
        if (stored.Size != size)
            throw new PgRestException(ErrorCode.Format,
                $"expected size {size.ToString(CultureInfo.InvariantCulture)} for '{key}' but actual is {stored.Size.ToString(CultureInfo.InvariantCulture)}");
    }

    internal Task<HttpResponseMessage> SendSessionAsync(HttpMethod method, string pathAndQuery, Action<HttpRequestMessage>? build, CancellationToken cancellationToken) =>
        // The session URI is the authorization of a resumable upload (pgBackRest sends chunks without a token too).
        SendAsync(method, pathAndQuery, authorize: false, build, cancellationToken);

    public void Dispose()
    {
        _transport.Dispose();
        _settings.Credentials.Dispose();
    }
}
