using System.Globalization;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Storage.Http;

namespace PgRest.Storage.S3;

/// <summary>A repository on S3 (<c>repo-type=s3</c>).</summary>
public static class S3Storage
{
    /// <summary>Opens repository <paramref name="index"/> from its <c>repoN-s3-*</c> and <c>repoN-storage-*</c> options.</summary>
    public static IStorage Create(Configuration config, int index, string path)
    {
        var prefix = "repo" + index.ToString(CultureInfo.InvariantCulture);
        string Required(StringOption option) => config.Find(option, index)
            ?? throw new PgRestException(ErrorCode.OptionRequired, $"{option.IndexedName(index)} must be set for {prefix}-type=s3");

        var bucket = Required(Options.RepoS3Bucket);
        var endpoint = Required(Options.RepoS3Endpoint);
        var region = Required(Options.RepoS3Region);
        var pathStyle = config.Get(Options.RepoS3UriStyle, index) == "path";
        // Host style: the bucket is part of the host name (and of the TLS name checked).
        var http = HttpEndpoint.FromConfiguration(config, index, pathStyle ? endpoint : bucket + "." + endpoint, portOption: true);
        var settings = new S3Settings(
            bucket, region, pathStyle,
            config.Find(Options.RepoS3KmsKeyId, index),
            config.Accepts(Options.RepoS3SseCustomerKey) ? config.Find(Options.RepoS3SseCustomerKey, index) : null,
            config.Accepts(Options.RepoStorageTag) ? config.Get(Options.RepoStorageTag, index) : new Dictionary<string, string>(),
            prefix);

        var credentials = Credentials(config, index, http.Timeout);
        var chunkSize = config.Get(Options.RepoStorageUploadChunkSize, index);
        return new S3ObjectStorage(path, checked((int)chunkSize), http, settings, credentials);
    }

    private static S3CredentialSource Credentials(Configuration config, int index, TimeSpan timeout)
    {
        var keyType = Options.RepoS3KeyType.IndexedName(index);
        switch (config.Get(Options.RepoS3KeyType, index))
        {
            case "auto":
                return new S3InstanceCredentials(config.Find(Options.RepoS3Role, index), timeout);
            case "web-id":
                return S3WebIdentityCredentials.FromEnvironment(keyType, timeout);
            default:
                var key = config.Find(Options.RepoS3Key, index)
                    ?? throw new PgRestException(ErrorCode.OptionRequired, $"{Options.RepoS3Key.IndexedName(index)} must be set for {keyType}=shared");
                var secret = config.Find(Options.RepoS3KeySecret, index)
                    ?? throw new PgRestException(ErrorCode.OptionRequired, $"{Options.RepoS3KeySecret.IndexedName(index)} must be set for {keyType}=shared");
                return new S3SharedCredentials(new S3Key(key, secret, config.Find(Options.RepoS3Token, index)));
        }
    }
}
