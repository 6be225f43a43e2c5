using System.Globalization;
using PgRest.BlockIncr;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Filters;
using PgRest.Info;
using PgRest.Repository;

namespace PgRest.Commands.Backup;

/// <summary>Bundling of small files (<c>repo-bundle</c>): files up to <paramref name="Limit"/> bytes share bundles of about <paramref name="Size"/>.</summary>
public sealed record BundleSettings(long Limit, long Size);

/// <summary>
/// One file to read from PGDATA; <paramref name="DeltaPrior"/> is the prior backup's entry to compare checksums with
/// (<c>--delta</c>), <paramref name="BlockPrior"/> the prior entry whose block map the file is compared with block by block.
/// </summary>
public sealed record FileToCopy(ManifestFile Entry, ManifestFile? DeltaPrior, ManifestFile? BlockPrior = null);

/// <summary>Block incremental in this backup: the policy that sizes blocks, and the backup's start (file ages count from it).</summary>
public sealed record BlockIncrPlan(BlockIncrPolicy Policy, long TimestampStart);

/// <summary>A unit of copy work: one file stored on its own, or the files of one bundle written one after another.</summary>
public sealed record CopyUnit(ulong? BundleId, IReadOnlyList<FileToCopy> Files)
{
    public long Size => Files.Sum(file => (long)file.Entry.Size);
}

/// <summary>What a backup reads and what it takes from the prior backup without reading.</summary>
public sealed record BackupCopyPlan(
    IReadOnlyList<(ManifestFile Entry, ManifestFile Prior)> References,
    IReadOnlyList<ManifestFile> EmptyInBundle,
    IReadOnlyList<CopyUnit> Units)
{
    /// <summary>Bytes to read (what the progress and the manifest save interval count).</summary>
    public long TotalBytes => Units.Sum(unit => unit.Size);
}

/// <summary>The decisions of a backup that need no file, database or repository: prior backup, label, what to copy.</summary>
public static class BackupPlanner
{
    /// <summary>
    /// The backup a diff or incr builds on: diff on the newest full, incr on the newest backup of any type, of the
    /// current cluster. Without one the backup becomes a full one (pgBackRest warns and goes on).
    /// </summary>
    public static (BackupType Type, BackupInfoEntry? Prior) SelectPrior(BackupInfo info, BackupType requested)
    {
        if (requested == BackupType.Full)
            return (BackupType.Full, null);

        BackupInfoEntry? prior = null;
        foreach (var backup in info.Current.Values)
        {
            if (backup.DbId != info.DbId || (requested == BackupType.Diff && backup.Type != BackupType.Full))
                continue;
            if (prior is null || string.CompareOrdinal(backup.Label, prior.Label) > 0)
                prior = backup;
        }

        return prior is null ? (BackupType.Full, null) : (requested, prior);
    }

    /// <summary>
    /// The label from the start time, which must sort after every label listed in backup.info or found in the
    /// repository; as pgBackRest, one second later is tried once before failing with <c>[086]</c>.
    /// </summary>
    public static string NewLabel(IEnumerable<string> existingLabels, BackupType type, string? priorLabel, long timestampStart)
    {
        var latest = "";
        foreach (var label in existingLabels)
        {
            var time = BackupLabels.TimePart(label);
            if (string.CompareOrdinal(time, latest) > 0)
                latest = time;
        }

        for (var attempt = 0; attempt < 2; attempt++)
        {
            var time = DateTimeOffset.FromUnixTimeSeconds(timestampStart + attempt).ToLocalTime().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
            if (string.CompareOrdinal(time, latest) > 0)
            {
                return type == BackupType.Full ? time + "F"
                    : BackupLabels.FullLabelOf(priorLabel!) + "_" + time + (type == BackupType.Diff ? "D" : "I");
            }
        }

        throw new PgRestException(ErrorCode.Clock,
            $"new backup label is not later than latest backup label '{latest}'\nHINT: has the timezone changed?\nHINT: is there clock skew?");
    }

    /// <summary>
    /// Why the interrupted backup <paramref name="resumed"/> (its saved manifest) cannot be taken over by the new
    /// <paramref name="manifest"/>: another format version, type, prior or compression; null when it can.
    /// </summary>
    public static string? WhyNotResumable(Manifest resumed, Manifest manifest, CompressType compressType, string formatVersion)
    {
        var resumedCompress = CompressTypes.Parse(resumed.Options.CompressType);
        // pgrest records 2.46 in manifests with block-incremental files; both are its own.
        if (resumed.BackrestVersion != formatVersion && !(formatVersion == PgRestVersion.FormatVersion && resumed.BackrestVersion == PgRestVersion.BlockIncrFormatVersion))
            return $"new pgBackRest version '{formatVersion}' does not match resumable pgBackRest version '{resumed.BackrestVersion}'";
        if (resumed.Type != manifest.Type)
            return $"new backup type '{manifest.Type.ToText()}' does not match resumable backup type '{resumed.Type.ToText()}'";
        if (resumed.Prior != manifest.Prior)
            return $"new prior backup label '{resumed.Prior ?? "<undef>"}' does not match resumable prior backup label '{manifest.Prior ?? "<undef>"}'";
        if (resumedCompress != compressType)
            return $"new compression '{CompressTypes.Name(compressType)}' does not match resumable compression '{CompressTypes.Name(resumedCompress)}'";
        return null;
    }

    /// <summary>
    /// Why a file stored by the interrupted backup cannot be kept (pgBackRest 2.45 <c>backupResumeClean</c>); null when
    /// its saved checksum can stand for the file: same compression, a new and a saved entry that are not references,
    /// with a checksum, the same size and (without delta) the same timestamp, and not empty.
    /// </summary>
    public static string? WhyNotKept(CompressType storedCompress, CompressType compressType, ManifestFile? file, ManifestFile? saved, bool delta, bool referenced)
    {
        if (storedCompress != compressType)
            return "mismatched compression type";
        if (file is null)
            return "missing in manifest";
        if (file.Reference is not null || referenced)
            return "reference in manifest";
        if (saved is null)
            return "missing in resumed manifest";
        if (saved.Reference is not null)
            return "reference in resumed manifest";
        if (saved.Checksum is null)
            return "no checksum in resumed manifest";
        if (file.Size != saved.Size)
            return "mismatched size";
        if (!delta && file.Timestamp != saved.Timestamp)
            return "mismatched timestamp";
        return file.Size == 0 ? "zero size" : null;
    }

    /// <summary>A file of a diff/incr that is referenced without reading it: empty then and now, or (without delta) same size and mtime.</summary>
    public static bool Unchanged(ManifestFile entry, ManifestFile prior, bool delta) =>
        (entry.Size == 0 && prior.Size == 0) || (!delta && entry.Size == prior.Size && entry.Timestamp == prior.Timestamp);

    /// <summary>
    /// Splits the manifest's files into those referenced from <paramref name="prior"/> unread and those to copy, and
    /// groups the latter into work units, largest first. With bundling, files up to the limit (not resumed ones, which
    /// are already stored on their own) go into bundles in timestamp order, a bundle closing once it reaches the bundle
    /// size; empty files are not stored at all.
    /// </summary>
    public static BackupCopyPlan PlanCopy(
        IReadOnlyList<ManifestFile> files, Manifest? prior, bool delta, BundleSettings? bundle, IReadOnlySet<string> resumed,
        BlockIncrPlan? blockIncr = null)
    {
        var priorFiles = prior?.Files.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var references = new List<(ManifestFile, ManifestFile)>();
        var toCopy = new List<FileToCopy>();
        foreach (var entry in files)
        {
            ManifestFile? priorFile = null;
            if (priorFiles is not null && priorFiles.TryGetValue(entry.Name, out priorFile) && Unchanged(entry, priorFile, delta))
            {
                references.Add((entry, priorFile));
                continue;
            }

            var blockPrior = blockIncr is null ? null : AssignBlockSize(entry, priorFile, blockIncr);
            toCopy.Add(new FileToCopy(entry, delta && priorFile is { Size: > 0 } && priorFile.Size == entry.Size ? priorFile : null, blockPrior));
        }

        if (bundle is null)
            return new BackupCopyPlan(references, [], Largest(toCopy.Select(file => new CopyUnit(null, [file]))));

        bool Bundled(FileToCopy file) => file.Entry.Size > 0 && (long)file.Entry.Size <= bundle.Limit && !resumed.Contains(file.Entry.Name);
        var units = new List<CopyUnit>();
        List<FileToCopy>? current = null;
        long currentSize = 0;
        var small = toCopy.Where(Bundled).OrderBy(f => f.Entry.Timestamp).ThenBy(f => f.Entry.Name, StringComparer.Ordinal);
        foreach (var file in small)
        {
            if (current is null || currentSize >= bundle.Size)
            {
                current = [];
                currentSize = 0;
                units.Add(new CopyUnit((ulong)units.Count + 1, current));
            }

            current.Add(file);
            currentSize += (long)file.Entry.Size;
        }

        units.AddRange(toCopy.Where(f => f.Entry.Size > 0 && !Bundled(f)).Select(file => new CopyUnit(null, [file])));
        var empty = toCopy.Where(f => f.Entry.Size == 0).Select(f => f.Entry).ToList();
        return new BackupCopyPlan(references, empty, Largest(units));
    }

    /// <summary>
    /// Gives a file to copy its block and checksum sizes (pgbackrest-after-2.45.md, "2.2"): those of the prior backup when
    /// it stored the file with a map and the file is not smaller than one of its blocks (a set never changes a file's
    /// block size), and that prior entry is returned, to compare blocks with; otherwise the policy's, by size and age.
    /// </summary>
    public static ManifestFile? AssignBlockSize(ManifestFile entry, ManifestFile? prior, BlockIncrPlan blockIncr)
    {
        if (entry.Size == 0)
            return null;
        if (prior is { BlockIncrMapSize: > 0 } && entry.Size >= prior.BlockIncrSize)
        {
            entry.BlockIncrSize = prior.BlockIncrSize;
            entry.BlockIncrChecksumSize = prior.BlockIncrChecksumSize;
            return prior;
        }

        long blockSize = blockIncr.Policy.BlockSize((long)entry.Size, blockIncr.TimestampStart - entry.Timestamp);
        entry.BlockIncrSize = (ulong)blockSize;
        entry.BlockIncrChecksumSize = blockSize > 0 ? (ulong)blockIncr.Policy.ChecksumSize(blockSize) : ManifestFile.BlockIncrChecksumSizeDefault;
        return null;
    }

    private static List<CopyUnit> Largest(IEnumerable<CopyUnit> units) => units.OrderByDescending(unit => unit.Size).ToList();
}
