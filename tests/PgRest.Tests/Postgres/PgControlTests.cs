using System.Buffers.Binary;
using PgRest.Errors;
using PgRest.Postgres;

namespace PgRest.Tests.Postgres;

public class PgControlTests
{
    /// <summary>First 296 bytes of pg_control from a PostgreSQL 15.18 cluster (initdb --data-checksums, cleanly shut down).</summary>
    private const string Pg15ControlHex =
        "213bd0cfc09e016b1405000025770d0c0100000000000000c09f016b00000000983c760100000000983c7601000000000100000001000000" +
        "0100000000000000d502000000000000054000000100000000000000cc02000001000000010000000100000000000000c09f016b00000000" +
        "00000000000000000000000000000000e8030000000000000000000000000000000000000000000000000000000000000000000000000000" +
        "00000000010000000000000064000000080000000a000000000000004000000000000000080000000000000087d632410020000000000200" +
        "00200000000000014000000020000000cc070000000800000100000001000000830ad90f238b098ffddcdf256372845b5cefefeae87f5d5a" +
        "39b73214c89e3d00b6d75b9500000000";

    internal static byte[] Pg15Control()
    {
        byte[] file = new byte[PgControl.FileSize];
        Convert.FromHexString(Pg15ControlHex).CopyTo(file, 0);
        return file;
    }

    [Fact]
    public void Parses_a_real_postgresql_15_control_file_as_pg_controldata_shows_it()
    {
        PgControl control = PgControl.Parse(Pg15Control());

        // Values printed by pg_controldata for the same file.
        Assert.Equal(7710618587992439585UL, control.SystemId);
        Assert.Equal(1300u, control.ControlVersion);
        Assert.Equal(202209061u, control.CatalogVersion);
        Assert.Equal(PgClusterState.ShutDown, control.State);
        Assert.Equal("0/1763C98", control.CheckpointLsn.ToString());
        Assert.Equal(1u, control.Timeline);
        Assert.Equal(1u, control.DataChecksumVersion);
        Assert.True(control.PageChecksums);
        Assert.Equal(16777216u, control.WalSegmentSize);
        Assert.Equal(8192u, control.PageSize);
        Assert.Equal(8192u, control.WalPageSize);
        Assert.Same(PgVersions.V15, control.Version);
    }

    [Fact]
    public void A_corrupted_byte_fails_the_crc_check()
    {
        byte[] file = Pg15Control();
        file[40] ^= 0x01;

        PgRestException error = Assert.Throws<PgRestException>(() => PgControl.Parse(file));

        Assert.Equal(ErrorCode.Checksum, error.Code);
        Assert.StartsWith("calculated pg_control checksum does not match expected value\nHINT: calculated 0x", error.Message, StringComparison.Ordinal);
        Assert.Contains("but expected value is 0x955bd7b6", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(100)]
    [InlineData(291)]
    public void A_truncated_file_is_invalid(int length)
    {
        PgRestException error = Assert.Throws<PgRestException>(() => PgControl.Parse(Pg15Control().AsSpan(0, length)));

        Assert.Equal(ErrorCode.FileInvalid, error.Code);
    }

    [Fact]
    public void An_unknown_version_is_not_supported()
    {
        byte[] file = Pg15Control();
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(12), 209912311);

        PgRestException error = Assert.Throws<PgRestException>(() => PgControl.Parse(file));

        Assert.Equal(ErrorCode.VersionNotSupported, error.Code);
        Assert.StartsWith("unexpected control version = 1300 and catalog version = 209912311", error.Message, StringComparison.Ordinal);
    }

    // Offsets of timeline, blcksz, data_checksum_version and crc per layout (x86-64), checked against the C structs.
    [Theory]
    [InlineData("9.5", 56, 216, 252, 256)]
    [InlineData("9.6", 56, 216, 252, 256)]
    [InlineData("10", 56, 216, 252, 288)]
    [InlineData("11", 48, 208, 244, 280)]
    [InlineData("12", 48, 216, 252, 288)]
    [InlineData("13", 48, 216, 252, 288)]
    [InlineData("14", 48, 216, 252, 288)]
    [InlineData("16", 48, 216, 252, 288)]
    [InlineData("17", 48, 216, 252, 288)]
    [InlineData("18", 48, 216, 252, 292)]
    public void Reads_each_version_layout(string version, int timeline, int pageSize, int checksumVersion, int crc)
    {
        PgVersionInfo info = PgVersions.FromVersion(version);
        byte[] file = ControlFile(info, timeline, pageSize, checksumVersion, crc, segmentSize: 16 * 1024 * 1024);

        PgControl control = PgControl.Parse(file);

        Assert.Same(info, control.Version);
        Assert.Equal(0x0123456789ABCDEFUL, control.SystemId);
        Assert.Equal("3/5000060", control.CheckpointLsn.ToString());
        Assert.Equal(7u, control.Timeline);
        Assert.Equal(8192u, control.PageSize);
        Assert.Equal(8192u, control.WalPageSize);
        Assert.Equal(16u * 1024 * 1024, control.WalSegmentSize);
        Assert.Equal(1u, control.DataChecksumVersion);
        Assert.Equal(PgClusterState.InProduction, control.State);
    }

    [Fact]
    public void Old_versions_must_use_16mib_segments_and_new_ones_a_power_of_two()
    {
        byte[] old = ControlFile(PgVersions.V10, 56, 216, 252, 288, segmentSize: 64 * 1024 * 1024);
        PgRestException error = Assert.Throws<PgRestException>(() => PgControl.Parse(old));
        Assert.Equal(ErrorCode.Format, error.Code);
        Assert.Equal("wal segment size is 67108864 but must be 16777216 for PostgreSQL <= 10", error.Message);

        Assert.Equal(64u * 1024 * 1024, PgControl.Parse(ControlFile(PgVersions.V15, 48, 216, 252, 288, 64 * 1024 * 1024)).WalSegmentSize);
        Assert.Equal(
            ErrorCode.Format,
            Assert.Throws<PgRestException>(() => PgControl.Parse(ControlFile(PgVersions.V15, 48, 216, 252, 288, 3 * 1024 * 1024))).Code);
    }

    [Fact]
    public void Only_8k_pages_are_supported()
    {
        byte[] file = ControlFile(PgVersions.V15, 48, 216, 252, 288, 16 * 1024 * 1024, pageSizeValue: 16384);

        PgRestException error = Assert.Throws<PgRestException>(() => PgControl.Parse(file));

        Assert.Equal(ErrorCode.Format, error.Code);
        Assert.Equal("page size is 16384 but must be 8192", error.Message);
    }

    [Fact]
    public void Read_reports_a_missing_file_with_pgbackrest_wording()
    {
        PgRestException error = Assert.Throws<PgRestException>(() => PgControl.Read("/nonexistent/pgdata/"));

        Assert.Equal(ErrorCode.FileMissing, error.Code);
        Assert.Equal("unable to open missing file '/nonexistent/pgdata/global/pg_control' for read", error.Message);
    }

    [Fact]
    public void Read_reads_global_pg_control_under_the_data_directory()
    {
        string pgData = Directory.CreateTempSubdirectory("pgrest-control-").FullName;

        try
        {
            Directory.CreateDirectory(Path.Combine(pgData, "global"));
            File.WriteAllBytes(Path.Combine(pgData, "global", "pg_control"), Pg15Control());
            Assert.Equal(7710618587992439585UL, PgControl.Read(pgData).SystemId);

            File.WriteAllBytes(Path.Combine(pgData, "global", "pg_control"), Pg15Control().AsSpan(0, 4096).ToArray());
            PgRestException error = Assert.Throws<PgRestException>(() => PgControl.Read(pgData));
            Assert.Equal(ErrorCode.FileInvalid, error.Code);
            Assert.Contains("pg_control", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(pgData, recursive: true);
        }
    }

    internal static byte[] ControlFile(
        PgVersionInfo version, int timeline, int pageSize, int checksumVersion, int crc, uint segmentSize, uint pageSizeValue = 8192)
    {
        byte[] file = new byte[PgControl.FileSize];
        Span<byte> span = file;
        BinaryPrimitives.WriteUInt64LittleEndian(span, 0x0123456789ABCDEFUL);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], version.ControlVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], version.CatalogVersion);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], (int)PgClusterState.InProduction);
        BinaryPrimitives.WriteUInt64LittleEndian(span[32..], 0x3_05000060UL);
        BinaryPrimitives.WriteUInt32LittleEndian(span[timeline..], 7);
        BinaryPrimitives.WriteUInt32LittleEndian(span[pageSize..], pageSizeValue);
        BinaryPrimitives.WriteUInt32LittleEndian(span[(pageSize + 8)..], 8192);
        BinaryPrimitives.WriteUInt32LittleEndian(span[(pageSize + 12)..], segmentSize);
        BinaryPrimitives.WriteUInt32LittleEndian(span[checksumVersion..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(span[crc..], Crc32CReference(span[..crc]));
        return file;
    }

    /// <summary>Bitwise CRC-32C, independent of the implementation under test.</summary>
    private static uint Crc32CReference(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;

        foreach (byte value in data)
        {
            crc ^= value;

            for (int bit = 0; bit < 8; bit++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
        }

        return ~crc;
    }
}
