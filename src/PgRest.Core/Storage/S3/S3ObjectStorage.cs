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

namespace PgRest.Storage.S3;

/// <summary>What an S3 repository is, apart from where it connects (<see cref="HttpEndpoint"/>).</summary>
/// <param name="Bucket">repo-s3-bucket.</param>
/// <param name="Region">repo-s3-region, part of every signature.</param>
/// <param name="PathStyle">repo-s3-uri-style=path: the bucket is the first path segment instead of part of the host.</param>
/// <param name="KmsKeyId">repo-s3-kms-key-id: objects are written with SSE-KMS using this key.</param>
/// <param name="SseCustomerKey">repo-s3-sse-customer-key: the base64 256-bit SSE-C key sent with every object request.</param>
/// <param name="Tags">repo-storage-tag: tags set on every object written.</param>
/// <param name="OptionPrefix">repoN, for messages and hints.</param>
public sealed record S3Settings(
    string Bucket, string Region, bool PathStyle, string? KmsKeyId, string? SseCustomerKey,
    IReadOnlyDictionary<string, string> Tags, string OptionPrefix = "repo1");

/// <summary>
/// A repository in an S3 bucket (AWS S3 or a compatible server such as Ceph RGW), on <see cref="HttpTransport"/>:
/// requests signed with AWS Signature V4 over the real payload hash, ListObjectsV2 paged to the end, DeleteObjects in
/// batches of up to 1000, multipart uploads for files over the chunk size.
/// </summary>
public sealed class S3ObjectStorage : ObjectStorage, IDisposable
{
    private static readonly IReadOnlyList<KeyValuePair<string, string>> NoQuery = [];

    private readonly HttpTransport _http;
    private readonly S3CredentialSource _credentials;
    private readonly S3Signer _signer;
    private readonly S3Settings _settings;
    private readonly KeyValuePair<string, string>[] _sseCustomerHeaders;
    private readonly KeyValuePair<string, string>[] _writeHeaders;

    public S3ObjectStorage(string root, int uploadChunkSize, HttpEndpoint endpoint, S3Settings settings, S3CredentialSource credentials)
        : base(root, uploadChunkSize)
    {
        _settings = settings;
        _credentials = credentials;
        _signer = new S3Signer(settings.Region);
        _http = new HttpTransport(endpoint);
        _sseCustomerHeaders = settings.SseCustomerKey is { } customerKey ? SseCustomerHeaders(customerKey) : [];

        var write = new List<KeyValuePair<string, string>>();
        if (settings.KmsKeyId is { } kms)
        {
            write.Add(new("x-amz-server-side-encryption", "aws:kms"));
            write.Add(new("x-amz-server-side-encryption-aws-kms-key-id", kms));
        }

        if (settings.Tags.Count > 0)
            write.Add(new("x-amz-tagging", TagHeader(settings.Tags)));
        write.AddRange(_sseCustomerHeaders);
        _writeHeaders = [.. write];
    }

    public S3Settings Settings => _settings;

    /// <summary>The SSE-C headers of a base64 256-bit key: algorithm, key, and the base64 MD5 of the key bytes.</summary>
    public static KeyValuePair<string, string>[] SseCustomerHeaders(string base64Key)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64Key);
        }
        catch (FormatException)
        {
            key = [];
        }

        if (key.Length != 32)
            throw new PgRestException(ErrorCode.OptionInvalidValue,
                "repo-s3-sse-customer-key must be a base64-encoded 256-bit key (e.g. the output of 'openssl rand -base64 32')");
        return
        [
            new("x-amz-server-side-encryption-customer-algorithm", "AES256"),
            new("x-amz-server-side-encryption-customer-key", base64Key),
            new("x-amz-server-side-encryption-customer-key-MD5", Convert.ToBase64String(MD5.HashData(key))),
        ];
    }

    /// <summary>The x-amz-tagging value: URL-encoded key=value pairs joined by '&amp;'.</summary>
    public static string TagHeader(IReadOnlyDictionary<string, string> tags)
    {
        var text = new StringBuilder();
        foreach (var tag in tags)
        {
            if (text.Length > 0)
                text.Append('&');
            text.Append(S3Signer.Encode(tag.Key, keepSlash: false)).Append('=').Append(S3Signer.Encode(tag.Value, keepSlash: false));
        }

        return text.ToString();
    }

    // ---- requests ----

    /// <summary>The request path of an object (or of the bucket when <paramref name="key"/> is null), URI-encoded.</summary>
    private string PathOf(string? key)
    {
        var path = key is null ? "/" : "/" + S3Signer.EncodePath(key);
        return _settings.PathStyle ? "/" + S3Signer.EncodePath(_settings.Bucket) + path : path;
    }

    /// <summary>
    /// Sends one signed request, retried by the transport (each attempt signed again with the current time). The
    /// payload hash and Content-MD5 are computed once.
    /// </summary>
    internal async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string? key, IReadOnlyList<KeyValuePair<string, string>> query, ReadOnlyMemory<byte> content,
        IReadOnlyList<KeyValuePair<string, string>>? headers, CancellationToken cancellationToken, RangeHeaderValue? range = null,
        bool readBody = false)
    {
        var path = PathOf(key);
        var queryString = S3Signer.CanonicalQuery(query);
        var pathAndQuery = queryString.Length == 0 ? path : path + "?" + queryString;
        var hasContent = method == HttpMethod.Put || method == HttpMethod.Post;
        var payloadHash = S3Signer.PayloadHash(content.Span);
        var md5 = content.Length > 0 ? Convert.ToBase64String(MD5.HashData(content.Span)) : null;
        var credentials = await _credentials.GetAsync(cancellationToken).ConfigureAwait(false);
        var host = _http.Endpoint.HostHeader;

        return await _http.SendAsync(() =>
        {
            var amzDate = S3Signer.FormatDateTime(DateTime.UtcNow);
            var signed = new List<KeyValuePair<string, string>>(8)
            {
                new("host", host),
                new("x-amz-content-sha256", payloadHash),
                new("x-amz-date", amzDate),
            };
            if (credentials.Token is { } token)
                signed.Add(new("x-amz-security-token", token));
            if (md5 is not null)
                signed.Add(new("content-md5", md5));
            if (headers is not null)
                signed.AddRange(headers);

            var request = new HttpRequestMessage(method, _http.Uri(pathAndQuery));
            request.Headers.Host = host;
            if (hasContent)
                request.Content = HttpTransport.Content(content);
            foreach (var header in signed)
            {
                if (header.Key == "host")
                    continue;
                if (header.Key == "content-md5")
                    request.Content!.Headers.TryAddWithoutValidation("Content-MD5", header.Value);
                else
                    request.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            if (range is not null)
                request.Headers.Range = range;
            request.Headers.TryAddWithoutValidation("Authorization",
                _signer.Authorization(method.Method, path, query, signed, payloadHash, amzDate, credentials.AccessKey, credentials.SecretKey));
            return request;
        }, cancellationToken, readBody).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a request whose (small, XML) answer is read whole, and returns it: the transport reads the body inside
    /// its retry loop, so a connection cut in the middle of it is one more failed attempt. A failed answer becomes the
    /// S3 error (see <see cref="FailureAsync"/>) unless <paramref name="acceptFailure"/> takes it.
    /// </summary>
    private async Task<string> SendReadAsync(
        HttpMethod method, string? key, IReadOnlyList<KeyValuePair<string, string>> query, ReadOnlyMemory<byte> content,
        IReadOnlyList<KeyValuePair<string, string>>? headers, CancellationToken cancellationToken,
        Func<HttpResponseMessage, string, bool>? acceptFailure = null)
    {
        var response = await SendAsync(method, key, query, content, headers, cancellationToken, readBody: true).ConfigureAwait(false);
        using (response)
        {
            var body = await ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode || acceptFailure?.Invoke(response, body) == true)
                return body;
            throw await FailureAsync(response, cancellationToken, body).ConfigureAwait(false);
        }
    }

    /// <summary>The body of an error answer; empty when there is none or it cannot be read.</summary>
    private static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.RequestMessage?.Method == HttpMethod.Head)
            return "";
        try
        {
            return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return "";
        }
    }

    /// <summary>pgBackRest's ProtocolError for a failed answer, with S3's error code and message and a hint.</summary>
    private async Task<PgRestException> FailureAsync(HttpResponseMessage response, CancellationToken cancellationToken, string? body = null)
    {
        using (response)
        {
            var request = response.RequestMessage;
            body ??= await ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
            var error = S3Xml.ParseError(body);
            if (error?.Code == "NoSuchBucket")
                return NoSuchBucket();
            var status = (int)response.StatusCode;
            var message = new StringBuilder();
            message.Append("HTTP request failed with ").Append(status.ToString(CultureInfo.InvariantCulture))
                .Append(" (").Append(response.ReasonPhrase).Append(')');
            if (request is not null)
                message.Append(": ").Append(request.Method.Method).Append(' ').Append(request.RequestUri?.AbsolutePath);
            if (error is not null)
                message.Append("\n*** S3 error: ").Append(error.Code).Append(error.Message.Length > 0 ? ": " + error.Message : "");
            else if (body.Length > 0)
                message.Append('\n').Append(S3Xml.Shorten(body.Trim()));
            if (response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
                message.Append('\n').Append(CredentialHint(error?.Code));
            return new PgRestException(ErrorCode.Protocol, message.ToString());
        }
    }

    private string CredentialHint(string? code)
    {
        var prefix = _settings.OptionPrefix;
        return code switch
        {
            "RequestTimeTooSkewed" => "HINT: the clock of this host is too far from the S3 service's; synchronize it (NTP).",
            "InvalidAccessKeyId" => $"HINT: is {prefix}-s3-key right (and {prefix}-s3-token for temporary credentials)?",
            "SignatureDoesNotMatch" => $"HINT: is {prefix}-s3-key-secret right for {prefix}-s3-key, and {prefix}-s3-region the bucket's region?",
            _ => $"HINT: are {prefix}-s3-key, {prefix}-s3-key-secret and {prefix}-s3-region right, and may this key access bucket '{_settings.Bucket}'?",
        };
    }

    private PgRestException NoSuchBucket() =>
        new(ErrorCode.Protocol,
            $"S3 bucket '{_settings.Bucket}' does not exist (HTTP 404 NoSuchBucket)\n" +
            $"HINT: pgrest, like pgBackRest, never creates the bucket: create it, or correct {_settings.OptionPrefix}-s3-bucket.");

    // ---- ObjectStorage ----

    protected override async Task<ObjectEntry?> HeadObjectAsync(string key, CancellationToken cancellationToken)
    {
        var response = await SendAsync(HttpMethod.Head, key, NoQuery, ReadOnlyMemory<byte>.Empty, _sseCustomerHeaders, cancellationToken).ConfigureAwait(false);
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
                return null;
            if (response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest)
                throw await HeadFailureAsync(key, response, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw await FailureAsync(response, cancellationToken).ConfigureAwait(false);
            var size = response.Content.Headers.ContentLength ?? 0;
            var modified = response.Content.Headers.LastModified ?? DateTimeOffset.UnixEpoch;
            return new ObjectEntry(key, false, size, modified);
        }
    }

    /// <summary>
    /// A HEAD answer has no body, so a refused HEAD says nothing of why: the same object is asked for with a one-byte
    /// GET, whose error document names the S3 error code (SignatureDoesNotMatch, InvalidAccessKeyId, ...).
    /// </summary>
    private async Task<PgRestException> HeadFailureAsync(string key, HttpResponseMessage head, CancellationToken cancellationToken)
    {
        var plain = await FailureAsync(head, cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await SendAsync(HttpMethod.Get, key, NoQuery, ReadOnlyMemory<byte>.Empty, _sseCustomerHeaders, cancellationToken,
                new RangeHeaderValue(0, 0)).ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest)
                return await FailureAsync(response, cancellationToken).ConfigureAwait(false);
            response.Dispose();
        }
        catch (PgRestException)
        {
            // The HEAD's own failure is the one to report.
        }

        return plain;
    }

    protected override async Task<Stream?> GetObjectAsync(string key, long offset, long? length, CancellationToken cancellationToken)
    {
        if (length == 0)
        {
            // A zero-length range cannot be asked for; only existence matters.
            return await HeadObjectAsync(key, cancellationToken).ConfigureAwait(false) is null ? null : new MemoryStream([], writable: false);
        }

        RangeHeaderValue? range = null;
        if (offset > 0 || length is not null)
            range = new RangeHeaderValue(offset, length is { } count ? offset + count - 1 : null);
        var response = await SendAsync(HttpMethod.Get, key, NoQuery, ReadOnlyMemory<byte>.Empty, _sseCustomerHeaders, cancellationToken, range).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            using (response)
            {
                if (S3Xml.ParseError(await ReadBodyAsync(response, cancellationToken).ConfigureAwait(false))?.Code == "NoSuchBucket")
                    throw NoSuchBucket();
                return null;
            }
        }

        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // Reading from the end of an object: nothing left.
            response.Dispose();
            return new MemoryStream([], writable: false);
        }

        if (!response.IsSuccessStatusCode)
            throw await FailureAsync(response, cancellationToken).ConfigureAwait(false);
        if (range is not null && response.StatusCode != HttpStatusCode.PartialContent)
        {
            response.Dispose();
            throw new PgRestException(ErrorCode.Protocol, $"S3 ignored the range {range} of '{key}' (HTTP {(int)response.StatusCode})");
        }

        return new ResponseStream(response, await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
    }

    protected override async IAsyncEnumerable<ObjectEntry> ListObjectsAsync(string prefix, bool recursive, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Task<S3ListPage>? next = ListPageAsync(prefix, recursive, null, cancellationToken);
        while (next is not null)
        {
            var page = await next.ConfigureAwait(false);
            var continuation = page.IsTruncated ? page.NextContinuationToken : null;
            if (page.IsTruncated && continuation is null)
                throw new PgRestException(ErrorCode.Protocol, $"S3 listing of '{prefix}' is truncated but has no NextContinuationToken");
            // Ask for the next page while the caller goes through this one.
            next = continuation is null ? null : ListPageAsync(prefix, recursive, continuation, cancellationToken);
            foreach (var entry in page.Entries)
                yield return entry;
        }
    }

    private async Task<S3ListPage> ListPageAsync(string prefix, bool recursive, string? continuation, CancellationToken cancellationToken)
    {
        var query = new List<KeyValuePair<string, string>>(5) { new("list-type", "2") };
        if (!recursive)
            query.Add(new("delimiter", "/"));
        query.Add(new("max-keys", ListPageSize.ToString(CultureInfo.InvariantCulture)));
        if (prefix.Length > 0)
            query.Add(new("prefix", prefix));
        if (continuation is not null)
            query.Add(new("continuation-token", continuation));
        return S3Xml.ParseListPage(await SendReadAsync(HttpMethod.Get, null, query, ReadOnlyMemory<byte>.Empty, null, cancellationToken).ConfigureAwait(false));
    }

    protected override async Task DeleteObjectsAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
            return;
        if (keys.Count == 1)
        {
            await DeleteObjectAsync(keys[0], cancellationToken).ConfigureAwait(false);
            return;
        }

        var remaining = keys;
        for (var attempt = 1; ; attempt++)
        {
            var body = S3Xml.DeleteRequest(remaining);
            var answer = await SendReadAsync(HttpMethod.Post, null, [new("delete", "")], body, null, cancellationToken).ConfigureAwait(false);
            var errors = S3Xml.ParseDeleteErrors(answer);
            if (errors.Count == 0)
                return;
            // Keys the service could not delete this time (pgBackRest retries them too).
            if (attempt >= 3 || errors.Any(error => error.Key is null))
            {
                var first = errors[0];
                throw new PgRestException(ErrorCode.FileRemove,
                    $"unable to remove file '/{first.Key}': [{first.Code}] {first.Message}" +
                    (errors.Count > 1 ? $" (and {errors.Count - 1} more)" : ""));
            }

            Log.Detail($"s3: {errors.Count} of {remaining.Count} keys not deleted ({errors[0].Code}), retrying them");
            remaining = errors.Select(error => error.Key!).ToList();
            await Task.Delay(100 * attempt, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DeleteObjectAsync(string key, CancellationToken cancellationToken)
    {
        // A missing object is not an error; a missing bucket is (FailureAsync names it).
        await SendReadAsync(HttpMethod.Delete, key, NoQuery, ReadOnlyMemory<byte>.Empty, null, cancellationToken,
            static (response, body) => response.StatusCode == HttpStatusCode.NotFound && S3Xml.ParseError(body)?.Code != "NoSuchBucket").ConfigureAwait(false);
    }

    protected override async Task PutObjectAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var response = await SendAsync(HttpMethod.Put, key, NoQuery, content, _writeHeaders, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw await FailureAsync(response, cancellationToken).ConfigureAwait(false);
        response.Dispose();
    }

    protected override async Task<ObjectUpload> BeginUploadAsync(string key, CancellationToken cancellationToken)
    {
        var body = await SendReadAsync(HttpMethod.Post, key, [new("uploads", "")], ReadOnlyMemory<byte>.Empty, _writeHeaders, cancellationToken).ConfigureAwait(false);
        return new Upload(this, key, S3Xml.ParseUploadId(body));
    }

    public void Dispose()
    {
        _http.Dispose();
        _credentials.Dispose();
    }

    /// <summary>A multipart upload: parts with their ETags, completed in one request, or aborted.</summary>
    private sealed class Upload(S3ObjectStorage storage, string key, string uploadId) : ObjectUpload
    {
        private const int CompleteAttempts = 4;
        private readonly List<string> _etags = [];
        private long _size;

        public override async Task PutPartAsync(int partNumber, ReadOnlyMemory<byte> content, bool last, CancellationToken cancellationToken)
        {
            if (partNumber != _etags.Count + 1)
                throw new PgRestException(ErrorCode.Assert, $"part {partNumber} of '{key}' sent out of order");
            var query = new KeyValuePair<string, string>[]
            {
                new("partNumber", partNumber.ToString(CultureInfo.InvariantCulture)),
                new("uploadId", uploadId),
            };
            var response = await storage.SendAsync(HttpMethod.Put, key, query, content, storage._sseCustomerHeaders, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw await storage.FailureAsync(response, cancellationToken).ConfigureAwait(false);
            using (response)
            {
                var etag = response.Headers.TryGetValues("ETag", out var values) ? values.FirstOrDefault() : null;
                if (string.IsNullOrEmpty(etag))
                    throw new PgRestException(ErrorCode.Protocol, $"S3 answered part {partNumber} of '{key}' without an ETag");
                _etags.Add(etag);
                _size += content.Length;
            }
        }

        public override async Task CompleteAsync(CancellationToken cancellationToken)
        {
            var body = S3Xml.CompleteRequest(_etags);
            var query = new KeyValuePair<string, string>[] { new("uploadId", uploadId) };
            for (var attempt = 1; ; attempt++)
            {
                // A completion sent again after a lost answer finds the upload gone (404 NoSuchUpload): the first one
                // did complete when the object is there with the size of the parts.
                var answer = await storage.SendReadAsync(HttpMethod.Post, key, query, body, storage._sseCustomerHeaders, cancellationToken,
                    static (response, text) => response.StatusCode == HttpStatusCode.NotFound && S3Xml.ParseError(text)?.Code == "NoSuchUpload").ConfigureAwait(false);
                if (S3Xml.ParseError(answer)?.Code == "NoSuchUpload")
                {
                    if (await storage.HeadObjectAsync(key, cancellationToken).ConfigureAwait(false) is { } head && head.Size == _size)
                        return;
                    throw new PgRestException(ErrorCode.Protocol, $"unable to complete multipart upload of '/{key}': NoSuchUpload");
                }

                // S3 may answer 200 and report the failure in the body (the answer is sent before the work is done).
                var error = S3Xml.ParseCompleteError(answer);
                if (error is null)
                    return;
                if (attempt >= CompleteAttempts)
                    throw new PgRestException(ErrorCode.Protocol,
                        $"unable to complete multipart upload of '/{key}': {error.Code}: {error.Message}");
                Log.Detail($"retry {attempt}: complete multipart upload of '/{key}' answered 200 with {error.Code}");
                await Task.Delay(200 * attempt, cancellationToken).ConfigureAwait(false);
            }
        }

        public override async Task AbortAsync(CancellationToken cancellationToken)
        {
            var query = new KeyValuePair<string, string>[] { new("uploadId", uploadId) };
            var response = await storage.SendAsync(HttpMethod.Delete, key, query, ReadOnlyMemory<byte>.Empty, null, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
                throw await storage.FailureAsync(response, cancellationToken).ConfigureAwait(false);
            response.Dispose();
        }
    }
}
