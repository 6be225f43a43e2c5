using System.Security.Cryptography;
using PgRest.Config;
using PgRest.Errors;
using PgRest.IntegrationTests.Infrastructure;
using PgRest.Storage;
using PgRest.Tests.Storage;

namespace PgRest.IntegrationTests.Storage;

/// <summary>
/// The conformance suite on GCS (<c>repo-type=gcs</c>) against the firebase-tools storage emulator behind
/// scripts/servers/gcs-emulator-shim.js, which checks bearer tokens and issues tokens for a service account key.
/// </summary>
public sealed class GcsConformanceTests : StorageConformanceTests
{
    /// <summary>The <c>PGBACKREST_REPO1_*</c> variables of a GCS repository on the test server, with TLS verified by its CA file.</summary>
    internal static Dictionary<string, string> Environment(TestServer server, string root, string keyType, string key) => new()
    {
        ["PGBACKREST_REPO1_TYPE"] = "gcs",
        ["PGBACKREST_REPO1_PATH"] = root,
        ["PGBACKREST_REPO1_GCS_BUCKET"] = server["BUCKET"],
        ["PGBACKREST_REPO1_GCS_ENDPOINT"] = "127.0.0.1:" + server["PORT"],
        ["PGBACKREST_REPO1_GCS_KEY_TYPE"] = keyType,
        ["PGBACKREST_REPO1_GCS_KEY"] = key,
        ["PGBACKREST_REPO1_STORAGE_CA_FILE"] = server.CertificateFile,
    };

    private static async Task<IStorage> OpenAsync(string root, string keyType, Func<TestServer, string> key, params string[] extra)
    {
        var server = await TestServer.GetAsync("gcs-emulator");
        var environment = Environment(server, root, keyType, key(server));
        foreach (var pair in extra)
            environment[pair[..pair.IndexOf('=', StringComparison.Ordinal)]] = pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..];
        var config = ConfigurationLoader.Load(["--config=/dev/null", "--stanza=conformance", "info"], environment);
        return StorageFactory.Create(config, 1, root);
    }

    protected override Task<IStorage> CreateStorageAsync(string root) => OpenAsync(root, "token", server => server["TOKEN"]);

    protected override async Task<IStorage?> CreateStorageWithWrongCredentialsAsync(string root) =>
        await OpenAsync(root, "token", _ => "ya29.not-the-right-token");

    private static string Root() => "/conformance/" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    [Fact]
    public async Task A_service_account_key_gets_a_token_and_reads_and_writes()
    {
        var storage = await OpenAsync(Root(), "service", server => server["SERVICE_KEY"]);
        var content = RandomNumberGenerator.GetBytes(LargeFileSize);
        await WriteAsync(storage, "backup/demo/big", content);
        Assert.Equal(SHA256.HashData(content), SHA256.HashData(await ReadAsync(storage, "backup/demo/big")));
        Assert.Equal(content.Length, (await storage.InfoAsync("backup/demo/big"))!.Size);
    }

    [Fact]
    public async Task A_key_of_another_service_account_is_refused_with_the_token_error_and_a_hint()
    {
        var storage = await OpenAsync(Root(), "service", server => server["WRONG_SERVICE_KEY"]);
        var error = await Assert.ThrowsAsync<PgRestException>(() => storage.InfoAsync("archive.info"));
        Assert.Equal(ErrorCode.Protocol, error.Code);
        Assert.Contains("unable to get authentication token: [invalid_grant] Invalid JWT Signature.", error.Message, StringComparison.Ordinal);
        Assert.Contains("HINT:", error.Message, StringComparison.Ordinal);
        Assert.Contains("wrong-service-key.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_token_errors_name_the_status_the_service_reason_and_the_options()
    {
        var storage = await OpenAsync(Root(), "token", _ => "ya29.not-the-right-token");
        var error = await Assert.ThrowsAsync<PgRestException>(() => storage.InfoAsync("archive.info"));
        Assert.Equal(ErrorCode.Protocol, error.Code);
        Assert.StartsWith("HTTP request failed with 403 (Forbidden): GET /storage/v1/b/pgbackrest/o/", error.Message, StringComparison.Ordinal);
        Assert.Contains("[forbidden]", error.Message, StringComparison.Ordinal);
        Assert.Contains("HINT: is repo1-gcs-key a current access token", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chunk_size_that_is_not_a_multiple_of_256_KiB_still_uploads_in_parts()
    {
        var storage = await OpenAsync(Root(), "token", server => server["TOKEN"], "PGBACKREST_REPO1_STORAGE_UPLOAD_CHUNK_SIZE=300KiB");
        var content = RandomNumberGenerator.GetBytes(1024 * 1024 + 17);
        await WriteAsync(storage, "big", content);
        Assert.Equal(content, await ReadAsync(storage, "big"));
    }

    [Fact]
    public async Task A_missing_key_file_is_a_clear_error()
    {
        var error = await Assert.ThrowsAsync<PgRestException>(() => OpenAsync(Root(), "service", _ => "/nonexistent/key.json"));
        Assert.Equal(ErrorCode.FileMissing, error.Code);
        Assert.Contains("/nonexistent/key.json", error.Message, StringComparison.Ordinal);
    }
}
