using System.Globalization;
using System.Text;
using PgRest.Logging;

namespace PgRest.Commands.Verify;

/// <summary>A file that failed verification: its name as reported (relative to the stanza's archive or backup path) and why.</summary>
internal sealed record InvalidFile(string Name, VerifyResult Reason);

/// <summary>A run of consecutive WAL segments on one timeline; a new range starts after every gap.</summary>
internal sealed class WalRange(string start)
{
    public string Start { get; } = start;

    public string Stop { get; set; } = start;
}

/// <summary>What verify found in one archive id directory (e.g. <c>15-1</c>).</summary>
internal sealed class ArchiveIdResult(string archiveId)
{
    public string ArchiveId { get; } = archiveId;

    /// <summary>WAL files listed, duplicates included (those are skipped, not checked).</summary>
    public int TotalWalFile { get; set; }

    public int TotalValidWal { get; set; }

    /// <summary>Segment size read from the first readable WAL header; 0 until known.</summary>
    public uint WalSegmentSize { get; set; }

    public List<WalRange> Ranges { get; } = [];

    public List<InvalidFile> InvalidFiles { get; } = [];

    /// <summary>Segments whose stored file was checked and found valid (for the WAL each backup needs).</summary>
    public HashSet<string> ValidSegments { get; } = new(StringComparer.Ordinal);
}

internal enum BackupStatus
{
    Valid,
    Invalid,
    ManifestMissing,
    InProgress,
}

/// <summary>What verify found for one backup label directory.</summary>
internal sealed class BackupResult(string label)
{
    public string Label { get; } = label;

    public BackupStatus Status { get; set; } = BackupStatus.Valid;

    /// <summary>Set once every file of the backup has been judged: later backups then reuse the verdicts for files they reference.</summary>
    public bool FileVerifyComplete { get; set; }

    public int TotalFileManifest { get; set; }

    public int TotalFileVerify { get; set; }

    public int TotalFileValid { get; set; }

    /// <summary>Invalid files by reported name (first verdict wins).</summary>
    public Dictionary<string, InvalidFile> InvalidFiles { get; } = new(StringComparer.Ordinal);

    public void AddInvalid(InvalidFile file) => InvalidFiles.TryAdd(file.Name, file);
}

/// <summary>The text pgBackRest 2.45's verify prints (and logs), line for line.</summary>
internal static class VerifyReport
{
    public static string Render(IReadOnlyList<ArchiveIdResult> archives, IReadOnlyList<BackupResult> backups, bool verbose)
    {
        var text = new StringBuilder();
        if (verbose && archives.Count == 0)
        {
            text.Append("\n  archiveId: none found");
        }
        else
        {
            foreach (var archive in archives)
            {
                if (verbose || archive.TotalWalFile != archive.TotalValidWal)
                    text.Append(CultureInfo.InvariantCulture, $"\n  archiveId: {archive.ArchiveId}, total WAL checked: {archive.TotalWalFile}, total valid WAL: {archive.TotalValidWal}");

                if (archive.TotalWalFile > 0)
                {
                    foreach (var range in archive.Ranges)
                        Log.Detail($"archiveId: {archive.ArchiveId}, wal start: {range.Start}, wal stop: {range.Stop}");
                    AppendErrorCounts(text, archive.InvalidFiles, verbose);
                }
            }
        }

        if (verbose && backups.Count == 0)
        {
            text.Append("\n  backup: none found");
        }
        else
        {
            foreach (var backup in backups)
            {
                var status = backup.Status switch
                {
                    BackupStatus.Invalid => "invalid",
                    BackupStatus.ManifestMissing => "manifest missing",
                    BackupStatus.InProgress => "in-progress",
                    _ => "valid",
                };

                if (verbose || backup.Status is BackupStatus.Invalid or BackupStatus.ManifestMissing)
                    text.Append(CultureInfo.InvariantCulture, $"\n  backup: {backup.Label}, status: {status}, total files checked: {backup.TotalFileVerify}, total valid files: {backup.TotalFileValid}");

                if (backup.TotalFileVerify > 0)
                    AppendErrorCounts(text, backup.InvalidFiles.Values, verbose);
            }
        }

        return text.ToString();
    }

    /// <summary>Verbose lists every count; otherwise only the kinds of error that occurred, and nothing when none did.</summary>
    private static void AppendErrorCounts(StringBuilder text, IEnumerable<InvalidFile> invalidFiles, bool verbose)
    {
        int missing = 0, checksum = 0, size = 0, other = 0;
        foreach (var file in invalidFiles)
        {
            switch (file.Reason)
            {
                case VerifyResult.FileMissing: missing++; break;
                case VerifyResult.ChecksumMismatch: checksum++; break;
                case VerifyResult.SizeInvalid: size++; break;
                default: other++; break;
            }
        }

        if (!verbose && missing + checksum + size + other == 0)
            return;

        var parts = new List<string>(4);
        if (verbose || missing > 0)
            parts.Add(FormattableString.Invariant($"missing: {missing}"));
        if (verbose || checksum > 0)
            parts.Add(FormattableString.Invariant($"checksum invalid: {checksum}"));
        if (verbose || size > 0)
            parts.Add(FormattableString.Invariant($"size invalid: {size}"));
        if (verbose || other > 0)
            parts.Add(FormattableString.Invariant($"other: {other}"));
        text.Append("\n    ").Append(string.Join(", ", parts));
    }

    /// <summary>What a failed check is called in the log.</summary>
    public static string Describe(VerifyResult result) => result switch
    {
        VerifyResult.FileMissing => "file missing",
        VerifyResult.ChecksumMismatch => "invalid checksum",
        VerifyResult.SizeInvalid => "invalid size",
        _ => "invalid result",
    };
}
