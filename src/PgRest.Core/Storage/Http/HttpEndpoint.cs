using System.Globalization;
using PgRest.Config;

namespace PgRest.Storage.Http;

/// <summary>
/// Where and how an object-store driver connects: the <c>repoN-storage-*</c> options and <c>io-timeout</c>.
/// <paramref name="Host"/> is what the URL and TLS name use; <paramref name="ConnectHost"/> (repoN-storage-host) is
/// where the socket goes when it differs.
/// </summary>
public sealed record HttpEndpoint(
    string Host, int Port, bool VerifyTls, string? CaFile, string? CaPath, TimeSpan Timeout, string? ConnectHost = null)
{
    /// <summary>The <c>host[:port]</c> of the Host header (the port only when not 443, as HTTP clients send it).</summary>
    public string HostHeader => Port == 443 ? Host : Host + ":" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Reads the endpoint options of repository <paramref name="index"/>. <paramref name="endpoint"/> may carry a
    /// port (<c>host:port</c>), which wins over repoN-storage-port as in pgBackRest.
    /// </summary>
    public static HttpEndpoint FromConfiguration(Configuration config, int index, string endpoint, bool portOption)
    {
        var port = portOption ? (int)config.Get(Options.RepoStoragePort, index) : 443;
        var host = endpoint;
        var colon = endpoint.LastIndexOf(':');
        if (colon > 0 && int.TryParse(endpoint.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var endpointPort))
        {
            host = endpoint[..colon];
            port = endpointPort;
        }

        string? connectHost = null;
        if (portOption && config.Find(Options.RepoStorageHost, index) is { } storageHost)
            connectHost = storageHost;

        return new HttpEndpoint(
            host,
            port,
            config.Get(Options.RepoStorageVerifyTls, index),
            config.Find(Options.RepoStorageCaFile, index),
            config.Find(Options.RepoStorageCaPath, index),
            StorageFactory.IoTimeout(config),
            connectHost);
    }
}
