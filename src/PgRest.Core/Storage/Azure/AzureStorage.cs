using System.Globalization;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Storage.Http;

namespace PgRest.Storage.Azure;

/// <summary>Where the requests of an Azure repository go: the host (name and TLS), the port and the path before each key.</summary>
public readonly record struct AzureAddress(string Host, int Port, string PathPrefix);

/// <summary>A repository on Azure (<c>repo-type=azure</c>).</summary>
public static class AzureStorage
{
    /// <summary>Opens repository <paramref name="index"/> from its <c>repoN-azure-*</c> and <c>repoN-storage-*</c> options.</summary>
    public static IStorage Create(Configuration config, int index, string path)
    {
        var prefix = "repo" + index.ToString(CultureInfo.InvariantCulture);
        var account = Required(config, Options.RepoAzureAccount, index);
        var container = Required(config, Options.RepoAzureContainer, index);
        var key = Required(config, Options.RepoAzureKey, index);
        var keyType = config.Get(Options.RepoAzureKeyType, index) == "sas" ? AzureKeyType.Sas : AzureKeyType.Shared;
        var address = Resolve(
            account, container, config.Get(Options.RepoAzureEndpoint, index), config.Find(Options.RepoStorageHost, index),
            UserSet(config, Options.RepoAzureUriStyle, index) ? config.Find(Options.RepoAzureUriStyle, index) : null,
            UserSet(config, Options.RepoStoragePort, index) ? (int)config.Get(Options.RepoStoragePort, index) : null);

        // ConfigurationRules sets the default (4 MiB for azure) wherever the option is valid.
        var chunkSize = config.Accepts(Options.RepoStorageUploadChunkSize) && config.IsSet(Options.RepoStorageUploadChunkSize, index)
            ? config.Get(Options.RepoStorageUploadChunkSize, index)
            : 4L * 1024 * 1024;

        // The socket, TLS name and Host header all use the resolved host, as in pgBackRest (no separate connect host).
        var endpoint = HttpEndpoint.FromConfiguration(config, index, "localhost", portOption: false) with { Host = address.Host, Port = address.Port };
        var settings = new AzureSettings(account, container, keyType, key, address.PathPrefix, (int)Math.Min(chunkSize, int.MaxValue / 2), prefix);
        return new AzureObjectStorage(path, settings, new HttpTransport(endpoint));
    }

    /// <summary>
    /// pgBackRest 2.45's rules: the endpoint (<c>host</c>, <c>host:port</c> or <c>https://host:port</c>) gives host and
    /// port (443 by default); <c>repo-storage-host</c>, when set, replaces both and makes path-style the default (the old
    /// way of reaching Azurite); an explicit <c>repo-storage-port</c> wins over any port. Host-style puts the account
    /// before the host (<c>account.blob.core.windows.net</c>) and the container first in the path; path-style puts
    /// <c>/account/container</c> in the path.
    /// </summary>
    /// <param name="uriStyle">repo-azure-uri-style when set by the user; null when defaulted (host).</param>
    /// <param name="port">repo-storage-port when set by the user; null when defaulted.</param>
    public static AzureAddress Resolve(string account, string container, string endpoint, string? storageHost, string? uriStyle, int? port)
    {
        var (host, parsedPort) = ParseUrl(endpoint);
        var pathStyle = uriStyle == "path";
        if (storageHost is not null)
        {
            (host, parsedPort) = ParseUrl(storageHost);
            if (uriStyle is null)
                pathStyle = true;
        }

        return pathStyle
            ? new AzureAddress(host, port ?? parsedPort, "/" + account + "/" + container)
            : new AzureAddress(account + "." + host, port ?? parsedPort, "/" + container);
    }

    /// <summary>Host and port of <c>[https://]host[:port][/...]</c> (an IPv6 host in brackets).</summary>
    private static (string Host, int Port) ParseUrl(string url)
    {
        var rest = url;
        if (rest.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            rest = rest["https://".Length..];
        else if (rest.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            throw new PgRestException(ErrorCode.Format, $"expected protocol 'https' in URL '{url}'");
        var slash = rest.IndexOf('/');
        if (slash >= 0)
            rest = rest[..slash];

        string host;
        string? port = null;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']');
            if (close < 0)
                throw new PgRestException(ErrorCode.Format, $"invalid IPv6 address in URL '{url}'");
            host = rest[1..close];
            if (close + 1 < rest.Length && rest[close + 1] == ':')
                port = rest[(close + 2)..];
        }
        else
        {
            var colon = rest.IndexOf(':');
            host = colon < 0 ? rest : rest[..colon];
            if (colon >= 0)
                port = rest[(colon + 1)..];
        }

        if (port is null)
            return (host, 443);
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            throw new PgRestException(ErrorCode.Format, $"invalid port in URL '{url}'");
        return (host, number);
    }

    private static bool UserSet(Configuration config, OptionHandle option, int index) =>
        config.IsSet(option, index) && config.Source(option, index) != OptionSource.Default;

    private static string Required(Configuration config, StringOption option, int index) =>
        config.Find(option, index) is { Length: > 0 } value
            ? value
            : throw new PgRestException(ErrorCode.OptionRequired, $"option '{option.IndexedName(index)}' is required for an Azure repository");
}
