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

    /// <summary>
    /// First 296 bytes of pg_control (CRC included) of a fresh initdb --data-checksums of each major, from the server
    /// binaries scripts/setup.sh installs (12.22, 13.23, 14.23, 16.14, 17.10, 18.4); 15 is <see cref="Pg15ControlHex"/>.
    /// </summary>
    private static readonly Dictionary<int, string> ControlHexByMajor = new()
    {
        [12] =
        "cb613c4ae094106bb1040000dce3080c0100000000000000e194106b00000000607a860100000000607a8601000000000100000001000000" +
        "0100000000000000e601000000000000553400000100000000000000df01000001000000010000000100000000000000e194106b00000000" +
        "00000000000000000000000000000000e8030000000000000000000000000000000000000000000000000000000000000000000000000000" +
        "00000000010000000000000064000000080000000a000000000000004000000000000000080000000000000087d632410020000000000200" +
        "00200000000000014000000020000000cc070000000800000101000001000000211234b720871a31576e89d872edf19a19508b656c203bb6" +
        "c1b6feab2916c60568b7063b00000000",
        [13] =
        "04c2acb1e194106b14050000a1620a0c0100000000000000e294106b00000000283e810100000000283e8101000000000100000001000000" +
        "0100000000000000e501000000000000483400000100000000000000de01000001000000010000000100000000000000e294106b00000000" +
        "00000000000000000000000000000000e8030000000000000000000000000000000000000000000000000000000000000000000000000000" +
        "00000000010000000000000064000000080000000a000000000000004000000000000000080000000000000087d632410020000000000200" +
        "00200000000000014000000020000000cc070000000800000100000001000000acd19072a8d67ff2e5f805e0490b43c34f93415d749167cd" +
        "f482425ef753d2f2310d191700000000",
        [14] =
        "3de2030fe394106b140500002de90b0c0100000000000000e394106b00000000703194010000000070319401000000000100000001000000" +
        "0100000000000000dd02000000000000803500000100000000000000d602000001000000010000000100000000000000e394106b00000000" +
        "00000000000000000000000000000000e8030000000000000000000000000000000000000000000000000000000000000000000000000000" +
        "00000000010000000000000064000000080000000a000000000000004000000000000000080000000000000087d632410020000000000200" +
        "00200000000000014000000020000000cc0700000008000001000000010000009a3a2f872ea45a27fc8616501110ce2d54cacb1748c7ee3c" +
        "48e40c00402a287d7f95f1a400000000",
        [16] =
        "76a2e104e494106b14050000fff50e0c0100000000000000e494106b00000000c80f720100000000c80f7201000000000100000001000000" +
        "0100000000000000da02000000000000b43400000100000000000000d202000001000000010000000100000000000000e494106b00000000" +
        "00000000000000000000000000000000e8030000000000000000000000000000000000000000000000000000000000000000000000000000" +
        "00000000010000000000000064000000080000000a000000000000004000000000000000080000000000000087d632410020000000000200" +
        "00200000000000014000000020000000cc07000000080000010000000100000021f1668e2eb5a2a7a3304328655efe7d847d94b0c2820486" +
        "2ec9ec15305afdce0cf46c6b00000000",
        [17] =
        "af029face494106ba40600008979100c0100000000000000e594106b00000000d818720100000000d8187201000000000100000001000000" +
        "0100000001000000e202000000000000b93400000100000000000000da02000001000000010000000100000000000000e594106b00000000" +
        "00000000000000000000000000000000e8030000000000000000000000000000000000000000000000000000000000000000000000000000" +
        "00000000010000000000000064000000080000000a000000000000004000000000000000080000000000000087d632410020000000000200" +
        "00200000000000014000000020000000cc070000000800000100000001000000ffcb863d4935a7e17d8acab40e086c90e394a79431a3eb51" +
        "831ef2fb59c00f5607b7460900000000",
        [18] =
        "e8922a5ce594106b080700003300120c0100000000000000e594106b0000000090b274010000000090b27401000000000100000001000000" +
        "0100000001000000f002000000000000c33400000100000000000000e802000001000000010000000100000000000000e594106b00000000" +
        "00000000000000000000000000000000e8030000000000000000000000000000000000000000000000000000000000000000000000000000" +
        "00000000010000000000000064000000080000000a000000000000004000000000000000080000000000000087d632410020000000000200" +
        "00200000000000014000000020000000cc07000000080000010000000100000001e27c4a3ac7a09432ec2949667a733ec6667eb74d4d7aaf" +
        "d0bb5767dadd180a57000000149a6174",
    };

    [Theory]
    [InlineData(12, 1201u, 201909212u)]
    [InlineData(13, 1300u, 202007201u)]
    [InlineData(14, 1300u, 202107181u)]
    [InlineData(16, 1300u, 202307071u)]
    [InlineData(17, 1700u, 202406281u)]
    [InlineData(18, 1800u, 202506291u)]
    public void Each_major_is_parsed_with_its_own_layout_and_crc(int major, uint controlVersion, uint catalogVersion)
    {
        byte[] file = new byte[PgControl.FileSize];
        Convert.FromHexString(ControlHexByMajor[major]).CopyTo(file, 0);

        PgControl control = PgControl.Parse(file);

        Assert.Equal(major.ToString(System.Globalization.CultureInfo.InvariantCulture), control.DbVersion);
        Assert.Equal(controlVersion, control.ControlVersion);
        Assert.Equal(catalogVersion, control.CatalogVersion);
        Assert.Equal(PgClusterState.ShutDown, control.State);
        Assert.Equal(1u, control.Timeline);
        Assert.Equal(1u, control.DataChecksumVersion);
        Assert.Equal(8192u, control.PageSize);
        Assert.Equal(8192u, control.WalPageSize);
        Assert.Equal(16777216u, control.WalSegmentSize);

        // The CRC is where this version keeps it: one flipped byte before it fails the check.
        file[40] ^= 0x01;
        Assert.Equal(ErrorCode.Checksum, Assert.Throws<PgRestException>(() => PgControl.Parse(file)).Code);
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
