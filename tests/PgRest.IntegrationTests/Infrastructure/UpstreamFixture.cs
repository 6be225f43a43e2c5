using System.Globalization;
using System.Text.RegularExpressions;

namespace PgRest.IntegrationTests.Infrastructure;

/// <summary>What one backup of a fixture held: <c>count(*)</c>, <c>sum(abalance)</c> and the md5 of pgbench_accounts.</summary>
public sealed record FixtureBackup(string Label, long Count, long Sum, string Md5);

/// <summary>
/// A repository written by the real pgBackRest 2.59.1 (<c>../shared/fixtures</c>, never edited), extracted into a
/// directory the postgres user owns, with a configuration that points at it.
/// </summary>
public sealed partial class UpstreamFixture : IDisposable
{
    private UpstreamFixture(string name, TempDirectory work)
    {
        Name = name;
        Work = work;
        Root = work.Combine(name);
        Backups = ReadBackups(File.ReadAllText(Path.Combine(Root, "expected.txt")));
    }

    public string Name { get; }

    public TempDirectory Work { get; }

    /// <summary>The extracted tarball: <c>expected.txt</c>, <c>repo/</c>, <c>extra/</c>.</summary>
    public string Root { get; }

    public string RepoPath => Path.Combine(Root, "repo");

    public string ConfigPath => Work.Combine("pgbackrest.conf");

    /// <summary>Oldest first.</summary>
    public IReadOnlyList<FixtureBackup> Backups { get; }

    /// <summary>The SHA-1 of every file pgBackRest 2.59.1 restored for the backup, as <c>sha1sum</c> printed them.</summary>
    public string RestoredSha1(string label) => File.ReadAllText(Path.Combine(Root, "extra", $"restored-sha1-{label}.txt"));

    /// <summary>Where the tarballs are: PGREST_FIXTURES, else <c>../shared/fixtures</c> beside the clone, else /work/shared/fixtures.</summary>
    public static string Directory()
    {
        string[] candidates =
        [
            Environment.GetEnvironmentVariable("PGREST_FIXTURES") ?? "",
            Path.GetFullPath(Path.Combine(Tools.FindRepositoryRoot(), "..", "shared", "fixtures")),
            "/work/shared/fixtures",
        ];
        return candidates.FirstOrDefault(path => path.Length > 0 && File.Exists(Path.Combine(path, "README.md")))
               ?? throw new InvalidOperationException("the pgBackRest 2.59.1 fixtures are not found (" + string.Join(", ", candidates) + "); set PGREST_FIXTURES");
    }

    public static async Task<UpstreamFixture> ExtractAsync(string name)
    {
        var work = new TempDirectory("pgrest-fixture");
        try
        {
            string tarball = Path.Combine(Directory(), name + ".tar.zst");
            (await ProcessRunner.RunAsync("tar", ["--zstd", "-xf", tarball, "-C", work.Path])).EnsureSuccess("tar");
            TempDirectory.ChangeOwnerRecursive(work.Path, PgCluster.OsUser);
            var fixture = new UpstreamFixture(name, work);
            foreach (var scratch in new[] { "log", "lock", "spool", "pgdata" })
                work.CreateSubdirectory(scratch);
            string template = await File.ReadAllTextAsync(Path.Combine(fixture.Root, "extra", "pgbackrest.conf.template"));
            string config = template.Replace("REPO", fixture.RepoPath, StringComparison.Ordinal)
                .Replace("PGDATA", work.Combine("pgdata"), StringComparison.Ordinal)
                .Replace("LOGPATH", work.Combine("log"), StringComparison.Ordinal)
                .Replace("LOCKPATH", work.Combine("lock"), StringComparison.Ordinal)
                .Replace("SPOOLPATH", work.Combine("spool"), StringComparison.Ordinal)
                .Replace("SOCKDIR", work.Path, StringComparison.Ordinal)
                .Replace("PORT", "5432", StringComparison.Ordinal);
            await File.WriteAllTextAsync(fixture.ConfigPath, config);
            TempDirectory.ChangeOwner(fixture.ConfigPath, PgCluster.OsUser);
            return fixture;
        }
        catch
        {
            work.Dispose();
            throw;
        }
    }

    /// <summary>Runs pgrest as postgres on this fixture's configuration and stanza.</summary>
    public Task<ProcessResult> PgrestAsync(params string[] arguments) =>
        ProcessRunner.RunAsync(Tools.Pgrest, [$"--config={ConfigPath}", "--stanza=main", .. arguments], PgCluster.OsUser, timeout: TimeSpan.FromMinutes(5));

    /// <summary><c>sha1sum</c> lines of every file under <paramref name="directory"/>, sorted by path, as the fixture lists them.</summary>
    public static string Sha1List(string directory, params string[] leaveOut)
    {
        var lines = System.IO.Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(path => !leaveOut.Contains(Path.GetFileName(path)))
            .Select(path =>
            {
                using var stream = File.OpenRead(path);
                string hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(stream));
                return $"{hash}  ./{Path.GetRelativePath(directory, path)}";
            });
        return string.Join('\n', lines.OrderBy(line => line[42..], StringComparer.Ordinal));
    }

    /// <summary>The fixture's own list in the same order.</summary>
    public static string SortedSha1(string list) =>
        string.Join('\n', list.Split('\n', StringSplitOptions.RemoveEmptyEntries).OrderBy(line => line[42..], StringComparer.Ordinal));

    private static List<FixtureBackup> ReadBackups(string expected)
    {
        var backups = new List<FixtureBackup>();
        foreach (Match match in BackupSection().Matches(expected))
        {
            backups.Add(new FixtureBackup(match.Groups["label"].Value,
                long.Parse(match.Groups["count"].Value, CultureInfo.InvariantCulture),
                long.Parse(match.Groups["sum"].Value, CultureInfo.InvariantCulture),
                match.Groups["md5"].Value));
        }

        return backups;
    }

    [GeneratedRegex(@"^backup (?<label>\S+)\n(?:.*\n)*?.*sum\(abalance\).*->\s+(?<count>\d+) \| (?<sum>-?\d+)\n.*md5.*->\s+(?<md5>[0-9a-f]{32})", RegexOptions.Multiline)]
    private static partial Regex BackupSection();

    public void Dispose() => Work.Dispose();
}
