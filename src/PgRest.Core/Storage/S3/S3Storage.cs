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
        string Required(string option) => config.GetString(prefix + option)
            ?? throw new PgRestException(ErrorCode.OptionRequired, $"{prefix}{option} must be set for {prefix}-type=s3");

        var bucket = Required("-s3-bucket");
        var endpoint = Required("-s3-endpoint");
        var region = Required("-s3-region");
        var pathStyle = config.GetString(prefix + "-s3-uri-style") == "path";
        // Host style: the bucket is part of the host name (and of the TLS name checked).
        var http = HttpEndpoint.FromConfiguration(config, index, pathStyle ? endpoint : bucket + "." + endpoint, portOption: true);
        var settings = new S3Settings(
            bucket, region, pathStyle,
            config.GetString(prefix + "-s3-kms-key-id"),
            Optional(config, prefix + "-s3-sse-customer-key"),
            Accepts(config, prefix + "-storage-tag") ? config.GetHash(prefix + "-storage-tag") : new Dictionary<string, string>(),
            prefix);

        var credentials = Credentials(config, prefix, http.Timeout);
        var chunkSize = config.GetSize(prefix + "-storage-upload-chunk-size");
        return new S3ObjectStorage(path, checked((int)chunkSize), http, settings, credentials);
    }

    private static S3CredentialSource Credentials(Configuration config, string prefix, TimeSpan timeout)
    {
        switch (config.GetString(prefix + "-s3-key-type") ?? "shared")
        {
            case "auto":
                return new S3InstanceCredentials(config.GetString(prefix + "-s3-role"), timeout);
            case "web-id":
                return S3WebIdentityCredentials.FromEnvironment(prefix + "-s3-key-type", timeout);
            default:
                var key = config.GetString(prefix + "-s3-key")
                    ?? throw new PgRestException(ErrorCode.OptionRequired, $"{prefix}-s3-key must be set for {prefix}-s3-key-type=shared");
                var secret = config.GetString(prefix + "-s3-key-secret")
                    ?? throw new PgRestException(ErrorCode.OptionRequired, $"{prefix}-s3-key-secret must be set for {prefix}-s3-key-type=shared");
                return new S3SharedCredentials(new S3Key(key, secret, config.GetString(prefix + "-s3-token")));
        }
    }

    private static bool Accepts(Configuration config, string option) => config.Accepts(option);

    private static string? Optional(Configuration config, string option) => config.Accepts(option) ? config.GetString(option) : null;
}
