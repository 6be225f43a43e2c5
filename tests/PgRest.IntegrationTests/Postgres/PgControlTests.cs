using System.Globalization;
using System.Text.RegularExpressions;
using PgRest.Errors;
using PgRest.IntegrationTests.Infrastructure;
using PgRest.Postgres;

namespace PgRest.IntegrationTests.Postgres;

/// <summary>One running PostgreSQL 15 cluster (with data checksums) shared by the tests of <see cref="PgControlTests"/>.</summary>
public sealed class PostgresClusterFixture : IAsyncLifetime
{
    public const string ArchiveCommand = "/bin/true pgbackrest-placeholder %p";

    private PgCluster? _cluster;

    public PgCluster Cluster => _cluster ?? throw new InvalidOperationException("cluster not created");

    public async Task InitializeAsync() =>
        _cluster = await PgCluster.CreateAsync(new PgClusterOptions { ArchiveCommand = ArchiveCommand });

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
            await _cluster.DisposeAsync();
    }
}

/// <summary>pg_control, WAL headers, page checksums and the database client against a real PostgreSQL 15 server.</summary>
public sealed partial class PgControlTests(PostgresClusterFixture fixture) : IClassFixture<PostgresClusterFixture>
{
    private PgCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task PgControl_agrees_with_pg_controldata()
    {
        await Cluster.ExecuteAsync("checkpoint");
        IReadOnlyDictionary<string, string> expected = await Cluster.ControlDataAsync();

        PgControl control = PgControl.Read(Cluster.DataDirectory);

        Assert.Equal(expected["Database system identifier"], control.SystemId.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(expected["pg_control version number"], control.ControlVersion.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(expected["Catalog version number"], control.CatalogVersion.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(expected["Latest checkpoint location"], control.CheckpointLsn.ToString());
        Assert.Equal(expected["Latest checkpoint's TimeLineID"], control.Timeline.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(expected["Data page checksum version"], control.DataChecksumVersion.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(expected["Bytes per WAL segment"], control.WalSegmentSize.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(expected["Database block size"], control.PageSize.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(expected["WAL block size"], control.WalPageSize.ToString(CultureInfo.InvariantCulture));
        Assert.Equal("in production", expected["Database cluster state"]);
        Assert.Equal(PgClusterState.InProduction, control.State);
        Assert.Same(PgVersions.V15, control.Version);
        Assert.True(control.PageChecksums);
    }

    [Fact]
    public async Task Missing_pg_control_gives_the_same_error_as_pgbackrest()
    {
        using TempDirectory empty = new("pgrest-nopg");
        using TempDirectory repo = new("pgrest-repo");

        PgRestException error = Assert.Throws<PgRestException>(() => PgControl.Read(empty.Path));

        ProcessResult pgbackrest = await ProcessRunner.RunAsync(
            "pgbackrest",
            ["--stanza=x", "--pg1-path=" + empty.Path, "--repo1-path=" + repo.Path, "--no-online", "--log-level-console=off",
             "--log-level-stderr=error", "--log-level-file=off", "--lock-path=" + repo.Combine("lock"), "stanza-create"],
            user: PgCluster.OsUser);

        Assert.Equal(ErrorCode.FileMissing, error.Code);
        Assert.Equal((int)ErrorCode.FileMissing, pgbackrest.ExitCode);
        Assert.Contains($"ERROR: [055]: {error.Message}", pgbackrest.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wal_header_of_the_checkpoint_segment_identifies_this_cluster()
    {
        await Cluster.ExecuteAsync("checkpoint");
        PgControl control = PgControl.Read(Cluster.DataDirectory);
        WalSegmentName segment = WalSegmentName.FromLsn(control.Timeline, control.CheckpointLsn, control.WalSegmentSize);

        WalHeader header = WalHeader.ReadFile(Path.Combine(Cluster.DataDirectory, "pg_wal", segment.ToString()));

        Assert.Equal(control.SystemId, header.SystemId);
        Assert.Same(PgVersions.V15, header.Version);
        Assert.Equal(control.WalSegmentSize, header.SegmentSize);
        Assert.Equal(control.WalPageSize, header.BlockSize);
        Assert.Equal(segment.StartLsn(control.WalSegmentSize), header.PageAddress);
        Assert.Equal(control.Timeline, header.Timeline);
    }

    [Fact]
    public async Task Every_page_of_every_relation_file_verifies_and_a_corrupted_copy_does_not()
    {
        await Cluster.ExecuteAsync(
            "create table if not exists checksum_probe (id int primary key, payload text);" +
            "insert into checksum_probe select i, repeat(md5(i::text), 8) from generate_series(1, 20000) i on conflict do nothing");
        await Cluster.ExecuteAsync("vacuum checksum_probe");
        string probeFile = Path.Combine(
            Cluster.DataDirectory, (await Cluster.QueryScalarAsync<string>("select pg_relation_filepath('checksum_probe')"))!);

        // A clean shutdown flushes every page, and nothing writes while the files are read.
        await Cluster.StopAsync();

        try
        {
            int verified = 0;
            int skippedNew = 0;
            byte[] page = new byte[PageChecksum.DefaultPageSize];

            foreach (string file in RelationFiles(Cluster.DataDirectory))
            {
                uint firstBlock = SegmentNumber(file) * (1024 * 1024 * 1024 / PageChecksum.DefaultPageSize);
                using FileStream stream = File.OpenRead(file);

                for (uint block = 0; stream.Read(page) == page.Length; block++)
                {
                    if (PageChecksum.IsNewPage(page))
                    {
                        skippedNew++;
                        continue;
                    }

                    Assert.True(PageChecksum.IsValid(page, firstBlock + block), $"{file} block {block}");
                    verified++;
                }
            }

            Assert.True(verified > 500, $"only {verified} pages verified");

            byte[] probe = File.ReadAllBytes(probeFile);
            Assert.True(probe.Length >= 10 * PageChecksum.DefaultPageSize);
            Span<byte> thirdPage = probe.AsSpan(2 * PageChecksum.DefaultPageSize, PageChecksum.DefaultPageSize);
            Assert.True(PageChecksum.IsValid(thirdPage, 2));

            thirdPage[5000] ^= 0x04;

            Assert.False(PageChecksum.IsValid(thirdPage, 2));
            Assert.True(PageChecksum.IsValid(probe.AsSpan(3 * PageChecksum.DefaultPageSize, PageChecksum.DefaultPageSize), 3));
        }
        finally
        {
            await Cluster.StartAsync();
        }
    }

    [Fact]
    public async Task DbClient_reads_server_settings_like_pgbackrest()
    {
        await using DbClient client = await DbClient.ConnectAsync(Cluster.ConnectionOptions("check"));

        Assert.InRange(client.ServerVersionNum, 150000, 159999);
        Assert.Equal("15", client.PgVersion);
        Assert.Equal(client.ServerVersionNum, await client.ServerVersionNumAsync());
        Assert.Equal(Cluster.DataDirectory, await client.DataDirectoryAsync());
        Assert.Equal("on", await client.ArchiveModeAsync());
        Assert.Equal(PostgresClusterFixture.ArchiveCommand, await client.ArchiveCommandAsync());
        Assert.False(await client.IsInRecoveryAsync());
        Assert.Equal("replica", await client.SettingAsync("wal_level"));
        Assert.Null(await client.SettingAsync("no_such_setting"));
        Assert.Equal("pgBackRest [check]", await client.SettingAsync("application_name"));
        Assert.Equal("pg_catalog", await client.SettingAsync("search_path"));

        DbSettings settings = await client.SettingsAsync();
        Assert.Equal(client.ServerVersionNum, settings.ServerVersionNum);
        Assert.Equal(Cluster.DataDirectory, settings.DataDirectory);
        Assert.Equal(TimeSpan.FromMinutes(5), settings.CheckpointTimeout);

        DbTimestamp now = await client.CurrentTimestampAsync();
        Assert.InRange(now.Value, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(now.EpochMilliseconds / 1000, now.EpochSeconds);

        IReadOnlyList<DbDatabase> databases = await client.DatabasesAsync();
        DbDatabase template0 = Assert.Single(databases, db => db.Name == "template0");
        Assert.Contains(databases, db => db.Name == "postgres");
        Assert.All(databases, db => Assert.Equal(template0.Oid, db.LastSystemOid));
    }

    [Fact]
    public async Task DbClient_runs_a_non_exclusive_backup_with_tablespace_map()
    {
        string tablespacePath = Cluster.Root.CreateSubdirectory("ts1");
        await Cluster.ExecuteAsync($"create tablespace ts1 location '{tablespacePath}'");

        try
        {
            await using DbClient client = await DbClient.ConnectAsync(Cluster.ConnectionOptions());
            await client.AcquireBackupLockAsync();

            // A second backup (pgBackRest's or ours) of the same cluster must be refused.
            await using (DbClient other = await DbClient.ConnectAsync(Cluster.ConnectionOptions()))
            {
                PgRestException locked = await Assert.ThrowsAsync<PgRestException>(() => other.AcquireBackupLockAsync());
                Assert.Equal(ErrorCode.LockAcquire, locked.Code);
                Assert.Equal(
                    "unable to acquire pgBackRest advisory lock\nHINT: is another pgBackRest backup already running on this cluster?",
                    locked.Message);
            }

            BackupStartResult start = await client.BackupStartAsync(null, startFast: true);
            PgControl control = PgControl.Read(Cluster.DataDirectory);

            // The checks pgBackRest makes right after the start call.
            Assert.True(control.CheckpointLsn >= start.Lsn);
            Assert.Equal(WalSegmentName.FromLsn(control.Timeline, start.Lsn, control.WalSegmentSize).ToString(), start.WalSegmentName);

            IReadOnlyList<DbTablespace> tablespaces = await client.TablespacesAsync();
            DbTablespace ts1 = Assert.Single(tablespaces, ts => ts.Name == "ts1");
            Assert.Equal(tablespacePath, ts1.Location);
            Assert.Contains(tablespaces, ts => ts.Name == "pg_default" && ts.Location.Length == 0);

            BackupStopResult stop = await client.BackupStopAsync();

            Assert.True(stop.Lsn > start.Lsn);
            Assert.Equal(
                WalSegmentName.FromLsn(control.Timeline, new Lsn(stop.Lsn.Value - 1), control.WalSegmentSize).ToString(),
                stop.WalSegmentName);
            Assert.NotNull(stop.BackupLabel);
            Assert.Contains($"START WAL LOCATION: {start.Lsn} (file {start.WalSegmentName})", stop.BackupLabel, StringComparison.Ordinal);
            Assert.Matches(BackupLabelPattern(), stop.BackupLabel);
            Assert.Equal($"{ts1.Oid} {tablespacePath}\n", stop.TablespaceMap);
        }
        finally
        {
            await Cluster.ExecuteAsync("drop tablespace ts1");
        }
    }

    [Fact]
    public async Task DbClient_backup_with_own_label_and_no_tablespaces_has_no_map()
    {
        await using DbClient client = await DbClient.ConnectAsync(Cluster.ConnectionOptions());

        BackupStartResult start = await client.BackupStartAsync("pgrest test label", startFast: true);
        BackupStopResult stop = await client.BackupStopAsync();

        Assert.Contains("LABEL: pgrest test label\n", stop.BackupLabel, StringComparison.Ordinal);
        Assert.Null(stop.TablespaceMap);
        Assert.True(stop.Lsn > start.Lsn);
    }

    [Fact]
    public async Task DbClient_switches_wal_creates_restore_points_and_checkpoints()
    {
        await using DbClient client = await DbClient.ConnectAsync(Cluster.ConnectionOptions("check"));

        string before = await client.CurrentWalSegmentAsync();
        string switched = await client.SwitchWalAsync();
        string after = await client.CurrentWalSegmentAsync();

        Assert.Equal(before, switched);
        Assert.True(string.CompareOrdinal(after, switched) > 0, $"{after} should follow {switched}");

        Lsn first = await client.CreateRestorePointAsync("pgrest restore point");
        await client.CheckpointAsync();
        Lsn second = await client.CreateRestorePointAsync("pgrest restore point 2");
        Assert.True(second > first);

        Assert.True(await client.ControlCheckpointLsnAsync() > first);
        Assert.Null(await client.ReplayLsnAsync());
    }

    [Fact]
    public async Task DbClient_reports_query_failures_as_db_query_errors()
    {
        await using DbClient client = await DbClient.ConnectAsync(Cluster.ConnectionOptions());

        PgRestException error = await Assert.ThrowsAsync<PgRestException>(() => client.BackupStopAsync());

        Assert.Equal(ErrorCode.DbQuery, error.Code);
        Assert.StartsWith("unable to execute query 'select lsn::text as lsn", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("': ERROR:  backup is not in progress", error.Message, StringComparison.Ordinal);

        // The session stays usable after a failed query.
        Assert.False(await client.IsInRecoveryAsync());
    }

    [Fact]
    public async Task DbClient_reports_connection_failures_like_pgbackrest()
    {
        DbConnectionOptions noServer = Cluster.ConnectionOptions() with { Port = Cluster.Port + 1 };

        PgRestException error = await Assert.ThrowsAsync<PgRestException>(() => DbClient.ConnectAsync(noServer));

        Assert.Equal(ErrorCode.DbConnect, error.Code);
        Assert.Equal(
            $"unable to connect to 'dbname='postgres' port={noServer.Port} user='postgres' host='{Cluster.SocketDirectory}'': " +
            $"connection to server on socket \"{Cluster.SocketDirectory}/.s.PGSQL.{noServer.Port}\" failed: No such file or directory\n" +
            "\tIs the server running locally and accepting connections on that socket?",
            error.Message);

        DbConnectionOptions badUser = Cluster.ConnectionOptions() with { User = "no_such_role" };
        PgRestException role = await Assert.ThrowsAsync<PgRestException>(() => DbClient.ConnectAsync(badUser));

        Assert.Equal(ErrorCode.DbConnect, role.Code);
        Assert.EndsWith("failed: FATAL:  role \"no_such_role\" does not exist", role.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DbClient_connects_over_tcp_when_given_a_host()
    {
        DbConnectionOptions tcp = Cluster.ConnectionOptions() with { Host = "127.0.0.1", SocketPath = null };

        await using DbClient client = await DbClient.ConnectAsync(tcp);

        Assert.Equal("15", client.PgVersion);
        Assert.Equal(Cluster.DataDirectory, await client.DataDirectoryAsync());
    }

    private static IEnumerable<string> RelationFiles(string pgData)
    {
        IEnumerable<string> directories = Directory.EnumerateDirectories(Path.Combine(pgData, "base")).Append(Path.Combine(pgData, "global"));

        foreach (string directory in directories)
        {
            foreach (string file in Directory.EnumerateFiles(directory))
            {
                if (RelationFileName().IsMatch(Path.GetFileName(file)))
                    yield return file;
            }
        }
    }

    private static uint SegmentNumber(string file)
    {
        string name = Path.GetFileName(file);
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? 0 : uint.Parse(name[(dot + 1)..], CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^[0-9]+(_(fsm|vm|init))?(\.[0-9]+)?$")]
    private static partial Regex RelationFileName();

    [GeneratedRegex(@"^START WAL LOCATION: [0-9A-F]+/[0-9A-F]+ \(file [0-9A-F]{24}\)\nCHECKPOINT LOCATION: .*\nBACKUP METHOD: streamed\nBACKUP FROM: primary\nSTART TIME: .*\nLABEL: pgBackRest backup started at .*\nSTART TIMELINE: 1\n$")]
    private static partial Regex BackupLabelPattern();
}
