using System.Globalization;
using PgRest.Commands.Control;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Logging;

namespace PgRest.Commands.Archive;

/// <summary>
/// <c>archive-async=y</c> for archive-push (pgbackrest-format.md, "6.2 Async push"). PostgreSQL's <c>archive_command</c> only waits until the segment
/// is known to be archived: a background worker pushes every ready segment in parallel (<c>process-max</c>) and leaves
/// a status file per segment in <c>&lt;spool-path&gt;/archive/&lt;stanza&gt;/out</c>: <c>&lt;wal&gt;.ok</c> (empty or
/// <c>0\n&lt;warning&gt;</c>) or <c>&lt;wal&gt;.error</c> (<c>&lt;code&gt;\n&lt;message&gt;</c>), the same files pgBackRest
/// writes. An error in the background reaches PostgreSQL on its next call for that segment.
/// </summary>
internal static class AsyncArchivePush
{
    /// <summary>Set in the worker's environment to the pg_wal directory it drains.</summary>
    public const string WorkerVariable = "PGREST_ARCHIVE_PUSH_ASYNC";

    private const string GlobalError = SpoolStatus.GlobalError;

    public static string OutPath(Configuration config, string stanza) =>
        Path.Combine(config.Get(Options.SpoolPath), "archive", stanza, "out");

    /// <summary>The archive_command side: succeed once the segment's .ok exists, start the worker when none runs.</summary>
    public static async Task ForegroundAsync(CommandContext context, string walPath)
    {
        var config = context.Config;
        var stanza = context.Stanza;
        if (!config.IsSet(Options.PgPath, 1))
            throw new PgRestException(ErrorCode.OptionRequired, "archive-push command requires option: pg1-path\nHINT: archive-async=y needs pg1-path to find the WAL directory.");

        var walName = Path.GetFileName(walPath);
        var outPath = OutPath(config, stanza);
        Directory.CreateDirectory(outPath);
        var timeout = config.Get(Options.ArchiveTimeout);
        var deadline = DateTime.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(10);
        var launcher = new WorkerLauncher(WorkerVariable, Path.GetDirectoryName(walPath)!, [Path.Combine(outPath, walName + ".error"), Path.Combine(outPath, GlobalError)]);
        while (true)
        {
            var ok = Path.Combine(outPath, walName + ".ok");
            if (File.Exists(ok))
            {
                var (code, message) = SpoolStatus.Read(ok);
                if (code != 0)
                    Log.Warn($"WAL file '{walName}' was manually skipped: [{code}] {message}");
                else if (message.Length > 0)
                    Log.Warn(message);
                Log.Info($"pushed WAL file '{walName}' to the archive asynchronously");
                return;
            }

            launcher.Step(config, stanza);

            if (DateTime.UtcNow >= deadline)
            {
                throw new PgRestException(ErrorCode.ArchiveTimeout,
                    $"unable to push WAL file '{walName}' to the archive asynchronously after {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} second(s)" +
                    $"\nHINT: check '{Path.Combine(config.Get(Options.LogPath), stanza + "-archive-push-async.log")}' for errors.");
            }

            await Task.Delay(delay, context.Cancellation).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 100));
        }
    }

    /// <summary>
    /// The worker: push every ready segment without a status, in parallel, and record the outcome of each. The runner
    /// holds the stanza's archive lock for it (the async role of the command table), so only one worker drains at a time.
    /// </summary>
    public static async Task WorkerAsync(CommandContext context)
    {
        var config = context.Config;
        var stanza = context.Stanza;
        var walDirectory = Environment.GetEnvironmentVariable(WorkerVariable)!;
        var outPath = OutPath(config, stanza);
        Directory.CreateDirectory(outPath);
        try
        {
            WalPusher? pusher = null;
            // Segments that become ready while we push are taken in the next round, so one worker drains a burst.
            for (var round = 0; round < 64; round++)
            {
                var ready = ReadySegments(walDirectory);
                CleanStatus(outPath, ready);
                var todo = ready.Where(wal => !File.Exists(Path.Combine(outPath, wal + ".ok"))).ToList();
                if (todo.Count == 0)
                    break;

                if (QueueDropped(config, walDirectory, ready, todo, outPath))
                    continue;

                pusher ??= await WalPusher.CreateAsync(context).ConfigureAwait(false);
                var options = new ParallelOptions { MaxDegreeOfParallelism = (int)Math.Max(1, config.Get(Options.ProcessMax)), CancellationToken = context.Cancellation };
                var failed = 0;
                await Parallel.ForEachAsync(todo, options, async (wal, _) =>
                {
                    if (Volatile.Read(ref failed) > 0)
                        return; // stop scheduling after an error, as pgBackRest does
                    try
                    {
                        var warnings = await pusher.PushAsync(Path.Combine(walDirectory, wal)).ConfigureAwait(false);
                        WriteStatus(outPath, wal + ".ok", warnings.Count == 0 ? "" : "0\n" + string.Join("\n", warnings));
                        Log.Info($"pushed WAL file '{wal}' to the archive");
                    }
                    catch (PgRestException e)
                    {
                        Interlocked.Increment(ref failed);
                        WriteStatus(outPath, wal + ".error", (int)e.Code + "\n" + e.Message);
                        Log.Error($"[{(int)e.Code:000}]: {e.Message}");
                    }
                }).ConfigureAwait(false);
                if (failed > 0)
                    break;
            }
        }
        catch (PgRestException e)
        {
            WriteStatus(outPath, GlobalError, (int)e.Code + "\n" + e.Message);
            throw;
        }
    }

    /// <summary>WAL files PostgreSQL has marked ready, oldest first (history files sort after their timeline's segments).</summary>
    private static List<string> ReadySegments(string walDirectory)
    {
        var status = Path.Combine(walDirectory, "archive_status");
        if (!Directory.Exists(status))
            return [];
        var ready = Directory.GetFiles(status, "*.ready").Select(f => Path.GetFileName(f)[..^".ready".Length]).ToList();
        ready.Sort(StringComparer.Ordinal);
        return ready;
    }

    /// <summary>Errors are retried on this run; .ok files of segments PostgreSQL no longer lists are done with.</summary>
    private static void CleanStatus(string outPath, List<string> ready)
    {
        var readySet = new HashSet<string>(ready, StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(outPath))
        {
            var name = Path.GetFileName(file);
            if (name.EndsWith(".error", StringComparison.Ordinal) || (name.EndsWith(".ok", StringComparison.Ordinal) && !readySet.Contains(name[..^3])))
                File.Delete(file);
        }
    }

    /// <summary><c>archive-push-queue-max</c>: past it, WAL is dropped (acknowledged with a warning) so pg_wal cannot fill the disk.</summary>
    private static bool QueueDropped(Configuration config, string walDirectory, List<string> ready, List<string> todo, string outPath)
    {
        if (!config.IsSet(Options.ArchivePushQueueMax) || ready.Count == 0)
            return false;
        var queueMax = config.Get(Options.ArchivePushQueueMax);
        var segmentSize = new FileInfo(Path.Combine(walDirectory, ready[0])).Length;
        if ((long)ready.Count * segmentSize <= queueMax)
            return false;
        foreach (var wal in todo)
        {
            var warning = $"dropped WAL file '{wal}' because archive queue exceeded {Common.Format.Size(queueMax)}";
            Log.Warn(warning);
            WriteStatus(outPath, wal + ".ok", "0\n" + warning);
        }

        return true;
    }

    /// <summary>A segment's outcome; an .ok replaces an earlier .error of the same segment.</summary>
    private static void WriteStatus(string outPath, string name, string content)
    {
        SpoolStatus.Write(outPath, name, content);
        if (name.EndsWith(".ok", StringComparison.Ordinal))
            File.Delete(Path.ChangeExtension(Path.Combine(outPath, name), ".error"));
    }
}
