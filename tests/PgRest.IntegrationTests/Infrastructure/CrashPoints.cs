using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Infrastructure;

/// <summary>One point a command reached: its role (command), number in the process, name and detail (a path).</summary>
public sealed partial record CrashPoint(string Role, int Number, string Name, string Detail)
{
    /// <summary>The target that kills a later run of the command at the same step: the detail's part after a backup
    /// label or a stored segment's name, so that it names the same file of the next backup, or the first segment of
    /// the next run.</summary>
    public string Target
    {
        get
        {
            var named = StoredName().Match(Detail);
            return $"{Role}@{Name}@{(named.Success ? Detail[(named.Index + named.Length)..] : Detail)}";
        }
    }

    public override string ToString() => $"{Role} {Name} {Detail}";

    /// <summary>A backup label, a stored segment's name with its checksum, or a backup history file's name up to <c>.backup</c>.</summary>
    [GeneratedRegex(@"\d{8}-\d{6}F(_\d{8}-\d{6}[DI])?|[0-9A-F]{24}(-[0-9a-f]{40}|\.[0-9A-F]{8})")]
    private static partial Regex StoredName();
}

/// <summary>A run of pgrest with its crash points on: whether it was killed, and the points it reached.</summary>
public sealed record CrashRun(ProcessResult Result, bool Killed, IReadOnlyList<CrashPoint> Points);

/// <summary>
/// Runs pgrest with its test-only crash points (PgRest.Common.CrashPoint): every point it reaches is logged, and with a
/// target (<c>ROLE@N</c> or <c>ROLE@POINT@SUFFIX</c>) the first process to reach it is killed there with SIGKILL.
/// </summary>
public static class CrashPoints
{
    private static int _runs;

    public static async Task<CrashRun> RunAsync(Stack stack, ITestOutputHelper output, string? target, string stanza, params string[] arguments)
    {
        var directory = Directory.Exists(stack.Work.Combine("crash")) ? stack.Work.Combine("crash") : stack.Work.CreateSubdirectory("crash");
        var run = Interlocked.Increment(ref _runs).ToString(CultureInfo.InvariantCulture);
        var (log, mark) = (Path.Combine(directory, $"points-{run}"), Path.Combine(directory, $"killed-{run}"));
        var environment = new Dictionary<string, string?> { ["PGREST_TEST_CRASH_LOG"] = log };
        if (target is not null)
            (environment["PGREST_TEST_CRASH_AT"], environment["PGREST_TEST_CRASH_MARK"]) = (target, mark);
        var result = await ProcessRunner.RunAsync(Tools.Pgrest, [$"--config={stack.ConfigPath}", $"--stanza={stanza}", .. arguments], PgCluster.OsUser, environment, TimeSpan.FromMinutes(3));
        output.WriteLine($"$ pgrest {string.Join(' ', arguments)}{(target is null ? "" : $"  [kill at {target}]")} -> {result.ExitCode}{(File.Exists(mark) ? " (killed)" : "")}\n{result.StandardError}");
        List<CrashPoint> points = [];
        if (File.Exists(log))
        {
            foreach (var line in await File.ReadAllLinesAsync(log))
            {
                var parts = line.Split(' ', 4);
                points.Add(new CrashPoint(parts[0], int.Parse(parts[1], CultureInfo.InvariantCulture), parts[2], parts.Length > 3 ? parts[3] : ""));
            }
        }

        return new CrashRun(result, File.Exists(mark), points);
    }
}
