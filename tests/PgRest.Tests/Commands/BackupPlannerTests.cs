using PgRest.Commands.Backup;
using PgRest.Errors;
using PgRest.Filters;
using PgRest.Info;

namespace PgRest.Tests.Commands;

public class BackupPlannerTests
{
    private static BackupInfo Info(params (string Label, uint DbId)[] backups)
    {
        var info = new BackupInfo();
        info.Db.CurrentId = 2;
        foreach (var (label, dbId) in backups)
        {
            info.Add(new BackupInfoEntry
            {
                Label = label, BackrestVersion = "2.45", DbId = dbId,
                Type = label.EndsWith('F') ? BackupType.Full : label.EndsWith('D') ? BackupType.Diff : BackupType.Incr,
            });
        }

        return info;
    }

    private static ManifestFile File(string name, ulong size, long timestamp, string? checksum = null) =>
        new() { Name = "pg_data/" + name, Size = size, Timestamp = timestamp, Checksum = checksum };

    [Fact]
    public void A_diff_builds_on_the_newest_full_and_an_incr_on_the_newest_backup_of_the_current_cluster()
    {
        var info = Info(("20260101-000000F", 2), ("20260101-000000F_20260102-000000D", 2), ("20260101-000000F_20260103-000000I", 2),
            ("20260104-000000F", 1));

        Assert.Equal("20260101-000000F", BackupPlanner.SelectPrior(info, BackupType.Diff).Prior!.Label);
        Assert.Equal("20260101-000000F_20260103-000000I", BackupPlanner.SelectPrior(info, BackupType.Incr).Prior!.Label);
        Assert.Equal((BackupType.Full, (BackupInfoEntry?)null), BackupPlanner.SelectPrior(info, BackupType.Full));
    }

    [Fact]
    public void Without_a_backup_of_the_current_cluster_a_diff_or_incr_becomes_full()
    {
        var info = Info(("20260104-000000F", 1));

        Assert.Equal((BackupType.Full, (BackupInfoEntry?)null), BackupPlanner.SelectPrior(info, BackupType.Incr));
        Assert.Equal((BackupType.Full, (BackupInfoEntry?)null), BackupPlanner.SelectPrior(info, BackupType.Diff));
    }

    [Fact]
    public void A_new_label_comes_from_the_start_time_and_names_its_full_backup()
    {
        var start = new DateTimeOffset(new DateTime(2026, 5, 22, 14, 0, 0, DateTimeKind.Local)).ToUnixTimeSeconds();

        Assert.Equal("20260522-140000F", BackupPlanner.NewLabel([], BackupType.Full, null, start));
        Assert.Equal("20260522-120000F_20260522-140000I", BackupPlanner.NewLabel(["20260522-120000F"], BackupType.Incr, "20260522-120000F", start));
        Assert.Equal("20260522-120000F_20260522-140000D",
            BackupPlanner.NewLabel(["20260522-120000F", "20260522-120000F_20260522-130000I"], BackupType.Diff, "20260522-120000F_20260522-130000I", start));
    }

    [Fact]
    public void A_label_taken_in_the_same_second_moves_one_second_on_and_a_later_one_is_a_clock_error()
    {
        var start = new DateTimeOffset(new DateTime(2026, 5, 22, 14, 0, 0, DateTimeKind.Local)).ToUnixTimeSeconds();

        Assert.Equal("20260522-140001F", BackupPlanner.NewLabel(["20260522-140000F"], BackupType.Full, null, start));
        var error = Assert.Throws<PgRestException>(() => BackupPlanner.NewLabel(["20260522-150000F"], BackupType.Full, null, start));
        Assert.Equal(ErrorCode.Clock, error.Code);
    }

    [Fact]
    public void Files_with_the_prior_size_and_time_are_referenced_and_the_rest_copied_largest_first()
    {
        var prior = new Manifest { Label = "20260101-000000F" };
        prior.Files.AddRange([File("same", 10, 100, "a"), File("grown", 10, 100, "b"), File("touched", 10, 100, "c"), File("empty", 0, 100)]);
        ManifestFile[] files = [File("same", 10, 100), File("grown", 20, 100), File("touched", 10, 200), File("empty", 0, 300), File("new", 5, 50)];

        var plan = BackupPlanner.PlanCopy(files, prior, delta: false, bundle: null, resumed: new HashSet<string>());

        Assert.Equal(["pg_data/same", "pg_data/empty"], plan.References.Select(r => r.Entry.Name));
        Assert.Equal(["pg_data/grown", "pg_data/touched", "pg_data/new"], plan.Units.Select(u => u.Files[0].Entry.Name));
        Assert.All(plan.Units, unit => Assert.Null(unit.Files[0].DeltaPrior));
        Assert.Equal(35, plan.TotalBytes);
    }

    [Fact]
    public void With_delta_a_file_of_the_prior_size_is_compared_by_checksum_instead_of_referenced()
    {
        var prior = new Manifest { Label = "20260101-000000F" };
        prior.Files.AddRange([File("same", 10, 100, "a"), File("grown", 10, 100, "b")]);

        var plan = BackupPlanner.PlanCopy([File("same", 10, 100), File("grown", 20, 100)], prior, delta: true, bundle: null, resumed: new HashSet<string>());

        Assert.Empty(plan.References);
        Assert.Equal("a", plan.Units.Single(u => u.Files[0].Entry.Name == "pg_data/same").Files[0].DeltaPrior!.Checksum);
        Assert.Null(plan.Units.Single(u => u.Files[0].Entry.Name == "pg_data/grown").Files[0].DeltaPrior);
    }

    [Fact]
    public void Bundling_puts_small_files_in_timestamp_order_into_bundles_that_close_at_the_bundle_size()
    {
        ManifestFile[] files =
        [
            File("c", 4, 30), File("a", 4, 10), File("b", 4, 20), File("d", 4, 40), File("big", 100, 5), File("empty", 0, 1), File("resumed", 4, 1),
        ];

        var plan = BackupPlanner.PlanCopy(files, null, delta: false, new BundleSettings(Limit: 10, Size: 8), resumed: new HashSet<string> { "pg_data/resumed" });

        var bundles = plan.Units.Where(u => u.BundleId is not null).OrderBy(u => u.BundleId).ToList();
        Assert.Equal([1UL, 2UL], bundles.Select(b => b.BundleId!.Value));
        Assert.Equal(["pg_data/a", "pg_data/b"], bundles[0].Files.Select(f => f.Entry.Name));
        Assert.Equal(["pg_data/c", "pg_data/d"], bundles[1].Files.Select(f => f.Entry.Name));
        Assert.Equal(["pg_data/big", "pg_data/resumed"], plan.Units.Where(u => u.BundleId is null).Select(u => u.Files[0].Entry.Name));
        Assert.Equal("pg_data/big", plan.Units[0].Files[0].Entry.Name);
        Assert.Equal(["pg_data/empty"], plan.EmptyInBundle.Select(f => f.Name));
    }

    [Fact]
    public void Without_bundling_an_empty_new_file_is_a_unit_of_its_own() =>
        Assert.Equal(["pg_data/empty"],
            BackupPlanner.PlanCopy([File("empty", 0, 1)], null, delta: false, bundle: null, resumed: new HashSet<string>()).Units.Select(u => u.Files[0].Entry.Name));

    [Fact]
    public void An_interrupted_backup_is_taken_over_only_by_a_backup_of_the_same_kind()
    {
        Manifest Saved(BackupType type, string? prior, string compress, string version = "2.45")
        {
            var written = new Manifest
            {
                Label = "20260101-000000F", Type = type, Prior = prior, DbVersion = "15",
                Defaults = ManifestDefaults.FromPgData(new ManifestOwner("postgres"), new ManifestOwner("postgres"), (UnixFileMode)0x1C0),
            };
            var manifest = Manifest.Parse(written.Serialize(version));
            manifest.Options.CompressType = compress;
            return manifest;
        }

        var incr = new Manifest { Type = BackupType.Incr, Prior = "20260101-000000F" };

        Assert.Null(BackupPlanner.WhyNotResumable(Saved(BackupType.Incr, "20260101-000000F", "gz"), incr, CompressType.Gz, "2.45"));
        Assert.Equal("new backup type 'incr' does not match resumable backup type 'full'",
            BackupPlanner.WhyNotResumable(Saved(BackupType.Full, null, "gz"), incr, CompressType.Gz, "2.45"));
        Assert.Equal("new prior backup label '<undef>' does not match resumable prior backup label '20260101-000000F'",
            BackupPlanner.WhyNotResumable(Saved(BackupType.Incr, null, "gz"), incr, CompressType.Gz, "2.45"));
        Assert.Equal("new compression 'zst' does not match resumable compression 'gz'",
            BackupPlanner.WhyNotResumable(Saved(BackupType.Incr, "20260101-000000F", "gz"), incr, CompressType.Zst, "2.45"));
        Assert.Equal("new pgBackRest version '2.45' does not match resumable pgBackRest version '2.44'",
            BackupPlanner.WhyNotResumable(Saved(BackupType.Incr, "20260101-000000F", "gz", "2.44"), incr, CompressType.Gz, "2.45"));
    }

    [Fact]
    public void A_resumed_file_is_kept_only_when_its_saved_checksum_still_stands_for_it()
    {
        var gz = CompressType.Gz;
        ManifestFile Now(ulong size = 10, long time = 100) => new() { Name = "pg_data/x", Size = size, Timestamp = time };
        ManifestFile Saved(ulong size = 10, long time = 100, string? checksum = "abc", string? reference = null) =>
            new() { Name = "pg_data/x", Size = size, Timestamp = time, Checksum = checksum, Reference = reference };

        Assert.Null(BackupPlanner.WhyNotKept(gz, gz, Now(), Saved(), delta: false, referenced: false));
        Assert.Equal("mismatched compression type", BackupPlanner.WhyNotKept(CompressType.None, gz, Now(), Saved(), false, false));
        Assert.Equal("missing in manifest", BackupPlanner.WhyNotKept(gz, gz, null, Saved(), false, false));
        Assert.Equal("reference in manifest", BackupPlanner.WhyNotKept(gz, gz, Now(), Saved(), false, referenced: true));
        Assert.Equal("missing in resumed manifest", BackupPlanner.WhyNotKept(gz, gz, Now(), null, false, false));
        Assert.Equal("reference in resumed manifest", BackupPlanner.WhyNotKept(gz, gz, Now(), Saved(reference: "20260101-000000F"), false, false));
        Assert.Equal("no checksum in resumed manifest", BackupPlanner.WhyNotKept(gz, gz, Now(), Saved(checksum: null), false, false));
        Assert.Equal("mismatched size", BackupPlanner.WhyNotKept(gz, gz, Now(size: 11), Saved(), false, false));
        Assert.Equal("mismatched timestamp", BackupPlanner.WhyNotKept(gz, gz, Now(time: 101), Saved(), delta: false, false));
        Assert.Null(BackupPlanner.WhyNotKept(gz, gz, Now(time: 101), Saved(), delta: true, false));
        Assert.Equal("zero size", BackupPlanner.WhyNotKept(gz, gz, Now(size: 0), Saved(size: 0), false, false));
    }
}
