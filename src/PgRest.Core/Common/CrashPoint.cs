using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace PgRest.Common;

/// <summary>
/// The crash-safety suite's hook (tests/PgRest.IntegrationTests/Scenarios/CrashSafetyTests.cs); off unless its variables
/// are set. A point is a place just before or just after a command changes the repository, the data directory, pg_wal
/// or the spool. <c>PGREST_TEST_CRASH_AT</c> names one: <c>ROLE@N</c>, the Nth point reached, or
/// <c>ROLE@POINT@SUFFIX</c>, the first point named POINT whose detail (a path) ends with SUFFIX; ROLE is the command's
/// name (<c>archive-push:async</c> for an async worker). The process in that role kills itself there with SIGKILL, as
/// <c>kill -9</c> does, unless <c>PGREST_TEST_CRASH_MARK=FILE</c> exists: the kill creates it, so the worker started
/// after a killed one runs on. <c>PGREST_TEST_CRASH_LOG=FILE</c> gets a line <c>ROLE N POINT DETAIL</c> per point reached,
/// for a test to learn a command's points first. Timed kills from outside cannot stop a command between two such steps
/// reliably; this can, at every one.
/// </summary>
public static class CrashPoint
{
    private static readonly string[]? Target = Environment.GetEnvironmentVariable("PGREST_TEST_CRASH_AT")?.Split('@', 3);
    private static readonly string? LogPath = Environment.GetEnvironmentVariable("PGREST_TEST_CRASH_LOG");
    private static readonly string? MarkPath = Environment.GetEnvironmentVariable("PGREST_TEST_CRASH_MARK");
    private static readonly Lock Gate = new();
    private static string _role = "";
    private static int _reached;

    /// <summary>Whether the suite turned the points on.</summary>
    public static bool Enabled { get; } = Target is not null || LogPath is not null;

    /// <summary>Names this process's role (the command running now).</summary>
    public static void SetRole(string role) => _role = role;

    public static void Reach(string point, string detail)
    {
        if (Enabled)
            Reached(point, detail);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Reached(string point, string detail)
    {
        lock (Gate)
        {
            var number = ++_reached;
            if (LogPath is not null)
                File.AppendAllText(LogPath, string.Create(CultureInfo.InvariantCulture, $"{_role} {number} {point} {detail}\n"));
            if (Target is not [var role, var at, ..] || role != _role)
                return;
            var here = Target.Length == 3
                ? at == point && detail.EndsWith(Target[2], StringComparison.Ordinal)
                : at == number.ToString(CultureInfo.InvariantCulture);
            if (!here)
                return;
            if (MarkPath is not null)
            {
                try
                {
                    using var mark = new FileStream(MarkPath, FileMode.CreateNew);
                    mark.Write(System.Text.Encoding.UTF8.GetBytes($"{point} {detail}\n"));
                }
                catch (IOException)
                {
                    return;
                }
            }

            using var self = Process.GetCurrentProcess();
            self.Kill();
            Thread.Sleep(Timeout.Infinite);
        }
    }
}
