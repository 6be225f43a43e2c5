using System.Text;

namespace PgRest.Logging;

/// <summary>
/// Logging in pgBackRest's shape: console (stdout, with timestamp), stderr (<c>LEVEL: message</c>, default warn and
/// above, which then does not also go to stdout) and a file per stanza and command. Messages never carry secrets:
/// callers redact option values before they log them.
/// </summary>
public static class Log
{
    private static readonly object Gate = new();
    private static LogLevel _console = LogLevel.Warn;
    private static LogLevel _stderr = LogLevel.Warn;
    private static LogLevel _file = LogLevel.Off;
    private static bool _timestamp = true;
    private static StreamWriter? _fileWriter;
    private static string _process = "P00";

    public static LogLevel ConsoleLevel => _console;

    /// <summary><c>--dry-run</c>: every message is marked so that nobody mistakes it for something done.</summary>
    public static bool DryRun { get; set; }

    private static string DryRunMark => DryRun ? "[DRY-RUN] " : "";

    private static readonly bool TraceTiming = Environment.GetEnvironmentVariable("PGREST_TRACE_TIMING") == "1";

    /// <summary>Start-up profiling (PGREST_TRACE_TIMING=1): milliseconds since process start at a named point, to stderr.</summary>
    public static void Timing(string point)
    {
        if (TraceTiming)
            Console.Error.Write($"timing {(DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime).TotalMilliseconds:0.0}ms {point}\n");
    }

    /// <summary>True when a message at <paramref name="level"/> would go anywhere (skip building it otherwise).</summary>
    public static bool IsEnabled(LogLevel level) => level <= _console || level <= _stderr || level <= _file;

    public static void Configure(LogLevel console, LogLevel stderr, LogLevel file, bool timestamp, string? filePath, string process = "P00")
    {
        lock (Gate)
        {
            _console = console;
            _stderr = stderr;
            _file = file;
            _timestamp = timestamp;
            _process = process;
            _fileWriter?.Dispose();
            _fileWriter = null;
            if (file != LogLevel.Off && filePath is not null)
                OpenFile(filePath);
        }
    }

    private static void OpenFile(string filePath)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(filePath)!);
            var stream = new FileStream(filePath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 4096);
            _fileWriter = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = false };
            // A blank line separates runs the way pgBackRest does when the file already has content.
            if (stream.Length > 0)
                _fileWriter.Write('\n');
            _fileWriter.Write("-------------------PROCESS START-------------------\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _file = LogLevel.Off;
            var saved = _stderr;
            Write(LogLevel.Warn, $"unable to open log file '{filePath}': {e.Message}\nNOTE: process will continue without log file.");
            _stderr = saved;
        }
    }

    public static void Error(string message) => Write(LogLevel.Error, message);
    public static void Warn(string message) => Write(LogLevel.Warn, message);
    public static void Info(string message) => Write(LogLevel.Info, message);
    public static void Detail(string message) => Write(LogLevel.Detail, message);
    public static void Debug(string message) => Write(LogLevel.Debug, message);

    public static void Write(LogLevel level, string message)
    {
        if (!IsEnabled(level))
            return;
        lock (Gate)
        {
            var label = LogLevels.Label(level);
            string? stamped = null;
            if (level <= _stderr)
            {
                var prefix = label.TrimStart() + ": ";
                Console.Error.Write(prefix + Indent(DryRunMark + message, prefix.Length) + "\n");
            }
            else if (level <= _console)
            {
                stamped = Stamp(label, message);
                Console.Out.Write(stamped);
            }

            if (level <= _file && _fileWriter is not null)
            {
                _fileWriter.Write(stamped ?? Stamp(label, message, forceTimestamp: true));
            }
        }
    }

    private static string Stamp(string label, string message, bool forceTimestamp = false)
    {
        var prefix = (_timestamp || forceTimestamp ? DateTime.Now.ToString("yyyy-MM-dd HH:mm:ss.fff") + " " : "") + _process + " " + label + ": ";
        return prefix + Indent(DryRunMark + message, prefix.Length) + "\n";
    }

    private static string Indent(string message, int width)
    {
        if (!message.Contains('\n'))
            return message;
        return message.Replace("\n", "\n" + new string(' ', width));
    }

    /// <summary>Flushes and closes the log file (call once at process end).</summary>
    public static void Close()
    {
        lock (Gate)
        {
            Console.Out.Flush();
            _fileWriter?.Flush();
            _fileWriter?.Dispose();
            _fileWriter = null;
        }
    }
}
