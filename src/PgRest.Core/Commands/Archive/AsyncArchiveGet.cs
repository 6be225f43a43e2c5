using System.Globalization;
using PgRest.Commands.Control;
using PgRest.Common;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Logging;
using PgRest.Postgres;

namespace PgRest.Commands.Archive;

/// <summary>
/// <c>archive-async=y</c> for archive-get (pgbackrest-format.md, "6.3 archive-get"): a background worker prefetches the requested segment and the
/// ones after it into <c>&lt;spool-path&gt;/archive/&lt;stanza&gt;/in</c>, up to <c>archive-get-queue-max</c>, in
/// parallel (<c>process-max</c>), so recovery does not wait on the repository once per segment. Each file appears there
/// whole (temp name, then rename); <c>&lt;wal&gt;.ok</c> means "not in the archive", <c>&lt;wal&gt;.error</c> an error.
/// </summary>
internal static class AsyncArchiveGet
{
    /// <summary>Set in the worker's environment to the first segment it must fetch.</summary>
    public const string WorkerVariable = "PGREST_ARCHIVE_GET_ASYNC";

    public static string InPath(Configuration config, string stanza) =>
        Path.Combine(config.Get(Options.SpoolPath), "archive", stanza, "in");

    public static async Task<int> ForegroundAsync(CommandContext context, string walName, string destination)
    {
        var config = context.Config;
        var stanza = context.Stanza;
        var inPath = InPath(config, stanza);
        Directory.CreateDirectory(inPath);
        var timeout = config.Get(Options.ArchiveTimeout);
        var deadline = DateTime.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(10);
        var launcher = new WorkerLauncher(WorkerVariable, walName, [Path.Combine(inPath, walName + ".error"), Path.Combine(inPath, SpoolStatus.GlobalError)]);
        while (true)
        {
            var prefetched = Path.Combine(inPath, walName);
            if (File.Exists(prefetched))
            {
                StopFile.ThrowIfStopped(config, stanza);
                CrashPoint.Reach("file-move", destination);
                File.Move(prefetched, destination, overwrite: true);
                CrashPoint.Reach("file-moved", destination);
                Log.Info($"found {walName} in the archive asynchronously");
                return 0;
            }

            var notFound = Path.Combine(inPath, walName + ".ok");
            if (File.Exists(notFound))
            {
                // Consumed: the segment may reach the archive later (a standby falling back to it).
                File.Delete(notFound);
                Log.Info($"unable to find {walName} in the archive asynchronously");
                return ArchiveGetCommand.NotFoundExitCode;
            }

            launcher.Step(config, stanza);

            if (DateTime.UtcNow >= deadline)
            {
                throw new PgRestException(ErrorCode.ArchiveTimeout,
                    $"unable to get WAL file '{walName}' from the archive asynchronously after {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} second(s)");
            }

            await Task.Delay(delay, context.Cancellation).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 100));
        }
    }

    /// <summary>
    /// The worker: fetch the requested segment and those after it into the spool. The runner holds the stanza's
    /// archive lock for it (the async role of the command table), so only one worker fetches at a time.
    /// </summary>
    public static async Task WorkerAsync(CommandContext context)
    {
        var config = context.Config;
        var stanza = context.Stanza;
        var first = Environment.GetEnvironmentVariable(WorkerVariable)!;
        var inPath = InPath(config, stanza);
        Directory.CreateDirectory(inPath);
        var segmentSize = config.IsSet(Options.PgPath, 1) && ArchiveGetCommand.TryReadPgControl(context.PgPath) is { } control ? control.WalSegmentSize : WalSegmentName.DefaultSegmentSize;
        var count = (int)Math.Clamp(config.Get(Options.ArchiveGetQueueMax) / segmentSize, 1, 1024);
        var queue = new List<string>(count);
        var segment = WalSegmentName.Parse(first);
        for (var i = 0; i < count; i++, segment = segment.Next(segmentSize))
            queue.Add(segment.ToString());

        // Whatever is not in the new queue (segments already replayed, leftovers) is no longer needed.
        var wanted = new HashSet<string>(queue, StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(inPath))
        {
            if (!wanted.Contains(Path.GetFileName(file)))
                File.Delete(file);
        }

        try
        {
            var fetcher = await WalFetcher.CreateAsync(context).ConfigureAwait(false);
            var options = new ParallelOptions { MaxDegreeOfParallelism = (int)Math.Max(1, config.Get(Options.ProcessMax)), CancellationToken = context.Cancellation };
            await Parallel.ForEachAsync(queue.Where(wal => !File.Exists(Path.Combine(inPath, wal))), options, async (wal, _) =>
            {
                try
                {
                    if (!await fetcher.FetchAsync(wal, Path.Combine(inPath, wal), stopCheck: false, durable: true).ConfigureAwait(false) && wal == first)
                        SpoolStatus.Write(inPath, wal + ".ok", "");
                }
                catch (PgRestException e)
                {
                    SpoolStatus.Write(inPath, wal + ".error", (int)e.Code + "\n" + e.Message);
                    Log.Error($"[{(int)e.Code:000}]: {e.Message}");
                }
            }).ConfigureAwait(false);
        }
        catch (PgRestException e)
        {
            SpoolStatus.Write(inPath, SpoolStatus.GlobalError, (int)e.Code + "\n" + e.Message);
            throw;
        }
    }
}
