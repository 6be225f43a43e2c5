using PgRest.Commands.Control;
using PgRest.Common;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Filters;
using PgRest.Info;
using PgRest.Logging;
using PgRest.Postgres;
using PgRest.Repository;

namespace PgRest.Commands.Archive;

/// <summary><c>archive-push %p</c>: store one WAL file from <c>archive_command</c> in every repository.</summary>
public static class ArchivePushCommand
{
    public static async Task RunAsync(CommandContext context)
    {
        var config = context.Config;
        // As pgBackRest: anything but exactly one segment gets the same error.
        if (config.Parameters.Count != 1)
            throw new PgRestException(ErrorCode.ParamRequired, "WAL segment to push required");

        var walPath = ArchivePaths.Resolve(context, config.Parameters[0]);
        var stanza = context.Stanza;
        StopFile.ThrowIfStopped(config, stanza);

        if (config.Get(Options.ArchiveAsync))
        {
            await AsyncArchivePush.ForegroundAsync(context, walPath).ConfigureAwait(false);
            return;
        }

        if (QueueExceeded(config, walPath, out var queueMessage))
        {
            Log.Warn(queueMessage);
            return;
        }

        Log.Timing("archive-push start");
        var pusher = await WalPusher.CreateAsync(context).ConfigureAwait(false);
        foreach (var warning in await pusher.PushAsync(walPath).ConfigureAwait(false))
            Log.Warn(warning);
        Log.Timing("pushed");
        Log.Info($"pushed WAL file '{Path.GetFileName(walPath)}' to the archive");
    }

    /// <summary><c>archive-push-queue-max</c>: when the ready queue is over the limit, drop the WAL (PITR gap) rather than fill the disk.</summary>
    internal static bool QueueExceeded(Configuration config, string walPath, out string message)
    {
        message = "";
        if (!config.IsSet(Options.ArchivePushQueueMax))
            return false;
        var queueMax = config.Get(Options.ArchivePushQueueMax);
        var statusPath = Path.Combine(Path.GetDirectoryName(walPath)!, "archive_status");
        if (!Directory.Exists(statusPath))
            return false;
        var ready = Directory.GetFiles(statusPath, "*.ready");
        if (ready.Length == 0)
            return false;
        var firstSize = new FileInfo(walPath).Length;
        if ((long)ready.Length * firstSize <= queueMax)
            return false;
        message = $"dropped WAL file '{Path.GetFileName(walPath)}' because archive queue exceeded {Format.Size(queueMax)}";
        return true;
    }
}
