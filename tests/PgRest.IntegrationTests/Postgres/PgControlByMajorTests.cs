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
}
