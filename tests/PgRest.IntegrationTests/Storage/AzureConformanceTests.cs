using System.Globalization;
using System.Text;
using PgRest.Errors;
using PgRest.IntegrationTests.Infrastructure;
using PgRest.Storage;
using PgRest.Storage.Azure;
using PgRest.Storage.Http;
using PgRest.Tests.Storage;

namespace PgRest.IntegrationTests.Storage;

/// <summary>The conformance suite on Azurite (<c>repo-type=azure</c>, path-style URIs, SharedKey authorization).</summary>
public class AzureConformanceTests : StorageConformanceTests
{
    /// <summary>A well-formed key that is not the account's: Azurite answers 403 AuthenticationFailed.</summary>
    private const string WrongKey = "d3Jvbmcga2V5IHdyb25nIGtleSB3cm9uZyBrZXkgd3Jvbmcga2V5IHdyb25nIGtleQ==";

    protected virtual AzureKeyType KeyType => AzureKeyType.Shared;

    internal static async Task<AzureObjectStorage> CreateAsync(string root, AzureKeyType keyType, string? key = null, string? container = null)
    {
        var server = await TestServer.GetAsync("azurite");
        var account = server["ACCOUNT"];
        container ??= server["CONTAINER"];
        key ??= keyType == AzureKeyType.Shared ? server["KEY"] : server["SAS"];
        var endpoint = new HttpEndpoint(
            server["ENDPOINT"], int.Parse(server["PORT"], CultureInfo.InvariantCulture), VerifyTls: true, server.CertificateFile, CaPath: null,
            TimeSpan.FromSeconds(30));
        var settings = new AzureSettings(account, container, keyType, key, "/" + account + "/" + container, 4 * 1024 * 1024, "repo1");
        return new AzureObjectStorage(root, settings, new HttpTransport(endpoint));
    }

    protected override async Task<IStorage> CreateStorageAsync(string root) => await CreateAsync(root, KeyType);

    protected override async Task<IStorage?> CreateStorageWithWrongCredentialsAsync(string root) =>
        KeyType == AzureKeyType.Shared
            ? await CreateAsync(root, KeyType, WrongKey)
            : await CreateAsync(root, KeyType, SasWithWrongSignature((await TestServer.GetAsync("azurite"))["SAS"]));

    private static string SasWithWrongSignature(string sas)
    {
        var parts = sas.Split('&');
        for (var index = 0; index < parts.Length; index++)
        {
            if (parts[index].StartsWith("sig=", StringComparison.Ordinal))
                parts[index] = "sig=" + Uri.EscapeDataString(Convert.ToBase64String(new byte[32]));
        }

        return string.Join('&', parts);
    }

    [Fact]
    public async Task Wrong_credentials_name_the_key_option_and_the_service_error_code()
    {
        var storage = await CreateStorageWithWrongCredentialsAsync("/conformance/wrong");
        var error = await Assert.ThrowsAsync<PgRestException>(() => storage!.InfoAsync("archive.info"));
        Assert.Equal(ErrorCode.Protocol, error.Code);
        Assert.Contains("HTTP request failed with 403", error.Message, StringComparison.Ordinal);
        // Azure answers AuthenticationFailed for a bad signature; Azurite answers AuthorizationFailure for both key types.
        Assert.Matches("Azure error code: (AuthenticationFailed|AuthorizationFailure)", error.Message);
        Assert.Contains("HINT: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("repo1-azure-key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_container_is_reported_by_name()
    {
        var storage = await CreateAsync("/repo", KeyType, container: "no-such-container");
        foreach (var action in new Func<Task>[]
                 {
                     () => storage.InfoAsync("archive/demo/archive.info"),
                     () => storage.OpenReadAsync("archive/demo/archive.info", ignoreMissing: true),
                     async () => { await foreach (var _ in storage.ListAsync("archive")) { } },
                     async () =>
                     {
                         await using var stream = await storage.OpenWriteAsync("archive/demo/archive.info");
                         await stream.WriteAsync(Encoding.UTF8.GetBytes("x"));
                         await stream.CommitAsync();
                     },
                 })
        {
            var error = await Assert.ThrowsAsync<PgRestException>(action);
            Assert.Equal(ErrorCode.Protocol, error.Code);
            Assert.Contains("container 'no-such-container' does not exist", error.Message, StringComparison.Ordinal);
        }
    }
}

/// <summary>The same suite authorized by an account SAS token (<c>repo-azure-key-type=sas</c>) instead of the key.</summary>
public sealed class AzureSasConformanceTests : AzureConformanceTests
{
    protected override AzureKeyType KeyType => AzureKeyType.Sas;
}
