using PgRest.Commands.Rehearse;
using PgRest.Postgres;

namespace PgRest.Tests.Commands;

/// <summary>rehearse's decisions without a server: safe scratch paths, the server's settings, where the archive ends, the verdict.</summary>
public sealed class RehearsePlannerTests
{
    private const uint Segment = 16 * 1024 * 1024;

    [Theory]
    [InlineData("/var/lib/postgresql/15/main", "is pg1-path")]
    [InlineData("/var/lib/postgresql/15/main/", "is pg1-path")]
    [InlineData("/var/lib/postgresql/15/main/rehearsal", "is inside pg1-path")]
    [InlineData("/var/lib/postgresql", "holds pg1-path")]
    [InlineData("/", "holds pg1-path")]
    [InlineData("/tmp/pgbackrest", "is lock-path")]
    [InlineData("/var/lib/pgbackrest/rehearsal", "is inside repo1-path")]
    [InlineData("/var/lib/postgresql/15/main2", null)]
    [InlineData("/tmp/rehearsal", null)]
    public void A_scratch_path_that_is_inside_or_holds_a_kept_path_is_refused(string scratch, string? problem)
    {
        (string, string)[] kept = [("pg1-path", "/var/lib/postgresql/15/main"), ("lock-path", "/tmp/pgbackrest"), ("repo1-path", "/var/lib/pgbackrest")];
        var found = RehearsePlanner.ScratchProblem(scratch, kept);
        if (problem is null)
            Assert.Null(found);
        else
            Assert.Contains(problem, found);
        Assert.Null(RehearsePlanner.ScratchProblem("/tmp/rehearsal", []));
    }

    [Fact]
    public void The_server_listens_only_on_its_socket_does_not_archive_and_writes_nothing_outside_the_scratch_directory()
    {
        var arguments = RehearsePlanner.ServerArguments(140000, "/s/data", "/s", "/s", 5999);
        Assert.Equal(["-D", "/s/data"], arguments.Take(2));
        var settings = arguments.Skip(2).Where((_, index) => index % 2 == 1).ToList();
        Assert.All(arguments.Skip(2).Where((_, index) => index % 2 == 0), flag => Assert.Equal("-c", flag));
        foreach (var expected in new[]
                 {
                     "data_directory=/s/data", "listen_addresses=", "unix_socket_directories=/s", "port=5999", "archive_mode=off", "hot_standby=off",
                     "hba_file=/s/pg_hba.conf", "external_pid_file=", "stats_temp_directory=/s/pg_stat_tmp", "lc_messages=C", "logging_collector=off",
                 })
            Assert.Contains(expected, settings);
        // stats_temp_directory went in 15: the server refuses a setting it does not know.
        Assert.DoesNotContain(RehearsePlanner.ServerArguments(150000, "/s/data", "/s", "/s", 5999), setting => setting.StartsWith("stats_temp_directory"));
    }

    [Fact]
    public void Server_binaries_are_looked_for_in_the_running_clusters_directory_then_the_usual_places_then_path()
    {
        Assert.Equal(
            ["/opt/pg/bin", "/usr/lib/postgresql/16/bin", "/usr/pgsql-16/bin", "/usr/local/pgsql-16/bin", "/usr/local/pgsql/bin", "/usr/bin", "/bin"],
            RehearsePlanner.BinaryDirectories("16", "/opt/pg/bin", "/usr/bin:/usr/lib/postgresql/16/bin::/bin"));
        Assert.Equal("/usr/lib/postgresql/16/bin", RehearsePlanner.BinaryDirectories("16", null, null)[0]);
    }

    [Theory]
    [InlineData("postgres (PostgreSQL) 15.4 (Debian 15.4-1.pgdg120+1)\n", "15.4", "15")]
    [InlineData("postgres (PostgreSQL) 18.1\n", "18.1", "18")]
    [InlineData("postgres (PostgreSQL) 18beta1\n", "18beta1", "18")]
    [InlineData("postgres (PostgreSQL) 9.6.24\n", "9.6.24", "9.6")]
    [InlineData("bash: postgres: command not found", null, null)]
    public void The_version_and_major_are_read_from_postgres_version(string output, string? version, string? major)
    {
        Assert.Equal(version, RehearsePlanner.VersionOfVersionOutput(output));
        Assert.Equal(major, RehearsePlanner.MajorOf(RehearsePlanner.VersionOfVersionOutput(output)));
    }

    [Fact]
    public void Readiness_socket_length_and_space_are_decided_without_a_server()
    {
        Assert.True(RehearsePlanner.PostmasterReady("4321\n/s/data\n1700000000\n5999\n/s\n\n  5999001   65538\nready   \n"));
        Assert.False(RehearsePlanner.PostmasterReady("4321\n/s/data\n1700000000\n5999\n/s\n\n  5999001   65538\nstarting\n"));
        Assert.False(RehearsePlanner.PostmasterReady("4321\n/s/data\n"));
        Assert.False(RehearsePlanner.PostmasterReady(null));
        Assert.True(RehearsePlanner.SocketDirectoryFits("/tmp/pgrest-rehearse-0a1b2c3d4e5f"));
        Assert.False(RehearsePlanner.SocketDirectoryFits("/" + new string('d', 92)));
        Assert.True(RehearsePlanner.NotEnoughSpace(10L << 30, 10L << 30));
        Assert.False(RehearsePlanner.NotEnoughSpace(10L << 30, 12L << 30));
        Assert.True(RehearsePlanner.NotEnoughSpace(1 << 20, 32 << 20));
    }

    [Fact]
    public void Recovery_follows_the_target_timeline_the_backups_own_or_the_latest()
    {
        var histories = new Dictionary<uint, string> { [2] = "1\t0/5000100\tno recovery target specified\n" };
        IReadOnlyList<TimelineStart> latest = [new(1, Lsn.Invalid), new(2, new Lsn(0x5000100))];
        Assert.Equal(latest, RehearsePlanner.RecoveryTimelines(null, 1, new Lsn(0x3000028), histories));
        Assert.Equal(latest, RehearsePlanner.RecoveryTimelines("latest", 1, new Lsn(0x3000028), histories));
        Assert.Equal(latest, RehearsePlanner.RecoveryTimelines("0x2", 1, new Lsn(0x3000028), histories));
        Assert.Equal([new TimelineStart(1, Lsn.Invalid)], RehearsePlanner.RecoveryTimelines("1", 1, new Lsn(0x3000028), histories));
        Assert.Equal([new TimelineStart(1, Lsn.Invalid)], RehearsePlanner.RecoveryTimelines("current", 1, new Lsn(0x3000028), histories));
        // A backup taken on timeline 2 follows it from there.
        Assert.Equal([new TimelineStart(2, Lsn.Invalid)], RehearsePlanner.RecoveryTimelines(null, 2, new Lsn(0x6000028), histories));
    }

    [Fact]
    public void The_archive_ends_at_the_newest_segment_of_the_newest_timeline_recovery_follows()
    {
        // Timeline 2 branched from 1 at 0/5000100: 1's segments past 5 belong to the old branch.
        IReadOnlyList<TimelineStart> path = [new(1, Lsn.Invalid), new(2, new Lsn(0x5000100))];
        List<WalSegmentName> archived = [.. new ulong[] { 3, 4, 5, 6, 7 }.Select(n => WalSegmentName.FromSegmentNumber(1, n, Segment))];
        Assert.Equal(WalSegmentName.FromSegmentNumber(1, 5, Segment), RehearsePlanner.ArchiveEnd(path, archived, Segment));
        archived.AddRange([WalSegmentName.FromSegmentNumber(2, 5, Segment), WalSegmentName.FromSegmentNumber(2, 6, Segment)]);
        Assert.Equal(WalSegmentName.FromSegmentNumber(2, 6, Segment), RehearsePlanner.ArchiveEnd(path, archived, Segment));
        Assert.Null(RehearsePlanner.ArchiveEnd(path, [], Segment));
    }

    [Fact]
    public void The_end_of_recovery_is_the_last_line_of_the_new_timelines_history()
    {
        var end = RehearsePlanner.ParseRecoveryEnd("1\t0/5000100\tno recovery target specified\n\n2\t0/9000000\tbefore transaction 1234\n", 3);
        Assert.Equal(new RecoveryEnd(2, new Lsn(0x9000000), 3, "before transaction 1234"), end);
        Assert.Null(RehearsePlanner.ParseRecoveryEnd("# empty\n", 2));
    }

    [Fact]
    public void Recovery_to_the_end_of_the_archive_passes_only_when_its_last_record_is_in_the_archives_last_segment()
    {
        IReadOnlyList<TimelineStart> path = [new(1, Lsn.Invalid)];
        var last = WalSegmentName.FromSegmentNumber(1, 5, Segment);
        // The switch point is the end of the last record: 0/6000000 ends in segment 5.
        Assert.True(RehearsePlanner.Judge("default", new RecoveryEnd(1, new Lsn(0x6000000), 2, ""), last, path, [], Segment).Passed);
        Assert.True(RehearsePlanner.Judge("default", new RecoveryEnd(1, new Lsn(0x5000200), 2, ""), last, path, [], Segment).Passed);

        string[] log =
        [
            "2026-12-03 10:00:00.000 UTC [1] LOG:  restored log file \"000000010000000000000003\" from archive",
            "ERROR: [042]: unable to get 000000010000000000000004:",
            "       repo1: 15-1/0000000100000000/000000010000000000000004-aa.gz [FormatError] unable to decompress",
            "ERROR: [042]: unable to get 000000010000000000000004:",
            "2026-12-03 10:00:00.100 UTC [1] LOG:  redo done at 0/3FFFF00",
        ];
        var early = RehearsePlanner.Judge("default", new RecoveryEnd(1, new Lsn(0x4000000), 2, ""), last, path, log, Segment);
        Assert.False(early.Passed);
        Assert.Equal("recovery ended at 0/4000000 in 000000010000000000000003, before the end of the archive (000000010000000000000005): "
            + "000000010000000000000004 is missing or damaged", early.Reason);
        Assert.Equal(log[1..3], early.Evidence);

        // Reaching the last segment is not enough when a file failed to come back on the way.
        Assert.False(RehearsePlanner.Judge("default", new RecoveryEnd(1, new Lsn(0x6000000), 2, ""), last, path, log, Segment).Passed);
        Assert.False(RehearsePlanner.Judge("default", null, last, path, [], Segment).Passed);
    }

    [Fact]
    public void Recovery_that_stayed_on_an_old_branch_fails_even_past_the_archives_last_segment_number()
    {
        // Timeline 2 left timeline 1 at 0/5000100 and the archive ends at its segment 6; recovery went on along 1.
        IReadOnlyList<TimelineStart> path = [new(1, Lsn.Invalid), new(2, new Lsn(0x5000100))];
        var end = WalSegmentName.FromSegmentNumber(2, 6, Segment);
        var stayed = RehearsePlanner.Judge("default", new RecoveryEnd(1, new Lsn(0x7000000), 3, ""), end, path, [], Segment);
        Assert.False(stayed.Passed);
        Assert.True(RehearsePlanner.Judge("default", new RecoveryEnd(2, new Lsn(0x7000000), 3, ""), end, path, [], Segment).Passed);
        // An offline backup restored without a type starts without archive recovery: nothing to judge.
        Assert.True(RehearsePlanner.Judge("none", null, null, path, [], Segment).Passed);
    }

    [Fact]
    public void An_immediate_target_passes_when_the_server_stopped_at_consistency()
    {
        const string stop = "2026-12-03 10:00:00.000 UTC [1] LOG:  recovery stopping after reaching consistency";
        Assert.True(RehearsePlanner.IsNotable(stop));
        Assert.False(RehearsePlanner.IsNotable("2026-12-03 10:00:00.000 UTC [1] LOG:  restored log file \"000000010000000000000003\" from archive"));
        var verdict = RehearsePlanner.Judge("immediate", new RecoveryEnd(1, new Lsn(0x3000100), 2, "reached consistency"), null, [new(1, Lsn.Invalid)], [stop], Segment);
        Assert.True(verdict.Passed);
    }

    [Fact]
    public void Recovery_to_a_target_passes_only_when_the_server_said_it_stopped_there()
    {
        IReadOnlyList<TimelineStart> path = [new(1, Lsn.Invalid)];
        var end = new RecoveryEnd(1, new Lsn(0x3000100), 2, "before transaction 800");
        const string stop = "2026-12-03 10:00:00.000 UTC [1] LOG:  recovery stopping before commit of transaction 800, time 2026-12-03 09:59:00+00";
        var reached = RehearsePlanner.Judge("xid", end, WalSegmentName.FromSegmentNumber(1, 5, Segment), path, [stop], Segment);
        Assert.True(reached.Passed);
        Assert.Equal([stop], reached.Evidence);
        var missed = RehearsePlanner.Judge("time", end, WalSegmentName.FromSegmentNumber(1, 5, Segment), path, ["LOG:  redo done at 0/3000100"], Segment);
        Assert.Equal((false, "recovery ended at 0/3000100 in 000000010000000000000003 without reaching the target"), (missed.Passed, missed.Reason));
    }
}
