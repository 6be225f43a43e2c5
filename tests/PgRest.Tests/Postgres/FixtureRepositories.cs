using System.Diagnostics;
using PgRest.Repository;
using PgRest.Storage.Posix;

namespace PgRest.Tests.Postgres;

/// <summary>
/// The repositories pgBackRest 2.59.1 wrote (../shared/fixtures, never edited), extracted once per test run: real WAL
/// of PostgreSQL 15 and 17 under pgbench, and backups whose catalogs hold pgbench_accounts.
/// </summary>
public static class FixtureRepositories
{
    private static readonly Lazy<string> Root = new(Extract);

    public static string RepoPath(string fixture) => Path.Combine(Root.Value, fixture, "repo");

    public static Repo Open(string fixture) => new(1, new PosixStorage(RepoPath(fixture)), RepoPath(fixture), null);

    /// <summary>The stored segments of the fixture's archive, oldest first, as (name, decompressed bytes).</summary>
    public static IEnumerable<(string Name, byte[] Bytes)> Segments(string fixture, string archiveId)
    {
        var directory = Path.Combine(RepoPath(fixture), "archive", "main", archiveId, "0000000100000000");
        foreach (var path in Directory.GetFiles(directory, "*.zst").Order(StringComparer.Ordinal))
        {
            using var input = File.OpenRead(path);
            using var zstd = PgRest.Filters.Compression.Decompressor(input, PgRest.Filters.CompressType.Zst);
            using var bytes = new MemoryStream();
            zstd.CopyTo(bytes);
            yield return (Path.GetFileName(path)[..24], bytes.ToArray());
        }
    }

    private static string Extract()
    {
        string[] candidates = [Environment.GetEnvironmentVariable("PGREST_FIXTURES") ?? "",
            Path.GetFullPath(Path.Combine(RepositoryFiles.Root(), "..", "shared", "fixtures")), "/work/shared/fixtures"];
        var source = candidates.First(path => path.Length > 0 && File.Exists(Path.Combine(path, "README.md")));
        var root = Path.Combine(Path.GetTempPath(), $"pgrest-unit-fixtures-{Environment.ProcessId}");
        Directory.CreateDirectory(root);
        foreach (var name in new[] { "pg15-block-plain", "pg17-block-plain" })
        {
            using var tar = Process.Start("tar", ["--zstd", "-xf", Path.Combine(source, name + ".tar.zst"), "-C", root])!;
            tar.WaitForExit();
            if (tar.ExitCode != 0)
                throw new InvalidOperationException($"tar could not extract {name}");
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(root, recursive: true);
        return root;
    }
}
