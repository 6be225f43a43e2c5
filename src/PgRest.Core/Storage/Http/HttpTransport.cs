using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using PgRest.Errors;
using PgRest.Logging;

namespace PgRest.Storage.Http;

/// <summary>
/// HTTPS to one object-store endpoint, shared by every request of a repository. Each request is built afresh per
/// attempt (signatures carry the time), and timeouts, resets, refused connections, 408, 429 and 5xx answers are retried
/// with exponential backoff until <see cref="HttpEndpoint.Timeout"/> (<c>io-timeout</c>) has passed, as pgBackRest does.
/// </summary>
public sealed class HttpTransport : IDisposable
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(4);
    private const int MinimumAttempts = 3;

    private readonly HttpClient _client;
    private readonly string _baseAddress;

    /// <summary>Why the last certificate was refused, for the error (the handshake's exception does not say).</summary>
    private volatile string? _certificateProblem;

    public HttpTransport(HttpEndpoint endpoint)
    {
        Log.Timing("http: transport");
        Endpoint = endpoint;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = endpoint.Timeout,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            AllowAutoRedirect = false,
        };
        var validator = CertificateValidator(endpoint);
        handler.SslOptions.RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
        {
            if (validator(sender, certificate, chain, errors))
                return true;
            _certificateProblem = DescribeCertificateProblem(chain, errors);
            return false;
        };
        // Without this, each small request waits on Nagle/delayed ACK (seen with Ceph RGW: 40 ms per GET).
        handler.ConnectCallback = ConnectWithNoDelayAsync;
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        Log.Timing("http: client built");
        var connectHost = endpoint.ConnectHost ?? endpoint.Host;
        _baseAddress = "https://" + (connectHost.Contains(':', StringComparison.Ordinal) ? "[" + connectHost + "]" : connectHost) + ":" +
            endpoint.Port.ToString(CultureInfo.InvariantCulture);
    }

    public HttpEndpoint Endpoint { get; }

    /// <summary>An absolute URI for <paramref name="pathAndQuery"/> (already escaped, starting with '/').</summary>
    public Uri Uri(string pathAndQuery) => new(_baseAddress + pathAndQuery, UriKind.Absolute);

    /// <summary>
    /// Sends the request <paramref name="createRequest"/> builds, retrying transient failures. Returns the response of
    /// the last attempt (its body not yet read), which may still be a retryable status once the time is up; the caller
    /// checks it, usually with <see cref="EnsureSuccessAsync"/>.
    /// </summary>
    /// <param name="readBody">Read the whole answer before returning, so that a connection cut in the middle of a body
    /// (a listing, a multipart completion) is one more failed attempt. Leave it off for object data, which
    /// <see cref="Object.ResumingReadStream"/> resumes where it broke.</param>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> createRequest, CancellationToken cancellationToken, bool readBody = false)
    {
        var started = Stopwatch.GetTimestamp();
        var delay = FirstDelay;
        for (var attempt = 1; ; attempt++)
        {
            var request = createRequest();
            request.Version = HttpVersion.Version11;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
            if (Endpoint.ConnectHost is not null)
                request.Headers.Host = Endpoint.HostHeader;
            var again = attempt < MinimumAttempts || Stopwatch.GetElapsedTime(started) + delay < Endpoint.Timeout;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Endpoint.Timeout);
            try
            {
                var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                Log.Timing("http: answered " + request.Method.Method);
                if (!again || !IsRetryable(response.StatusCode))
                {
                    if (readBody)
                    {
                        try
                        {
                            await response.Content.LoadIntoBufferAsync(timeout.Token).ConfigureAwait(false);
                        }
                        catch
                        {
                            response.Dispose();
                            throw;
                        }
                    }

                    return response;
                }

                Log.Detail($"retry {attempt}: {request.Method} {request.RequestUri?.AbsolutePath} answered {(int)response.StatusCode} ({response.ReasonPhrase})");
                response.Dispose();
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && IsTransient(e))
            {
                // A refused certificate stays refused: no retry.
                if (!again || IsCertificateRejected(e))
                    throw Failure(e, request);
                Log.Detail($"retry {attempt}: {request.Method} {request.RequestUri?.AbsolutePath} failed: {Describe(e)}");
            }
            finally
            {
                request.Dispose();
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = delay * 2 > MaxDelay ? MaxDelay : delay * 2;
        }
    }

    /// <summary>Throws pgBackRest's ProtocolError for a failed answer, with the service's own error text.</summary>
    public static async Task EnsureSuccessAsync(HttpResponseMessage response, string? hint, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
            return;
        throw await FailureAsync(response, hint, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<PgRestException> FailureAsync(HttpResponseMessage response, string? hint, CancellationToken cancellationToken)
    {
        var body = "";
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            // The status line is the error; a body cut short adds nothing.
        }

        var request = response.RequestMessage;
        var message = $"HTTP request failed with {(int)response.StatusCode} ({response.ReasonPhrase})" +
            (request is null ? "" : $": {request.Method} {request.RequestUri?.AbsolutePath}");
        if (body.Length > 0)
            message += "\n" + (body.Length > 1000 ? body[..1000] + "..." : body).Trim();
        if (hint is not null && response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
            message += "\nHINT: " + hint;
        response.Dispose();
        return new PgRestException(ErrorCode.Protocol, message);
    }

    public static bool IsRetryable(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    /// <summary>Failures that a fresh attempt may not meet: network errors and timeouts, not programming errors.</summary>
    public static bool IsTransient(Exception e) => e is HttpRequestException or IOException or OperationCanceledException or SocketException;

    private PgRestException Failure(Exception e, HttpRequestMessage request)
    {
        var target = $"{Endpoint.ConnectHost ?? Endpoint.Host}:{Endpoint.Port.ToString(CultureInfo.InvariantCulture)}";
        if (FindSocketError(e) is { } socket && socket.SocketErrorCode is SocketError.ConnectionRefused or SocketError.HostNotFound
                or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.TryAgain)
            return new PgRestException(ErrorCode.HostConnect, $"unable to connect to '{target}': {socket.Message}");
        if (e is OperationCanceledException)
            return new PgRestException(ErrorCode.Protocol,
                $"timeout after {Endpoint.Timeout.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms waiting for {request.Method} {request.RequestUri?.AbsolutePath} on '{target}'\nHINT: raise io-timeout if the object store is slow.", e);
        if (IsCertificateRejected(e))
        {
            // As pgBackRest: a certificate that cannot be verified is CryptoError, and is not retried.
            return new PgRestException(ErrorCode.Crypto,
                $"unable to verify certificate presented by '{target}': {_certificateProblem ?? Describe(e)}\nHINT: is the server certificate trusted (repo-storage-ca-file, repo-storage-ca-path), or should repo-storage-verify-tls=n be set for a test server?", e);
        }

        if (e is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError })
            return new PgRestException(ErrorCode.HostConnect,
                $"unable to establish TLS with '{target}': {Describe(e)}\nHINT: is the server certificate trusted (repo-storage-ca-file, repo-storage-ca-path), or should repo-storage-verify-tls=n be set for a test server?", e);
        return new PgRestException(ErrorCode.Protocol, $"{request.Method} {request.RequestUri?.AbsolutePath} on '{target}' failed: {Describe(e)}", e);
    }

    private static string DescribeCertificateProblem(X509Chain? chain, SslPolicyErrors errors)
    {
        List<string> problems = [];
        if ((errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
            problems.Add("no certificate presented");
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            problems.Add("the certificate is not for this host name");
        foreach (var status in chain?.ChainStatus ?? [])
        {
            if (status.StatusInformation.Trim() is { Length: > 0 } text && !problems.Contains(text))
                problems.Add(text);
        }

        return problems.Count > 0 ? string.Join("; ", problems) : "the certificate chain is not trusted";
    }

    /// <summary>Whether the TLS handshake failed because this side refused the server's certificate.</summary>
    private static bool IsCertificateRejected(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is System.Security.Authentication.AuthenticationException)
                return true;
        }

        return false;
    }

    private static SocketException? FindSocketError(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
                return socket;
        }

        return null;
    }

    private static string Describe(Exception e)
    {
        var text = e.Message;
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
            text += ": " + inner.Message;
        return text;
    }

    private static async ValueTask<Stream> ConnectWithNoDelayAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            Log.Timing("http: connecting");
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
            Log.Timing("http: connected");
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static RemoteCertificateValidationCallback CertificateValidator(HttpEndpoint endpoint)
    {
        if (!endpoint.VerifyTls)
            return static (_, _, _, _) => true;
        var roots = LoadRoots(endpoint.CaFile, endpoint.CaPath);
        // With repoN-storage-host the socket goes to that host, and (as in pgBackRest) its name is what the certificate
        // must carry; the Host header (the endpoint) is what .NET checks, so a certificate of the connect host is accepted too.
        var connectHost = endpoint.ConnectHost;
        if (connectHost is not null)
        {
            var inner = roots is null ? null : ChainValidator(roots);
            return (sender, certificate, chain, errors) =>
            {
                if (certificate is null)
                    return false;
                if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                {
                    using var presented = new X509Certificate2(certificate);
                    if (!presented.MatchesHostname(connectHost))
                        return false;
                    errors &= ~SslPolicyErrors.RemoteCertificateNameMismatch;
                }

                return inner is null ? errors == SslPolicyErrors.None : inner(sender, certificate, chain, errors);
            };
        }

        if (roots is null)
            return static (_, _, _, errors) => errors == SslPolicyErrors.None;
        return ChainValidator(roots);
    }

    internal static RemoteCertificateValidationCallback ChainValidator(X509Certificate2Collection roots)
    {
        return (_, certificate, _, errors) =>
        {
            Log.Timing("http: tls certificate check");
            if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
                return false;
            return ChainsTo(roots, certificate);
        };
    }

    /// <summary>Whether <paramref name="certificate"/> chains to one of <paramref name="roots"/> (no revocation check).</summary>
    internal static bool ChainsTo(X509Certificate2Collection roots, X509Certificate certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    /// <summary>The CAs of repo-storage-ca-file and every PEM file in repo-storage-ca-path; null for the system store.</summary>
    internal static X509Certificate2Collection? LoadRoots(string? caFile, string? caPath)
    {
        if (caFile is null && caPath is null)
            return null;
        var roots = new X509Certificate2Collection();
        try
        {
            if (caFile is not null)
                roots.ImportFromPemFile(caFile);
            if (caPath is not null)
            {
                foreach (var file in Directory.EnumerateFiles(caPath))
                {
                    try
                    {
                        roots.ImportFromPemFile(file);
                    }
                    catch (System.Security.Cryptography.CryptographicException)
                    {
                        // A CA directory also holds non-certificate files (hash links to CRLs, READMEs).
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new PgRestException(ErrorCode.FileOpen, $"unable to load CA certificates from '{caFile ?? caPath}': {e.Message}");
        }

        return roots;
    }

    /// <summary>Content over a buffer that each attempt can send again.</summary>
    public static HttpContent Content(ReadOnlyMemory<byte> body, string? contentType = null)
    {
        var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentLength = body.Length;
        if (contentType is not null)
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    public void Dispose() => _client.Dispose();
}
