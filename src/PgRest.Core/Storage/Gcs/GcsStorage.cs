using System.Globalization;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Storage.Http;

namespace PgRest.Storage.Gcs;

/// <summary>A repository on Google Cloud Storage (<c>repo-type=gcs</c>).</summary>
public static class GcsStorage
{
    /// <summary>Opens repository <paramref name="index"/> from its <c>repoN-gcs-*</c> and <c>repoN-storage-*</c> options.</summary>
    public static IStorage Create(Configuration config, int index, string path)
    {
        var prefix = "repo" + index.ToString(CultureInfo.InvariantCulture);
        var bucket = config.Find(Options.RepoGcsBucket, index)
            ?? throw new PgRestException(ErrorCode.OptionRequired, $"{prefix}-gcs-bucket must be set for {prefix}-type=gcs");
        var endpointOption = config.Get(Options.RepoGcsEndpoint, index);
        // repo-storage-port is not valid for gcs in pgBackRest 2.45: a port goes in repo-gcs-endpoint (host:port).
        var endpoint = HttpEndpoint.FromConfiguration(config, index, endpointOption, portOption: false);
        var keyType = config.Get(Options.RepoGcsKeyType, index);
        var key = keyType == "auto" ? null : config.Find(Options.RepoGcsKey, index)
            ?? throw new PgRestException(ErrorCode.OptionRequired, $"{prefix}-gcs-key must be set when {prefix}-gcs-key-type={keyType}");
        var chunkSize = config.IsSet(Options.RepoStorageUploadChunkSize, index)
            ? config.Get(Options.RepoStorageUploadChunkSize, index)
            : 4L * 1024 * 1024;
        return new GcsObjectStorage(Settings(path, bucket, endpoint, keyType, key, chunkSize, prefix, write: true));
    }

    internal static GcsSettings Settings(string path, string bucket, HttpEndpoint endpoint, string keyType, string? key, long chunkSize, string prefix, bool write)
    {
        GcsCredentials credentials = keyType switch
        {
            "token" => new GcsStaticToken(key!),
            "service" => new GcsServiceAccount(key!, write, endpoint),
            "auto" => new GcsInstanceAccount(endpoint.Timeout),
            _ => throw new PgRestException(ErrorCode.OptionInvalidValue, $"'{keyType}' is not allowed for '{prefix}-gcs-key-type'"),
        };
        var hint = keyType switch
        {
            "token" => $"is {prefix}-gcs-key a current access token (repo-gcs-key-type=token) for an account that may read and write bucket '{bucket}'?",
            "service" => $"is {prefix}-gcs-key the key file of a service account that may read and write bucket '{bucket}' (role Storage Object Admin)?",
            _ => $"does the instance's service account ({prefix}-gcs-key-type=auto) have access to bucket '{bucket}', and the instance the devstorage.read_write scope?",
        };
        return new GcsSettings(path, bucket, endpoint, credentials, GcsObjectStorage.AlignChunkSize(chunkSize), hint);
    }
}
