using System.Text;
using PgRest.Common;

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

    private static double _timingStartOffset = double.NaN;
    private static long _timingStart;

    /// <summary>Start-up profiling (PGREST_TRACE_TIMING=1): milliseconds since process start at a named point, to stderr.</summary>
    public static void Timing(string point)
    {
        if (TraceTiming)
            WriteTiming(point);
    }

    // The process start time is read once: reading it again at every point would add its own cost to the next interval.
    private static void WriteTiming(string point)
    {
        if (double.IsNaN(_timingStartOffset))
        {
            _timingStart = System.Diagnostics.Stopwatch.GetTimestamp();
            _timingStartOffset = (DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime).TotalMilliseconds;
        }

        var elapsed = _timingStartOffset + System.Diagnostics.Stopwatch.GetElapsedTime(_timingStart).TotalMilliseconds;
        StandardStreams.Error.Write($"timing {elapsed:0.0}ms {point}\n");
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
            // The modes pgBackRest gives them: the log may name paths and hosts, so it is not world-readable.
            Directory.CreateDirectory(Path.GetDirectoryName(filePath)!, (UnixFileMode)0b111_101_000);
            var stream = new FileStream(filePath, new FileStreamOptions
            {
                Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.ReadWrite | FileShare.Delete, BufferSize = 4096,
                UnixCreateMode = (UnixFileMode)0b110_100_000,
            });
            // Each line reaches the file as it is logged, as pgBackRest writes it: a reader (or a crash) sees it at once.
            _fileWriter = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true };
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

    /// <summary>An error raised before logging is set up, laid out as the logger lays out an ERROR line on stderr.</summary>
    public static string FormatEarlyError(int exitCode, string message) => $"ERROR: [{exitCode:000}]: " + Indent(message, "ERROR: ".Length) + "\n";

    private static string? _statusLine;

    /// <summary>
    /// The live progress line at the bottom of the terminal (null erases it). A log line written meanwhile erases it
    /// first and draws it again after itself, so log lines are never mixed with it.
    /// </summary>
    public static void SetStatusLine(string? line)
    {
        lock (Gate)
        {
            if (_statusLine is null && line is null)
                return;
            StandardStreams.Error.Write(line is null ? EraseLine : EraseLine + line);
            _statusLine = line;
        }
    }

    private const string EraseLine = "\r\u001b[K";

    public static void Write(LogLevel level, string message)
    {
        if (!IsEnabled(level))
            return;
        lock (Gate)
        {
            if (_statusLine is not null)
                StandardStreams.Error.Write(EraseLine);
            WriteLines(level, message);
            if (_statusLine is not null)
                StandardStreams.Error.Write(_statusLine);
        }
    }

    private static void WriteLines(LogLevel level, string message)
    {
        var label = LogLevels.Label(level);
        string? stamped = null;
        if (level <= _stderr)
        {
            var prefix = label.TrimStart() + ": ";
            StandardStreams.Error.Write(prefix + Indent(DryRunMark + message, prefix.Length) + "\n");
        }
        else if (level <= _console)
        {
            stamped = Stamp(label, message);
            StandardStreams.Out.Write(stamped);
        }

        if (level <= _file && _fileWriter is not null)
            _fileWriter.Write(stamped ?? Stamp(label, message, forceTimestamp: true));
    }

    private static string Stamp(string label, string message, bool forceTimestamp = false)
    {
        var prefix = (_timestamp || forceTimestamp ? FormatTimestamp(DateTime.Now) + " " : "") + _process + " " + label + ": ";
        return prefix + Indent(DryRunMark + message, prefix.Length) + "\n";
    }

    /// <summary>
    /// <c>yyyy-MM-dd HH:mm:ss.fff</c>, written by hand: every log line needs one, and a custom format string is parsed on
    /// each call.
    /// </summary>
    internal static string FormatTimestamp(DateTime time)
    {
        Span<char> text = stackalloc char[23];
        WriteDigits(text[..4], time.Year);
        text[4] = '-';
        WriteDigits(text.Slice(5, 2), time.Month);
        text[7] = '-';
        WriteDigits(text.Slice(8, 2), time.Day);
        text[10] = ' ';
        WriteDigits(text.Slice(11, 2), time.Hour);
        text[13] = ':';
        WriteDigits(text.Slice(14, 2), time.Minute);
        text[16] = ':';
        WriteDigits(text.Slice(17, 2), time.Second);
        text[19] = '.';
        WriteDigits(text.Slice(20, 3), time.Millisecond);
        return new string(text);
    }

    private static void WriteDigits(Span<char> destination, int value)
    {
        for (var position = destination.Length - 1; position >= 0; position--)
        {
            destination[position] = (char)('0' + value % 10);
            value /= 10;
        }
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
            StandardStreams.Flush();
            _fileWriter?.Flush();
            _fileWriter?.Dispose();
            _fileWriter = null;
        }
    }
}
