using PgRest.Config;
using PgRest.Errors;
using PgRest.Info;
using PgRest.Repository;
using PgRest.Tests.Info;

namespace PgRest.Tests.BlockIncr;

/// <summary>pgBackRest 2.45 wrote block incremental in a beta format no later version reads: such a backup is refused, never restored wrongly.</summary>
public class BetaFormatTests
{
    [Fact]
    public void A_block_incremental_manifest_written_by_2_45_is_refused_naming_the_backup()
    {
        var manifest = Manifest.Parse(FixtureTests.Read("fresh-full.manifest"));
        manifest.BlockIncr = true;
        manifest.Files[0].BlockIncrSize = 8192;

        var error = Assert.Throws<PgRestException>(() => BlockIncrStore.RefuseBetaFormat(manifest));

        Assert.Equal(ErrorCode.FeatureNotSupported, error.Code);
        Assert.StartsWith($"backup set {manifest.Label} was written by pgBackRest 2.45 with block incremental in its beta format", error.Message);
    }

    [Fact]
    public void What_pgrest_writes_for_block_incremental_is_read()
    {
        var manifest = Manifest.Parse(FixtureTests.Read("fresh-full.manifest"));
        manifest.BlockIncr = true;
        manifest.Files[0].BlockIncrSize = 8192;

        var written = Manifest.Parse(manifest.Serialize(PgRestVersion.FormatVersionOf(manifest)));

        Assert.Equal("2.46", written.BackrestVersion);
        BlockIncrStore.RefuseBetaFormat(written);
        // Without block incremental nothing changes: pgrest still writes 2.45.
        Assert.Equal("2.45", PgRestVersion.FormatVersionOf(Manifest.Parse(FixtureTests.Read("fresh-full.manifest"))));
    }

    [Theory]
    [InlineData("2.45", true)]
    [InlineData("2.44", true)]
    [InlineData("2.46", false)]
    [InlineData("2.59.1", false)]
    [InlineData("2.60dev", false)]
    public void Versions_before_2_46_have_the_beta_format(string version, bool before) =>
        Assert.Equal(before, BlockIncrStore.IsBeforeFormat(version));
}
