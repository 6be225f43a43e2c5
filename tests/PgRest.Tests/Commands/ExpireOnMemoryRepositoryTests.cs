using System.Text;
using PgRest.Commands;
using PgRest.Commands.Expire;
using PgRest.Info;
using PgRest.Repository;
using PgRest.Storage.Memory;
using PgRest.Tests.Config;

namespace PgRest.Tests.Commands;

/// <summary>
/// Expire carried out on a repository held in memory: what the command removes from the storage, checked without a
/// server, a cluster or pgBackRest (the parity with pgBackRest itself is the integration suite's ExpireParityTests).
/// </summary>
public sealed class ExpireOnMemoryRepositoryTests : IDisposable
{
    private const string Stanza = "demo";
    private const string ArchiveId = "15-1";

    private readonly ConfigTestFiles _files = new();
    private readonly MemoryStorage _storage = new();
    private readonly Repo _repo;

    public ExpireOnMemoryRepositoryTests() => _repo = new Repo(1, _storage, "/repo", cipherPass: null);

    public void Dispose() => _files.Dispose();

    private static string Segment(int number) => $"00000001000000000000{number:X4}";

    private async Task WriteAsync(string path, string text = "x")
    {
        await using var stream = await _storage.OpenWriteAsync(path);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(text));
        await stream.CommitAsync();
    }

    /// <summary>Three full backups starting at segments 2, 5 and 8, WAL segments 1 to 10, a timeline history file.</summary>
    private async Task BuildRepositoryAsync()
    {
        var archiveInfo = new ArchiveInfo();
        archiveInfo.AddDb(7000000000000000001, "15");
        await WalArchive.SaveInfoAsync(_repo, Stanza, archiveInfo, CancellationToken.None);

        var backupInfo = new BackupInfo();
        backupInfo.AddDb(7000000000000000001, "15", 202209061, 1300);
        foreach (var (label, start) in new[] { ("20260101-000000F", 2), ("20260201-000000F", 5), ("20260301-000000F", 8) })
        {
            backupInfo.Add(new BackupInfoEntry
            {
                Label = label, BackrestVersion = "2.45", Type = BackupType.Full, DbId = 1,
                ArchiveStart = Segment(start), ArchiveStop = Segment(start + 1),
            });
            await WriteAsync(RepositoryLayout.ManifestPath(Stanza, label));
            await WriteAsync(RepositoryLayout.ManifestPath(Stanza, label) + RepositoryLayout.CopySuffix);
            await WriteAsync(RepositoryLayout.BackupFilePath(Stanza, label, "pg_data/PG_VERSION", ".gz"));
        }

        await BackupStore.SaveInfoAsync(_repo, Stanza, backupInfo, CancellationToken.None);
        for (var segment = 1; segment <= 10; segment++)
            await WriteAsync(RepositoryLayout.ArchiveFilePath(Stanza, ArchiveId, Segment(segment) + "-" + new string('a', 40) + ".gz"));
        await WriteAsync(RepositoryLayout.ArchiveFilePath(Stanza, ArchiveId, "00000001.history"));
    }

    private async Task ExpireAsync(params string[] options)
    {
        var config = _files.Load("[global]\n", [$"--stanza={Stanza}", "--repo1-path=/repo", .. options, "expire"]);
        await ExpireCommand.ExpireRepoAsync(new CommandContext(config, CancellationToken.None), _repo, adhocLabel: null);
    }

    private IEnumerable<string> Under(string prefix) => _storage.Paths.Where(path => path.StartsWith(prefix, StringComparison.Ordinal));

    [Fact]
    public async Task Full_retention_removes_the_oldest_backup_and_the_wal_only_it_needed()
    {
        await BuildRepositoryAsync();

        await ExpireAsync("--repo1-retention-full=2");

        var info = await BackupStore.LoadInfoAsync(_repo, Stanza, CancellationToken.None);
        Assert.Equal(["20260201-000000F", "20260301-000000F"], info.Current.Keys);
        Assert.Empty(Under(RepositoryLayout.BackupLabelPath(Stanza, "20260101-000000F")));
        Assert.NotEmpty(Under(RepositoryLayout.BackupLabelPath(Stanza, "20260201-000000F")));
        var segments = Under(RepositoryLayout.ArchiveIdPath(Stanza, ArchiveId) + "/0000000100000000/").Select(path => path[^68..^44]).ToList();
        Assert.Equal(Enumerable.Range(5, 6).Select(Segment), segments);
        Assert.Single(Under(RepositoryLayout.ArchiveFilePath(Stanza, ArchiveId, "00000001.history")));
    }

    [Fact]
    public async Task Archive_retention_of_one_keeps_only_the_wal_older_backups_need_to_be_consistent()
    {
        await BuildRepositoryAsync();

        await ExpireAsync("--repo1-retention-full=3", "--repo1-retention-archive=1");

        var segments = Under(RepositoryLayout.ArchiveIdPath(Stanza, ArchiveId) + "/0000000100000000/").Select(path => path[^68..^44]).ToList();
        Assert.Equal([Segment(2), Segment(3), Segment(5), Segment(6), Segment(8), Segment(9), Segment(10)], segments);
    }

    [Fact]
    public async Task A_dry_run_only_says_what_it_would_remove()
    {
        await BuildRepositoryAsync();
        var before = _storage.Paths;

        await ExpireAsync("--repo1-retention-full=1", "--repo1-retention-archive=1", "--dry-run");

        Assert.Equal(before, _storage.Paths);
    }
}
