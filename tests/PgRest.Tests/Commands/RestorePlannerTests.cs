using PgRest.Commands.Restore;
using PgRest.Common;
using PgRest.Errors;
using PgRest.Info;

namespace PgRest.Tests.Commands;

public class RestorePlannerTests
{
    private static long Local(int day, int hour) => new DateTimeOffset(new DateTime(2026, 5, day, hour, 0, 0, DateTimeKind.Local)).ToUnixTimeSeconds();

    /// <summary>Three backups of cluster 2 stopping on the 20th, 21st and 22nd at 10:00, and one of an older cluster.</summary>
    private static BackupInfo Info()
    {
        var info = new BackupInfo();
        info.Db.Add(1, "14", 1, 1);
        info.Db.Add(2, "15", 1, 1);
        (string Label, int Day, uint Db, string Lsn)[] backups =
        [
            ("20260519-100000F", 19, 1, "0/1000000"), ("20260520-090000F", 20, 2, "0/3000100"),
            ("20260520-090000F_20260521-090000I", 21, 2, "0/5000100"), ("20260522-090000F", 22, 2, "0/7000100"),
        ];
        foreach (var (label, day, db, lsn) in backups)
        {
            info.Add(new BackupInfoEntry
            {
                Label = label, BackrestVersion = "2.45", DbId = db, TimestampStop = Local(day, 10), LsnStop = lsn,
                Type = label.EndsWith('F') ? BackupType.Full : BackupType.Incr,
            });
        }

        return info;
    }

    [Theory]
    [InlineData("default", null, "20260522-090000F")]
    [InlineData("time", "2026-05-21 15:00:00", "20260520-090000F_20260521-090000I")]
    [InlineData("time", "2026-05-21 10:00:00", "20260520-090000F")]
    [InlineData("time", "2026-05-23 00:00:00", "20260522-090000F")]
    [InlineData("lsn", "0/5000100", "20260520-090000F_20260521-090000I")]
    [InlineData("lsn", "0/50000FF", "20260520-090000F")]
    [InlineData("xid", "1234", "20260522-090000F")]
    [InlineData("immediate", null, "20260522-090000F")]
    public void The_latest_set_is_the_newest_backup_of_the_current_cluster_that_ends_before_the_target(string type, string? target, string expected) =>
        Assert.Equal(expected, RestorePlanner.SelectBackup(Info(), "latest", type, target));

    [Fact]
    public void A_target_before_every_backup_of_the_current_cluster_is_looked_for_in_the_next_repository()
    {
        Assert.Null(RestorePlanner.SelectBackup(Info(), "latest", "time", "2026-05-20 09:30:00"));
        Assert.Null(RestorePlanner.SelectBackup(Info(), "latest", "lsn", "0/1000000"));

        var error = RestorePlanner.NoBackupFound("latest", "time", "2026-05-20 09:30:00");
        Assert.Equal(ErrorCode.BackupSetInvalid, error.Code);
        Assert.Equal("unable to find backup set with stop time less than '2026-05-20 09:30:00'", error.Message);
        Assert.Equal("backup set 20260101-000000F is not valid", RestorePlanner.NoBackupFound("20260101-000000F", "time", "2026-05-20 09:30:00").Message);
        Assert.Equal("no backup set found to restore", RestorePlanner.NoBackupFound("latest", "default", null).Message);
    }

    [Fact]
    public void A_named_set_is_taken_from_any_cluster_and_a_missing_one_is_looked_for_elsewhere()
    {
        Assert.Equal("20260519-100000F", RestorePlanner.SelectBackup(Info(), "20260519-100000F", "default", null));
        Assert.Null(RestorePlanner.SelectBackup(Info(), "20260101-000000F", "default", null));
    }

    [Theory]
    [InlineData("default", false, true, "default")]
    [InlineData("default", false, false, "none")]
    [InlineData("default", true, false, "default")]
    [InlineData("time", true, false, "time")]
    [InlineData("standby", true, true, "standby")]
    public void An_offline_backup_restores_without_recovery_unless_a_type_is_given(string configured, bool given, bool online, string expected) =>
        Assert.Equal(expected, RestorePlanner.RecoveryType(configured, given, online));

    [Fact]
    public void Target_times_take_a_zone_or_are_local()
    {
        Assert.Equal(new DateTimeOffset(2026, 5, 22, 14, 29, 0, TimeSpan.Zero).ToUnixTimeSeconds(), RestorePlanner.ParseTargetTime("2026-05-22 14:29:00+00"));
        Assert.Equal(new DateTimeOffset(2026, 5, 22, 14, 29, 0, TimeSpan.FromHours(2)).ToUnixTimeSeconds(), RestorePlanner.ParseTargetTime("2026-05-22 14:29:00.123+02:00"));
        Assert.Equal(new DateTimeOffset(2026, 5, 22, 14, 29, 0, TimeSpan.Zero).ToUnixTimeSeconds(), RestorePlanner.ParseTargetTime("2026-05-22 14:29:00 UTC"));
        Assert.Equal(new DateTimeOffset(new DateTime(2026, 5, 22, 14, 29, 0, DateTimeKind.Local)).ToUnixTimeSeconds(), RestorePlanner.ParseTargetTime("2026-05-22 14:29:00"));
        Assert.Equal(ErrorCode.Format, Assert.Throws<PgRestException>(() => RestorePlanner.ParseTargetTime("yesterday at 3")).Code);
    }

    private static FileStatus Existing(long size, long modified) => new(FileKind.File, 0x180, 0, 0, size, modified);

    private static readonly ManifestFile File = new() { Name = "pg_data/base/1/1259", Size = 8192, Timestamp = 1000, Checksum = "abc" };

    [Theory]
    [InlineData(8192L, ExistingFileAction.CompareChecksum)]
    [InlineData(16384L, ExistingFileAction.CompareChecksum)]
    [InlineData(4096L, ExistingFileAction.Rewrite)]
    public void Delta_compares_checksums_of_files_at_least_as_long_as_the_backup(long size, ExistingFileAction expected) =>
        Assert.Equal(expected, RestorePlanner.Decide(Existing(size, 999), File, delta: true, force: false, timestampCopyStart: 2000));

    [Theory]
    [InlineData(8192L, 1000L, ExistingFileAction.Keep)]
    [InlineData(8192L, 1001L, ExistingFileAction.Rewrite)]
    [InlineData(4096L, 1000L, ExistingFileAction.Rewrite)]
    public void Delta_with_force_trusts_size_and_time_that_predate_the_copy(long size, long modified, ExistingFileAction expected) =>
        Assert.Equal(expected, RestorePlanner.Decide(Existing(size, modified), File, delta: true, force: true, timestampCopyStart: 2000));

    [Fact]
    public void A_file_changed_after_the_copy_started_is_rewritten_even_with_force() =>
        Assert.Equal(ExistingFileAction.Rewrite, RestorePlanner.Decide(Existing(8192, 1000), File, delta: true, force: true, timestampCopyStart: 1000));

    [Fact]
    public void Force_alone_and_missing_files_rewrite()
    {
        Assert.Equal(ExistingFileAction.Rewrite, RestorePlanner.Decide(Existing(8192, 1000), File, delta: false, force: true, timestampCopyStart: 2000));
        Assert.Equal(ExistingFileAction.Rewrite, RestorePlanner.Decide(null, File, delta: true, force: false, timestampCopyStart: 2000));
        Assert.Equal(ExistingFileAction.Rewrite,
            RestorePlanner.Decide(new FileStatus(FileKind.Directory, 0x1C0, 0, 0, 4096, 1000), File, delta: true, force: false, timestampCopyStart: 2000));
    }
}
