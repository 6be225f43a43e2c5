using PgRest.Errors;
using PgRest.Postgres;

namespace PgRest.Tests.Postgres;

public class PgVersionsTests
{
    [Theory]
    [InlineData("9.6", 960u, 201608131u, (ushort)0xD093)]
    [InlineData("10", 1002u, 201707211u, (ushort)0xD097)]
    [InlineData("11", 1100u, 201809051u, (ushort)0xD098)]
    [InlineData("12", 1201u, 201909212u, (ushort)0xD101)]
    [InlineData("13", 1300u, 202007201u, (ushort)0xD106)]
    [InlineData("14", 1300u, 202107181u, (ushort)0xD10D)]
    [InlineData("15", 1300u, 202209061u, (ushort)0xD110)]
    [InlineData("16", 1300u, 202307071u, (ushort)0xD113)]
    [InlineData("17", 1700u, 202406281u, (ushort)0xD116)]
    [InlineData("18", 1800u, 202506291u, (ushort)0xD118)]
    public void Table_matches_spec_and_every_lookup_finds_the_same_row(string version, uint control, uint catalog, ushort magic)
    {
        PgVersionInfo info = PgVersions.FromVersion(version);

        Assert.Equal(control, info.ControlVersion);
        Assert.Equal(catalog, info.CatalogVersion);
        Assert.Equal(magic, info.WalMagic);
        Assert.Same(info, PgVersions.FromControl(control, catalog));
        Assert.Same(info, PgVersions.FromWalMagic(magic));
        Assert.Same(info, PgVersions.FromServerVersionNum(info.VersionNum + 4));
        Assert.Equal(info.VersionNum, PgVersions.VersionNumFromVersion(version));
    }

    [Theory]
    [InlineData(150004, "15")]
    [InlineData(180000, "18")]
    [InlineData(100023, "10")]
    [InlineData(90624, "9.6")]
    [InlineData(90300, "9.3")]
    [InlineData(190000, "19")]
    public void Server_version_num_becomes_pgbackrest_version_string(int serverVersionNum, string expected) =>
        Assert.Equal(expected, PgVersions.VersionFromServerVersionNum(serverVersionNum));

    [Fact]
    public void Tablespace_directory_name_combines_version_and_catalog() =>
        Assert.Equal("PG_15_202209061", PgVersions.V15.TablespaceId);

    [Fact]
    public void Function_names_changed_in_version_10()
    {
        Assert.Equal("xlog", PgVersions.V96.WalName);
        Assert.Equal("location", PgVersions.V96.LsnName);
        Assert.Equal("wal", PgVersions.V10.WalName);
        Assert.Equal("lsn", PgVersions.V15.LsnName);
        Assert.Equal("pg_wal", PgVersions.V15.WalDirectory);
    }

    [Fact]
    public void Unknown_versions_are_version_not_supported_errors()
    {
        PgRestException control = Assert.Throws<PgRestException>(() => PgVersions.FromControl(1300, 202209062));
        Assert.Equal(ErrorCode.VersionNotSupported, control.Code);
        Assert.Equal(
            "unexpected control version = 1300 and catalog version = 202209062\nHINT: is this version of PostgreSQL supported?",
            control.Message);

        PgRestException magic = Assert.Throws<PgRestException>(() => PgVersions.FromWalMagic(0xD200));
        Assert.Equal(ErrorCode.VersionNotSupported, magic.Code);
        Assert.StartsWith("unexpected WAL magic 53760", magic.Message, StringComparison.Ordinal);

        Assert.Equal(ErrorCode.VersionNotSupported, Assert.Throws<PgRestException>(() => PgVersions.FromVersion("8.4")).Code);
        Assert.Equal(ErrorCode.VersionNotSupported, Assert.Throws<PgRestException>(() => PgVersions.FromServerVersionNum(80400)).Code);
        Assert.Equal(ErrorCode.VersionNotSupported, Assert.Throws<PgRestException>(() => PgVersions.VersionNumFromVersion("abc")).Code);
    }

    [Fact]
    public void Versions_are_listed_oldest_first_with_unique_identities()
    {
        Assert.Equal("9.3", PgVersions.All[0].Version);
        Assert.Equal("18", PgVersions.All[^1].Version);
        Assert.Equal(PgVersions.All.Count, PgVersions.All.Select(v => v.WalMagic).Distinct().Count());
        Assert.Equal(PgVersions.All.Count, PgVersions.All.Select(v => (v.ControlVersion, v.CatalogVersion)).Distinct().Count());
        Assert.True(PgVersions.All.Zip(PgVersions.All.Skip(1)).All(pair => pair.First.VersionNum < pair.Second.VersionNum));
    }
}
