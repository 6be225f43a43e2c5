using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using PgRest.Errors;
using PgRest.Storage.Object;

namespace PgRest.Storage.Gcs;

/// <summary>
/// A GCS resumable upload session: each chunk is a PUT with <c>Content-Range: bytes a-b/*</c>, answered by
/// 308 (Resume Incomplete) with the range GCS has kept; the last one carries the total (<c>bytes a-b/total</c>) and creates
/// the object. Until then nothing is visible at the key. Aborting deletes the session.
/// </summary>
internal sealed class GcsResumableUpload(GcsObjectStorage storage, string key, string sessionPathAndQuery) : ObjectUpload
{
    private const int MaxShortWrites = 5;
    private static readonly TimeSpan AbortTimeout = TimeSpan.FromSeconds(10);

    private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private long _sent;
    private GcsObject? _stored;

    public override async Task PutPartAsync(int partNumber, ReadOnlyMemory<byte> content, bool last, CancellationToken cancellationToken)
    {
        _md5.AppendData(content.Span);
        var start = _sent;
        var remaining = content;
        for (var shortWrites = 0; ; shortWrites++)
        {
            var from = _sent;
            var body = remaining;
            var pathAndQuery = last ? sessionPathAndQuery + "&fields=md5Hash%2Csize" : sessionPathAndQuery;
            using var response = await storage.SendSessionAsync(HttpMethod.Put, pathAndQuery, request =>
            {
                request.Content = Http.HttpTransport.Content(body);
                request.Content.Headers.ContentRange = body.Length == 0
                    ? ContentRangeHeaderValue.Parse("bytes */" + (from + body.Length).ToString(CultureInfo.InvariantCulture))
                    : last
                        ? new ContentRangeHeaderValue(from, from + body.Length - 1, from + body.Length)
                        : new ContentRangeHeaderValue(from, from + body.Length - 1);
            }, cancellationToken).ConfigureAwait(false);

            if (last && response.IsSuccessStatusCode)
            {
                _sent = from + body.Length;
                _stored = GcsJson.ParseObject(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
                return;
            }

            if ((int)response.StatusCode != 308)
                throw await storage.FailureAsync(response, cancellationToken).ConfigureAwait(false);

            // 308 tells how much GCS kept (Range: bytes=0-N, none when nothing yet); send again what it did not keep.
            var kept = Persisted(response);
            if (kept < start || kept > from + body.Length)
                throw new PgRestException(ErrorCode.Protocol,
                    $"GCS resumable upload of '{key}' kept {kept.ToString(CultureInfo.InvariantCulture)} bytes, expected {(from + body.Length).ToString(CultureInfo.InvariantCulture)}");
            _sent = kept;
            if (kept == start + content.Length && !last)
                return;
            if (shortWrites == MaxShortWrites)
                throw new PgRestException(ErrorCode.Protocol,
                    $"GCS resumable upload of '{key}' kept only {kept.ToString(CultureInfo.InvariantCulture)} of {(start + content.Length).ToString(CultureInfo.InvariantCulture)} bytes after {MaxShortWrites} attempts");
            remaining = content[(int)(kept - start)..];
        }
    }

    /// <summary>The number of bytes a 308 answer says are stored.</summary>
    internal static long Persisted(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Range", out var values) || values.FirstOrDefault() is not { } range)
            return 0;
        var dash = range.LastIndexOf('-');
        return dash > 0 && long.TryParse(range.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var end) ? end + 1 : 0;
    }

    public override Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_stored is not { } stored)
            throw new PgRestException(ErrorCode.Assert, $"GCS resumable upload of '{key}' completed before its last chunk");
        GcsObjectStorage.Verify(key, stored, _md5.GetHashAndReset(), _sent);
        _md5.Dispose();
        return Task.CompletedTask;
    }

    public override async Task AbortAsync(CancellationToken cancellationToken)
    {
        _md5.Dispose();
        // GCS answers 499 when the session is cancelled; a session already gone is fine too. Best effort and bounded:
        // a session never finished expires by itself after a week and never becomes an object.
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(AbortTimeout);
        using var response = await storage.SendSessionAsync(HttpMethod.Delete, sessionPathAndQuery, null, bounded.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode && (int)response.StatusCode is not (499 or 404 or 410))
            throw await storage.FailureAsync(response, cancellationToken).ConfigureAwait(false);
    }
}
