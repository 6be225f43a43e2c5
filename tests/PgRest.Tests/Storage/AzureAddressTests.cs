using PgRest.Storage.Azure;

namespace PgRest.Tests.Storage;

/// <summary>Endpoint, repo-storage-host, -port and -uri-style as pgBackRest 2.45 combines them (its storageRepoGet() cases).</summary>
public sealed class AzureAddressTests
{
    [Theory]
    // defaults: host-style on blob.core.windows.net
    [InlineData("blob.core.windows.net", null, null, null, "account.blob.core.windows.net", 443, "/container")]
    // Azurite as the tests run it: path-style, port from repo-storage-port
    [InlineData("localhost", null, "path", 10000, "localhost", 10000, "/account/container")]
    // a port in the endpoint, or a URL
    [InlineData("localhost:10000", null, "path", null, "localhost", 10000, "/account/container")]
    [InlineData("https://blob.core.usgovcloudapi.net", null, null, null, "account.blob.core.usgovcloudapi.net", 443, "/container")]
    // repo-storage-host replaces the endpoint and makes path-style the default
    [InlineData("blob.core.windows.net", "test-host:443", null, null, "test-host", 443, "/account/container")]
    [InlineData("blob.core.windows.net", "https://test-host:443", "path", null, "test-host", 443, "/account/container")]
    [InlineData("blob.core.windows.net", "https://test-host", "host", null, "account.test-host", 443, "/container")]
    [InlineData("blob.core.windows.net", "test-host:443", "host", null, "account.test-host", 443, "/container")]
    [InlineData("blob.core.windows.net", "test-host", "host", 443, "account.test-host", 443, "/container")]
    // an explicit repo-storage-port wins over the port in the URL
    [InlineData("blob.core.windows.net", "test-host:8443", null, 9443, "test-host", 9443, "/account/container")]
    [InlineData("[::1]:10000", null, "path", null, "::1", 10000, "/account/container")]
    public void Host_port_and_path_prefix(string endpoint, string? storageHost, string? uriStyle, int? port, string host, int expectedPort, string pathPrefix)
    {
        Assert.Equal(new AzureAddress(host, expectedPort, pathPrefix), AzureStorage.Resolve("account", "container", endpoint, storageHost, uriStyle, port));
    }

    [Fact]
    public void A_plain_http_endpoint_is_refused()
    {
        Assert.Throws<PgRest.Errors.PgRestException>(() => AzureStorage.Resolve("account", "container", "http://localhost:10000", null, "path", null));
    }
}
