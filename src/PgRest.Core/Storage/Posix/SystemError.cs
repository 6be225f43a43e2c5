using System.Runtime.InteropServices;

namespace PgRest.Storage.Posix;

/// <summary>A failed system call as pgBackRest words it: <c>[errno] strerror</c>, e.g. <c>[13] Permission denied</c>.</summary>
internal static class SystemError
{
    private const int PermissionDenied = 13;

    /// <summary>EISDIR: what read(2) of a directory fails with.</summary>
    public static string IsADirectory => Format(21);

    public static string Describe(Exception e) => e switch
    {
        UnauthorizedAccessException => Format(PermissionDenied),
        // On Unix, .NET keeps the errno of a failed call in the IOException's HResult.
        IOException { HResult: > 0 and < 4096 } io => Format(io.HResult),
        _ => e.Message,
    };

    private static string Format(int errno) => $"[{errno}] {Marshal.GetPInvokeErrorMessage(errno)}";
}
