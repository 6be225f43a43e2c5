using System.Collections.Concurrent;

namespace PgRest.IntegrationTests.Infrastructure;

/// <summary>
/// A real object-store server (Ceph RGW, Azurite, the GCS emulator) started once per test run by its script,
/// <c>scripts/servers/&lt;name&gt;.sh start &lt;dir&gt;</c>, and stopped when the test process exits. The script binds
/// to 127.0.0.1, serves HTTPS with <c>&lt;dir&gt;/tls.crt</c>, creates the bucket or container, and prints
/// <c>KEY=VALUE</c> lines (port, credentials) that become <see cref="Settings"/>. A server that cannot start fails
/// the test: object-store tests are never skipped.
/// </summary>
public sealed class TestServer
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<TestServer>>> Servers = new();

    private TestServer(string name, string directory, IReadOnlyDictionary<string, string> settings)
    {
        Name = name;
        Directory = directory;
        Settings = settings;
    }

    public string Name { get; }

    /// <summary>The server's working directory (data, logs, pid files, certificate).</summary>
    public string Directory { get; }

    /// <summary>The CA file clients use to verify the server (<c>repoN-storage-ca-file</c>).</summary>
    public string CertificateFile => Path.Combine(Directory, "tls.crt");

    public IReadOnlyDictionary<string, string> Settings { get; }

    public string this[string key] => Settings.TryGetValue(key, out var value)
        ? value
        : throw new InvalidOperationException($"server {Name} did not report {key}");

    /// <summary>The running server of that name, started on first use.</summary>
    public static Task<TestServer> GetAsync(string name) =>
        Servers.GetOrAdd(name, key => new Lazy<Task<TestServer>>(() => StartAsync(key), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    private static async Task<TestServer> StartAsync(string name)
    {
        var script = Path.Combine(Tools.FindRepositoryRoot(), "scripts", "servers", name + ".sh");
        if (!File.Exists(script))
            throw new InvalidOperationException($"no start script for test server '{name}' at {script}");
        var directory = Path.Combine(Path.GetTempPath(), $"pgrest-server-{name}-{Environment.ProcessId}");
        System.IO.Directory.CreateDirectory(directory);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(script, directory);
        var result = await ProcessRunner.RunAsync("bash", [script, "start", directory], timeout: TimeSpan.FromMinutes(5));
        if (result.ExitCode != 0)
        {
            Stop(script, directory);
            throw new InvalidOperationException($"test server {name} did not start (exit {result.ExitCode})\nstdout:\n{result.StandardOutput}\nstderr:\n{result.StandardError}");
        }

        // The test host may be killed rather than exit (vstest ends it after the run), and then ProcessExit never
        // runs: a detached watchdog stops the server once this process is gone.
        var watchdog = $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 2; done; bash '{script}' stop '{directory}'; rm -rf '{directory}'";
        await ProcessRunner.RunAsync("bash", ["-c", $"setsid nohup bash -c \"{watchdog}\" >/dev/null 2>&1 </dev/null &"]);

        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in result.StandardOutput.Split('\n'))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && !line.StartsWith('#'))
                settings[line[..equals].Trim()] = line[(equals + 1)..].Trim();
        }

        return new TestServer(name, directory, settings);
    }

    private static void Stop(string script, string directory)
    {
        try
        {
            ProcessRunner.RunAsync("bash", [script, "stop", directory], timeout: TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or IOException)
        {
            // Best effort at process exit; the next run uses a new directory and new ports.
        }
    }
}
