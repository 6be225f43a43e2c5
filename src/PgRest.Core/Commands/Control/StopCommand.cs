using PgRest.Logging;
using PgRest.Config;

namespace PgRest.Commands.Control;

/// <summary>
/// <c>stop</c>: creates the stop file of the stanza (or <c>all.stop</c> without <c>--stanza</c>) so that commands that
/// change the repository refuse to start. With <c>--force</c> it also sends SIGTERM to every process holding a lock
/// of the stanza (all stanzas without <c>--stanza</c>), pgrest's and pgBackRest's alike.
/// </summary>
public static class StopCommand
{
    private const UnixFileMode StopFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
    private const UnixFileMode LockPathMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute;

    public static Task<int> RunAsync(CommandContext context)
    {
        var config = context.Config;
        var stanza = config.Stanza;
        var stopFile = StopFile.PathFor(config, stanza);
        if (File.Exists(stopFile))
        {
            Log.Warn($"stop file already exists for {(stanza is null ? "all stanzas" : "stanza " + stanza)}");
            return Task.FromResult(0);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(stopFile)!, LockPathMode);
        // Not truncating: a stop file is empty, and an existing one created meanwhile stays as it is.
        using (new FileStream(stopFile, new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, UnixCreateMode = StopFileMode }))
        {
        }

        if (config.Get(Options.Force))
            TerminateLockHolders(LockFile.LockPath(config), stanza);
        return Task.FromResult(0);
    }

    private static void TerminateLockHolders(string lockPath, string? stanza)
    {
        var names = Directory.EnumerateFiles(lockPath).Select(Path.GetFileName).OfType<string>().ToList();
        names.Sort(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (!LockFile.IsLockFileName(name))
                continue;
            if (stanza is not null && name != LockFile.FileName(stanza, LockFile.Archive) && name != LockFile.FileName(stanza, LockFile.Backup))
                continue;

            var path = Path.Combine(lockPath, name);
            var holder = LockFile.ReadHolder(path, remove: true);
            if (holder is null)
            {
                Log.Warn($"unable to read lock file {path}");
                continue;
            }

            if (LockSystemCalls.Kill(holder.ProcessId, LockSystemCalls.SignalTerminate) != 0)
                Log.Warn($"unable to send term signal to process {holder.ProcessId}");
            else
                Log.Info($"sent term signal to process {holder.ProcessId}");
        }
    }
}
