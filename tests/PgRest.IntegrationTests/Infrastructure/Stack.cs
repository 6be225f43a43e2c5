using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Infrastructure;

/// <summary>Which program PostgreSQL's archive_command runs.</summary>
public enum Archiver { Pgrest, Pgbackrest, PgbackrestNewer }

/// <summary>
/// A real PostgreSQL cluster (15 unless told otherwise) archiving into a posix repository through pgrest or pgBackRest, with a
/// pgbackrest.conf both tools read: the setting of the PITR tutorial on one host.
/// </summary>
public sealed class Stack : IAsyncDisposable
{
    public const string StanzaName = "demo";

    private Stack(TempDirectory work, PgCluster cluster, string configPath, string stanza, IReadOnlyList<string>? repositoryOptions)
    {
        Work = work;
        Cluster = cluster;
        ConfigPath = configPath;
        Stanza = stanza;
        RepositoryOptions = repositoryOptions;
    }

    /// <summary>The stanza of this stack (<see cref="StanzaName"/> unless another was asked for).</summary>
    public string Stanza { get; }

    /// <summary>The <c>repoN-*</c> lines of an object-store repository; null for the posix <see cref="RepoPath"/>.</summary>
    public IReadOnlyList<string>? RepositoryOptions { get; }

    public TempDirectory Work { get; }

    public PgCluster Cluster { get; }

    public string ConfigPath { get; }

    public string RepoPath => Work.Combine("repo");

    /// <summary>Creates the cluster and the configuration; <paramref name="globalOptions"/> go into <c>[global]</c>;
    /// <paramref name="repositoryOptions"/> replace the posix <c>repo1-path</c> (an object-store repository);
    /// <paramref name="separateWal"/> puts pg_wal elsewhere behind a symlink (initdb --waldir); <paramref name="major"/>
    /// picks the PostgreSQL version.</summary>
    public static async Task<Stack> CreateAsync(
        Archiver archiver = Archiver.Pgrest, IEnumerable<string>? globalOptions = null, bool start = true,
        string stanza = StanzaName, IReadOnlyList<string>? repositoryOptions = null, bool separateWal = false,
        int major = PgCluster.DefaultMajor, bool dataChecksums = true)
    {
        var work = new TempDirectory("pgrest-stack");
        var configPath = work.Combine("pgbackrest.conf");
        var tool = archiver switch { Archiver.Pgrest => Tools.Pgrest, Archiver.PgbackrestNewer => Tools.PgbackrestNewer, _ => Tools.Pgbackrest };
        var cluster = await PgCluster.CreateAsync(new PgClusterOptions
        {
            ArchiveCommand = $"{tool} --config={configPath} --stanza={stanza} archive-push %p",
            Start = false,
            SeparateWalDirectory = separateWal,
            Major = major,
            DataChecksums = dataChecksums,
            Settings = new Dictionary<string, string> { ["archive_timeout"] = "0" },
        });
        var stack = new Stack(work, cluster, configPath, stanza, repositoryOptions);
        foreach (var directory in new[] { "repo", "log", "lock", "spool" })
            work.CreateSubdirectory(directory);
        // The port is chosen when the server starts, so the configuration is written right after.
        if (start)
            await cluster.StartAsync();
        stack.WriteConfig(globalOptions ?? []);
        return stack;
    }

    /// <summary>Writes pgbackrest.conf; <paramref name="stanzaOptions"/> (e.g. a standby's pg2-*) go into the stanza section.</summary>
    public void WriteConfig(IEnumerable<string> globalOptions, IEnumerable<string>? stanzaOptions = null)
    {
        var text = new StringBuilder();
        text.Append("[global]\n");
        if (RepositoryOptions is null)
            text.Append("repo1-path=").Append(RepoPath).Append('\n');
        else
            foreach (var option in RepositoryOptions)
                text.Append(option).Append('\n');
        text.Append("log-path=").Append(Work.Combine("log")).Append('\n');
        text.Append("lock-path=").Append(Work.Combine("lock")).Append('\n');
        text.Append("spool-path=").Append(Work.Combine("spool")).Append('\n');
        text.Append("start-fast=y\n");
        text.Append("archive-timeout=60\n");
        foreach (var option in globalOptions)
            text.Append(option).Append('\n');
        text.Append('\n').Append('[').Append(Stanza).Append("]\n");
        text.Append("pg1-path=").Append(Cluster.DataDirectory).Append('\n');
        text.Append("pg1-port=").Append(Cluster.Port.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("pg1-socket-path=").Append(Cluster.SocketDirectory).Append('\n');
        foreach (var option in stanzaOptions ?? [])
            text.Append(option).Append('\n');
        File.WriteAllText(ConfigPath, text.ToString());
        TempDirectory.ChangeOwner(ConfigPath, PgCluster.OsUser);
    }

    /// <summary>Runs pgrest as the postgres user with this stack's configuration and stanza.</summary>
    public Task<ProcessResult> PgrestAsync(params string[] arguments) => RunAsync(Tools.Pgrest, arguments);

    /// <summary>Runs the real pgBackRest as the postgres user with this stack's configuration and stanza.</summary>
    public Task<ProcessResult> PgbackrestAsync(params string[] arguments) => RunAsync(Tools.Pgbackrest, arguments);

    /// <summary>Runs pgBackRest 2.55.1 (block incremental in the 2.46+ format) like <see cref="PgbackrestAsync"/>.</summary>
    public Task<ProcessResult> PgbackrestNewerAsync(params string[] arguments) => RunAsync(Tools.PgbackrestNewer, arguments);

    private Task<ProcessResult> RunAsync(string tool, string[] arguments) =>
        ProcessRunner.RunAsync(tool, [$"--config={ConfigPath}", $"--stanza={Stanza}", .. arguments], PgCluster.OsUser, timeout: TimeSpan.FromMinutes(5));

    /// <summary>Runs a tool by its <see cref="ExpectAsync"/> name with the stack's configuration and stanza, whatever its exit code.</summary>
    public static Task<ProcessResult> RunToolAsync(Stack stack, string tool, params string[] arguments) => tool switch
    {
        "pgrest" => stack.PgrestAsync(arguments),
        "pgbackrest" => stack.PgbackrestAsync(arguments),
        "pgbackrest-2.55" => stack.PgbackrestNewerAsync(arguments),
        _ => throw new ArgumentException($"unknown tool '{tool}'", nameof(tool)),
    };

    /// <summary>
    /// Runs <c>pgrest</c> or <c>pgbackrest</c> (by name), shows the command and its output in the test log, and fails
    /// the test, with both outputs and the PostgreSQL log, unless the tool succeeded.
    /// </summary>
    /// A <c>verify</c> must also find the repository clean: it runs with <c>--output=text --verbose</c> (unless the
    /// test chose an output) and every <c>status:</c> line must say ok, since both tools exit 0 when verify finds damage.
    public async Task<ProcessResult> ExpectAsync(ITestOutputHelper output, string tool, params string[] arguments)
    {
        var verifying = arguments.Contains("verify");
        if (verifying && !arguments.Any(argument => argument.StartsWith("--output", StringComparison.Ordinal)))
            arguments = [.. arguments, "--output=text", .. arguments.Contains("--verbose") ? Array.Empty<string>() : ["--verbose"]];
        var result = await RunToolAsync(this, tool, arguments);
        var shown = result.StandardOutput.Length > 6000 ? result.StandardOutput[..6000] + "\n..." : result.StandardOutput;
        output.WriteLine($"$ {tool} {string.Join(' ', arguments)} -> {result.ExitCode}\n{shown}{result.StandardError}");
        Assert.True(result.ExitCode == 0,
            $"{tool} {string.Join(' ', arguments)} exited {result.ExitCode}:\n{result.StandardError}\n{result.StandardOutput}\nPostgreSQL log:\n{ReadLog()}");
        if (verifying && arguments.Contains("--output=text"))
            AssertVerifiedClean(tool, result.StandardOutput);
        return result;
    }

    /// <summary>Fails unless verify's text output names at least one stanza and every stanza's status is ok.</summary>
    public static void AssertVerifiedClean(string tool, string verifyOutput)
    {
        var statuses = verifyOutput.Split('\n').Where(line => line.StartsWith("status:", StringComparison.Ordinal)).ToList();
        Assert.True(statuses.Count > 0 && statuses.All(line => line == "status: ok"), $"{tool} verify did not find the repository clean:\n{verifyOutput}");
    }

    /// <summary>Runs a tool without the stack's --config/--stanza (for bad-input tests).</summary>
    public static Task<ProcessResult> RunRawAsync(string tool, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null) =>
        ProcessRunner.RunAsync(tool, arguments, PgCluster.OsUser, environment, timeout: TimeSpan.FromMinutes(2));

    /// <summary>Writes a little, ends the WAL segment being written and returns its name.</summary>
    public async Task<string> SwitchSegmentAsync()
    {
        await Cluster.ExecuteAsync("create table if not exists filler (x text); insert into filler select repeat('x', 100) from generate_series(1, 500)");
        var name = await Cluster.QueryScalarAsync<string>("select pg_walfile_name(pg_current_wal_lsn())");
        await Cluster.ExecuteAsync("select pg_switch_wal()");
        return name!;
    }

    /// <summary>Waits until a promoted cluster accepts writes (recovery finished).</summary>
    public Task WaitForPromotionAsync(TimeSpan? timeout = null) => Cluster.WaitForPromotionAsync(timeout);

    public string ReadLog() => File.Exists(Cluster.LogFile) ? File.ReadAllText(Cluster.LogFile) : "(no log)";

    /// <summary>The timeline the cluster writes WAL on now.</summary>
    public async Task<int> CurrentTimelineAsync()
    {
        var wal = await Cluster.QueryScalarAsync<string>("select pg_walfile_name(pg_current_wal_lsn())");
        return int.Parse(wal![..8], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Work.Dispose();
    }
}
