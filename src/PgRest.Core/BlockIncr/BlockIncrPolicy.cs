using System.Globalization;
using PgRest.Config;
using PgRest.Errors;

namespace PgRest.BlockIncr;

/// <summary>
/// Which block size and checksum size a file gets (pgbackrest-after-2.45.md, "2.2 Enabling and choosing block sizes"):
/// the size map gives a block size by file size, the age map multiplies it for files not modified for a while (0: the
/// file is stored whole), the checksum size map gives the checksum bytes by block size. A user map replaces the
/// default one whole.
/// </summary>
public sealed class BlockIncrPolicy
{
    private const long KiB = 1024;
    private const long MiB = 1024 * KiB;
    private const long Day = 24 * 60 * 60;

    /// <summary>Block sizes are stored in the manifest as multiples of this.</summary>
    public const long BlockSizeFactor = 8192;

    /// <summary>The largest block a user's maps may make (a whole relation segment).</summary>
    public const long MaxBlockSize = 1024 * MiB;

    private static readonly (long FileSize, long BlockSize)[] DefaultSizeMap =
    [
        (914 * MiB, 88 * KiB), (740 * MiB, 80 * KiB), (585 * MiB, 72 * KiB), (448 * MiB, 64 * KiB), (329 * MiB, 56 * KiB),
        (228 * MiB, 48 * KiB), (146 * MiB, 40 * KiB), (96 * MiB, 32 * KiB), (43 * MiB, 24 * KiB), (11 * MiB, 16 * KiB),
        (16 * KiB, 8 * KiB),
    ];

    private static readonly (long AgeSeconds, long Multiplier)[] DefaultAgeMap = [(28 * Day, 0), (14 * Day, 4), (7 * Day, 2)];

    private static readonly (long BlockSize, int ChecksumSize)[] DefaultChecksumSizeMap =
    [
        (4 * MiB, 12), (2 * MiB, 11), (1 * MiB, 10), (512 * KiB, 9), (128 * KiB, 8), (32 * KiB, 7),
    ];

    private readonly (long FileSize, long BlockSize)[] _sizeMap;
    private readonly (long AgeSeconds, long Multiplier)[] _ageMap;
    private readonly (long BlockSize, int ChecksumSize)[] _checksumSizeMap;

    public BlockIncrPolicy(
        IEnumerable<(long FileSize, long BlockSize)>? sizeMap = null, IEnumerable<(long AgeSeconds, long Multiplier)>? ageMap = null,
        IEnumerable<(long BlockSize, int ChecksumSize)>? checksumSizeMap = null)
    {
        _sizeMap = [.. (sizeMap ?? DefaultSizeMap).OrderByDescending(entry => entry.FileSize)];
        _ageMap = [.. (ageMap ?? DefaultAgeMap).OrderByDescending(entry => entry.AgeSeconds)];
        _checksumSizeMap = [.. (checksumSizeMap ?? DefaultChecksumSizeMap).OrderByDescending(entry => entry.BlockSize)];
    }

    public static BlockIncrPolicy Default { get; } = new();

    /// <summary>
    /// The block size of a file of <paramref name="fileSize"/> bytes last modified <paramref name="ageSeconds"/> before
    /// the backup started; 0 when it is stored whole.
    /// </summary>
    public long BlockSize(long fileSize, long ageSeconds)
    {
        if (fileSize == 0)
            return 0;
        long blockSize = 0;
        foreach (var (threshold, size) in _sizeMap)
        {
            if (fileSize >= threshold)
            {
                blockSize = size;
                break;
            }
        }

        foreach (var (threshold, multiplier) in _ageMap)
        {
            if (ageSeconds >= threshold)
                return Math.Min(blockSize * multiplier, MaxBlockSize);
        }

        return blockSize;
    }

    /// <summary>Checksum bytes kept per block of this size.</summary>
    public int ChecksumSize(long blockSize)
    {
        foreach (var (threshold, size) in _checksumSizeMap)
        {
            if (blockSize >= threshold)
                return size;
        }

        return BlockChecksum.MinSize;
    }

    /// <summary>The policy of repository <paramref name="repoIndex"/>: its maps where set, the defaults otherwise.</summary>
    public static BlockIncrPolicy FromConfiguration(Configuration config, int repoIndex)
    {
        var sizeMap = config.Get(Options.RepoBlockSizeMap, repoIndex);
        var ageMap = config.Get(Options.RepoBlockAgeMap, repoIndex);
        var checksumSizeMap = config.Get(Options.RepoBlockChecksumSizeMap, repoIndex);
        return new BlockIncrPolicy(
            sizeMap.Count == 0 ? null : sizeMap.Select(entry => (
                Size(entry.Key, Options.RepoBlockSizeMap, repoIndex, entry), BlockSizeOf(entry.Value, Options.RepoBlockSizeMap, repoIndex, entry))),
            ageMap.Count == 0 ? null : ageMap.Select(entry => (
                Number(entry.Key, Options.RepoBlockAgeMap, repoIndex, entry) * Day, Multiplier(entry.Value, Options.RepoBlockAgeMap, repoIndex, entry))),
            checksumSizeMap.Count == 0 ? null : checksumSizeMap.Select(entry => (
                BlockSizeOf(entry.Key, Options.RepoBlockChecksumSizeMap, repoIndex, entry),
                ChecksumBytes(entry.Value, Options.RepoBlockChecksumSizeMap, repoIndex, entry))));
    }

    private static long Size(string text, OptionHandle option, int index, KeyValuePair<string, string> entry) =>
        OptionValueParser.TryParseSize(text, out long bytes) && bytes > 0 ? bytes : throw Invalid(option, index, entry);

    private static long BlockSizeOf(string text, OptionHandle option, int index, KeyValuePair<string, string> entry)
    {
        long bytes = Size(text, option, index, entry);
        return bytes % BlockSizeFactor == 0 && bytes <= MaxBlockSize ? bytes : throw Invalid(option, index, entry);
    }

    private static long Number(string text, OptionHandle option, int index, KeyValuePair<string, string> entry) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : throw Invalid(option, index, entry);

    private static long Multiplier(string text, OptionHandle option, int index, KeyValuePair<string, string> entry)
    {
        long value = Number(text, option, index, entry);
        return value <= 1024 ? value : throw Invalid(option, index, entry);
    }

    private static int ChecksumBytes(string text, OptionHandle option, int index, KeyValuePair<string, string> entry)
    {
        long value = Number(text, option, index, entry);
        return value is >= BlockChecksum.MinSize and <= BlockChecksum.MaxSize ? (int)value : throw Invalid(option, index, entry);
    }

    private static PgRestException Invalid(OptionHandle option, int index, KeyValuePair<string, string> entry) =>
        new(ErrorCode.OptionInvalidValue, $"'{entry.Key}={entry.Value}' is not valid for '{option.IndexedName(index)}' option");
}
