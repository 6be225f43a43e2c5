using System.Diagnostics;
using System.Globalization;
using PgRest.Common;
using PgRest.Config;
using PgRest.Errors;

namespace PgRest.Commands.Archive;

/// <summary>
/// What the asynchronous archive-push and archive-get share: starting the background worker and the spool status files
/// (<c>&lt;wal&gt;.ok</c>, <c>&lt;wal&gt;.error</c>, <c>global.error</c>: first line a code, then the message), in pgBackRest's format.
/// </summary>
internal static class SpoolStatus
{
    public const string GlobalError = "global.error";

    /// <summary>Starts this program again, detached, with <paramref name="variable"/> set: the worker role.</summary>
    public static void StartWorker(string variable, string value)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath ?? PgRestVersion.Executable) { UseShellExecute = false };
        foreach (var argument in Environment.GetCommandLineArgs().Skip(1))
            start.ArgumentList.Add(argument);
        start.Environment[variable] = value;
        using var process = Process.Start(start);
    }

    public static (int Code, string Message) Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (FileNotFoundException)
        {
            return (0, "");
        }

        if (text.Length == 0)
            return (0, "");
        var newline = text.IndexOf('\n');
        var codeText = newline < 0 ? text : text[..newline];
        var message = newline < 0 ? "" : text[(newline + 1)..].Trim();
        return int.TryParse(codeText.Trim(), CultureInfo.InvariantCulture, out var code)
            ? (code, message)
            : ((int)ErrorCode.Format, $"invalid status file '{path}': {text.Trim()}");
    }

    /// <summary>The error a status file records, as the exception the foreground reports to PostgreSQL.</summary>
    public static PgRestException ToException(string path)
    {
        var (code, message) = Read(path);
        return new PgRestException(Enum.IsDefined((ErrorCode)code) ? (ErrorCode)code : ErrorCode.Unknown, message);
    }

    /// <summary>Status files appear whole: written to a temp name, then renamed.</summary>
    public static void Write(string directory, string name, string content)
    {
        var path = Path.Combine(directory, name);
        var temp = path + ".pgbackrest.tmp";
        File.WriteAllText(temp, content);
        CrashPoint.Reach("file-move", path);
        File.Move(temp, path, overwrite: true);
    }
}

/// <summary>
/// When a foreground archive-push or archive-get starts the background worker: when no worker holds the stanza's
/// archive lock, and again once the lock is free a second after a start that brought no status. Push and get workers
/// share that lock, so the worker started may have found it taken and left. An error file counts once a worker has
/// run for this call (ours, or one already running that cleared old errors when it started); one left from an
/// earlier run is removed before the first start and retried.
/// </summary>
internal sealed class WorkerLauncher(string variable, string value, IReadOnlyList<string> errorFiles)
{
    private static readonly TimeSpan RestartInterval = TimeSpan.FromSeconds(1);

    private DateTime? _lastStart;

    /// <summary>Throws the error a worker recorded for this call, else starts a worker when none runs.</summary>
    public void Step(Configuration config, string stanza)
    {
        var workerRunning = Control.LockProbe.IsHeld(config, stanza, "archive");
        if (_lastStart is not null || workerRunning)
        {
            foreach (var errorFile in errorFiles)
            {
                if (File.Exists(errorFile))
                    throw SpoolStatus.ToException(errorFile);
            }
        }

        if (workerRunning || (_lastStart is { } last && DateTime.UtcNow - last <= RestartInterval))
            return;
        if (_lastStart is null)
        {
            foreach (var errorFile in errorFiles)
                File.Delete(errorFile);
        }

        SpoolStatus.StartWorker(variable, value);
        _lastStart = DateTime.UtcNow;
    }
}
