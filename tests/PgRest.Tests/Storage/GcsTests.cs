using System.Net;
using System.Security.Cryptography;
using System.Text;
using PgRest.Errors;
using PgRest.Storage.Gcs;

namespace PgRest.Tests.Storage;

public sealed class GcsTests
{
    // The service account key of pgBackRest 2.45's own GCS unit test (test/src/module/storage/gcsTest.c, TEST_KEY).
    private const string PgbackrestTestKey = """
        -----BEGIN RSA PRIVATE KEY-----
        MIIEoQIBAAKCAQBV5Mryv79tXBKXfUWeSRHWmm+i5pGNgkMMRWiENGfqsrQxBFmR
        rPfVBcqfr5f7kKvOoUe772aAhJTiZNmeEPpN27Zn+0PsbDzXAS2BrEZUyynKaTDa
        kuw5MirBWVYWgIyjI0Y9airX3sSp9oxqrW0fpCxaApyYRAizzwQgcfw4ynhEp6Tn
        cBhVqkt3+lPB3I2Hhr/er+QmTll+xzKiqzZ2K8EXfiWprYMjttknL/+dgLWYF3I4
        weT5LxEohrzTgf3DyW3WIFulsqEGnNFRPGfwnPjZ0p//8zQ9vIvkCd/y7Tlz1Gvp
        BIPybgOgq/Xtac+HlvgRMWbDf5GmWHpKfG2zAgMBAAECggEAP/U9qcReJnCI54TA
        cjy2q7YTqplFiLmWc2y7hrX/KyQmSNmUWIUThevqFT4LTadMR3CQmcCJ8ujGdE3k
        PW8m8xLHoGXZDhMKuo6F9CjztfASDkaFujvs6ioQ7Cg5kkfmcROzGcgUXuniRyzv
        IgBBYW4+GEgZksgWMs3TpNU7mo1MaTFfvs69N6kZLvkTffNOQWPGnBLxwP/SFbn6
        4Z28s4xWXLyWuAvOUQtasAewgqdVpvh4ICpj5gTQiuFZ8pXKfzVj7OZEa5YkPawa
        cFxuHlr9VJmkimy3uepQFFlzEvq9hwjkv3gAWypOK8U5wXplkq2/nN08AdrqXh+O
        xr4yAQKBgQCVYOvdcnM0nFAwQHgO8PIwlKNEr2dGMDW+kVJ9+OHFn4dE3A0c4/9D
        LYlAZ4BdzikI1PDL6WaCODosanI8BQ2FQSb2eue7MZhvKa3cnCiPxLLeX5/Dxsy2
        sd5b8cfDbWH6xPzBium79a+CTI99W2iQG4JR4KfRn4RSsvu5mdGJSQKBgQCTM6aU
        rPrlXoB1vV9W0zrgSBJGToqEVzMyO3Ocg2I102fVJ7OTfdHN/sXKzEOFjb+gQ9UR
        89rx3BsMnOqCt1/WkxYchvtDh0SVIy9KgcHusX2D0TO8TowKL4eDuEsjK9RZXWRy
        FnERE9qofnrzwDsgIUcU7WgL1B+b/IsETuZbGwKBgEqZ/vG3aOXLcxjF+a+skafF
        c8yntPIOvaiQtxwGoeqqg0nWhA37p84K/dLWXft7LG8muaN8yx8ZqaPo/WgQNfJo
        2WabdwO7/x71N8lHi9JRL+ty4j1KGY7cQeq1U0i8ZgRxQLIACD9Asghm5/p5Hj1q
        H6l4gxdjjRgoHyNQOJ9RAoGAJytkVUWeUbCO4EWu++yjSxECg+DcbRDDF8fIIMq5
        NHd3trmkyEd/r5/uw+MMyJoKdrv2E5vfE+Ks8/NBV90xzGhBRwAIFlUFQ+Yj7GCQ
        2VIzgwMFEEOacg9psPw2Sjqce9clJlKgbZnp4lIdp4TsdsVEI+Z0fElKy/gsic3w
        8CcCgYB8cslQm0hr8hkNQoa2B1h/N6VnjegKRzz2xgS51t703ki3u9R3c5SjhW8j
        TuMS9w277P2ZBz38orc6lKbWg2GMrmsJfC9jgXkFi7NiZRdKl+DYcIMvNSZTR6j7
        DIo7CEz9TZW8QMM+VAt4pJTWo4Sy7iM2n0ZTFSGbBHboXHXnXQ==
        -----END RSA PRIVATE KEY-----
        """;

    // pgBackRest's expected JWTs for that key at time 1613138142, token_uri https://test.com:443/token (same file).
    private const string ReadOnlyJwt =
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzZXJ2aWNlQHByb2plY3QuaWFtLmdzZXJ2aWNlYWNjb3VudC5jb20iLCJzY29wZSI6Imh0d" +
        "HBzOi8vd3d3Lmdvb2dsZWFwaXMuY29tL2F1dGgvZGV2c3RvcmFnZS5yZWFkX29ubHkiLCJhdWQiOiJodHRwczovL3Rlc3QuY29tOjQ0My90b2tlbiIsImV" +
        "4cCI6MTYxMzE0MTc0MiwiaWF0IjoxNjEzMTM4MTQyfQ.IPfwPV_Qcd4_desFHlOc2wAdWQYUe7rTWG722J_lWNSu4vZH0YVE-9N5gjLZ6z_k8cnIOaenTc" +
        "g-RX_vXmj0wZ4QyBF3t2mTVMM8jwDZtej2pPvyUslUJpcwyV6KNOOAO_TSxYN1OfE3hzMlhepC2GJRAft7oHKqaDV8DDXd4OulCM48OML0Y1ZPA-P1A-Ag" +
        "5Sfkt1aq58teZurwY3ZtwKB5jbYnb8DHJHRJwSLZCXKDrfQrwlCIsXaWXSOxxge-L3B4yaywFtTyshhGj-e8takqxinOvrPpnhjdJzGJ7IvXky_MNbTey_" +
        "RnpnhT0hjbftiJXEX6GyagwalzQRYdag";

    private const string ReadWriteJwt =
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzZXJ2aWNlQHByb2plY3QuaWFtLmdzZXJ2aWNlYWNjb3VudC5jb20iLCJzY29wZSI6Imh0d" +
        "HBzOi8vd3d3Lmdvb2dsZWFwaXMuY29tL2F1dGgvZGV2c3RvcmFnZS5yZWFkX3dyaXRlIiwiYXVkIjoiaHR0cHM6Ly90ZXN0LmNvbTo0NDMvdG9rZW4iLCJ" +
        "leHAiOjE2MTMxNDE3NDIsImlhdCI6MTYxMzEzODE0Mn0.RKyHLuaIS7Ut6aud9cK7E8SxmZBT8hlOLsXd3z5mC5Ieupkzm26LE6bMik0QCww-dPbkwJKnq" +
        "Cb2cIO8GD2JdpXG4XkZhtCvbfZDZPkzioOlDwNA-Q7--btrgpFKL8C9FcZhJ1Tz24OGmIYdnZeeSf2hkBMuuIzrrve1BkRLaXfXUIWE519_tYaG4EpJ9nX" +
        "N_ouEex5CJC-YnpyhqPeSG-DX7CalHdiOERIbzKGxdcEY3VcloQbWbgAqFMAUYBg6sHoNZbdHbwHQ62khvEeF4CI0MnYBYva3darYqmEEyaTfnzGEyyg62" +
        "ocn6xBg6A6T4agO3xVT05EY-JWvq8Ockw";

    private const string Email = "service@project.iam.gserviceaccount.com";
    private const string TokenUri = "https://test.com:443/token";

    [Theory]
    [InlineData(false, ReadOnlyJwt)]
    [InlineData(true, ReadWriteJwt)]
    public void The_service_account_assertion_is_byte_for_byte_pgbackrests(bool write, string expected)
    {
        using var key = GcsServiceAccount.LoadPrivateKey(PgbackrestTestKey, "test");
        Assert.Equal(expected, GcsServiceAccount.CreateAssertion(Email, key, TokenUri, write, 1613138142));
    }

    [Fact]
    public void A_pkcs8_key_as_google_issues_it_signs_the_same()
    {
        using var pkcs1 = GcsServiceAccount.LoadPrivateKey(PgbackrestTestKey, "test");
        using var pkcs8 = GcsServiceAccount.LoadPrivateKey(pkcs1.ExportPkcs8PrivateKeyPem(), "test");
        Assert.Equal(ReadWriteJwt, GcsServiceAccount.CreateAssertion(Email, pkcs8, TokenUri, true, 1613138142));
    }

    [Fact]
    public void The_assertion_carries_the_claims_google_documents_and_verifies_with_the_public_key()
    {
        using var key = RSA.Create(2048);
        var jwt = GcsServiceAccount.CreateAssertion("a\"b@x.iam.gserviceaccount.com", key, "https://oauth2.googleapis.com/token", true, 1_700_000_000);
        var parts = jwt.Split('.');
        Assert.Equal(3, parts.Length);
        Assert.Equal("""{"alg":"RS256","typ":"JWT"}""", Encoding.UTF8.GetString(FromBase64Url(parts[0])));
        Assert.Equal(
            """{"iss":"a\"b@x.iam.gserviceaccount.com","scope":"https://www.googleapis.com/auth/devstorage.read_write","aud":"https://oauth2.googleapis.com/token","exp":1700003600,"iat":1700000000}""",
            Encoding.UTF8.GetString(FromBase64Url(parts[1])));
        Assert.True(key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), FromBase64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void A_key_that_is_not_pem_is_a_crypto_error()
    {
        var error = Assert.Throws<PgRestException>(() => GcsServiceAccount.LoadPrivateKey("not a key", "/etc/key.json"));
        Assert.Equal(ErrorCode.Crypto, error.Code);
        Assert.Contains("/etc/key.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_service_key_file_gives_email_private_key_and_token_uri()
    {
        var key = GcsJson.ParseServiceKey("""
            {
              "type": "service_account",
              "project_id": "project",
              "private_key_id": "abc",
              "private_key": "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n",
              "client_email": "svc@project.iam.gserviceaccount.com",
              "client_id": "1",
              "auth_uri": "https://accounts.google.com/o/oauth2/auth",
              "token_uri": "https://oauth2.googleapis.com/token",
              "universe_domain": "googleapis.com"
            }
            """u8);
        Assert.Equal("svc@project.iam.gserviceaccount.com", key.ClientEmail);
        Assert.Equal("-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n", key.PrivateKey);
        Assert.Equal("https://oauth2.googleapis.com/token", key.TokenUri);
    }

    [Fact]
    public void A_listing_page_gives_prefixes_objects_and_the_next_page_token()
    {
        // As GCS answers fields=nextPageToken,prefixes,items(name,size,updated) (sizes are strings, times RFC 3339 with ms).
        var page = GcsJson.ParseListPage("""
            {
              "kind": "storage#objects",
              "nextPageToken": "CkBhcmNoaXZlL2RlbW8vMTUtMS8wMDAwMDAwMTAwMDAwMDAwLzAwMDAwMDAxMDAwMDAwMDAwMDAwMDAwMw==",
              "prefixes": ["repo/archive/demo/15-1/", "repo/archive/demo/16-2/"],
              "items": [
                { "name": "repo/archive/demo/archive.info", "size": "367", "updated": "2026-11-21T12:00:01.123Z" },
                { "kind": "storage#object", "name": "repo/archive/demo/archive.info.copy", "size": "367", "updated": "2026-11-21T12:00:02.999Z",
                  "metadata": { "a": "b" }, "md5Hash": "1B2M2Y8AsgTpgAmY7PhCfg==" }
              ]
            }
            """u8);
        Assert.Equal("CkBhcmNoaXZlL2RlbW8vMTUtMS8wMDAwMDAwMTAwMDAwMDAwLzAwMDAwMDAxMDAwMDAwMDAwMDAwMDAwMw==", page.NextPageToken);
        Assert.Equal(["repo/archive/demo/15-1/", "repo/archive/demo/16-2/"], page.Prefixes);
        Assert.Equal(2, page.Items.Count);
        Assert.Equal("repo/archive/demo/archive.info", page.Items[0].Key);
        Assert.False(page.Items[0].IsPrefix);
        Assert.Equal(367, page.Items[0].Size);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 12, 0, 1, TimeSpan.Zero), page.Items[0].Modified);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 12, 0, 2, TimeSpan.Zero), page.Items[1].Modified);
    }

    [Fact]
    public void The_last_page_has_no_token_and_an_empty_listing_no_members()
    {
        var last = GcsJson.ParseListPage("""{"items":[{"name":"a","size":"0","updated":"2026-01-01T00:00:00Z"}]}"""u8);
        Assert.Null(last.NextPageToken);
        Assert.Single(last.Items);
        var empty = GcsJson.ParseListPage("""{"kind":"storage#objects"}"""u8);
        Assert.Null(empty.NextPageToken);
        Assert.Empty(empty.Items);
        Assert.Empty(empty.Prefixes);
        Assert.Null(GcsJson.ParseListPage("""{"nextPageToken":""}"""u8).NextPageToken);
    }

    [Fact]
    public void A_broken_listing_is_a_json_format_error()
    {
        Assert.Equal(ErrorCode.JsonFormat, Assert.Throws<PgRestException>(() => GcsJson.ParseListPage("<html>"u8)).Code);
        Assert.Equal(ErrorCode.JsonFormat, Assert.Throws<PgRestException>(() => GcsJson.ParseListPage("""{"items":[{"size":"1"}]}"""u8)).Code);
        Assert.Equal(ErrorCode.JsonFormat, Assert.Throws<PgRestException>(() => GcsJson.ParseListPage("""{"items":[{"name":"a","size":"x"}]}"""u8)).Code);
        Assert.Equal(ErrorCode.JsonFormat, Assert.Throws<PgRestException>(() => GcsJson.ParseListPage("""{"prefixes":["a/",3]}"""u8)).Code);
    }

    [Fact]
    public void An_upload_answer_gives_md5_and_size()
    {
        var stored = GcsJson.ParseObject("""{"md5Hash":"XrY7u+Ae7tCTyyK7j1rNww==","size":"11"}"""u8);
        Assert.Equal(11, stored.Size);
        GcsObjectStorage.Verify("k", stored, MD5.HashData("hello world"u8), 11);
        var error = Assert.Throws<PgRestException>(() => GcsObjectStorage.Verify("k", stored, MD5.HashData("hello world!"u8), 12));
        Assert.Equal(ErrorCode.Format, error.Code);
        Assert.Contains("expected md5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_give_the_service_reason_and_message()
    {
        var (reason, message) = GcsJson.ParseError("""
            {"error":{"code":403,"message":"svc@p.iam.gserviceaccount.com does not have storage.objects.create access.",
              "errors":[{"message":"... does not have storage.objects.create access.","domain":"global","reason":"forbidden"}]}}
            """u8);
        Assert.Equal("forbidden", reason);
        Assert.Equal("svc@p.iam.gserviceaccount.com does not have storage.objects.create access.", message);
        Assert.Equal((null, null), GcsJson.ParseError("Not Found"u8));
        Assert.Equal((null, null), GcsJson.ParseError(""u8));
    }

    [Fact]
    public void Token_answers_and_token_errors()
    {
        var token = GcsJson.ParseToken("""{"access_token":"ya29.c.abc","expires_in":3599,"token_type":"Bearer"}"""u8);
        Assert.Equal(("Bearer", "ya29.c.abc", 3599L), (token.TokenType, token.AccessToken, token.ExpiresIn!.Value));
        var error = GcsJson.ParseToken("""{"error":"invalid_grant","error_description":"Invalid JWT Signature."}"""u8);
        Assert.Equal(("invalid_grant", "Invalid JWT Signature."), (error.Error, error.ErrorDescription));
    }

    [Fact]
    public async Task A_bare_token_gets_the_bearer_scheme_and_a_full_header_value_is_kept()
    {
        using var bare = new GcsStaticToken("ya29.abc");
        Assert.Equal("Bearer ya29.abc", await bare.AuthorizationAsync(CancellationToken.None));
        using var full = new GcsStaticToken("Bearer ya29.abc");
        Assert.Equal("Bearer ya29.abc", await full.AuthorizationAsync(CancellationToken.None));
    }

    [Fact]
    public void The_upload_id_comes_from_x_guploader_uploadid_or_the_location()
    {
        using var header = new HttpResponseMessage(HttpStatusCode.OK);
        header.Headers.TryAddWithoutValidation("x-guploader-uploadid", "ADPycdu-abc");
        header.Headers.Location = new Uri("https://storage.googleapis.com/upload/storage/v1/b/b/o?uploadType=resumable&upload_id=other");
        Assert.Equal("ADPycdu-abc", GcsObjectStorage.UploadId(header));

        using var location = new HttpResponseMessage(HttpStatusCode.OK);
        location.Headers.Location = new Uri("http://127.0.0.1:9199/upload/storage/v1/b/b/o?name=a%2Fb&uploadType=resumable&upload_id=f3a%2B1");
        Assert.Equal("f3a+1", GcsObjectStorage.UploadId(location));

        using var none = new HttpResponseMessage(HttpStatusCode.OK);
        Assert.Null(GcsObjectStorage.UploadId(none));
    }

    [Fact]
    public void A_308_tells_how_many_bytes_gcs_kept()
    {
        using var kept = new HttpResponseMessage((HttpStatusCode)308);
        kept.Headers.TryAddWithoutValidation("Range", "bytes=0-4194303");
        Assert.Equal(4194304, GcsResumableUpload.Persisted(kept));
        using var nothing = new HttpResponseMessage((HttpStatusCode)308);
        Assert.Equal(0, GcsResumableUpload.Persisted(nothing));
    }

    [Theory]
    [InlineData(4L * 1024 * 1024, 4 * 1024 * 1024)]
    [InlineData(64 * 1024, 256 * 1024)]
    [InlineData(1000 * 1024, 768 * 1024)]
    [InlineData(5L * 1024 * 1024 + 1, 5 * 1024 * 1024)]
    public void Resumable_chunks_are_multiples_of_256_KiB(long configured, int used) =>
        Assert.Equal(used, GcsObjectStorage.AlignChunkSize(configured));

    [Fact]
    public async Task The_instance_account_token_comes_from_the_metadata_server_once_until_it_expires()
    {
        var port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var requests = 0;
        var flavor = "";
        var serve = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            requests++;
            flavor = context.Request.Headers["Metadata-Flavor"] ?? "";
            var body = """{"access_token":"ya29.instance","expires_in":3599,"token_type":"Bearer"}"""u8.ToArray();
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        });

        using var account = new GcsInstanceAccount(TimeSpan.FromSeconds(5),
            $"http://127.0.0.1:{port}/computeMetadata/v1/instance/service-accounts/default/token");
        Assert.Equal("Bearer ya29.instance", await account.AuthorizationAsync(CancellationToken.None));
        await serve;
        Assert.Equal("Google", flavor);
        Assert.Equal("Bearer ya29.instance", await account.AuthorizationAsync(CancellationToken.None));
        Assert.Equal(1, requests);
    }

    [Fact]
    public async Task A_token_error_from_the_metadata_server_is_a_protocol_error_with_a_hint()
    {
        var port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var serve = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            context.Response.StatusCode = 403;
            await context.Response.OutputStream.WriteAsync("""{"error":"access_denied","error_description":"no service account"}"""u8.ToArray());
            context.Response.Close();
        });

        using var account = new GcsInstanceAccount(TimeSpan.FromSeconds(5), $"http://127.0.0.1:{port}/token");
        var error = await Assert.ThrowsAsync<PgRestException>(() => account.AuthorizationAsync(CancellationToken.None).AsTask());
        await serve;
        Assert.Equal(ErrorCode.Protocol, error.Code);
        Assert.StartsWith("unable to get authentication token: [access_denied] no service account\nHINT: repo-gcs-key-type=auto", error.Message, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    [Fact]
    public async Task A_refused_request_is_error_39_with_status_reason_message_and_the_key_hint()
    {
        var storage = Storage("is repo1-gcs-key right?");
        using var response = new HttpResponseMessage(HttpStatusCode.Unauthorized)
        {
            Content = new StringContent("""{"error":{"code":401,"message":"Invalid Credentials","errors":[{"message":"Invalid Credentials","domain":"global","reason":"authError"}]}}"""),
            RequestMessage = new HttpRequestMessage(HttpMethod.Get, "https://storage.googleapis.com/storage/v1/b/b/o/repo%2Farchive.info?fields=size%2Cupdated"),
        };
        var error = await storage.FailureAsync(response, CancellationToken.None);
        Assert.Equal(ErrorCode.Protocol, error.Code);
        Assert.Equal(
            "HTTP request failed with 401 (Unauthorized): GET /storage/v1/b/b/o/repo%2Farchive.info\n[authError] Invalid Credentials\nHINT: is repo1-gcs-key right?",
            error.Message);
    }

    [Fact]
    public async Task A_missing_bucket_says_so_with_a_hint_and_other_failures_keep_the_body()
    {
        var storage = Storage("key hint");
        using var missing = new HttpResponseMessage(HttpStatusCode.NotFound)
        {
            Content = new StringContent("""{"error":{"code":404,"message":"The specified bucket does not exist.","errors":[{"message":"The specified bucket does not exist.","domain":"global","reason":"notFound"}]}}"""),
            RequestMessage = new HttpRequestMessage(HttpMethod.Get, "https://storage.googleapis.com/storage/v1/b/b/o?prefix=repo%2F"),
        };
        var error = await storage.FailureAsync(missing, CancellationToken.None);
        Assert.Contains("[notFound] The specified bucket does not exist.", error.Message, StringComparison.Ordinal);
        Assert.Contains("HINT: bucket 'b' does not exist", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("key hint", error.Message, StringComparison.Ordinal);

        using var proxy = new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StringContent("<html>bad gateway</html>") };
        Assert.Equal("HTTP request failed with 502 (Bad Gateway)\n<html>bad gateway</html>", (await storage.FailureAsync(proxy, CancellationToken.None)).Message);
    }

    private static GcsObjectStorage Storage(string hint) =>
        new(new GcsSettings("/repo", "b", new PgRest.Storage.Http.HttpEndpoint("127.0.0.1", 9, true, null, null, TimeSpan.FromSeconds(1)),
            new GcsStaticToken("t"), 4 * 1024 * 1024, hint));

    private static byte[] FromBase64Url(string text)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
    }
}
