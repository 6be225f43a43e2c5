using System.Globalization;
using System.Runtime.CompilerServices;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Storage.Posix;

namespace PgRest.Storage;

/// <summary>Builds the storage driver of repository N from <c>repoN-type</c> and the driver's options.</summary>
public static class StorageFactory
{
    public static IStorage Create(Configuration config, int index, string path)
    {
        var type = config.Get(Options.RepoType, index);
        return type switch
        {
            "posix" => new PosixStorage(path),
            "cifs" => new PosixStorage(path),
            _ => CreateObjectStorage(config, index, path, type),
        };
    }

    /// <summary><c>io-timeout</c> for the network drivers; 60 s for a command that has no such option.</summary>
    internal static TimeSpan IoTimeout(Configuration config) =>
        config.Accepts(Options.IoTimeout) ? config.Get(Options.IoTimeout) : TimeSpan.FromSeconds(60);

    // Kept apart so that a posix archive-push never loads the HTTP or SSH stack: start-up is its hot path.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IStorage CreateObjectStorage(Configuration config, int index, string path, string type) => type switch
    {
        "s3" => S3.S3Storage.Create(config, index, path),
        "azure" => Azure.AzureStorage.Create(config, index, path),
        "gcs" => Gcs.GcsStorage.Create(config, index, path),
        "sftp" => Sftp.SftpStorage.Create(config, index, path),
        _ => throw new PgRestException(ErrorCode.FeatureNotSupported, $"repo{index}-type={type} is not supported by pgrest"),
    };
}
