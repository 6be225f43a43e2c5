using System.Diagnostics;

namespace PgRest.IntegrationTests.Infrastructure;

/// <summary>
/// The binaries under test: the published <c>pgrest</c> (PGREST_BIN, else published once by the tests themselves) and
/// the real pgBackRest. A missing tool fails the test: compatibility is never skipped silently.
/// </summary>
public static class Tools
{
    private static readonly Lazy<string> PgrestPath = new(LocatePgrest, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Pgrest => PgrestPath.Value;

    public static string Pgbackrest
    {
        get
        {
            const string path = "/usr/bin/pgbackrest";
            if (!File.Exists(path))
                throw new InvalidOperationException("the real pgBackRest is not installed (apt-get install pgbackrest); scripts/setup.sh installs it");
            return path;
        }
    }

    /// <summary>pgBackRest 2.55.1 (Debian trixie's binary, unpacked by scripts/setup.sh): block incremental in its GA format.</summary>
    public static string PgbackrestNewer
    {
        get
        {
            const string path = "/opt/pgbackrest-2.55.1/pgbackrest";
            if (!File.Exists(path))
                throw new InvalidOperationException($"pgBackRest 2.55.1 is not at {path}; scripts/setup.sh unpacks it");
            return path;
        }
    }

    private static string LocatePgrest()
    {
        if (Environment.GetEnvironmentVariable("PGREST_BIN") is { Length: > 0 } configured)
        {
            if (!File.Exists(configured))
                throw new InvalidOperationException($"PGREST_BIN='{configured}' does not exist");
            return configured;
        }

        // Publish once per test run into a directory the postgres user can read (archive_command runs pgrest as it).
        var root = FindRepositoryRoot();
        var output = Path.Combine(Path.GetTempPath(), "pgrest-test-bin");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "publish", Path.Combine(root, "src", "PgRest.Cli", "PgRest.Cli.csproj"), "-c", "Release", "-o", output, "--nologo", "-v", "quiet" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"dotnet publish of pgrest failed:\n{stdout.Result}\n{stderr.Result}");
        ProcessRunner.RunAsync("chmod", ["-R", "a+rX", output]).GetAwaiter().GetResult();
        return Path.Combine(output, "pgrest");
    }

    public static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "PgRest.sln")))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("PgRest.sln not found above " + AppContext.BaseDirectory);
    }
}
