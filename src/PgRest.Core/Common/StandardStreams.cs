using System.Text;
using Microsoft.Win32.SafeHandles;

namespace PgRest.Common;

/// <summary>
/// stdout and stderr as plain UTF-8 writers on file descriptors 1 and 2. System.Console is not used: on a terminal its
/// first use switches the keypad to application mode (it writes <c>ESC[?1h ESC=</c>), which pgBackRest never does and
/// which ends up in captured output.
/// </summary>
public static partial class StandardStreams
{
    private static readonly Lock Gate = new();
    private static TextWriter? _out;
    private static TextWriter? _error;

    /// <summary>Written through at each write, as System.Console does: a log line shows while a long backup runs.</summary>
    public static TextWriter Out
    {
        get
        {
            lock (Gate)
                return _out ??= TextWriter.Synchronized(new StreamWriter(OpenOutput(), new UTF8Encoding(false), 16 * 1024) { AutoFlush = true });
        }
    }

    public static TextWriter Error
    {
        get
        {
            lock (Gate)
                return _error ??= TextWriter.Synchronized(new StreamWriter(Open(2), new UTF8Encoding(false), 1024) { AutoFlush = true });
        }
    }

    /// <summary>stdout as bytes (repo-get's file content), unbuffered.</summary>
    public static Stream OpenOutput() => Open(1);

    public static void Flush()
    {
        lock (Gate)
        {
            _out?.Flush();
            _error?.Flush();
        }
    }

    /// <summary>Whether stderr is a terminal (the progress line is drawn only there).</summary>
    public static bool ErrorIsTerminal => IsATerminal(2) == 1;

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "isatty")]
    private static partial int IsATerminal(int descriptor);

    private static FileStream Open(int descriptor) =>
        new(new SafeFileHandle(descriptor, ownsHandle: false), FileAccess.Write, bufferSize: 0);
}
