using PgRest.Commands.Backup;

namespace PgRest.Tests.Commands;

/// <summary>pg_wal in the manifest as pgBackRest 2.45 builds it (manifestBuildInfo).</summary>
public sealed class DataDirectoryScannerTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pgrest-scan-" + Guid.NewGuid().ToString("N"));

    public DataDirectoryScannerTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "pg_wal", "archive_status"));
        File.WriteAllText(Path.Combine(_root, "pg_wal", "000000010000000000000001"), "wal");
        File.WriteAllText(Path.Combine(_root, "pg_wal", "archive_status", "000000010000000000000001.ready"), "");
        File.WriteAllText(Path.Combine(_root, "PG_VERSION"), "15\n");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Online_the_wal_files_and_status_files_are_left_out_but_both_directories_kept()
    {
        var scanner = Scan(online: true);
        Assert.Equal(["pg_data", "pg_data/pg_wal", "pg_data/pg_wal/archive_status"], scanner.Paths.Select(p => p.ManifestName));
        Assert.Equal(["pg_data/PG_VERSION"], scanner.Files.Select(f => f.ManifestName));
    }

    [Fact]
    public void Offline_everything_in_pg_wal_is_backed_up()
    {
        var scanner = Scan(online: false);
        Assert.Contains("pg_data/pg_wal/000000010000000000000001", scanner.Files.Select(f => f.ManifestName));
        Assert.Contains("pg_data/pg_wal/archive_status/000000010000000000000001.ready", scanner.Files.Select(f => f.ManifestName));
    }

    private DataDirectoryScanner Scan(bool online)
    {
        var scanner = new DataDirectoryScanner(_root, "PG_15_202209061", new Dictionary<string, string>(), [], "pg_wal", online);
        scanner.Scan();
        return scanner;
    }
}
