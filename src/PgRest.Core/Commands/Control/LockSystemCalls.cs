using System.Runtime.InteropServices;

namespace PgRest.Commands.Control;

/// <summary>
/// The libc calls behind pgBackRest's lock files. .NET's FileStream takes a shared flock even to read, which fails
/// while another process holds the exclusive one, so a lock file could not be read (for its pid) through it.
/// </summary>
internal static partial class LockSystemCalls
{
    internal const int ReadOnly = 0x0;
    internal const int ReadWrite = 0x2;
    internal const int Create = 0x40;
    internal const int CloseOnExec = 0x80000;
    internal const int LockExclusive = 2;
    internal const int LockNonBlocking = 4;
    internal const int NoSuchFile = 2;
    internal const int PermissionDenied = 13;
    internal const int WouldBlock = 11;
    internal const int SignalTerminate = 15;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int Open(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    internal static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "strerror")]
    private static partial IntPtr StrError(int errno);

    /// <summary>The C library's text for an errno, as pgBackRest prints it (e.g. "Resource temporarily unavailable").</summary>
    internal static string Describe(int errno) => Marshal.PtrToStringUTF8(StrError(errno)) ?? $"errno {errno}";
}
