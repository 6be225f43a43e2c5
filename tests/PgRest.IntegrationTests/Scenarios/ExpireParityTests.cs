using System.Text;
using PgRest.Config;
using PgRest.Info;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// One repository with three full backups and diff/incr backups between them, made by pgrest. For each set of expire
/// options the repository is copied twice, the real pgBackRest 2.45 expires one copy and pgrest the other: the trees
/// (backup directories, latest link, WAL and history files), backup.info, the exit code, the info-level log and the
/// warnings must be the same.
/// </summary>
public sealed class ExpireParityTests(ExpireRepositoryFixture repository, ITestOutputHelper output) : IClassFixture<ExpireRepositoryFixture>
{
    [Theory]
    [InlineData("no retention options")]
    [InlineData("--repo1-retention-full=2")]
    [InlineData("--repo1-retention-full=1", "--repo1-retention-diff=1")]
    [InlineData("--repo1-retention-full=3", "--repo1-retention-diff=2")]
    [InlineData("--repo1-retention-full=3", "--repo1-retention-archive=1")]
    [InlineData("--repo1-retention-full=3", "--repo1-retention-archive-type=diff", "--repo1-retention-archive=2")]
    [InlineData("--repo1-retention-full=3", "--repo1-retention-archive-type=diff")]
    [InlineData("--repo1-retention-full=3", "--repo1-retention-diff=4", "--repo1-retention-archive-type=diff")]
    [InlineData("--repo1-retention-full=3", "--repo1-retention-archive-type=incr", "--repo1-retention-archive=3")]
    [InlineData("--repo1-retention-full=3", "--repo1-retention-archive-type=incr")]
    [InlineData("--repo1-retention-full-type=time", "--repo1-retention-full=7")]
    [InlineData("--repo1-retention-full-type=time", "--repo1-retention-full=9")]
    [InlineData("--repo1-retention-full-type=time", "--repo1-retention-full=30")]
    [InlineData("--repo1-retention-full-type=time", "--repo1-retention-full=7", "--repo1-retention-archive=1")]
    [InlineData("--set={D2}")]
    [InlineData("--set={I3}")]
    [InlineData("--set={F3}")]
    [InlineData("--set={F1}", "--repo1-retention-full=1")]
    [InlineData("--set=20200101-000000F")]
    [InlineData("--set=not-a-label")]
    [InlineData("--dry-run", "--repo1-retention-full=1", "--repo1-retention-diff=1")]
    [InlineData("--dry-run", "--set={F2}")]
    public async Task Expire_leaves_the_same_repository_as_pgbackrest(params string[] options)
    {
        var arguments = options.Where(o => o.StartsWith("--", StringComparison.Ordinal)).Select(repository.ExpandLabels).ToArray();
        using var copies = new TempDirectory("pgrest-expire");
        var pgbackrestRepo = repository.CopyRepository(copies.Combine("pgbackrest"));
        var pgrestRepo = repository.CopyRepository(copies.Combine("pgrest"));

        var expected = await repository.Stack.PgbackrestAsync([.. Common(pgbackrestRepo), .. arguments, "expire"]);
        var actual = await repository.Stack.PgrestAsync([.. Common(pgrestRepo), .. arguments, "expire"]);
        output.WriteLine($"pgbackrest {string.Join(' ', arguments)} -> {expected.ExitCode}\n{expected.StandardOutput}{expected.StandardError}");
        output.WriteLine($"pgrest {string.Join(' ', arguments)} -> {actual.ExitCode}\n{actual.StandardOutput}{actual.StandardError}");

        Assert.Equal(options.Contains("--set=not-a-label") ? 32 : 0, expected.ExitCode);
        Assert.Equal(expected.ExitCode, actual.ExitCode);
        Assert.Equal(expected.StandardError, actual.StandardError);
        Assert.Equal(Tree(pgbackrestRepo), Tree(pgrestRepo));
        Assert.Equal(CurrentBackups(pgbackrestRepo), CurrentBackups(pgrestRepo));
        Assert.Equal(
            File.ReadAllText(Path.Combine(pgbackrestRepo, "backup", Stack.StanzaName, "backup.info")),
            File.ReadAllText(Path.Combine(pgrestRepo, "backup", Stack.StanzaName, "backup.info")));
        Assert.Equal(LogLines(expected.StandardOutput), LogLines(actual.StandardOutput));
    }

    private static string[] Common(string repoPath) => [$"--repo1-path={repoPath}", "--log-level-console=info", "--no-log-timestamp", "--log-level-file=off"];

    /// <summary>The messages, without the begin/end lines that name the tool's version and timing.</summary>
    private static string LogLines(string console) => string.Join('\n', console.Split('\n')
        .Where(line => line.Length > 0 && !line.Contains(" command begin ", StringComparison.Ordinal) && !line.Contains(" command end: ", StringComparison.Ordinal)));

    /// <summary>Every path under the repository (links with their targets), sorted.</summary>
    private static string Tree(string root)
    {
        var lines = new List<string>();
        void Walk(string directory)
        {
            foreach (var entry in Directory.GetFileSystemEntries(directory))
            {
                var relative = Path.GetRelativePath(root, entry);
                var info = new FileInfo(entry);
                if (info.LinkTarget is { } target)
                    lines.Add($"{relative} -> {target}");
                else if (Directory.Exists(entry))
                {
                    lines.Add(relative + "/");
                    Walk(entry);
                }
                else
                    lines.Add(relative);
            }
        }

        Walk(root);
        lines.Sort(StringComparer.Ordinal);
        return string.Join('\n', lines);
    }

    private static string CurrentBackups(string repoPath) =>
        string.Join(", ", BackupInfo.Parse(File.ReadAllText(Path.Combine(repoPath, "backup", Stack.StanzaName, "backup.info"))).Current.Keys);
}

/// <summary>
/// Builds the shared repository once: F1 D1 I1(on D1) F2 D2 I2(on D2) F3 I3(on F3), with WAL switches between them.
/// F1 and F2 then get stop times 10 and 8 days in the past in backup.info so time-based retention has something to do.
/// </summary>
public sealed class ExpireRepositoryFixture : IAsyncLifetime
{
    private readonly Dictionary<string, string> _labels = new(StringComparer.Ordinal);

    public Stack Stack { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Stack = await Stack.CreateAsync(Archiver.Pgrest, ["process-max=2", "compress-type=lz4"]);
        await Run("stanza-create");
        await Stack.Cluster.ExecuteAsync("create table history (id serial, at timestamptz default now())");
        foreach (var (name, type) in new[] { ("F1", "full"), ("D1", "diff"), ("I1", "incr"), ("F2", "full"), ("D2", "diff"), ("I2", "incr"), ("F3", "full"), ("I3", "incr") })
        {
            // Two WAL segments of activity between backups, so that archive retention has whole segments to remove.
            for (var i = 0; i < 2; i++)
                await Stack.Cluster.ExecuteAsync("insert into history default values; select pg_switch_wal()");
            await Run($"--type={type}", "backup");
            var info = BackupInfo.Parse(File.ReadAllText(BackupInfoPath));
            _labels[name] = info.Current.Keys.Last();
        }

        await Stack.Cluster.StopAsync();
        AgeFullBackups();
    }

    /// <summary>Replaces <c>{F1}</c> etc. by the real labels.</summary>
    public string ExpandLabels(string text)
    {
        foreach (var (name, label) in _labels)
            text = text.Replace("{" + name + "}", label, StringComparison.Ordinal);
        return text;
    }

    /// <summary>Copies the repository (owners, modes and the latest link preserved).</summary>
    public string CopyRepository(string destination)
    {
        ProcessRunner.RunAsync("cp", ["-a", Stack.RepoPath, destination]).GetAwaiter().GetResult().EnsureSuccess("cp -a");
        return destination;
    }

    private string BackupInfoPath => Path.Combine(Stack.RepoPath, "backup", Stack.StanzaName, "backup.info");

    private void AgeFullBackups()
    {
        var info = BackupInfo.Parse(File.ReadAllText(BackupInfoPath));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        foreach (var (name, days) in new[] { ("F1", 10), ("F2", 8) })
        {
            var entry = info.Current[_labels[name]];
            var duration = entry.TimestampStop - entry.TimestampStart;
            entry.TimestampStop = now - days * 86400;
            entry.TimestampStart = entry.TimestampStop - duration;
        }

        var text = info.Serialize(PgRestVersion.FormatVersion);
        foreach (var path in new[] { BackupInfoPath, BackupInfoPath + ".copy" })
            File.WriteAllText(path, text, new UTF8Encoding(false));
    }

    private async Task Run(params string[] arguments)
    {
        var result = await Stack.PgrestAsync(arguments);
        Assert.True(result.ExitCode == 0, $"pgrest {string.Join(' ', arguments)} exited {result.ExitCode}:\n{result.StandardError}\n{result.StandardOutput}\n{Stack.ReadLog()}");
    }

    public async Task DisposeAsync()
    {
        if (Stack is not null)
            await Stack.DisposeAsync();
    }
}
