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
}
