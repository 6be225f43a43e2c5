using System.Net;
using System.Text;
using PgRest.Errors;
using PgRest.Storage.S3;

namespace PgRest.Tests.Storage;

/// <summary>
/// repo-s3-key-type=auto (EC2 instance metadata, IMDSv2) and web-id (STS AssumeRoleWithWebIdentity) against a fake
/// HTTP handler: the requests they make, the answers they read, renewal before expiry. Real AWS is not reachable here.
/// </summary>
public class S3CredentialsTests
{
    private sealed class FakeHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public List<string> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var token = request.Headers.TryGetValues("X-aws-ec2-metadata-token", out var values) ? " token=" + values.First() : "";
            var ttl = request.Headers.TryGetValues("X-aws-ec2-metadata-token-ttl-seconds", out var ttlValues) ? " ttl=" + ttlValues.First() : "";
            Requests.Add(request.Method.Method + " " + request.RequestUri!.PathAndQuery + token + ttl);
            return Task.FromResult(answer(request));
        }
    }

    private static HttpResponseMessage Text(string text, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(text, Encoding.UTF8) };

    private static string CredentialJson(DateTimeOffset expiration, string key = "ASIAEXAMPLE") =>
        $$"""
        {
          "Code" : "Success",
          "LastUpdated" : "2026-11-21T10:00:00Z",
          "Type" : "AWS-HMAC",
          "AccessKeyId" : "{{key}}",
          "SecretAccessKey" : "secretExample",
          "Token" : "tokenExample",
          "Expiration" : "{{expiration.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}}"
        }
        """;

    [Fact]
    public async Task Instance_credentials_use_an_imdsv2_token_and_discover_the_role()
    {
        var expiration = DateTimeOffset.UtcNow.AddHours(6);
        using var handler = new FakeHandler(request => request.RequestUri!.AbsolutePath switch
        {
            "/latest/api/token" => Text("imds-session-token"),
            "/latest/meta-data/iam/security-credentials/" => Text("backup-role\n"),
            "/latest/meta-data/iam/security-credentials/backup-role" => Text(CredentialJson(expiration)),
            _ => Text("", HttpStatusCode.NotFound),
        });
        using var source = new S3InstanceCredentials(null, TimeSpan.FromSeconds(5), "http://169.254.169.254", handler);

        var key = await source.GetAsync(CancellationToken.None);
        Assert.Equal(new S3Key("ASIAEXAMPLE", "secretExample", "tokenExample"), key);
        Assert.Equal(
        [
            "PUT /latest/api/token ttl=21600",
            "GET /latest/meta-data/iam/security-credentials/ token=imds-session-token",
            "GET /latest/meta-data/iam/security-credentials/backup-role token=imds-session-token",
        ], handler.Requests);

        // Valid for hours: no new request.
        await source.GetAsync(CancellationToken.None);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task Instance_credentials_about_to_expire_are_renewed_and_imdsv1_is_the_fallback()
    {
        var calls = 0;
        using var handler = new FakeHandler(request => request.RequestUri!.AbsolutePath switch
        {
            "/latest/api/token" => Text("", HttpStatusCode.Forbidden), // IMDSv2 disabled
            "/latest/meta-data/iam/security-credentials/given-role" =>
                Text(CredentialJson(++calls == 1 ? DateTimeOffset.UtcNow.AddMinutes(2) : DateTimeOffset.UtcNow.AddHours(1), "KEY" + calls)),
            _ => Text("", HttpStatusCode.NotFound),
        });
        using var source = new S3InstanceCredentials("given-role", TimeSpan.FromSeconds(5), "http://169.254.169.254", handler);

        Assert.Equal("KEY1", (await source.GetAsync(CancellationToken.None)).AccessKey);
        Assert.Equal("KEY2", (await source.GetAsync(CancellationToken.None)).AccessKey); // within 5 minutes of expiry
        Assert.Equal("KEY2", (await source.GetAsync(CancellationToken.None)).AccessKey);
        Assert.DoesNotContain(handler.Requests, request => request.Contains("token=", StringComparison.Ordinal));
        Assert.DoesNotContain("GET /latest/meta-data/iam/security-credentials/", handler.Requests);
    }

    [Fact]
    public async Task A_missing_role_is_a_clear_error()
    {
        using var handler = new FakeHandler(request => request.RequestUri!.AbsolutePath == "/latest/api/token" ? Text("t") : Text("", HttpStatusCode.NotFound));
        using var discover = new S3InstanceCredentials(null, TimeSpan.FromSeconds(5), "http://169.254.169.254", handler);
        var error = await Assert.ThrowsAsync<PgRestException>(async () => await discover.GetAsync(CancellationToken.None));
        Assert.Equal(ErrorCode.Protocol, error.Code);
        Assert.Contains("role to retrieve temporary credentials not found", error.Message, StringComparison.Ordinal);

        using var named = new S3InstanceCredentials("nope", TimeSpan.FromSeconds(5), "http://169.254.169.254", handler);
        error = await Assert.ThrowsAsync<PgRestException>(async () => await named.GetAsync(CancellationToken.None));
        Assert.Contains("role 'nope' not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Instance_credential_documents_are_checked()
    {
        var parsed = S3CredentialSource.ParseInstanceCredentials(CredentialJson(new DateTimeOffset(2026, 11, 21, 16, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 16, 0, 0, TimeSpan.Zero), parsed.Expiration);
        var error = Assert.Throws<PgRestException>(() => S3CredentialSource.ParseInstanceCredentials("{\"Code\":\"AssumeRoleUnauthorizedAccess\"}"));
        Assert.Equal("unable to retrieve temporary credentials: AssumeRoleUnauthorizedAccess", error.Message);
        Assert.Equal(ErrorCode.Format, error.Code);
    }

    [Fact]
    public async Task Web_identity_asks_sts_with_the_role_and_the_token_file()
    {
        var tokenFile = Path.GetTempFileName();
        try
        {
            File.WriteAllText(tokenFile, "eyJhbGciOiJSUzI1NiJ9.payload.sig\n");
            using var handler = new FakeHandler(_ => Text($"""
                <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult><Credentials>
                <AccessKeyId>ASIAWEBID</AccessKeyId><SecretAccessKey>webSecret</SecretAccessKey><SessionToken>webToken</SessionToken>
                <Expiration>{DateTimeOffset.UtcNow.AddHours(1).UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}</Expiration></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>
                """));
            using var source = new S3WebIdentityCredentials("arn:aws:iam::123456789012:role/pgbackrest", tokenFile, TimeSpan.FromSeconds(5),
                "https://sts.amazonaws.com", handler);

            Assert.Equal(new S3Key("ASIAWEBID", "webSecret", "webToken"), await source.GetAsync(CancellationToken.None));
            Assert.Equal(
                "GET /?Action=AssumeRoleWithWebIdentity&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fpgbackrest" +
                "&RoleSessionName=pgbackrest&Version=2011-06-15&WebIdentityToken=eyJhbGciOiJSUzI1NiJ9.payload.sig",
                Assert.Single(handler.Requests));
        }
        finally
        {
            File.Delete(tokenFile);
        }
    }

    [Fact]
    public void Web_identity_without_its_environment_names_the_variables()
    {
        if (Environment.GetEnvironmentVariable(S3WebIdentityCredentials.RoleArnVariable) is not null)
            return;
        var error = Assert.Throws<PgRestException>(() => S3WebIdentityCredentials.FromEnvironment("repo1-s3-key-type", TimeSpan.FromSeconds(1)));
        Assert.Equal(ErrorCode.OptionInvalid, error.Code);
        Assert.Equal("option 'repo1-s3-key-type' is 'web-id' but 'AWS_ROLE_ARN' and 'AWS_WEB_IDENTITY_TOKEN_FILE' are not set", error.Message);
    }

    [Fact]
    public void Sse_customer_key_headers_and_tags()
    {
        var key = Convert.ToBase64String(Enumerable.Range(0, 32).Select(value => (byte)value).ToArray());
        var headers = PgRest.Storage.S3.S3ObjectStorage.SseCustomerHeaders(key);
        Assert.Equal("AES256", headers[0].Value);
        Assert.Equal(key, headers[1].Value);
        Assert.Equal(Convert.ToBase64String(System.Security.Cryptography.MD5.HashData(Convert.FromBase64String(key))), headers[2].Value);
        Assert.Equal(ErrorCode.OptionInvalidValue,
            Assert.Throws<PgRestException>(() => PgRest.Storage.S3.S3ObjectStorage.SseCustomerHeaders("c2hvcnQ=")).Code);
        Assert.Equal("env=prod&team=db%20ops", PgRest.Storage.S3.S3ObjectStorage.TagHeader(new Dictionary<string, string> { ["env"] = "prod", ["team"] = "db ops" }));
    }
}
