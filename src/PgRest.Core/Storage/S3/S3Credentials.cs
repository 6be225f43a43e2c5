using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using PgRest.Errors;
using PgRest.Logging;

namespace PgRest.Storage.S3;

/// <summary>The key a request is signed with; <see cref="Token"/> goes in <c>x-amz-security-token</c>.</summary>
public sealed record S3Key(string AccessKey, string SecretKey, string? Token);

/// <summary>Where the signing key comes from (<c>repo-s3-key-type</c>).</summary>
public abstract class S3CredentialSource : IDisposable
{
    /// <summary>Temporary credentials are renewed this long before they expire (pgBackRest: 5 minutes).</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(5);

    public abstract ValueTask<S3Key> GetAsync(CancellationToken cancellationToken);

    public virtual void Dispose() => GC.SuppressFinalize(this);

    /// <summary>Parses the instance metadata credential document (<c>Code</c>, <c>AccessKeyId</c>, <c>SecretAccessKey</c>,
    /// <c>Token</c>, <c>Expiration</c>).</summary>
    public static S3TemporaryCredentials ParseInstanceCredentials(string json)
    {
        string? code = null, accessKey = null, secret = null, token = null, expiration = null;
        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw new PgRestException(ErrorCode.Format, "instance credentials are not a JSON object");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                    continue;
                }

                var value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                switch (name)
                {
                    case "Code": code = value; break;
                    case "AccessKeyId": accessKey = value; break;
                    case "SecretAccessKey": secret = value; break;
                    case "Token": token = value; break;
                    case "Expiration": expiration = value; break;
                }
            }
        }
        catch (JsonException e)
        {
            throw new PgRestException(ErrorCode.Format, "unable to parse instance credentials: " + e.Message);
        }

        if (code is null)
            throw new PgRestException(ErrorCode.Format, "unable to retrieve temporary credentials: code field is missing");
        if (code != "Success")
            throw new PgRestException(ErrorCode.Format, "unable to retrieve temporary credentials: " + code);
        if (accessKey is null || secret is null || token is null || expiration is null)
            throw new PgRestException(ErrorCode.Format, "temporary credentials lack AccessKeyId, SecretAccessKey, Token or Expiration");
        return new S3TemporaryCredentials(accessKey, secret, token, S3Xml.ParseTime(expiration));
    }
}

/// <summary><c>repo-s3-key-type=shared</c>: repo-s3-key, repo-s3-key-secret and optionally repo-s3-token.</summary>
public sealed class S3SharedCredentials(S3Key key) : S3CredentialSource
{
    public override ValueTask<S3Key> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(key);
}

/// <summary>Temporary credentials that are fetched when missing or about to expire.</summary>
public abstract class S3TemporaryCredentialSource : S3CredentialSource
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private S3Key? _key;
    private DateTimeOffset _expiration;

    protected HttpClient Client { get; }

    protected S3TemporaryCredentialSource(TimeSpan timeout, HttpMessageHandler? handler)
    {
        Client = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        Client.Timeout = timeout;
    }

    public override async ValueTask<S3Key> GetAsync(CancellationToken cancellationToken)
    {
        if (_key is { } current && _expiration - DateTimeOffset.UtcNow > RenewBefore)
            return current;
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_key is { } fresh && _expiration - DateTimeOffset.UtcNow > RenewBefore)
                return fresh;
            var credentials = await FetchAsync(cancellationToken).ConfigureAwait(false);
            _key = new S3Key(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken);
            _expiration = credentials.Expiration;
            Log.Detail($"s3: temporary credentials valid until {credentials.Expiration.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}Z");
            return _key;
        }
        finally
        {
            _lock.Release();
        }
    }

    protected abstract Task<S3TemporaryCredentials> FetchAsync(CancellationToken cancellationToken);

    public override void Dispose()
    {
        Client.Dispose();
        _lock.Dispose();
        base.Dispose();
    }
}

/// <summary>
/// <c>repo-s3-key-type=auto</c>: credentials of the instance's IAM role from the EC2 instance metadata service
/// (IMDSv2: a session token first, falling back to IMDSv1 when the token request is refused). The role is
/// repo-s3-role, or the one the service names.
/// </summary>
public sealed class S3InstanceCredentials : S3TemporaryCredentialSource
{
    public const string DefaultEndpoint = "http://169.254.169.254";
    private const string CredentialPath = "/latest/meta-data/iam/security-credentials";

    private readonly string _endpoint;
    private string? _role;

    public S3InstanceCredentials(string? role, TimeSpan timeout, string endpoint = DefaultEndpoint, HttpMessageHandler? handler = null)
        : base(timeout, handler)
    {
        _role = role;
        _endpoint = endpoint.TrimEnd('/');
    }

    protected override async Task<S3TemporaryCredentials> FetchAsync(CancellationToken cancellationToken)
    {
        var token = await SessionTokenAsync(cancellationToken).ConfigureAwait(false);
        if (_role is null)
        {
            using var roleResponse = await GetAsync(CredentialPath + "/", token, cancellationToken).ConfigureAwait(false);
            if (roleResponse.StatusCode == HttpStatusCode.NotFound)
                throw new PgRestException(ErrorCode.Protocol,
                    "role to retrieve temporary credentials not found\nHINT: is a valid IAM role associated with this instance?");
            await EnsureAsync(roleResponse, cancellationToken).ConfigureAwait(false);
            var roles = await roleResponse.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            _role = roles.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()
                ?? throw new PgRestException(ErrorCode.Protocol,
                    "role to retrieve temporary credentials not found\nHINT: is a valid IAM role associated with this instance?");
        }

        using var response = await GetAsync(CredentialPath + "/" + S3Signer.Encode(_role, keepSlash: false), token, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
            throw new PgRestException(ErrorCode.Protocol,
                $"role '{_role}' not found\nHINT: is '{_role}' a valid IAM role associated with this instance?");
        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
        return ParseInstanceCredentials(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
    }

    private async Task<string?> SessionTokenAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, _endpoint + "/latest/api/token");
        request.Headers.TryAddWithoutValidation("X-aws-ec2-metadata-token-ttl-seconds", "21600");
        request.Content = new ByteArrayContent([]);
        try
        {
            using var response = await Client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                return null; // IMDSv1 only
            return (await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).Trim();
        }
        catch (HttpRequestException e) when (e.StatusCode is null && e.HttpRequestError != HttpRequestError.ConnectionError)
        {
            return null;
        }
        catch (HttpRequestException e)
        {
            throw new PgRestException(ErrorCode.HostConnect,
                $"unable to connect to the instance metadata service at {_endpoint}: {e.Message}\nHINT: repo-s3-key-type=auto only works on an EC2 instance with an IAM role.");
        }
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string? token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _endpoint + path);
        if (token is not null)
            request.Headers.TryAddWithoutValidation("X-aws-ec2-metadata-token", token);
        try
        {
            return await Client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new PgRestException(ErrorCode.HostConnect, $"unable to connect to the instance metadata service at {_endpoint}: {e.Message}");
        }
    }

    private static async Task EnsureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
            return;
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        throw new PgRestException(ErrorCode.Protocol,
            $"HTTP request failed with {(int)response.StatusCode} ({response.ReasonPhrase}): GET {response.RequestMessage?.RequestUri?.AbsolutePath}" +
            (body.Length > 0 ? "\n" + S3Xml.Shorten(body) : ""));
    }
}

/// <summary>
/// <c>repo-s3-key-type=web-id</c>: STS AssumeRoleWithWebIdentity with the role in <c>AWS_ROLE_ARN</c> and the token
/// in the file <c>AWS_WEB_IDENTITY_TOKEN_FILE</c> (as set up by EKS service accounts). The token file is read again at
/// each renewal because it is rotated.
/// </summary>
public sealed class S3WebIdentityCredentials : S3TemporaryCredentialSource
{
    public const string RoleArnVariable = "AWS_ROLE_ARN";
    public const string TokenFileVariable = "AWS_WEB_IDENTITY_TOKEN_FILE";
    public const string DefaultEndpoint = "https://sts.amazonaws.com";

    private readonly string _roleArn;
    private readonly string _tokenFile;
    private readonly string _endpoint;

    public S3WebIdentityCredentials(string roleArn, string tokenFile, TimeSpan timeout, string endpoint = DefaultEndpoint, HttpMessageHandler? handler = null)
        : base(timeout, handler)
    {
        _roleArn = roleArn;
        _tokenFile = tokenFile;
        _endpoint = endpoint.TrimEnd('/');
    }

    /// <summary>From the environment; an error naming the option when a variable is missing.</summary>
    public static S3WebIdentityCredentials FromEnvironment(string optionName, TimeSpan timeout)
    {
        var roleArn = Environment.GetEnvironmentVariable(RoleArnVariable);
        var tokenFile = Environment.GetEnvironmentVariable(TokenFileVariable);
        if (string.IsNullOrEmpty(roleArn) || string.IsNullOrEmpty(tokenFile))
            throw new PgRestException(ErrorCode.OptionInvalid,
                $"option '{optionName}' is 'web-id' but '{RoleArnVariable}' and '{TokenFileVariable}' are not set");
        return new S3WebIdentityCredentials(roleArn, tokenFile, timeout);
    }

    /// <summary>The STS request path and query (exposed for tests).</summary>
    public static string RequestPath(string roleArn, string token) =>
        "/?Action=AssumeRoleWithWebIdentity&RoleArn=" + S3Signer.Encode(roleArn, keepSlash: false) +
        "&RoleSessionName=pgbackrest&Version=2011-06-15&WebIdentityToken=" + S3Signer.Encode(token, keepSlash: false);

    protected override async Task<S3TemporaryCredentials> FetchAsync(CancellationToken cancellationToken)
    {
        string token;
        try
        {
            token = (await File.ReadAllTextAsync(_tokenFile, cancellationToken).ConfigureAwait(false)).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PgRestException(ErrorCode.FileRead, $"unable to read web identity token file '{_tokenFile}': {e.Message}");
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, _endpoint + RequestPath(_roleArn, token));
        HttpResponseMessage response;
        try
        {
            response = await Client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new PgRestException(ErrorCode.HostConnect, $"unable to connect to STS at {_endpoint}: {e.Message}");
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var error = S3Xml.ParseError(body);
                throw new PgRestException(ErrorCode.Protocol,
                    $"HTTP request failed with {(int)response.StatusCode} ({response.ReasonPhrase}): AssumeRoleWithWebIdentity" +
                    (error is null ? (body.Length > 0 ? "\n" + S3Xml.Shorten(body) : "") : $"\n*** S3 error: {error.Code}: {error.Message}") +
                    $"\nHINT: check {RoleArnVariable} and the token in {TokenFileVariable}.");
            }

            return S3Xml.ParseAssumeRoleWithWebIdentity(body);
        }
    }
}
