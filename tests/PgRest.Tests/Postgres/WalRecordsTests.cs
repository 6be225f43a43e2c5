using PgRest.Postgres;
using PgRest.Postgres.WalRecords;

namespace PgRest.Tests.Postgres;

/// <summary>The WAL reader and decoder on WAL that real PostgreSQL 15 and 17 wrote under pgbench (the 2.59.1 fixtures).</summary>
public class WalRecordsTests
{
    public static TheoryData<string, string> Fixtures => new() { { "pg15-block-plain", "15-1" }, { "pg17-block-plain", "17-1" } };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Every_archived_segment_reads_to_its_end_with_every_record_checked(string fixture, string archiveId)
    {
        var segments = FixtureRepositories.Segments(fixture, archiveId).ToList();
        var header = WalHeader.Read(segments[0].Bytes);
        var first = WalSegmentName.Parse(segments[0].Name);
        // The first segment's first record comes right after the long page header.
        using var reader = new WalStreamReader(header.Version, header.SegmentSize, new Lsn(first.StartLsn(header.SegmentSize).Value + WalHeader.Size));
        var perManager = new Dictionary<byte, int>();
        var commits = 0;
        foreach (var (name, bytes) in segments)
        {
            Assert.True(reader.Feed(bytes, WalSegmentName.Parse(name).SegmentNumber(header.SegmentSize), 1, record =>
            {
                perManager[record.ResourceManagerId] = perManager.GetValueOrDefault(record.ResourceManagerId) + 1;
                if (record.ResourceManagerId == ResourceManager.Transaction && XactRecords.TryParseEnd(record, header.Version.VersionNum, out var end) && end.Committed)
                    commits++;
                return true;
            }), reader.StopReason);
        }

        // pgbench's thousand-odd transactions, their heap records, and nothing that failed a check.
        Assert.False(reader.Stopped, reader.StopReason);
        Assert.True(commits > 500, $"{commits} commits");
        Assert.True(perManager[ResourceManager.Heap] > commits);
        Assert.True(reader.Records > 5000);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void A_damaged_record_stops_reading_there_and_nothing_after_it_is_handed_on(string fixture, string archiveId)
    {
        var (name, bytes) = FixtureRepositories.Segments(fixture, archiveId).First();
        var header = WalHeader.Read(bytes);
        var start = WalSegmentName.Parse(name).StartLsn(header.SegmentSize);
        var good = new List<Lsn>();
        using (var reader = new WalStreamReader(header.Version, header.SegmentSize, new Lsn(start.Value + WalHeader.Size)))
            reader.Feed(bytes, WalSegmentName.Parse(name).SegmentNumber(header.SegmentSize), 1, record => { good.Add(record.Start); return true; });

        var victim = good[good.Count / 2];
        var damaged = (byte[])bytes.Clone();
        damaged[(int)(victim.Value - start.Value) + WalRecordDecoder.HeaderSize + 1] ^= 0x55;
        var seen = new List<Lsn>();
        using var check = new WalStreamReader(header.Version, header.SegmentSize, new Lsn(start.Value + WalHeader.Size));
        Assert.False(check.Feed(damaged, WalSegmentName.Parse(name).SegmentNumber(header.SegmentSize), 1, record => { seen.Add(record.Start); return true; }));

        Assert.Equal(good.TakeWhile(lsn => lsn < victim), seen);
        Assert.Equal($"incorrect checksum of the record at {victim}", check.StopReason);
        Assert.False(check.EndOfWal);
    }

    [Fact]
    public void A_segment_out_of_order_is_refused()
    {
        var (name, bytes) = FixtureRepositories.Segments("pg15-block-plain", "15-1").First();
        var header = WalHeader.Read(bytes);
        var number = WalSegmentName.Parse(name).SegmentNumber(header.SegmentSize);
        using var reader = new WalStreamReader(header.Version, header.SegmentSize, new Lsn(number * header.SegmentSize + WalHeader.Size));

        Assert.False(reader.Feed(bytes, number + 1, 1, _ => true));
        Assert.Contains("is not the one expected", reader.StopReason);
    }

    [Fact]
    public void Pglz_expands_literals_and_overlapping_back_references()
    {
        // Control byte 0b1000: three literals, then a reference of 9 bytes at distance 3.
        byte[] compressed = [0x08, (byte)'a', (byte)'b', (byte)'c', 0x06, 0x03];
        var output = new byte[12];

        Assert.True(PgLz.TryDecompress(compressed, output));
        Assert.Equal("abcabcabcabc", System.Text.Encoding.ASCII.GetString(output));
        Assert.False(PgLz.TryDecompress(compressed, new byte[13]));
        Assert.False(PgLz.TryDecompress([0x01, 0x06, 0x03], new byte[9]));
    }

    [Fact]
    public void Commit_records_give_time_subtransactions_and_dropped_files()
    {
        // xl_xact_commit (time), xinfo = dbinfo | subxacts | relfilenodes.
        var main = new List<byte>();
        main.AddRange(BitConverter.GetBytes(86_400_000_000L));
        main.AddRange(BitConverter.GetBytes(0b111u));
        main.AddRange(BitConverter.GetBytes(5u));
        main.AddRange(BitConverter.GetBytes(1663u));
        main.AddRange(BitConverter.GetBytes(2));
        main.AddRange(BitConverter.GetBytes(801u));
        main.AddRange(BitConverter.GetBytes(802u));
        main.AddRange(BitConverter.GetBytes(1));
        foreach (var value in new uint[] { 1663, 5, 16384 })
            main.AddRange(BitConverter.GetBytes(value));
        var record = new WalRecord { Xid = 800, Info = 0x80, ResourceManagerId = ResourceManager.Transaction, MainData = main.ToArray() };

        Assert.True(XactRecords.TryParseEnd(record, 170000, out var end));
        Assert.True(end.Committed);
        Assert.Equal(new DateTimeOffset(2000, 1, 2, 0, 0, 0, TimeSpan.Zero), end.Time);
        Assert.Equal(5u, end.Database);
        Assert.Equal([801u, 802u], end.Subtransactions);
        Assert.Equal([new RelFileNode(1663, 5, 16384)], end.DroppedRelations);

        var truncated = new WalRecord { Xid = 800, Info = 0x80, ResourceManagerId = ResourceManager.Transaction, MainData = main.ToArray()[..30] };
        Assert.False(XactRecords.TryParseEnd(truncated, 170000, out _));
    }
}
