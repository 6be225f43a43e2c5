using PgRest.Errors;
using PgRest.Postgres;

namespace PgRest.Tests.Postgres;

public class WalTests
{
    private const uint Mib16 = 16 * 1024 * 1024;

    [Fact]
    public void Segment_name_round_trips_its_parts()
    {
        WalSegmentName name = WalSegmentName.Parse("0000000200000001000000FE");

        Assert.Equal(new WalSegmentName(2, 1, 0xFE), name);
        Assert.Equal("0000000200000001000000FE", name.ToString());
        Assert.Equal("0000000200000001", name.Directory);
    }

    [Theory]
    [InlineData("0000000100000000000000010")]
    [InlineData("00000001000000000000000")]
    [InlineData("00000001000000000000000a")]
    [InlineData("000000010000000000000001.partial")]
    [InlineData("")]
    public void Segment_name_parse_rejects_anything_but_24_uppercase_hex(string text)
    {
        Assert.False(WalSegmentName.TryParse(text, out _));
        Assert.Equal(ErrorCode.Format, Assert.Throws<PgRestException>(() => WalSegmentName.Parse(text)).Code);
    }

    [Fact]
    public void Next_segment_rolls_over_into_the_next_log()
    {
        Assert.Equal("000000010000000000000002", WalSegmentName.Parse("000000010000000000000001").Next(Mib16).ToString());
        Assert.Equal("000000010000000100000000", WalSegmentName.Parse("0000000100000000000000FF").Next(Mib16).ToString());

        // 1 GiB segments: four per log.
        Assert.Equal("000000010000000100000000", WalSegmentName.Parse("000000010000000000000003").Next(1024 * 1024 * 1024).ToString());

        // 1 MiB segments: 4096 per log.
        Assert.Equal("000000010000000000000FFF", WalSegmentName.Parse("000000010000000000000FFE").Next(1024 * 1024).ToString());
    }

    [Theory]
    [InlineData("0/4000028", "000000010000000000000004")]
    [InlineData("0/4FFFFFF", "000000010000000000000004")]
    [InlineData("0/5000000", "000000010000000000000005")]
    [InlineData("1A/FF000028", "000000010000001A000000FF")]
    public void Segment_for_lsn_with_16mib_segments(string lsn, string expected) =>
        Assert.Equal(expected, WalSegmentName.FromLsn(1, Lsn.Parse(lsn), Mib16).ToString());

    [Fact]
    public void Segment_for_lsn_with_64mib_segments()
    {
        WalSegmentName name = WalSegmentName.FromLsn(3, Lsn.Parse("1/8000028"), 64 * 1024 * 1024);

        Assert.Equal("000000030000000100000002", name.ToString());
        Assert.Equal(Lsn.Parse("1/8000000"), name.StartLsn(64 * 1024 * 1024));
    }

    [Fact]
    public void Range_lists_every_segment_between_start_and_stop()
    {
        string[] names = WalSegmentName.Range(
                WalSegmentName.Parse("0000000100000000000000FE"), WalSegmentName.Parse("000000010000000100000001"), Mib16)
            .Select(name => name.ToString())
            .ToArray();

        Assert.Equal(
            ["0000000100000000000000FE", "0000000100000000000000FF", "000000010000000100000000", "000000010000000100000001"],
            names);
    }

    [Fact]
    public void Invalid_segment_sizes_are_rejected() =>
        Assert.Equal(ErrorCode.Format, Assert.Throws<PgRestException>(() => WalSegmentName.SegmentsPerLog(3 * 1024 * 1024)).Code);

    [Fact]
    public void Segment_names_sort_by_timeline_then_position()
    {
        List<WalSegmentName> names =
        [
            WalSegmentName.Parse("000000020000000000000001"),
            WalSegmentName.Parse("0000000100000001000000FF"),
            WalSegmentName.Parse("000000010000000200000000"),
        ];
        names.Sort();

        Assert.Equal(["0000000100000001000000FF", "000000010000000200000000", "000000020000000000000001"], names.Select(n => n.ToString()));
    }

    [Theory]
    [InlineData("000000010000000000000001", true, false, false, false)]
    [InlineData("000000010000000000000001.partial", true, true, false, false)]
    [InlineData("00000002.history", false, false, true, false)]
    [InlineData("000000010000000000000004.00000028.backup", false, false, false, true)]
    [InlineData("00000001000000000000000a", false, false, false, false)]
    [InlineData("000000010000000000000001.gz", false, false, false, false)]
    [InlineData("00000001000000000000001", false, false, false, false)]
    [InlineData("0000000g.history", false, false, false, false)]
    [InlineData("000000010000000000000004.0000002.backup", false, false, false, false)]
    [InlineData("archive_status", false, false, false, false)]
    public void Classifies_archive_file_names(string name, bool segment, bool partial, bool history, bool backupHistory)
    {
        Assert.Equal(segment, Wal.IsSegment(name));
        Assert.Equal(partial, Wal.IsPartial(name));
        Assert.Equal(history, Wal.IsHistory(name));
        Assert.Equal(backupHistory, Wal.IsBackupHistory(name));
    }

    [Fact]
    public void Timeline_and_segment_come_from_any_wal_file_name()
    {
        Assert.Equal(2u, Wal.TimelineOf("000000020000000000000001.partial"));
        Assert.Equal(10u, Wal.TimelineOf("0000000A.history"));
        Assert.Equal("000000010000000000000004", Wal.SegmentOf("000000010000000000000004.00000028.backup").ToString());
        Assert.Equal("0000000A.history", Wal.HistoryFileName(10));
        Assert.True(Wal.HasSegmentPrefix("000000010000000000000004.00000028.backup"));
        Assert.False(Wal.HasSegmentPrefix("00000002.history"));
        Assert.Equal(ErrorCode.Format, Assert.Throws<PgRestException>(() => Wal.TimelineOf("backup_label")).Code);
    }
}
