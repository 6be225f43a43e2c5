using PgRest.Config;
using PgRest.Errors;

namespace PgRest.Storage.Azure;

/// <summary>A repository on Azure (<c>repo-type=azure</c>).</summary>
public static class AzureStorage
{
    /// <summary>Opens repository <paramref name="index"/> from its <c>repoN-azure-*</c> and <c>repoN-storage-*</c> options.</summary>
    public static IStorage Create(Configuration config, int index, string path) =>
        throw new PgRestException(ErrorCode.FeatureNotSupported, $"repo{index}-type=azure is not supported by this version of pgrest yet");
}
