using System.Globalization;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Storage.Http;

namespace PgRest.Storage.Azure;

/// <summary>A repository on Azure (<c>repo-type=azure</c>).</summary>
public static class AzureStorage
{
    /// <summary>Opens repository <paramref name="index"/> from its <c>repoN-azure-*</c> and <c>repoN-storage-*</c> options.</summary>
    public static IStorage Create(Configuration config, int index, string path)
    {
        var prefix = "repo" + index.ToString(CultureInfo.InvariantCulture);
        var account = Required(config, prefix + "-azure-account");
        var container = Required(config, prefix + "-azure-container");
        var key = Required(config, prefix + "-azure-key");
        var keyType = config.GetString(prefix + "-azure-key-type") == "sas" ? AzureKeyType.Sas : AzureKeyType.Shared;
        var endpointOption = config.GetString(prefix + "-azure-endpoint") ?? "blob.core.windows.net";
        var pathStyle = config.GetString(prefix + "-azure-uri-style") == "path";
        // ConfigurationRules sets the default (4 MiB for azure) wherever the option is valid.
        var chunkSize = config.Accepts(prefix + "-storage-upload-chunk-size") && config.IsSet(prefix + "-storage-upload-chunk-size")
            ? config.GetSize(prefix + "-storage-upload-chunk-size")
            : 4L * 1024 * 1024;

        var endpoint = HttpEndpoint.FromConfiguration(config, index, endpointOption, portOption: true);
        // Host-style: the account is the first label of the host name; path-style: the first segment of the path.
        if (!pathStyle)
            endpoint = endpoint with { Host = account + "." + endpoint.Host };
        var settings = new AzureSettings(
            account, container, keyType, key, pathStyle ? "/" + account + "/" + container : "/" + container,
            (int)Math.Min(chunkSize, int.MaxValue / 2), prefix);
        return new AzureObjectStorage(path, settings, new HttpTransport(endpoint));
    }

    private static string Required(Configuration config, string option) =>
        config.GetString(option) is { Length: > 0 } value
            ? value
            : throw new PgRestException(ErrorCode.OptionRequired, $"option '{option}' is required for an Azure repository");
}
