namespace PgRest.Config;

/// <summary>Program identity shown by <c>version</c>/<c>help</c>, and the pgBackRest version whose formats pgrest writes.</summary>
public static class PgRestVersion
{
    public const string Name = "pgRest";

    public const string Version = "0.1.0";

    /// <summary>The executable name used in usage lines and as the default of the <c>cmd</c> options.</summary>
    public const string Executable = "pgrest";

    /// <summary>pgBackRest version string written into repository files (<c>backrest-version</c>).</summary>
    public const string FormatVersion = "2.45";

    /// <summary>
    /// The version recorded in a manifest with block-incremental files: the first whose format pgrest writes for them
    /// (2.45 wrote a beta format no later version reads, and readers tell the two apart by this version only).
    /// </summary>
    public const string BlockIncrFormatVersion = "2.46";

    /// <summary>The <c>backrest-version</c> to record for <paramref name="manifest"/>.</summary>
    public static string FormatVersionOf(Info.Manifest manifest) =>
        manifest.BlockIncr || manifest.Files.Exists(file => file.BlockIncrSize > 0) ? BlockIncrFormatVersion : FormatVersion;
}
