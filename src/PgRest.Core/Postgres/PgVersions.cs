using System.Globalization;
using PgRest.Errors;

namespace PgRest.Postgres;

/// <summary>
/// Identity of one PostgreSQL major version as pgBackRest records it: <c>db-version</c> string, pg_control version,
/// catalog version and WAL page magic (pgbackrest-format.md, "2.4 backup.info").
/// </summary>
/// <param name="Version">pgBackRest's <c>db-version</c>, e.g. <c>"9.6"</c> or <c>"15"</c>.</param>
/// <param name="VersionNum">Major version in <c>server_version_num</c> form without the minor part, e.g. 90600, 150000.</param>
public sealed record PgVersionInfo(string Version, int VersionNum, uint ControlVersion, uint CatalogVersion, ushort WalMagic)
{
    /// <summary>Name of the per-version directory inside a tablespace, e.g. <c>PG_15_202209061</c>.</summary>
    public string TablespaceId => "PG_" + Version + "_" + CatalogVersion.ToString(CultureInfo.InvariantCulture);

    /// <summary>PostgreSQL 10 renamed xlog to wal in function and directory names.</summary>
    public string WalName => VersionNum >= 100000 ? "wal" : "xlog";

    /// <summary>PostgreSQL 10 renamed "location" to "lsn" in function names.</summary>
    public string LsnName => VersionNum >= 100000 ? "lsn" : "location";

    /// <summary>WAL directory relative to PGDATA.</summary>
    public string WalDirectory => VersionNum >= 100000 ? "pg_wal" : "pg_xlog";

    /// <summary>Transaction status directory relative to PGDATA (pg_clog before PostgreSQL 10).</summary>
    public string XactDirectory => VersionNum >= 100000 ? "pg_xact" : "pg_clog";

    public override string ToString() => Version;
}

/// <summary>Table of supported PostgreSQL versions and lookups into it.</summary>
public static class PgVersions
{
    public static readonly PgVersionInfo V93 = new("9.3", 90300, 937, 201306121, 0xD075);
    public static readonly PgVersionInfo V94 = new("9.4", 90400, 942, 201409291, 0xD07E);
    public static readonly PgVersionInfo V95 = new("9.5", 90500, 942, 201510051, 0xD087);
    public static readonly PgVersionInfo V96 = new("9.6", 90600, 960, 201608131, 0xD093);
    public static readonly PgVersionInfo V10 = new("10", 100000, 1002, 201707211, 0xD097);
    public static readonly PgVersionInfo V11 = new("11", 110000, 1100, 201809051, 0xD098);
    public static readonly PgVersionInfo V12 = new("12", 120000, 1201, 201909212, 0xD101);
    public static readonly PgVersionInfo V13 = new("13", 130000, 1300, 202007201, 0xD106);
    public static readonly PgVersionInfo V14 = new("14", 140000, 1300, 202107181, 0xD10D);
    public static readonly PgVersionInfo V15 = new("15", 150000, 1300, 202209061, 0xD110);
    public static readonly PgVersionInfo V16 = new("16", 160000, 1300, 202307071, 0xD113);
    public static readonly PgVersionInfo V17 = new("17", 170000, 1700, 202406281, 0xD116);
    public static readonly PgVersionInfo V18 = new("18", 180000, 1800, 202506291, 0xD118);

    /// <summary>All known versions, oldest first.</summary>
    public static IReadOnlyList<PgVersionInfo> All { get; } = [V93, V94, V95, V96, V10, V11, V12, V13, V14, V15, V16, V17, V18];

    private const string SupportedHint = "\nHINT: is this version of PostgreSQL supported?";

    /// <summary>Looks up a <c>db-version</c> string such as <c>"15"</c> or <c>"9.6"</c>.</summary>
    public static PgVersionInfo FromVersion(string version) =>
        TryFromVersion(version, out PgVersionInfo? info)
            ? info
            : throw new PgRestException(ErrorCode.VersionNotSupported, $"invalid PostgreSQL version '{version}'" + SupportedHint);

    public static bool TryFromVersion(string version, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PgVersionInfo? info)
    {
        foreach (PgVersionInfo candidate in All)
        {
            if (candidate.Version == version)
            {
                info = candidate;
                return true;
            }
        }

        info = null;
        return false;
    }

    /// <summary>Identifies the version that wrote a pg_control file (pgBackRest matches both numbers).</summary>
    public static PgVersionInfo FromControl(uint controlVersion, uint catalogVersion)
    {
        foreach (PgVersionInfo candidate in All)
        {
            if (candidate.ControlVersion == controlVersion && candidate.CatalogVersion == catalogVersion)
                return candidate;
        }

        throw new PgRestException(
            ErrorCode.VersionNotSupported,
            $"unexpected control version = {controlVersion} and catalog version = {catalogVersion}" + SupportedHint);
    }

    /// <summary>Identifies the version that wrote a WAL segment from its page magic.</summary>
    public static PgVersionInfo FromWalMagic(ushort magic)
    {
        foreach (PgVersionInfo candidate in All)
        {
            if (candidate.WalMagic == magic)
                return candidate;
        }

        throw new PgRestException(ErrorCode.VersionNotSupported, $"unexpected WAL magic {magic}" + SupportedHint);
    }

    /// <summary>Looks up the version of a running server from <c>server_version_num</c> (e.g. 150004).</summary>
    public static PgVersionInfo FromServerVersionNum(int serverVersionNum)
    {
        int major = serverVersionNum / 100 * 100;

        foreach (PgVersionInfo candidate in All)
        {
            if (candidate.VersionNum == major)
                return candidate;
        }

        throw new PgRestException(
            ErrorCode.VersionNotSupported, $"invalid PostgreSQL version {major}" + SupportedHint);
    }

    /// <summary>
    /// <c>server_version_num</c> to pgBackRest's version string: 150004 → "15", 90624 → "9.6". Works for unknown
    /// versions too (no table lookup).
    /// </summary>
    public static string VersionFromServerVersionNum(int serverVersionNum)
    {
        if (serverVersionNum <= 0)
            throw new PgRestException(ErrorCode.VersionNotSupported, $"invalid PostgreSQL version {serverVersionNum}" + SupportedHint);

        return serverVersionNum >= 100000
            ? (serverVersionNum / 10000).ToString(CultureInfo.InvariantCulture)
            : (serverVersionNum / 10000).ToString(CultureInfo.InvariantCulture) + "."
              + (serverVersionNum % 10000 / 100).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Version string to major version number: "9.6" → 90600, "15" → 150000.</summary>
    public static int VersionNumFromVersion(string version)
    {
        int dot = version.IndexOf('.', StringComparison.Ordinal);

        if (dot < 0 && int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out int major) && major >= 10)
            return major * 10000;

        if (dot > 0
            && int.TryParse(version.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out int oldMajor)
            && int.TryParse(version.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int oldMinor)
            && oldMajor < 10 && oldMinor < 100)
        {
            return oldMajor * 10000 + oldMinor * 100;
        }

        throw new PgRestException(ErrorCode.VersionNotSupported, $"invalid PostgreSQL version '{version}'" + SupportedHint);
    }
}
