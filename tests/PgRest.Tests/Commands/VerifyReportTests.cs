using PgRest.Postgres;
using PgRest.Repository;
using PgRest.Commands.Verify;

namespace PgRest.Tests.Commands;

/// <summary>The verify report in pgBackRest 2.45's exact shape, and the name rules verify lists the repository with.</summary>
public class VerifyReportTests
{
    private static (List<ArchiveIdResult>, List<BackupResult>) DamagedRepository()
    {
        var archive = new ArchiveIdResult("15-1") { TotalWalFile = 4, TotalValidWal = 3 };
        archive.Ranges.Add(new WalRange("000000010000000000000001") { Stop = "000000010000000000000004" });
        archive.InvalidFiles.Add(new InvalidFile("15-1/0000000100000000/000000010000000000000003-aa", VerifyResult.ChecksumMismatch));
        var full = new BackupResult("20261121-141309F") { Status = BackupStatus.Invalid, TotalFileManifest = 964, TotalFileVerify = 964, TotalFileValid = 962 };
        full.AddInvalid(new InvalidFile("20261121-141309F/pg_data/PG_VERSION.gz", VerifyResult.FileMissing));
        full.AddInvalid(new InvalidFile("20261121-141309F/pg_data/base/5/1259.gz", VerifyResult.OtherError));
        var incr = new BackupResult("20261121-141309F_20261121-141318I") { TotalFileManifest = 965, TotalFileVerify = 965, TotalFileValid = 965 };
        return ([archive], [full, incr]);
    }

    [Fact]
    public void Verbose_report_lists_every_archive_id_and_backup_with_all_counts()
    {
        var (archives, backups) = DamagedRepository();
        Assert.Equal(
            "\n  archiveId: 15-1, total WAL checked: 4, total valid WAL: 3" +
            "\n    missing: 0, checksum invalid: 1, size invalid: 0, other: 0" +
            "\n  backup: 20261121-141309F, status: invalid, total files checked: 964, total valid files: 962" +
            "\n    missing: 1, checksum invalid: 0, size invalid: 0, other: 1" +
            "\n  backup: 20261121-141309F_20261121-141318I, status: valid, total files checked: 965, total valid files: 965" +
            "\n    missing: 0, checksum invalid: 0, size invalid: 0, other: 0",
            VerifyReport.Render(archives, backups, verbose: true));
    }

    [Fact]
    public void Plain_report_lists_only_what_is_wrong_and_only_the_kinds_of_error_found()
    {
        var (archives, backups) = DamagedRepository();
        Assert.Equal(
            "\n  archiveId: 15-1, total WAL checked: 4, total valid WAL: 3" +
            "\n    checksum invalid: 1" +
            "\n  backup: 20261121-141309F, status: invalid, total files checked: 964, total valid files: 962" +
            "\n    missing: 1, other: 1",
            VerifyReport.Render(archives, backups, verbose: false));
    }

    [Fact]
    public void Verbose_report_of_an_empty_repository_says_none_found()
    {
        Assert.Equal("\n  archiveId: none found\n  backup: none found", VerifyReport.Render([], [], verbose: true));
        Assert.Equal("", VerifyReport.Render([], [], verbose: false));
    }

    [Theory]
    [InlineData("15-1", true)]
    [InlineData("9.6-12", true)]
    [InlineData("15-", false)]
    [InlineData("-1", false)]
    [InlineData("9..6-1", false)]
    [InlineData("archive.info", false)]
    [InlineData("15-1a", false)]
    public void Archive_id_directories_are_version_dash_history_id(string name, bool expected) =>
        Assert.Equal(expected, RepositoryLayout.IsArchiveId(name));

    [Theory]
    [InlineData("000000010000000000000003-23afb3f7a81b6f69cb550a17dc9d81302775c79c.gz", true)]
    [InlineData("000000010000000000000003-23afb3f7a81b6f69cb550a17dc9d81302775c79c", true)]
    [InlineData("000000010000000000000003.partial-23afb3f7a81b6f69cb550a17dc9d81302775c79c.gz", false)]
    [InlineData("000000010000000000000004.00000028.backup", false)]
    public void Only_complete_stored_segments_are_checked(string name, bool expected) =>
        Assert.Equal(expected, Wal.IsStoredSegment(name));
}
