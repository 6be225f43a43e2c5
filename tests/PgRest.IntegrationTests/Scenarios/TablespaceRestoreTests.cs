using System.Globalization;
using PgRest.Info;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// A cluster with a tablespace outside PGDATA and pg_wal linked elsewhere (initdb --waldir): backed up by one tool and
/// restored by the other, in place and with <c>--tablespace-map</c>, <c>--tablespace-map-all</c>, <c>--link-map</c>,
/// <c>--link-all</c>, giving the same layout as pgBackRest 2.45; and selective restore with <c>--db-include</c>.
/// </summary>
public sealed class TablespaceRestoreTests(ITestOutputHelper output)
{
    private const string Pgrest = "pgrest";
    private const string Pgbackrest = "pgbackrest";

    [Fact]
    public async Task Pgrest_backup_with_tablespace_and_linked_pg_wal_restores_with_both_tools_with_and_without_mapping()
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, separateWal: true);
        var tablespace = await CreateTablespaceDataAsync(stack);
        await ExpectAsync(stack, Pgrest, "stanza-create");
        await ExpectAsync(stack, Pgrest, "--type=full", "backup");
        var data = await DataAsync(stack);
        var oid = await stack.Cluster.QueryScalarAsync<uint>("select oid from pg_tablespace where spcname = 'ts1'");

        // pgBackRest describes the same cluster with the same targets, links and paths.
        await ExpectAsync(stack, Pgbackrest, "--type=full", "backup");
        await ExpectAsync(stack, Pgbackrest, "verify");
        var labels = BackupInfo.Parse(File.ReadAllText(Path.Combine(stack.RepoPath, "backup", Stack.StanzaName, "backup.info"))).Current.Keys.ToList();
        var (ours, theirs) = (Describe(stack, labels[0]), Describe(stack, labels[1]));
        Assert.Equal(theirs, ours);
        await ExpectAsync(stack, Pgrest, "--set=" + labels[0], "expire");

        var tablespaceLink = Path.Combine(stack.Cluster.DataDirectory, "pg_tblspc", oid.ToString(CultureInfo.InvariantCulture));
        var walLink = Path.Combine(stack.Cluster.DataDirectory, "pg_wal");
        await stack.Cluster.StopAsync();

        // In place, no options: the tablespace link comes back; pg_wal's contents go into a directory (pgBackRest's warning).
        foreach (var tool in new[] { Pgbackrest, Pgrest })
        {
            Wipe(stack, tablespace);
            var restore = await ExpectAsync(stack, tool, "--log-level-console=detail", "restore");
            Assert.Contains("WARN: contents of directory link 'pg_wal' will be restored in a directory at the same location", restore.StandardError + restore.StandardOutput);
            Assert.Equal(tablespace, new FileInfo(tablespaceLink).LinkTarget);
            Assert.Null(new FileInfo(walLink).LinkTarget);
            Assert.True(Directory.Exists(walLink));
            Assert.False(File.Exists(Path.Combine(stack.Cluster.DataDirectory, "tablespace_map")));
        }

        await StartAndCheckAsync(stack, data);
        await stack.Cluster.StopAsync();

        // Mapped: the tablespace and pg_wal go to new places, by name and by oid, with the same layout from both tools.
        var movedTablespace = stack.Work.CreateSubdirectory("ts1-moved");
        var movedWal = stack.Work.CreateSubdirectory("wal-moved");
        foreach (var (tool, map) in new[] { (Pgbackrest, "ts1"), (Pgrest, oid.ToString(CultureInfo.InvariantCulture)) })
        {
            Wipe(stack, tablespace, movedTablespace, movedWal);
            var restore = await ExpectAsync(stack, tool, "--log-level-console=info", $"--tablespace-map={map}={movedTablespace}", $"--link-map=pg_wal={movedWal}", "restore");
            Assert.Contains($"map tablespace 'pg_tblspc/{oid}' to '{movedTablespace}'", restore.StandardOutput);
            Assert.Contains($"map link 'pg_wal' to '{movedWal}'", restore.StandardOutput);
            Assert.Equal(movedTablespace, new FileInfo(tablespaceLink).LinkTarget);
            Assert.Equal(movedWal, new FileInfo(walLink).LinkTarget);
            Assert.NotEmpty(Directory.GetDirectories(movedTablespace));
            Assert.Empty(Directory.GetFileSystemEntries(tablespace));
        }

        await StartAndCheckAsync(stack, data);
    }

    [Fact]
    public async Task Pgbackrest_backup_with_tablespace_and_linked_pg_wal_restores_with_pgrest_tablespace_map_all_and_link_all()
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgbackrest, separateWal: true);
        var tablespace = await CreateTablespaceDataAsync(stack);
        await ExpectAsync(stack, Pgbackrest, "stanza-create");
        await ExpectAsync(stack, Pgbackrest, "--type=full", "backup");
        var data = await DataAsync(stack);
        var oid = await stack.Cluster.QueryScalarAsync<uint>("select oid from pg_tablespace where spcname = 'ts1'");
        await stack.Cluster.StopAsync();

        var all = stack.Work.CreateSubdirectory("all");
        Wipe(stack, tablespace, stack.Cluster.WalDirectory);
        var restore = await ExpectAsync(stack, Pgrest, "--log-level-console=info", $"--tablespace-map-all={all}", "--link-all", "restore");
        Assert.Contains($"map tablespace 'pg_tblspc/{oid}' to '{all}/ts1'", restore.StandardOutput);
        Assert.DoesNotContain("will be restored in a directory", restore.StandardError + restore.StandardOutput);
        Assert.Equal($"{all}/ts1", new FileInfo(Path.Combine(stack.Cluster.DataDirectory, "pg_tblspc", oid.ToString(CultureInfo.InvariantCulture))).LinkTarget);
        Assert.Equal(stack.Cluster.WalDirectory, new FileInfo(Path.Combine(stack.Cluster.DataDirectory, "pg_wal")).LinkTarget);
        await StartAndCheckAsync(stack, data);
    }

    [Fact]
    public async Task Db_include_restores_one_database_and_zeroes_the_others_and_bad_names_fail_as_in_pgbackrest()
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest);
        await stack.Cluster.ExecuteAsync("create database one");
        await stack.Cluster.ExecuteAsync("create database two");
        foreach (var db in new[] { "one", "two" })
            await PsqlAsync(stack, db, $"create table t as select g, md5(g::text) as v from generate_series(1, 20000) g; insert into t values (0, '{db}')");
        var oneOid = await stack.Cluster.QueryScalarAsync<uint>("select oid from pg_database where datname = 'one'");
        var twoOid = await stack.Cluster.QueryScalarAsync<uint>("select oid from pg_database where datname = 'two'");
        var twoTable = (await PsqlAsync(stack, "two", "select pg_relation_filepath('t')")).Trim();
        await ExpectAsync(stack, Pgrest, "stanza-create");
        await ExpectAsync(stack, Pgrest, "--type=full", "backup");
        await stack.Cluster.StopAsync();

        foreach (var (arguments, code, message) in new[]
        {
            (new[] { "--db-include=three" }, 80, "database to include 'three' does not exist"),
            (new[] { "--db-exclude=three" }, 80, "database to exclude 'three' does not exist"),
            (new[] { "--db-include=postgres" }, 81, "system databases (template0, postgres, etc.) are included by default"),
            (new[] { "--db-include=one", "--db-exclude=one" }, 81, $"database to include '{oneOid}' is in the exclude list"),
            (new[] { "--tablespace-map=nosuch=/tmp/x" }, 76, "unable to remap invalid tablespace 'nosuch'"),
            (new[] { "--link-map=nosuch=/tmp/x" }, 78, "unable to map link 'nosuch'"),
        })
        {
            foreach (var tool in new[] { Pgbackrest, Pgrest })
            {
                Wipe(stack);
                var result = tool == Pgrest ? await stack.PgrestAsync([.. arguments, "restore"]) : await stack.PgbackrestAsync([.. arguments, "restore"]);
                output.WriteLine($"$ {tool} {string.Join(' ', arguments)} restore -> {result.ExitCode}\n{result.StandardError}");
                Assert.Equal(code, result.ExitCode);
                Assert.Contains($"[0{code}]: {message}", result.StandardError);
            }
        }

        Wipe(stack);
        var restore = await ExpectAsync(stack, Pgrest, "--log-level-console=detail", "--db-include=one", "--type=immediate", "--target-action=promote", "restore");
        Assert.Contains($"databases excluded (zeroed) from selective restore ({twoOid})", restore.StandardOutput);
        var zeroed = await File.ReadAllBytesAsync(Path.Combine(stack.Cluster.DataDirectory, twoTable));
        Assert.NotEmpty(zeroed);
        Assert.All(zeroed, b => Assert.Equal(0, b));
        Assert.Equal("20001", (await PsqlAsync(stack, null, null)).Trim());

        async Task<string> PsqlAsync(Stack s, string? db, string? sql)
        {
            if (sql is null)
            {
                await s.Cluster.StartAsync();
                await s.WaitForPromotionAsync();
                return await PsqlAsync(s, "one", "select count(*) from t");
            }

            var result = await s.Cluster.RunToolAsync("psql", ["-h", s.Cluster.SocketDirectory, "-p", s.Cluster.Port.ToString(CultureInfo.InvariantCulture), "-U", PgCluster.DatabaseUser, "-d", db!, "-Atc", sql]);
            return result.EnsureSuccess("psql " + sql).StandardOutput;
        }
    }

    private static string Describe(Stack stack, string label)
    {
        var manifest = Manifest.Parse(File.ReadAllText(Path.Combine(stack.RepoPath, "backup", Stack.StanzaName, label, "backup.manifest")));
        return string.Join('\n', manifest.Targets.Select(t => $"target {t.Name} {t.Path} {t.File} {t.TablespaceId} {t.TablespaceName} {t.Type}").Order(StringComparer.Ordinal))
            + "\n" + string.Join('\n', manifest.Links.Select(l => $"link {l.Name} {l.Destination}").Order(StringComparer.Ordinal))
            + "\n" + string.Join('\n', manifest.Paths.Select(p => $"path {p.Name}").Order(StringComparer.Ordinal));
    }

    /// <summary>A tablespace in a directory of its own with a table in it, plus a table in the default tablespace.</summary>
    private static async Task<string> CreateTablespaceDataAsync(Stack stack)
    {
        var tablespace = stack.Work.CreateSubdirectory("ts1");
        await stack.Cluster.ExecuteAsync($"create tablespace ts1 location '{tablespace}'");
        await stack.Cluster.ExecuteAsync("create table in_ts tablespace ts1 as select g, md5(g::text) as v from generate_series(1, 50000) g");
        await stack.Cluster.ExecuteAsync("create table in_base as select g, md5(g::text) as v from generate_series(1, 50000) g");
        await stack.Cluster.ExecuteAsync("select pg_switch_wal()");
        return tablespace;
    }

    private static async Task<string> DataAsync(Stack stack) => (await stack.Cluster.QueryScalarAsync<string>(
        "select (select count(*) || ':' || sum(hashtext(v)) from in_ts) || '/' || (select count(*) || ':' || sum(hashtext(v)) from in_base)"))!;

    private static async Task StartAndCheckAsync(Stack stack, string data)
    {
        await stack.Cluster.StartAsync();
        await stack.WaitForPromotionAsync();
        Assert.Equal(data, await DataAsync(stack));
    }

    /// <summary>Empties PGDATA and the given directories (kept, as they are mount points or tablespace locations in real life).</summary>
    private static void Wipe(Stack stack, params string[] directories)
    {
        foreach (var directory in directories.Append(stack.Cluster.DataDirectory))
        {
            foreach (var entry in Directory.GetFileSystemEntries(directory))
            {
                if (Directory.Exists(entry) && new FileInfo(entry).LinkTarget is null)
                    Directory.Delete(entry, recursive: true);
                else
                    File.Delete(entry);
            }
        }
    }

    private Task<ProcessResult> ExpectAsync(Stack stack, string tool, params string[] arguments) =>
        stack.ExpectAsync(output, tool, arguments);
}
