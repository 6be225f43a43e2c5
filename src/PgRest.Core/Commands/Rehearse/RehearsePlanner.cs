using System.Globalization;
using PgRest.Postgres;

namespace PgRest.Commands.Rehearse;

/// <summary>Where recovery ended: the timeline it was on and the end of the last record replayed (the new timeline's switch point).</summary>
public sealed record RecoveryEnd(uint Timeline, Lsn Lsn, uint NewTimeline, string Reason);

/// <summary>The verdict on a recovery: passed, or why not, with the server log lines that show it.</summary>
public sealed record RecoveryVerdict(bool Passed, string? Reason, IReadOnlyList<string> Evidence);

/// <summary>rehearse's decisions, pure: which scratch paths are safe, how the server is started, whether recovery went far enough.</summary>
public static class RehearsePlanner
{
    /// <summary>Recovery types that stop at a target (the rest recover to the end of the archive).</summary>
    public static bool HasTarget(string type) => type is "immediate" or "lsn" or "name" or "time" or "xid";

    /// <summary>
    /// Why <paramref name="scratch"/> may not be used: it is, is inside or holds one of the paths rehearse must never
    /// write to or remove (pg1-path and the other pgN-paths, lock-path, spool-path, log-path, posix repositories), given
    /// as (option, path) with symbolic links already resolved; null when it may.
    /// </summary>
    public static string? ScratchProblem(string scratch, IEnumerable<(string Option, string Path)> protectedPaths)
    {
        var rehearse = Normal(scratch);
        foreach (var (option, path) in protectedPaths)
        {
            var kept = Normal(path);
            if (rehearse == kept)
                return $"rehearse-path '{scratch}' is {option}: rehearse writes into its directory and removes what it wrote";
            if (rehearse.StartsWith(kept + "/", StringComparison.Ordinal))
                return $"rehearse-path '{scratch}' is inside {option} '{path}': rehearse never writes there";
            if (kept.StartsWith(rehearse + "/", StringComparison.Ordinal) || rehearse == "/")
                return $"rehearse-path '{scratch}' holds {option} '{path}': rehearse removes its directory at the end";
        }

        return null;
    }

    private static string Normal(string path) => path.Length > 1 ? System.IO.Path.GetFullPath(path).TrimEnd('/') : path;

    /// <summary>
    /// The server's settings, given on its command line so they win over the restored postgresql.conf and
    /// postgresql.auto.conf: only a private socket, no archiving, no hot standby (recovery then needs no parameter
    /// at least the primary's), little memory, nothing written outside the scratch directory, messages in English.
    /// </summary>
    public static IReadOnlyList<string> ServerArguments(int versionNum, string dataPath, string scratch, string socketDirectory, int port)
    {
        List<string> settings =
        [
            "data_directory=" + dataPath,
            "hba_file=" + System.IO.Path.Combine(scratch, "pg_hba.conf"),
            "ident_file=" + System.IO.Path.Combine(scratch, "pg_ident.conf"),
            "external_pid_file=",
            "port=" + port.ToString(CultureInfo.InvariantCulture),
            "listen_addresses=",
            "unix_socket_directories=" + socketDirectory,
            "unix_socket_permissions=0700",
            "archive_mode=off",
            "hot_standby=off",
            "shared_buffers=128MB",
            "huge_pages=off",
            "ssl=off",
            "logging_collector=off",
            "log_destination=stderr",
            "log_min_messages=warning",
            "log_line_prefix=%m [%p] ",
            "lc_messages=C",
            "cluster_name=pgrest-rehearse",
            "autovacuum=off",
            "jit=off",
            "synchronous_standby_names=",
            "primary_conninfo=",
            // Shell commands a former standby's configuration may keep: both run during archive recovery.
            "archive_cleanup_command=",
            "recovery_end_command=",
            // After promotion, subscriptions would connect to their publishers and move their slots on.
            "max_logical_replication_workers=0",
        ];
        if (HasStatsTempDirectory(versionNum))
            settings.Add("stats_temp_directory=" + StatsTempDirectory(scratch));
        if (versionNum >= 170000)
            settings.Add("event_triggers=off");

        List<string> arguments = ["-D", dataPath];
        foreach (var setting in settings)
            arguments.AddRange(["-c", setting]);
        return arguments;
    }

    /// <summary>Before 15 the statistics collector writes to stats_temp_directory, which Debian points outside PGDATA.</summary>
    public static bool HasStatsTempDirectory(int versionNum) => versionNum < 150000;

    public static string StatsTempDirectory(string scratch) => System.IO.Path.Combine(scratch, "pg_stat_tmp");

    /// <summary>Whether the server's socket fits in <paramref name="directory"/>: <c>&lt;dir&gt;/.s.PGSQL.&lt;port&gt;</c> is at most 107 bytes.</summary>
    public static bool SocketDirectoryFits(string directory) => System.Text.Encoding.UTF8.GetByteCount(directory) + "/.s.PGSQL.65535".Length <= 107;

    /// <summary>Directories to look for <c>postgres</c> of <paramref name="major"/> in, best first.</summary>
    public static IReadOnlyList<string> BinaryDirectories(string major, string? runningServerDirectory, string? pathVariable)
    {
        List<string> directories = [];
        if (runningServerDirectory is not null)
            directories.Add(runningServerDirectory);
        directories.AddRange([$"/usr/lib/postgresql/{major}/bin", $"/usr/pgsql-{major}/bin", $"/usr/local/pgsql-{major}/bin", "/usr/local/pgsql/bin"]);
        // A relative PATH entry ('.') would run a postgres from wherever cron started.
        foreach (var entry in (pathVariable ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (entry.StartsWith('/'))
                directories.Add(entry);
        }
        return directories.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The version in <c>postgres --version</c> output ("postgres (PostgreSQL) 15.4 (Debian 15.4-1)" is 15.4); null when unreadable.</summary>
    public static string? VersionOfVersionOutput(string output)
    {
        const string marker = "(PostgreSQL) ";
        var at = output.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
            return null;
        var version = output[(at + marker.Length)..].Split([' ', '\n', '\r'], 2)[0].Trim();
        return version.Length > 0 && char.IsAsciiDigit(version[0]) ? version : null;
    }

    /// <summary>The major of a server version (15.4 and 15beta1 are 15; before 10 it has two parts: 9.6.24 is 9.6); null when unreadable.</summary>
    public static string? MajorOf(string? version)
    {
        if (version is null)
            return null;
        var parts = version.Split('.');
        var digits = new string(parts[0].TakeWhile(char.IsAsciiDigit).ToArray());
        if (digits.Length == 0)
            return null;
        return int.Parse(digits, CultureInfo.InvariantCulture) < 10 && parts.Length > 1 ? digits + "." + parts[1] : digits;
    }

    /// <summary>A restore needs the backup's size and a margin (a tenth, at least 64 MiB) for the WAL recovery fetches.</summary>
    public static bool NotEnoughSpace(long backupSize, long free) => free < backupSize + Math.Max(backupSize / 10, 64L * 1024 * 1024);

    /// <summary>
    /// The timelines recovery follows from a backup on <paramref name="backupTimeline"/>: to --target-timeline when given
    /// (current, or a number: its history, or the backup's own timeline when it is that one), else to the latest.
    /// </summary>
    public static IReadOnlyList<TimelineStart> RecoveryTimelines(string? targetTimeline, uint backupTimeline, Lsn backupStart, IReadOnlyDictionary<uint, string> histories)
    {
        if (targetTimeline == "current")
            return [new TimelineStart(backupTimeline, Lsn.Invalid)];
        if (targetTimeline is not null && targetTimeline != "latest" && ParseTimeline(targetTimeline) is { } chosen)
        {
            if (chosen == backupTimeline)
                return [new TimelineStart(backupTimeline, Lsn.Invalid)];
            if (histories.TryGetValue(chosen, out var history))
                return TimelineHistory.Parse(history, chosen);
        }

        return TimelineHistory.Path(backupTimeline, backupStart, histories);
    }

    /// <summary>A timeline as recovery_target_timeline takes it: decimal, or hexadecimal with 0x.</summary>
    private static uint? ParseTimeline(string text) =>
        text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? uint.TryParse(text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex) ? hex : null
            : uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;

    /// <summary>
    /// The last segment of the archive recovery can reach from the backup: the newest segment of the newest timeline on
    /// <paramref name="path"/> that has any past its beginning (a timeline's segments past its successor's start belong
    /// to a branch recovery does not follow). Null when the archive has none.
    /// </summary>
    public static WalSegmentName? ArchiveEnd(IReadOnlyList<TimelineStart> path, IEnumerable<WalSegmentName> archived, uint segmentSize)
    {
        var segments = archived.ToList();
        for (var i = path.Count - 1; i >= 0; i--)
        {
            var first = path[i].Begin.Value / segmentSize;
            var last = i + 1 < path.Count ? path[i + 1].Begin.Value / segmentSize : ulong.MaxValue;
            var timeline = path[i].Timeline;
            var best = segments.Where(segment => segment.Timeline == timeline && segment.SegmentNumber(segmentSize) >= first && segment.SegmentNumber(segmentSize) <= last)
                .Select(segment => (WalSegmentName?)segment).Max();
            if (best is not null)
                return best;
        }

        return null;
    }

    /// <summary>
    /// The end of recovery from the history file of the timeline it promoted to: its last line is the timeline recovery
    /// was on, the switch point (the end of the last record replayed) and the reason.
    /// </summary>
    public static RecoveryEnd? ParseRecoveryEnd(string historyText, uint newTimeline) =>
        TimelineHistory.Lines(historyText).Select(line => new RecoveryEnd(line.Parent, line.Switch, newTimeline, line.Reason)).LastOrDefault();

    /// <summary>Whether postmaster.pid says the server is ready: its eighth line, the status, is "ready" (PostgreSQL 10 and later).</summary>
    public static bool PostmasterReady(string? pidFile) =>
        pidFile?.Split('\n') is { Length: >= 8 } lines && lines[7].Trim() == "ready";

    /// <summary>Server log lines the verdict and the failure reasons read: where recovery stopped, WAL problems, FATAL and PANIC.</summary>
    public static bool IsNotable(string line) =>
        line.Contains("recovery stopping", StringComparison.Ordinal) || line.Contains("FATAL:", StringComparison.Ordinal)
        || line.Contains("PANIC:", StringComparison.Ordinal) || WalProblemMarkers.Any(marker => line.Contains(marker, StringComparison.Ordinal));

    /// <summary>Server log lines that tell why recovery stopped where it did: archive-get failures and damaged WAL.</summary>
    /// <remarks>An archive-get error's detail lines (indented) come with it; a line repeated by a retry is given once.</remarks>
    public static IReadOnlyList<string> WalProblems(IEnumerable<string> serverLog)
    {
        List<string> problems = [];
        var continuing = false;
        foreach (var line in serverLog)
        {
            continuing = WalProblemMarkers.Any(marker => line.Contains(marker, StringComparison.Ordinal)) || (continuing && line.StartsWith(' '));
            if (continuing && !problems.Contains(line))
                problems.Add(line);
            if (problems.Count == 10)
                break;
        }

        return problems;
    }

    /// <summary>How pgrest's archive-get (the restore_command) starts an error line on stderr, which the server logs.</summary>
    public const string ArchiveGetError = "ERROR: [";

    private static readonly string[] WalProblemMarkers =
    [
        ArchiveGetError, "WARN: ", "invalid record length", "incorrect resource manager data checksum", "invalid magic number",
        "unexpected pageaddr", "invalid contrecord", "missing contrecord", "record with incorrect prev-link", "invalid resource manager ID",
        "invalid info bits", "contrecord is requested", "could not restore file",
    ];

    /// <summary>
    /// Whether recovery went as far as it had to. To the end of the archive: the last record replayed must be in the
    /// archive's last segment, and no archived file may have failed to come back. To a target: the server must have
    /// logged that it stopped there (PostgreSQL 12 promotes without a word when the archive ends first).
    /// </summary>
    public static RecoveryVerdict Judge(string type, RecoveryEnd? end, WalSegmentName? archiveEnd, IReadOnlyList<TimelineStart> path,
        IReadOnlyList<string> serverLog, uint segmentSize)
    {
        var problems = WalProblems(serverLog);
        // An offline backup restored without a target is started as it is: no archive recovery, no new timeline.
        if (type == "none")
            return new(true, null, []);
        if (end is null)
            return new(false, "recovery ended without choosing a new timeline: no history file was written", problems);

        var lastRecord = end.Lsn.Value == 0 ? end.Lsn : new Lsn(end.Lsn.Value - 1);
        var lastSegment = WalSegmentName.FromLsn(end.Timeline, lastRecord, segmentSize);
        if (HasTarget(type))
        {
            var stop = serverLog.FirstOrDefault(line => line.Contains("recovery stopping", StringComparison.Ordinal));
            if (stop is null)
                return new(false, $"recovery ended at {end.Lsn} in {lastSegment} without reaching the target", problems);
            if (problems.Any(line => line.Contains(ArchiveGetError, StringComparison.Ordinal)))
                return new(false, $"recovery reached the target but a WAL file could not be read from the archive", problems);
            return new(true, null, [stop]);
        }

        if (archiveEnd is { } last && (lastSegment.Timeline != last.Timeline || lastSegment.SegmentNumber(segmentSize) < last.SegmentNumber(segmentSize)))
        {
            var number = lastSegment.SegmentNumber(segmentSize) + 1;
            var missing = WalSegmentName.FromSegmentNumber(TimelineHistory.TimelineOf(path, number, segmentSize), number, segmentSize);
            return new(false, $"recovery ended at {end.Lsn} in {lastSegment}, before the end of the archive ({last}): {missing} is missing or damaged",
                problems);
        }

        if (problems.Any(line => line.Contains(ArchiveGetError, StringComparison.Ordinal)))
            return new(false, $"recovery reached the end of the archive ({lastSegment}) but a WAL file could not be read from it", problems);
        return new(true, null, []);
    }
}
