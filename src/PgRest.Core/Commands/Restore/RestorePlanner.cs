using System.Globalization;
using PgRest.Common;
using PgRest.Errors;
using PgRest.Info;
using PgRest.Postgres;

namespace PgRest.Commands.Restore;

/// <summary>What <c>--delta</c>/<c>--force</c> does with a file that is already in the data directory.</summary>
public enum ExistingFileAction
{
    /// <summary>Written from the repository.</summary>
    Rewrite,

    /// <summary>Left as it is (mode, owner and time are set again).</summary>
    Keep,

    /// <summary>Truncated to the manifest size when longer, then kept when empty or when its SHA-1 matches the manifest.</summary>
    CompareChecksum,
}

/// <summary>The decisions of <c>restore</c> that need no repository and no file content (pgbackrest-format.md, "7. Restore").</summary>
public static class RestorePlanner
{
    /// <summary>
    /// The backup to restore from one repository's backup.info, or null when this repository has none that fits (the
    /// next one is asked): <paramref name="set"/> when given; for the latest set and <c>--type=time</c> the newest backup
    /// that stopped before the target, for <c>--type=lsn</c> the newest that stopped at or before it, otherwise the
    /// newest. Only backups of the current cluster count for the latest set.
    /// </summary>
    public static string? SelectBackup(BackupInfo info, string set, string type, string? target)
    {
        if (set != "latest")
            return info.Current.ContainsKey(set) ? set : null;

        var candidates = info.Current.Values.Where(b => b.DbId == info.DbId).OrderBy(b => b.Label, StringComparer.Ordinal).ToList();
        if (type == "time" && target is not null)
        {
            var time = ParseTargetTime(target);
            return candidates.LastOrDefault(b => b.TimestampStop < time)?.Label;
        }

        if (type == "lsn" && target is not null)
        {
            var lsn = Lsn.Parse(target);
            return candidates.LastOrDefault(b => b.LsnStop is not null && Lsn.Parse(b.LsnStop) <= lsn)?.Label;
        }

        return candidates.Count == 0 ? null : candidates[^1].Label;
    }

    /// <summary>
    /// The recovery type restore writes: as pgBackRest, an offline backup (taken with <c>--no-online</c>, perhaps at
    /// wal_level=minimal) gets none unless <c>--type</c> was given, so PostgreSQL starts without asking the archive.
    /// </summary>
    public static string RecoveryType(string configured, bool givenByUser, bool backupOnline) =>
        !givenByUser && !backupOnline ? "none" : configured;

    /// <summary>pgBackRest's error when no repository has a backup that <see cref="SelectBackup"/> would take.</summary>
    public static PgRestException NoBackupFound(string set, string type, string? target) => new(ErrorCode.BackupSetInvalid,
        set != "latest" ? $"backup set {set} is not valid"
        : type == "time" && target is not null ? $"unable to find backup set with stop time less than '{target}'"
        : type == "lsn" && target is not null ? $"unable to find backup set with lsn less than or equal to '{target}'"
        : "no backup set found to restore");

    /// <summary><c>YYYY-MM-DD HH:MM:SS[.fraction][±TZ]</c>; without a zone the time is local, as PostgreSQL reads it.</summary>
    public static long ParseTargetTime(string target)
    {
        var text = target.Trim();
        string[] formats =
        [
            "yyyy-MM-dd HH:mm:ss.FFFFFFzzz", "yyyy-MM-dd HH:mm:ss.FFFFFFzz", "yyyy-MM-dd HH:mm:ss.FFFFFF zzz", "yyyy-MM-dd HH:mm:ss.FFFFFF zz",
            "yyyy-MM-dd HH:mm:sszzz", "yyyy-MM-dd HH:mm:sszz", "yyyy-MM-dd HH:mm:ss zzz", "yyyy-MM-dd HH:mm:ss zz",
        ];
        if (DateTimeOffset.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var withZone))
            return withZone.ToUnixTimeSeconds();
        if (DateTime.TryParseExact(text, ["yyyy-MM-dd HH:mm:ss.FFFFFF", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var local))
            return new DateTimeOffset(local).ToUnixTimeSeconds();
        if (text.EndsWith(" UTC", StringComparison.OrdinalIgnoreCase) || text.EndsWith(" GMT", StringComparison.OrdinalIgnoreCase))
            return ParseTargetTime(text[..^4] + "+00");
        throw new PgRestException(ErrorCode.Format,
            $"automatic backup set selection cannot be performed with provided time '{target}'\nHINT: time format must be YYYY-MM-DD HH:MM:SS with optional msec and optional timezone (+/- HH or HHMM or HH:MM) - if timezone is omitted, local time is assumed (for UTC use +00)");
    }

    /// <summary>
    /// <c>--delta</c>: a file of the manifest size or longer is compared by checksum (a shorter one is rewritten).
    /// <c>--force</c> alone rewrites everything; with <c>--delta</c> a file is kept when its size and
    /// mtime match the manifest and the mtime predates the backup's copy start (so it cannot have changed unseen).
    /// </summary>
    public static ExistingFileAction Decide(FileStatus? existing, ManifestFile file, bool delta, bool force, long timestampCopyStart)
    {
        if (existing is not { Kind: FileKind.File } current || !(delta || force) || (force && !delta))
            return ExistingFileAction.Rewrite;
        if (force)
        {
            return current.Size == (long)file.Size && current.ModifiedSeconds == file.Timestamp && current.ModifiedSeconds < timestampCopyStart
                ? ExistingFileAction.Keep
                : ExistingFileAction.Rewrite;
        }

        return current.Size < (long)file.Size ? ExistingFileAction.Rewrite : ExistingFileAction.CompareChecksum;
    }
}
