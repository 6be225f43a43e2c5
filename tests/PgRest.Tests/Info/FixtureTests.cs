using PgRest.Info;

namespace PgRest.Tests.Info;

/// <summary>
/// Files written by real pgBackRest 2.45 (PostgreSQL 15): stanza-create, full/diff/incr backups of a cluster with
/// a tablespace, a symlinked pg_hba.conf, odd database names (<c>=</c>, <c>a=b</c>, quote, tab, emoji), a file
/// owned by an unmapped uid, corrupted pages, annotations; a second repo with aes-256-cbc and bundling (decrypted
/// with openssl). See Fixtures/README.md.
/// </summary>
public class FixtureTests
{
    public static TheoryData<string> InfoFixtures =>
    [
        "archive.info", "archive-encrypted.info", "backup-empty.info", "backup.info", "backup-encrypted.info",
        "fresh-full.manifest", "full-annotated.manifest", "incr-bundled-encrypted.manifest",
    ];

    internal static string Read(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Info", "Fixtures", name));

    [Theory]
    [MemberData(nameof(InfoFixtures))]
    public void InfoFileRoundTripsByteForByte(string name)
    {
        string original = Read(name);

        InfoFile file = InfoFile.Parse(original);

        Assert.Equal("2.45", file.BackrestVersion);
        Assert.Equal(original, file.Serialize("2.45"));
    }

    [Theory]
    [InlineData("archive.info")]
    [InlineData("archive-encrypted.info")]
    public void ArchiveInfoRoundTripsByteForByte(string name)
    {
        string original = Read(name);

        Assert.Equal(original, ArchiveInfo.Parse(original).Serialize("2.45"));
    }

    [Theory]
    [InlineData("backup-empty.info")]
    [InlineData("backup.info")]
    [InlineData("backup-encrypted.info")]
    public void BackupInfoRoundTripsByteForByte(string name)
    {
        string original = Read(name);

        Assert.Equal(original, BackupInfo.Parse(original).Serialize("2.45"));
    }

    [Theory]
    [InlineData("fresh-full.manifest")]
    [InlineData("full-annotated.manifest")]
    [InlineData("incr-bundled-encrypted.manifest")]
    public void ManifestRoundTripsByteForByte(string name)
    {
        string original = Read(name);

        Assert.Equal(original, Manifest.Parse(original).Serialize("2.45"));
    }

    [Fact]
    public void ArchiveInfoValues()
    {
        ArchiveInfo info = ArchiveInfo.Parse(Read("archive.info"));

        Assert.Equal(1U, info.DbId);
        Assert.Equal(7710618020150042718UL, info.SystemId);
        Assert.Equal("15", info.DbVersion);
        Assert.Equal("15-1", info.ArchiveId);
        Assert.Null(info.CipherPass);
        Assert.Equal([new PgHistoryEntry(1, 7710618020150042718UL, "15")], info.History);

        ArchiveInfo encrypted = ArchiveInfo.Parse(Read("archive-encrypted.info"));
        Assert.Equal(64, encrypted.CipherPass!.Length);
    }

    [Fact]
    public void BackupInfoValues()
    {
        BackupInfo info = BackupInfo.Parse(Read("backup.info"));

        Assert.Equal(202209061U, info.CatalogVersion);
        Assert.Equal(1300U, info.ControlVersion);
        Assert.Equal(7710618020150042718UL, info.SystemId);
        Assert.Equal([new PgHistoryEntry(1, 7710618020150042718UL, "15", 202209061, 1300)], info.History);
        Assert.Equal(
            ["20261121-133600F", "20261121-133622F", "20261121-133622F_20261121-133722D", "20261121-133622F_20261121-133725I"],
            info.Current.Keys);

        BackupInfoEntry full = info.Current["20261121-133622F"];
        Assert.Equal(BackupType.Full, full.Type);
        Assert.Equal("team", full.Annotation!["owner"]);
        Assert.Equal("lab \"quoted\"", full.Annotation["source"]);
        Assert.True(full.Error);
        Assert.True(full.OptionChecksumPage);
        Assert.Null(full.Prior);
        Assert.Null(full.Reference);

        BackupInfoEntry incr = info.Current["20261121-133622F_20261121-133725I"];
        Assert.Equal(BackupType.Incr, incr.Type);
        Assert.Equal("20261121-133622F_20261121-133722D", incr.Prior);
        Assert.Equal(["20261121-133622F", "20261121-133622F_20261121-133722D"], incr.Reference);
        Assert.Null(incr.Annotation);
        Assert.Null(incr.RepoSizeMap);

        Assert.Empty(BackupInfo.Parse(Read("backup-empty.info")).Current);
        Assert.Equal(64, BackupInfo.Parse(Read("backup-encrypted.info")).CipherPass!.Length);
    }

    [Fact]
    public void FreshClusterManifestValues()
    {
        Manifest manifest = Manifest.Parse(Read("fresh-full.manifest"));

        Assert.Equal("20261121-133600F", manifest.Label);
        Assert.Equal(BackupType.Full, manifest.Type);
        Assert.Equal(["20261121-133600F"], manifest.References);
        Assert.Equal("gz", manifest.Options.CompressType);
        Assert.Equal(6, manifest.Options.CompressLevel);
        Assert.False(manifest.Options.ChecksumPage);
        Assert.Equal(["postgres", "template0", "template1"], manifest.Databases.Select(db => db.Name));
        Assert.Equal(new ManifestDefaults(
            new ManifestOwner("postgres"), new ManifestOwner("postgres"), (UnixFileMode)Convert.ToInt32("600", 8),
            new ManifestOwner("postgres"), new ManifestOwner("postgres"), (UnixFileMode)Convert.ToInt32("700", 8),
            new ManifestOwner("postgres"), new ManifestOwner("postgres")), manifest.Defaults);
        Assert.Empty(manifest.Links);

        ManifestTarget pgData = Assert.Single(manifest.Targets);
        Assert.Equal(ManifestTargetType.Path, pgData.Type);
        Assert.Equal("/tmp/info-pg/data", pgData.Path);

        ManifestFile version = manifest.Files.Single(file => file.Name == "pg_data/PG_VERSION");
        Assert.Equal(3UL, version.Size);
        Assert.Equal(23UL, version.RepoSize);
        Assert.Equal("587b596f04f7db9c2cad3d6b87dd2b3a05de4f35", version.Checksum);
        Assert.Equal("20261121-133600F", manifest.ReferenceOf(version));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, manifest.EffectiveMode(version));
        Assert.Equal("postgres", manifest.EffectiveUser(version).Name);
        Assert.Null(version.Mode);
    }

    [Fact]
    public void OddNamesOwnersLinksAndPageErrorsFromRealManifest()
    {
        Manifest manifest = Manifest.Parse(Read("full-annotated.manifest"));

        Assert.Equal(
            ["=", "a=b", "emoji😀 [x]", "postgres", "quo\"te", "tab\tx", "template0", "template1"],
            manifest.Databases.Select(db => db.Name));
        Assert.Equal(16389U, manifest.Databases[0].Id);
        Assert.Equal("lab \"quoted\"", manifest.Annotation!["source"]);

        ManifestTarget tablespace = manifest.Targets.Single(target => target.Name == "pg_tblspc/16384");
        Assert.Equal((16384U, "ts1", ManifestTargetType.Link), (tablespace.TablespaceId!.Value, tablespace.TablespaceName, tablespace.Type));
        ManifestTarget hba = manifest.Targets.Single(target => target.Name == "pg_data/pg_hba.conf");
        Assert.Equal(("pg_hba.conf", "/tmp/info-pg/conf"), (hba.File, hba.Path));

        ManifestLink link = manifest.Links.Single(entry => entry.Name == "pg_data/pg_hba.conf");
        Assert.Equal("root", manifest.EffectiveUser(link).Name);
        ManifestLink tablespaceLink = manifest.Links.Single(entry => entry.Name == "pg_data/pg_tblspc/16384");
        Assert.Equal("postgres", manifest.EffectiveGroup(tablespaceLink).Name);

        ManifestFile unmapped = manifest.Files.Single(file => file.Name == "pg_data/extra.txt");
        Assert.Equal(ManifestOwner.Unmapped, manifest.EffectiveUser(unmapped));
        Assert.False(manifest.EffectiveGroup(unmapped).IsMapped);
        Assert.Equal("0644", Convert.ToString((int)manifest.EffectiveMode(unmapped), 8).PadLeft(4, '0'));

        ManifestPath extraDir = manifest.Paths.Single(path => path.Name == "pg_data/extradir");
        Assert.Equal("0755", Convert.ToString((int)manifest.EffectiveMode(extraDir), 8).PadLeft(4, '0'));
        ManifestPath base1 = manifest.Paths.Single(path => path.Name == "pg_data/base/1");
        Assert.Equal("0700", Convert.ToString((int)manifest.EffectiveMode(base1), 8).PadLeft(4, '0'));

        ManifestFile corrupt = manifest.Files.Single(file => file.Name == "pg_data/base/5/16390");
        Assert.False(corrupt.ChecksumPage);
        Assert.Equal("[1,[5,7]]", corrupt.ChecksumPageErrors!.ToJson());
        Assert.Equal([1UL, 5, 6, 7], ManifestFile.ExpandPageErrors(corrupt.ChecksumPageErrors));
        Assert.Equal("[1,[5,7]]", ManifestFile.EncodePageErrors([1, 5, 6, 7]).ToJson());

        ManifestFile empty = manifest.Files.Single(file => file.Name == "pg_data/base/1/13394");
        Assert.Equal(ManifestFile.ZeroChecksum, empty.Checksum);
        Assert.Equal(20UL, empty.EffectiveRepoSize);
    }

    [Fact]
    public void BundledEncryptedIncrementalManifest()
    {
        Manifest manifest = Manifest.Parse(Read("incr-bundled-encrypted.manifest"));

        Assert.True(manifest.Bundle);
        Assert.False(manifest.BundleRaw);
        Assert.Equal(BackupType.Incr, manifest.Type);
        Assert.Equal("20261121-133713F", manifest.Prior);
        Assert.Equal(["20261121-133713F", "20261121-133713F_20261121-133727I"], manifest.References);
        Assert.Equal(64, manifest.CipherPass!.Length);

        ManifestFile referenced = manifest.Files.Single(file => file.Name == "pg_data/PG_VERSION");
        Assert.Equal("20261121-133713F", manifest.ReferenceOf(referenced));
        Assert.Equal((1UL, 3184UL, 48UL), (referenced.BundleId!.Value, referenced.BundleOffset, referenced.EffectiveRepoSize));

        ManifestFile atOffsetZero = manifest.Files.Single(file => file.Name == "pg_tblspc/16384/PG_15_202209061/16389/pg_filenode.map");
        Assert.Equal((4UL, 0UL), (atOffsetZero.BundleId!.Value, atOffsetZero.BundleOffset));

        ManifestFile notStored = manifest.Files.Single(file => file.Name == "pg_data/base/1/13394");
        Assert.Null(notStored.BundleId);
        Assert.Equal(0UL, notStored.EffectiveRepoSize);

        ManifestFile copiedNow = manifest.Files.Single(file => file.Name == "pg_data/base/5/16390");
        Assert.Equal(manifest.Label, manifest.ReferenceOf(copiedNow));
    }

    [Theory]
    [InlineData("incr-bundled-encrypted.manifest", "backup-encrypted.info")]
    [InlineData("full-annotated.manifest", "backup.info")]
    [InlineData("fresh-full.manifest", "backup.info")]
    public void BackupInfoEntryFromManifestMatchesWhatPgBackRestWrote(string manifestName, string infoName)
    {
        Manifest manifest = Manifest.Parse(Read(manifestName));
        BackupInfo info = BackupInfo.Parse(Read(infoName));

        BackupInfoEntry computed = BackupInfoEntry.FromManifest(manifest, "2.45");

        Assert.Equal(info.Current[manifest.Label].ToJson().ToJson(), computed.ToJson().ToJson());
    }
}
