using PgRest.Errors;
using PgRest.Json;

namespace PgRest.Info;

/// <summary>
/// Owner (user or group) name as stored in a manifest. <see cref="Name"/> null means the id could not be mapped to a
/// name when the backup was made (stored as JSON <c>false</c>).
/// </summary>
public readonly record struct ManifestOwner(string? Name)
{
    public static ManifestOwner Unmapped => default;

    public bool IsMapped => Name is not null;

    public override string ToString() => Name ?? "<unmapped>";

    internal JsonValue ToJson() => Name is null ? JsonValue.Create(false) : JsonValue.Create(Name);

    internal static ManifestOwner FromJson(JsonValue value)
    {
        if (value is JsonBool boolean)
        {
            return boolean.Value
                ? throw new PgRestException(ErrorCode.Format, "owner bool must be false")
                : Unmapped;
        }

        return new ManifestOwner(value.GetString());
    }
}

/// <summary>
/// The <c>[target:*:default]</c> values: an entry whose user, group or mode equals these is written without it.
/// pgBackRest derives all of them from the <c>pg_data</c> directory (see <see cref="FromPgData"/>).
/// </summary>
public sealed record ManifestDefaults(
    ManifestOwner FileUser,
    ManifestOwner FileGroup,
    UnixFileMode FileMode,
    ManifestOwner PathUser,
    ManifestOwner PathGroup,
    UnixFileMode PathMode,
    ManifestOwner LinkUser,
    ManifestOwner LinkGroup)
{
    /// <summary>pgBackRest's rule: owner of pg_data for everything, path mode = pg_data mode, file mode = that &amp; 0640.</summary>
    public static ManifestDefaults FromPgData(ManifestOwner user, ManifestOwner group, UnixFileMode pgDataMode)
    {
        const UnixFileMode fileMask = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
        return new ManifestDefaults(user, group, pgDataMode & fileMask, user, group, pgDataMode, user, group);
    }
}

public enum ManifestTargetType { Path, Link }

/// <summary>A <c>[backup:target]</c> entry: pg_data, a tablespace (<c>pg_tblspc/&lt;oid&gt;</c>) or a linked file/path.</summary>
public sealed class ManifestTarget
{
    public required string Name { get; init; }

    /// <summary>Directory of the target (for a file link, the directory containing the file).</summary>
    public required string Path { get; set; }

    /// <summary>File name when the target is a link to a single file.</summary>
    public string? File { get; set; }

    public uint? TablespaceId { get; set; }

    public string? TablespaceName { get; set; }

    public ManifestTargetType Type { get; set; }
}

/// <summary>A <c>[db]</c> entry: database name and oid.</summary>
public sealed class ManifestDb
{
    public required string Name { get; init; }

    public uint Id { get; set; }

    /// <summary>Deprecated by pgBackRest (newer versions store template0's oid); kept for the format.</summary>
    public uint LastSystemId { get; set; }
}

/// <summary>A <c>[target:path]</c> entry. Null user/group/mode means "the default" (see <see cref="Manifest.Defaults"/>).</summary>
public sealed class ManifestPath
{
    public required string Name { get; init; }

    public UnixFileMode? Mode { get; set; }

    public ManifestOwner? User { get; set; }

    public ManifestOwner? Group { get; set; }
}

/// <summary>A <c>[target:link]</c> entry. Null user/group means "the default".</summary>
public sealed class ManifestLink
{
    public required string Name { get; init; }

    public required string Destination { get; set; }

    public ManifestOwner? User { get; set; }

    public ManifestOwner? Group { get; set; }
}

/// <summary>A <c>[target:file]</c> entry. Null user/group/mode means "the default".</summary>
public sealed class ManifestFile
{
    /// <summary>SHA-1 of empty content, implied for files of size 0.</summary>
    public const string ZeroChecksum = "da39a3ee5e6b4b0d3255bfef95601890afd80709";

    /// <summary><c>bi</c> is stored in units of this many bytes.</summary>
    public const ulong BlockIncrSizeFactor = 8192;

    /// <summary><c>bic</c> is written only when it differs from this.</summary>
    public const ulong BlockIncrChecksumSizeDefault = 6;

    /// <summary>Manifest name, e.g. <c>pg_data/base/1/1247</c> or <c>pg_tblspc/16384/PG_15_202209061/16385/16394</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Size copied (<c>size</c>).</summary>
    public ulong Size { get; set; }

    /// <summary>Size seen when the manifest was built, when different from <see cref="Size"/> (<c>szo</c>, 2.47+).</summary>
    public ulong? SizeOriginal { get; set; }

    /// <summary>Bytes stored in the repository (<c>repo-size</c>); null means equal to <see cref="Size"/>.</summary>
    public ulong? RepoSize { get; set; }

    /// <summary>Modification time, epoch seconds.</summary>
    public long Timestamp { get; set; }

    /// <summary>SHA-1 (hex) of the original content. For size 0 the reader fills in <see cref="ZeroChecksum"/>; the
    /// writer never writes it for size 0. Null in a partial manifest for files not copied yet.</summary>
    public string? Checksum { get; set; }

    /// <summary>Page checksum result: null = not checked, true = all valid, false = errors.</summary>
    public bool? ChecksumPage { get; set; }

    /// <summary>The <c>checksum-page-error</c> array as read (block numbers, runs as <c>[first,last]</c>).</summary>
    public JsonValue? ChecksumPageErrors { get; set; }

    /// <summary>SHA-1 (hex) of the bytes as stored in the repository (<c>rck</c>).</summary>
    public string? RepoChecksum { get; set; }

    /// <summary>Label of the earlier backup holding the data; null when this backup holds it.</summary>
    public string? Reference { get; set; }

    /// <summary>Bundle id (<c>bni</c>); null when not bundled.</summary>
    public ulong? BundleId { get; set; }

    /// <summary>Offset inside the bundle (<c>bno</c>).</summary>
    public ulong BundleOffset { get; set; }

    /// <summary>Block size in bytes for block-incremental files (stored as <c>bi</c> = size / 8192); 0 = not block incremental.</summary>
    public ulong BlockIncrSize { get; set; }

    /// <summary>Block checksum size in bytes (<c>bic</c>).</summary>
    public ulong BlockIncrChecksumSize { get; set; } = BlockIncrChecksumSizeDefault;

    /// <summary>Stored size of the block map at the end of the repo stream (<c>bim</c>); 0 = none.</summary>
    public ulong BlockIncrMapSize { get; set; }

    public UnixFileMode? Mode { get; set; }

    public ManifestOwner? User { get; set; }

    public ManifestOwner? Group { get; set; }

    /// <summary>Repository size with pgBackRest's fallback to <see cref="Size"/>.</summary>
    public ulong EffectiveRepoSize => RepoSize ?? Size;

    /// <summary>Checksum with the implied value for empty files.</summary>
    public string? EffectiveChecksum => Size == 0 ? ZeroChecksum : Checksum;

    /// <summary>Collapses ascending 0-based block numbers into pgBackRest's list form, e.g. 1,5,6,7,12 → [1,[5,7],12].</summary>
    public static JsonArray EncodePageErrors(IEnumerable<ulong> blocks)
    {
        var result = new JsonArray();
        ulong? runStart = null;
        ulong runEnd = 0;

        foreach (ulong block in blocks)
        {
            if (runStart is not null && block == runEnd + 1)
            {
                runEnd = block;
                continue;
            }

            if (runStart is not null)
                result.Add(PageRun(runStart.Value, runEnd));
            runStart = block;
            runEnd = block;
        }

        if (runStart is not null)
            result.Add(PageRun(runStart.Value, runEnd));
        return result;
    }

    /// <summary>Expands a <c>checksum-page-error</c> array into block numbers.</summary>
    public static IEnumerable<ulong> ExpandPageErrors(JsonValue errors)
    {
        foreach (JsonValue item in errors.AsArray())
        {
            if (item is JsonArray range)
            {
                if (range.Count != 2)
                    throw new PgRestException(ErrorCode.Format, "page error range must have two elements");
                for (ulong block = range[0].GetUInt64(); block <= range[1].GetUInt64(); block++)
                    yield return block;
            }
            else
            {
                yield return item.GetUInt64();
            }
        }
    }

    private static JsonValue PageRun(ulong first, ulong last) =>
        first == last ? JsonValue.Create(first) : new JsonArray([JsonValue.Create(first), JsonValue.Create(last)]);
}

/// <summary>The <c>[backup:option]</c> section. Nullable options are written only when known.</summary>
public sealed class ManifestBackupOptions
{
    public bool ArchiveCheck { get; set; }

    public bool ArchiveCopy { get; set; }

    public bool? BackupStandby { get; set; }

    public ulong? BufferSize { get; set; }

    public bool? ChecksumPage { get; set; }

    /// <summary>"none", "gz", "lz4", "zst", "bz2" (or "xz"); <c>option-compress</c> is written as (type ≠ none).</summary>
    public string CompressType { get; set; } = "none";

    public int? CompressLevel { get; set; }

    public int? CompressLevelNetwork { get; set; }

    /// <summary>Delta after auto-enable.</summary>
    public bool? Delta { get; set; }

    public bool Hardlink { get; set; }

    public bool Online { get; set; }

    public uint? ProcessMax { get; set; }
}

internal static class ManifestMode
{
    public static UnixFileMode Parse(string text)
    {
        if (text.Length == 0 || text.Any(digit => digit is < '0' or > '7'))
            throw new PgRestException(ErrorCode.Format, $"invalid mode '{text}'");
        return (UnixFileMode)Convert.ToInt32(text, 8);
    }

    /// <summary>Four-digit octal as pgBackRest's <c>%04o</c>.</summary>
    public static string Format(UnixFileMode mode) =>
        Convert.ToString((int)mode, 8).PadLeft(4, '0');

}
