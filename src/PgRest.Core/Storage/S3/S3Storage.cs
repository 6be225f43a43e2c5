using PgRest.Config;
using PgRest.Errors;

namespace PgRest.Storage.S3;

/// <summary>A repository on S3 (<c>repo-type=s3</c>).</summary>
public static class S3Storage
{
    /// <summary>Opens repository <paramref name="index"/> from its <c>repoN-s3-*</c> and <c>repoN-storage-*</c> options.</summary>
    public static IStorage Create(Configuration config, int index, string path) =>
        throw new PgRestException(ErrorCode.FeatureNotSupported, $"repo{index}-type=s3 is not supported by this version of pgrest yet");
}
