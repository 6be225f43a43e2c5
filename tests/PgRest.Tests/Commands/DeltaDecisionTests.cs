using PgRest.Commands.Backup;
using PgRest.Info;

namespace PgRest.Tests.Commands;

/// <summary>When a backup compares checksums although <c>--delta</c> was not given (pgBackRest 2.45 manifestBuildIncr/Validate).</summary>
public sealed class DeltaDecisionTests
{
    private const long CopyStart = 1_000_000;

    [Fact]
    public void Requested_delta_stays_on()
    {
        Assert.True(DeltaDecision.Resolve(true, Build("000000010000000000000005", (100, CopyStart - 10)), null));
    }

    [Fact]
    public void Full_backup_with_plausible_timestamps_needs_no_delta()
    {
        Assert.False(DeltaDecision.Resolve(false, Build("000000010000000000000005", (100, CopyStart - 10)), null));
    }

    [Fact]
    public void A_file_dated_after_the_copy_start_enables_delta()
    {
        Assert.True(DeltaDecision.Resolve(false, Build("000000010000000000000005", (100, CopyStart + 1)), null));
    }

    [Fact]
    public void A_timeline_switch_since_the_prior_backup_enables_delta()
    {
        var prior = Build("000000010000000000000003", (100, CopyStart - 10));
        Assert.True(DeltaDecision.Resolve(false, Build("000000020000000000000005", (100, CopyStart - 10)), prior));
        Assert.False(DeltaDecision.Resolve(false, Build("000000010000000000000005", (100, CopyStart - 10)), prior));
    }

    [Fact]
    public void An_online_change_enables_delta()
    {
        var prior = Build("000000010000000000000003", (100, CopyStart - 10));
        prior.Options.Online = false;
        Assert.True(DeltaDecision.Resolve(false, Build("000000010000000000000005", (100, CopyStart - 10)), prior));
    }

    [Fact]
    public void A_timestamp_earlier_than_in_the_prior_backup_enables_delta()
    {
        var prior = Build("000000010000000000000003", (100, CopyStart - 10));
        Assert.True(DeltaDecision.Resolve(false, Build("000000010000000000000005", (100, CopyStart - 20)), prior));
    }

    [Fact]
    public void A_size_change_without_a_timestamp_change_enables_delta()
    {
        var prior = Build("000000010000000000000003", (100, CopyStart - 10));
        Assert.True(DeltaDecision.Resolve(false, Build("000000010000000000000005", (200, CopyStart - 10)), prior));
        Assert.False(DeltaDecision.Resolve(false, Build("000000010000000000000005", (200, CopyStart - 5)), prior));
    }

    private static Manifest Build(string archive, (ulong Size, long Timestamp) file)
    {
        var manifest = new Manifest
        {
            Label = "20261121-113635F",
            ArchiveStart = archive,
            ArchiveStop = archive,
            TimestampCopyStart = CopyStart,
        };
        manifest.Options.Online = true;
        manifest.Files.Add(new ManifestFile { Name = "pg_data/base/1/1234", Size = file.Size, Timestamp = file.Timestamp });
        return manifest;
    }
}
