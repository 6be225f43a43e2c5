using PgRest.Errors;

namespace PgRest.Filters;

/// <summary>Repository compression (<c>compress-type</c>), pgbackrest-format.md, "4.1 Compression".</summary>
public enum CompressType
{
    None,
    Gz,
    Lz4,
    Zst,
    Bz2,
}

/// <summary>Names, file extensions and level limits of the compress types, as pgBackRest 2.45 has them.</summary>
public static class CompressTypes
{
    /// <summary>Parses a <c>compress-type</c> value (case-sensitive, like pgBackRest).</summary>
    public static CompressType Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name switch
        {
            "none" => CompressType.None,
            "gz" => CompressType.Gz,
            "lz4" => CompressType.Lz4,
            "zst" => CompressType.Zst,
            "bz2" => CompressType.Bz2,
            _ => throw new PgRestException(ErrorCode.OptionInvalidValue, $"'{name}' is not allowed for 'compress-type' option"),
        };
    }

    public static string Name(CompressType type) => type switch
    {
        CompressType.None => "none",
        CompressType.Gz => "gz",
        CompressType.Lz4 => "lz4",
        CompressType.Zst => "zst",
        CompressType.Bz2 => "bz2",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>The repository file extension including the dot; empty for <see cref="CompressType.None"/>.</summary>
    public static string Extension(CompressType type) => type switch
    {
        CompressType.None => "",
        CompressType.Gz => ".gz",
        CompressType.Lz4 => ".lz4",
        CompressType.Zst => ".zst",
        CompressType.Bz2 => ".bz2",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>The compress type a repository file name ends with; <see cref="CompressType.None"/> if no known extension.</summary>
    public static CompressType FromExtension(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        foreach (CompressType type in (ReadOnlySpan<CompressType>)[CompressType.Gz, CompressType.Lz4, CompressType.Zst, CompressType.Bz2])
        {
            if (fileName.EndsWith(Extension(type), StringComparison.Ordinal))
                return type;
        }

        return CompressType.None;
    }

    /// <summary>Default <c>compress-level</c>; 0 for <see cref="CompressType.None"/>, which has no level.</summary>
    public static int DefaultLevel(CompressType type) => type switch
    {
        CompressType.None => 0,
        CompressType.Gz => 6,
        CompressType.Lz4 => 1,
        CompressType.Zst => 3,
        CompressType.Bz2 => 9,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static int MinLevel(CompressType type) => type switch
    {
        CompressType.None => 0,
        CompressType.Gz => -1,
        CompressType.Lz4 => -5,
        CompressType.Zst => -7,
        CompressType.Bz2 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static int MaxLevel(CompressType type) => type switch
    {
        CompressType.None => 0,
        CompressType.Gz => 9,
        CompressType.Lz4 => 12,
        CompressType.Zst => 22,
        CompressType.Bz2 => 9,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
