using System.Globalization;
using System.Security.Cryptography;

namespace PgRest.IntegrationTests.Infrastructure;

/// <summary>
/// A dedicated repository host, as pgBackRest's user guide sets one up, on the test sshd (scripts/servers/sshd.sh): the
/// pgrest-repo OS user stands for the backup host and owns the repository and its own pgbackrest.conf (repository path
/// and passphrase); the database host's configuration names it with <c>repo1-host*</c> and reaches it with the system
/// ssh client as the postgres user (key and known_hosts in <c>cmd-ssh</c>'s configuration, as ~/.ssh/config would).
/// </summary>
public sealed class RepositoryHost
{
    public const string User = "pgrest-repo";

    private RepositoryHost(TestServer server, string directory)
    {
        Server = server;
        Directory = directory;
    }

    public TestServer Server { get; }

    /// <summary>This host's directory: its configuration file, the repository, log and lock paths.</summary>
    public string Directory { get; }

    public string ConfigPath => Path.Combine(Directory, "pgbackrest.conf");

    public string RepoPath => Path.Combine(Directory, "repo");

    /// <summary>A fresh repository host whose own configuration holds <paramref name="repositoryOptions"/> beside repo1-path.</summary>
    public static async Task<RepositoryHost> CreateAsync(string name, params string[] repositoryOptions)
    {
        var server = await TestServer.GetAsync("sshd");
        var directory = Path.Combine(server["REPO_HOST_ROOT"], name + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
        System.IO.Directory.CreateDirectory(directory);
        foreach (var sub in new[] { "repo", "log", "lock" })
            System.IO.Directory.CreateDirectory(Path.Combine(directory, sub));
        var host = new RepositoryHost(server, directory);
        File.WriteAllLines(host.ConfigPath,
        [
            "[global]",
            "repo1-path=" + host.RepoPath,
            "log-path=" + Path.Combine(directory, "log"),
            "lock-path=" + Path.Combine(directory, "lock"),
            .. repositoryOptions,
        ]);
        TempDirectory.ChangeOwnerRecursive(directory, User);
        File.SetUnixFileMode(host.ConfigPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return host;
    }

    /// <summary>The database host's <c>[global]</c> lines that put repo1 on this host.</summary>
    public IReadOnlyList<string> ClientOptions(int index = 1)
    {
        var n = index.ToString(CultureInfo.InvariantCulture);
        return
        [
            $"repo{n}-host={Server["HOST"]}",
            $"repo{n}-host-port={Server["PORT"]}",
            $"repo{n}-host-user={User}",
            $"repo{n}-host-config={ConfigPath}",
            $"cmd-ssh={Server["SSH_CMD"]}",
        ];
    }

    /// <summary>Runs a tool on the repository host itself: as its user, with its configuration.</summary>
    public Task<ProcessResult> RunAsync(string tool, string stanza, params string[] arguments) =>
        ProcessRunner.RunAsync(tool, [$"--config={ConfigPath}", $"--stanza={stanza}", .. arguments], User, timeout: TimeSpan.FromMinutes(5));

    /// <summary>Paths below the repository not owned by the repository host's user.</summary>
    public IEnumerable<string> NotOwnedByTheHostUser()
    {
        var (uid, _) = TempDirectory.LookupUser(User);
        foreach (var path in System.IO.Directory.EnumerateFileSystemEntries(RepoPath, "*", SearchOption.AllDirectories))
        {
            if (PgRest.Common.FileStatus.Get(path).UserId != uid)
                yield return path;
        }
    }
}

/// <summary><c>pgrest server</c> running on a repository or database host as its user, stopped (SIGTERM) on dispose.</summary>
public sealed class PgrestServer : IAsyncDisposable
{
    private readonly System.Diagnostics.Process _process;
    private readonly System.Text.StringBuilder _log = new();

    private PgrestServer(System.Diagnostics.Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string Log
    {
        get
        {
            lock (_log)
                return _log.ToString();
        }
    }

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the server with the host's configuration and waits until it listens.</summary>
    public static Task<PgrestServer> StartAsync(RepositoryHost host, int port) => StartAsync(RepositoryHost.User, host.ConfigPath, port);

    /// <summary>Starts the server as <paramref name="user"/> with <paramref name="configPath"/> and waits until it listens.</summary>
    public static async Task<PgrestServer> StartAsync(string user, string configPath, int port)
    {
        var start = new System.Diagnostics.ProcessStartInfo("runuser")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-u", user, "--", Tools.Pgrest, $"--config={configPath}", "--log-level-console=detail", "server" })
            start.ArgumentList.Add(argument);
        var process = System.Diagnostics.Process.Start(start)!;
        var server = new PgrestServer(process, port);
        var listening = new TaskCompletionSource();
        void Collect(string? line)
        {
            if (line is null)
                return;
            lock (server._log)
                server._log.AppendLine(line);
            if (line.Contains("server listening on", StringComparison.Ordinal))
                listening.TrySetResult();
        }

        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        if (await Task.WhenAny(listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(30))) != listening.Task)
            throw new InvalidOperationException($"pgrest server did not start listening:\n{server.Log}");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            System.Diagnostics.Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }
}
