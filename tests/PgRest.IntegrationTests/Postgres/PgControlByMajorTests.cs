using System.Buffers.Binary;
using System.Globalization;
using PgRest.IntegrationTests.Infrastructure;
using PgRest.Postgres;

namespace PgRest.IntegrationTests.Postgres;

/// <summary>
/// pg_control and the WAL page header of a real cluster of every major 12 to 18, with page checksums on and off, read
/// by pgrest and compared with what the server itself reports (<c>pg_control_system()</c>, <c>pg_control_checkpoint()</c>,
/// <c>pg_control_init()</c>): a wrong offset or CRC position for one version's layout fails here.
/// </summary>
public sealed class PgControlByMajorTests
{
    public static TheoryData<int, bool> MajorsAndChecksums()
    {
        TheoryData<int, bool> data = [];
        foreach (int major in PgCluster.Majors)
        {
            data.Add(major, true);
            data.Add(major, false);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(MajorsAndChecksums))]
    public async Task Pg_control_and_wal_header_are_read_with_the_layout_of_each_major(int major, bool checksums)
    {
        await using var cluster = await PgCluster.CreateAsync(new PgClusterOptions { Major = major, DataChecksums = checksums });
        await cluster.ExecuteAsync("checkpoint");
        var system = (await cluster.QueryScalarAsync<string>(
            "select concat_ws('|', pg_control_version, catalog_version_no, system_identifier) from pg_control_system()"))!.Split('|');
        var checkpoint = (await cluster.QueryScalarAsync<string>(
            "select concat_ws('|', checkpoint_lsn, timeline_id) from pg_control_checkpoint()"))!.Split('|');
        var init = (await cluster.QueryScalarAsync<string>(
            "select concat_ws('|', data_page_checksum_version, database_block_size, wal_block_size, bytes_per_wal_segment) from pg_control_init()"))!.Split('|');
        int serverVersionNum = int.Parse((await cluster.QueryScalarAsync<string>("show server_version_num"))!, CultureInfo.InvariantCulture);

        PgControl control = PgControl.Read(cluster.DataDirectory);

        Assert.Same(PgVersions.FromServerVersionNum(serverVersionNum), control.Version);
        Assert.Equal(major.ToString(CultureInfo.InvariantCulture), control.DbVersion);
        Assert.Equal(system[0], control.ControlVersion.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(system[1], control.CatalogVersion.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(system[2], control.SystemId.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(checkpoint[0], control.CheckpointLsn.ToString());
        Assert.Equal(checkpoint[1], control.Timeline.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(checksums ? "1" : "0", init[0]);
        Assert.Equal(init[0], control.DataChecksumVersion.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(init[1], control.PageSize.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(init[2], control.WalPageSize.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(init[3], control.WalSegmentSize.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(PgClusterState.InProduction, control.State);

        // The restored pg_control of an online backup (checkpoint 0xDEAD, as pgBackRest 2.51+) keeps a valid CRC.
        byte[] bytes = await File.ReadAllBytesAsync(Path.Combine(cluster.DataDirectory, PgControl.RelativePath));
        PgControl.InvalidateCheckpoint(bytes);
        Assert.Equal(PgControl.InvalidCheckpoint, PgControl.Parse(bytes).CheckpointLsn.Value);

        WalSegmentName segment = WalSegmentName.FromLsn(control.Timeline, control.CheckpointLsn, control.WalSegmentSize);
        WalHeader header = WalHeader.ReadFile(Path.Combine(cluster.DataDirectory, "pg_wal", segment.ToString()));
        Assert.Same(control.Version, header.Version);
        Assert.Equal(control.SystemId, header.SystemId);
        Assert.Equal(segment.StartLsn(control.WalSegmentSize), header.PageAddress);
    }

    /// <summary>
    /// A pg_control of a version pgrest does not know (PostgreSQL 19 beta, or 17 with a catalog number no release has):
    /// stanza-create fails before it writes anything, with the code, exit code and words of pgBackRest 2.45 and 2.55.1.
    /// </summary>
    [Theory]
    [InlineData(1902u, 202605131u)]
    [InlineData(1700u, 202406280u)]
    public async Task An_unknown_version_fails_as_pgBackRest_fails(uint controlVersion, uint catalogVersion)
    {
        await using var cluster = await PgCluster.CreateAsync(new PgClusterOptions { Major = 17, Start = false });
        string controlPath = Path.Combine(cluster.DataDirectory, PgControl.RelativePath);
        byte[] control = await File.ReadAllBytesAsync(controlPath);
        BinaryPrimitives.WriteUInt32LittleEndian(control.AsSpan(8), controlVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(control.AsSpan(12), catalogVersion);
        await File.WriteAllBytesAsync(controlPath, control);
        string expected = $"ERROR: [046]: unexpected control version = {controlVersion} and catalog version = {catalogVersion}\n" +
                          "       HINT: is this version of PostgreSQL supported?\n";

        foreach (string tool in new[] { Tools.Pgbackrest, Tools.PgbackrestNewer, Tools.Pgrest })
        {
            string repo = cluster.Root.Combine("repo-" + Path.GetFileName(Path.GetDirectoryName(tool)));
            ProcessResult result = await ProcessRunner.RunAsync(
                tool,
                ["--stanza=x", "--pg1-path=" + cluster.DataDirectory, "--repo1-path=" + repo, "--no-online", "--log-level-console=off",
                 "--log-level-stderr=error", "--log-level-file=off", "--lock-path=" + cluster.Root.Path, "stanza-create"],
                user: PgCluster.OsUser);

            Assert.True(result.ExitCode == 46 && result.StandardError == expected, $"{tool}: exit {result.ExitCode}\n{result.StandardError}{result.StandardOutput}");
            Assert.False(Directory.Exists(Path.Combine(repo, "backup")), $"{tool} wrote into the repository");
        }
    }
}
