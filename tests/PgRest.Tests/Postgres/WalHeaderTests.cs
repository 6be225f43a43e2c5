using System.Buffers.Binary;
using PgRest.Errors;
using PgRest.Postgres;

namespace PgRest.Tests.Postgres;

public class WalHeaderTests
{
    /// <summary>First 40 bytes of segment 000000010000000000000001 written by PostgreSQL 15.18 (same cluster as the pg_control sample).</summary>
    private const string Pg15SegmentHeaderHex = "10d102000100000000000001000000000000000000000000213bd0cfc09e016b0000000100200000";

    [Fact]
    public void Reads_the_long_header_of_a_real_postgresql_15_segment()
    {
        WalHeader header = WalHeader.Read(Convert.FromHexString(Pg15SegmentHeaderHex));

        Assert.Equal(0xD110, header.Magic);
        Assert.Same(PgVersions.V15, header.Version);
        Assert.Equal(1u, header.Timeline);
        Assert.Equal("0/1000000", header.PageAddress.ToString());
        Assert.Equal(7710618587992439585UL, header.SystemId);
        Assert.Equal(16u * 1024 * 1024, header.SegmentSize);
        Assert.Equal(8192u, header.BlockSize);
        Assert.Equal(WalSegmentName.Parse("000000010000000000000001").StartLsn(header.SegmentSize), header.PageAddress);
    }

    [Fact]
    public void A_short_page_header_is_refused()
    {
        byte[] data = Convert.FromHexString(Pg15SegmentHeaderHex);
        data[2] = 0;

        PgRestException error = Assert.Throws<PgRestException>(() => WalHeader.Read(data));

        Assert.Equal(ErrorCode.Format, error.Code);
        Assert.Equal("first page header in WAL file is expected to be in long format", error.Message);
    }

    [Fact]
    public void An_unknown_magic_is_not_supported()
    {
        byte[] data = Convert.FromHexString(Pg15SegmentHeaderHex);
        BinaryPrimitives.WriteUInt16LittleEndian(data, 0xD200);

        PgRestException error = Assert.Throws<PgRestException>(() => WalHeader.Read(data));

        Assert.Equal(ErrorCode.VersionNotSupported, error.Code);
        Assert.Equal("unexpected WAL magic 53760\nHINT: is this version of PostgreSQL supported?", error.Message);
    }

    [Fact]
    public void Too_few_bytes_are_a_format_error() =>
        Assert.Equal(
            ErrorCode.Format,
            Assert.Throws<PgRestException>(() => WalHeader.Read(Convert.FromHexString(Pg15SegmentHeaderHex).AsSpan(0, 39))).Code);

    [Fact]
    public void Read_file_reports_missing_and_short_files()
    {
        string directory = Directory.CreateTempSubdirectory("pgrest-wal-").FullName;

        try
        {
            string missing = Path.Combine(directory, "000000010000000000000009");
            PgRestException error = Assert.Throws<PgRestException>(() => WalHeader.ReadFile(missing));
            Assert.Equal(ErrorCode.FileMissing, error.Code);
            Assert.Equal($"unable to open missing file '{missing}' for read", error.Message);

            string segment = Path.Combine(directory, "000000010000000000000001");
            File.WriteAllBytes(segment, [.. Convert.FromHexString(Pg15SegmentHeaderHex), .. new byte[8192]]);
            Assert.Equal(7710618587992439585UL, WalHeader.ReadFile(segment).SystemId);

            File.WriteAllBytes(segment, new byte[10]);
            Assert.Equal(ErrorCode.FileRead, Assert.Throws<PgRestException>(() => WalHeader.ReadFile(segment)).Code);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
