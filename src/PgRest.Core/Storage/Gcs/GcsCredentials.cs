using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using PgRest.Errors;
using PgRest.Logging;
using PgRest.Storage.Http;

namespace PgRest.Storage.Gcs;

/// <summary>Where the <c>Authorization</c> header of GCS requests comes from (<c>repo-gcs-key-type</c>).</summary>
internal abstract class GcsCredentials : IDisposable
{
    /// <summary>The value of the Authorization header for the next request.</summary>
    public abstract ValueTask<string> AuthorizationAsync(CancellationToken cancellationToken);

    public virtual void Dispose()
    {
    }
}

/// <summary>
/// <c>repo-gcs-key-type=token</c>: repo-gcs-key is the token. pgBackRest sends the key as the whole header value, so a key
/// that already has a scheme (<c>Bearer ya29...</c>) is sent as it is; a bare token gets the <c>Bearer</c> scheme.
/// </summary>
internal sealed class GcsStaticToken(string key) : GcsCredentials
{
    private readonly string _authorization = key.Contains(' ', StringComparison.Ordinal) ? key : "Bearer " + key;

    public override ValueTask<string> AuthorizationAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_authorization);
}

/// <summary>
/// A token fetched from an OAuth endpoint and kept until shortly before it expires: the expiry less twice the I/O timeout,
/// so that it does not run out in the middle of a request's retries (as pgBackRest does).
/// </summary>
internal abstract class GcsFetchedToken(TimeSpan timeout) : GcsCredentials
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private string? _authorization;
    private long _expires;

    /// <summary>The hint shown when the token cannot be had.</summary>
    protected abstract string Hint { get; }

    /// <summary>Asks for a token; the answer's body (JSON) and status.</summary>
    protected abstract Task<HttpResponseMessage> RequestAsync(long now, CancellationToken cancellationToken);

    public override async ValueTask<string> AuthorizationAsync(CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (_authorization is { } cached && now < Volatile.Read(ref _expires))
            return cached;
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            if (_authorization is { } fresh && now < _expires)
                return fresh;
            using var response = await RequestAsync(now, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            GcsToken token;
            try
            {
                token = GcsJson.ParseToken(body);
            }
            catch (PgRestException) when (!response.IsSuccessStatusCode)
            {
                throw new PgRestException(ErrorCode.Protocol,
                    $"unable to get authentication token: HTTP {(int)response.StatusCode} ({response.ReasonPhrase})\n{Encoding.UTF8.GetString(body).Trim()}\nHINT: {Hint}");
            }

            if (token.Error is not null)
                throw new PgRestException(ErrorCode.Protocol,
                    $"unable to get authentication token: [{token.Error}] {token.ErrorDescription}\nHINT: {Hint}");
            if (!response.IsSuccessStatusCode)
                throw new PgRestException(ErrorCode.Protocol,
                    $"unable to get authentication token: HTTP {(int)response.StatusCode} ({response.ReasonPhrase})\nHINT: {Hint}");
            if (token.TokenType is null)
                throw new PgRestException(ErrorCode.Format, "token type missing");
            if (token.AccessToken is null)
                throw new PgRestException(ErrorCode.Format, "access token missing");
            if (token.ExpiresIn is not { } expiresIn)
                throw new PgRestException(ErrorCode.Format, "expiry missing");
            _authorization = token.TokenType + " " + token.AccessToken;
            Volatile.Write(ref _expires, now + expiresIn - (long)timeout.TotalSeconds * 2);
            Log.Debug($"GCS: new access token, valid for {expiresIn.ToString(CultureInfo.InvariantCulture)}s");
            return _authorization;
        }
        finally
        {
            _lock.Release();
        }
    }

    public override void Dispose()
    {
        _lock.Dispose();
        base.Dispose();
    }
}

/// <summary>
/// <c>repo-gcs-key-type=service</c>: repo-gcs-key is a service account key file (JSON). A JWT signed with its private key
/// (RS256) is exchanged at its <c>token_uri</c> for an access token
/// (https://developers.google.com/identity/protocols/oauth2/service-account#httprest).
/// </summary>
internal sealed class GcsServiceAccount : GcsFetchedToken
{
    /// <summary>The JOSE header <c>{"alg":"RS256","typ":"JWT"}</c>, base64url, as every Google client sends it.</summary>
    private const string JwtHeader = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9";

    private readonly string _keyFile;
    private readonly string _clientEmail;
    private readonly RSA _privateKey;
    private readonly string _tokenUri;
    private readonly bool _write;
    private readonly HttpTransport _transport;
    private readonly string _pathAndQuery;

    public GcsServiceAccount(string keyFile, bool write, HttpEndpoint storageEndpoint) : base(storageEndpoint.Timeout)
    {
        _keyFile = keyFile;
        _write = write;
        byte[] json;
        try
        {
            json = File.ReadAllBytes(keyFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PgRestException(e is FileNotFoundException or DirectoryNotFoundException ? ErrorCode.FileMissing : ErrorCode.FileOpen,
                $"unable to open GCS service account key file '{keyFile}': {e.Message}\nHINT: repo-gcs-key is the path of the key file when repo-gcs-key-type=service.");
        }

        var key = GcsJson.ParseServiceKey(json);
        if (key.ClientEmail is null || key.PrivateKey is null || key.TokenUri is null)
            throw new PgRestException(ErrorCode.Format, $"credentials missing in '{keyFile}': a service account key has client_email, private_key and token_uri");
        _clientEmail = key.ClientEmail;
        _tokenUri = key.TokenUri;
        _privateKey = LoadPrivateKey(key.PrivateKey, keyFile);
        if (!System.Uri.TryCreate(_tokenUri, UriKind.Absolute, out var uri) || uri.Scheme != "https")
            throw new PgRestException(ErrorCode.Format, $"invalid token_uri '{_tokenUri}' in '{keyFile}': an https URL is expected");
        _transport = new HttpTransport(storageEndpoint with { Host = uri.Host, Port = uri.Port, ConnectHost = null });
        _pathAndQuery = uri.PathAndQuery;
    }

    protected override string Hint =>
        $"is '{_keyFile}' (repo-gcs-key) a current key of service account '{_clientEmail}'? Keys deleted or disabled in the console are refused.";

    protected override Task<HttpResponseMessage> RequestAsync(long now, CancellationToken cancellationToken)
    {
        var assertion = CreateAssertion(_clientEmail, _privateKey, _tokenUri, _write, now);
        var form = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" + assertion;
        var body = Encoding.ASCII.GetBytes(form);
        return _transport.SendAsync(() => new HttpRequestMessage(HttpMethod.Post, _transport.Uri(_pathAndQuery))
        {
            Content = HttpTransport.Content(body, "application/x-www-form-urlencoded"),
        }, cancellationToken, readBody: true);
    }

    /// <summary>
    /// The signed JWT asking for a token for <paramref name="clientEmail"/>: claims <c>iss</c>, <c>scope</c>
    /// (devstorage.read_write, or read_only), <c>aud</c> (the token URI), <c>exp</c> (an hour on) and <c>iat</c>, in
    /// pgBackRest's order, signed RSASSA-PKCS1-v1_5 with SHA-256.
    /// </summary>
    internal static string CreateAssertion(string clientEmail, RSA privateKey, string tokenUri, bool write, long issuedAt)
    {
        var claims = "{\"iss\":" + GcsJson.Quote(clientEmail) +
            ",\"scope\":\"https://www.googleapis.com/auth/devstorage.read" + (write ? "_write" : "_only") + "\"" +
            ",\"aud\":" + GcsJson.Quote(tokenUri) +
            ",\"exp\":" + (issuedAt + 3600).ToString(CultureInfo.InvariantCulture) +
            ",\"iat\":" + issuedAt.ToString(CultureInfo.InvariantCulture) + "}";
        var signingInput = JwtHeader + "." + Base64Url(Encoding.UTF8.GetBytes(claims));
        var signature = privateKey.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url(signature);
    }

    /// <summary>An RSA key from PEM: PKCS#8 (<c>BEGIN PRIVATE KEY</c>, as Google issues them) or PKCS#1.</summary>
    internal static RSA LoadPrivateKey(string pem, string source)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return rsa;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            throw new PgRestException(ErrorCode.Crypto, $"unable to read PEM private key of '{source}': {e.Message}");
        }
    }

    internal static string Base64Url(ReadOnlySpan<byte> data) =>
        Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public override void Dispose()
    {
        _privateKey.Dispose();
        _transport.Dispose();
        base.Dispose();
    }
}

/// <summary>
/// <c>repo-gcs-key-type=auto</c>: the token of the instance's service account from the GCE metadata server
/// (plain HTTP, <c>Metadata-Flavor: Google</c>).
/// </summary>
internal sealed class GcsInstanceAccount : GcsFetchedToken
{
    internal const string TokenUrl = "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token";

    private readonly HttpClient _client;
    private readonly TimeSpan _timeout;
    private readonly string _tokenUrl;

    /// <param name="tokenUrl">The metadata server's token URL; tests point it elsewhere.</param>
    public GcsInstanceAccount(TimeSpan timeout, string tokenUrl = TokenUrl) : base(timeout)
    {
        _timeout = timeout;
        _tokenUrl = tokenUrl;
        _client = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = timeout, UseCookies = false })
        {
            Timeout = timeout,
        };
    }

    protected override string Hint =>
        "repo-gcs-key-type=auto works only on a Google Compute Engine instance (or GKE with workload identity) that has a service account with access to the bucket.";

    protected override async Task<HttpResponseMessage> RequestAsync(long now, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, _tokenUrl);
            request.Headers.Add("Metadata-Flavor", "Google");
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            try
            {
                var response = await _client.SendAsync(request, cancellationToken).ConfigureAwait(false);
                if (attempt >= 3 || !HttpTransport.IsRetryable(response.StatusCode))
                    return response;
                response.Dispose();
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && HttpTransport.IsTransient(e))
            {
                if (attempt >= 3)
                    throw new PgRestException(ErrorCode.HostConnect,
                        $"unable to get authentication token from '{_tokenUrl}' (timeout {_timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s): {e.Message}\nHINT: {Hint}", e);
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay *= 2;
        }
    }

    public override void Dispose()
    {
        _client.Dispose();
        base.Dispose();
    }
}
