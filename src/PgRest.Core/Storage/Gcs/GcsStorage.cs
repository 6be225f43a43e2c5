using PgRest.Config;
using PgRest.Errors;

namespace PgRest.Storage.Gcs;

/// <summary>A repository on Gcs (<c>repo-type=gcs</c>).</summary>
public static class GcsStorage
{
    /// <summary>Opens repository <paramref name="index"/> from its <c>repoN-gcs-*</c> and <c>repoN-storage-*</c> options.</summary>
    public static IStorage Create(Configuration config, int index, string path) =>
        throw new PgRestException(ErrorCode.FeatureNotSupported, $"repo{index}-type=gcs is not supported by this version of pgrest yet");
}
