using PgRest.Errors;
using PgRest.Info;
using PgRest.Json;

namespace PgRest.Tests.Info;

public class ManifestTests
{
    private static readonly UnixFileMode Mode0750 = (UnixFileMode)Convert.ToInt32("750", 8);
    private static readonly UnixFileMode Mode0640 = (UnixFileMode)Convert.ToInt32("640", 8);
    private static readonly UnixFileMode Mode0600 = (UnixFileMode)Convert.ToInt32("600", 8);
    private static readonly ManifestOwner Postgres = new("postgres");

    private static Manifest NewManifest()
    {
        var manifest = new Manifest
        {
            Label = "20261121-113635F",
            Type = BackupType.Full,
            ArchiveStart = "000000010000000000000004",
            ArchiveStop = "000000010000000000000004",
            LsnStart = "0/4000028",
            LsnStop = "0/4000138",
            TimestampCopyStart = 1795260996,
            TimestampStart = 1795260995,
            TimestampStop = 1795261002,
            CatalogVersion = 202209061,
            ControlVersion = 1300,
            DbId = 1,
            SystemId = 7710587136228589864,
            DbVersion = "15",
            Defaults = ManifestDefaults.FromPgData(Postgres, Postgres, Mode0750),
        };
        manifest.Options.ArchiveCheck = true;
        manifest.Options.CompressType = "gz";
        manifest.Options.Online = true;
        manifest.Targets.Add(new ManifestTarget { Name = "pg_data", Path = "/srv/pg", Type = ManifestTargetType.Path });
        manifest.Paths.Add(new ManifestPath { Name = "pg_data", Mode = Mode0750, User = Postgres, Group = Postgres });
        return manifest;
    }

    [Fact]
    public void DefaultsFollowPgDataAndEqualValuesAreOmitted()
    {
        Manifest manifest = NewManifest();
        manifest.Files.Add(new ManifestFile { Name = "pg_data/b", Size = 0, Timestamp = 10, Mode = Mode0640, User = Postgres });
        manifest.Files.Add(new ManifestFile
        {
            Name = "pg_data/a", Size = 3, RepoSize = 23, Timestamp = 11, Checksum = "587b596f04f7db9c2cad3d6b87dd2b3a05de4f35",
            Mode = Mode0600, User = ManifestOwner.Unmapped, Group = new ManifestOwner("root"),
        });
        manifest.Paths.Add(new ManifestPath { Name = "pg_data/base", Mode = (UnixFileMode)Convert.ToInt32("700", 8) });

        string text = manifest.Serialize("2.45");

        Assert.Contains(
            "[target:file]\n" +
            "pg_data/a={\"checksum\":\"587b596f04f7db9c2cad3d6b87dd2b3a05de4f35\",\"group\":\"root\",\"mode\":\"0600\",\"repo-size\":23,\"size\":3,\"timestamp\":11,\"user\":false}\n" +
            "pg_data/b={\"size\":0,\"timestamp\":10}\n" +
            "\n" +
            "[target:file:default]\n" +
            "group=\"postgres\"\n" +
            "mode=\"0640\"\n" +
            "user=\"postgres\"\n" +
            "\n" +
            "[target:path]\n" +
            "pg_data={}\n" +
            "pg_data/base={\"mode\":\"0700\"}\n" +
            "\n" +
            "[target:path:default]\n" +
            "group=\"postgres\"\n" +
            "mode=\"0750\"\n" +
            "user=\"postgres\"\n",
            text);
        Assert.DoesNotContain("[target:link", text);

        Manifest parsed = Manifest.Parse(text);
        ManifestFile a = parsed.Files[0];
        ManifestFile b = parsed.Files[1];
        Assert.Equal(["pg_data/a", "pg_data/b"], parsed.Files.Select(file => file.Name));
        Assert.Equal(Mode0600, parsed.EffectiveMode(a));
        Assert.Equal(ManifestOwner.Unmapped, parsed.EffectiveUser(a));
        Assert.Equal("root", parsed.EffectiveGroup(a).Name);
        Assert.Null(b.Mode);
        Assert.Equal(Mode0640, parsed.EffectiveMode(b));
        Assert.Equal(Postgres, parsed.EffectiveUser(b));
        Assert.Equal(ManifestFile.ZeroChecksum, b.Checksum);
        Assert.Equal(text, parsed.Serialize("2.45"));
    }

    [Fact]
    public void LinkDefaultsAreWrittenOnlyWithLinks()
    {
        Manifest manifest = NewManifest();
        manifest.Links.Add(new ManifestLink { Name = "pg_data/pg_tblspc/16384", Destination = "/srv/ts1" });
        manifest.Links.Add(new ManifestLink { Name = "pg_data/pg_hba.conf", Destination = "/etc/hba", User = new ManifestOwner("root"), Group = Postgres });

        string text = manifest.Serialize("2.45");

        Assert.Contains(
            "[target:link]\n" +
            "pg_data/pg_hba.conf={\"destination\":\"/etc/hba\",\"user\":\"root\"}\n" +
            "pg_data/pg_tblspc/16384={\"destination\":\"/srv/ts1\"}\n" +
            "\n" +
            "[target:link:default]\n" +
            "group=\"postgres\"\n" +
            "user=\"postgres\"\n",
            text);
        Assert.Equal(text, Manifest.Parse(text).Serialize("2.45"));
    }

    [Fact]
    public void SectionsAndBackupKeysFollowPgBackRestsLayout()
    {
        Manifest manifest = NewManifest();
        manifest.CipherPass = "c1pher";
        manifest.Annotation = new Dictionary<string, string> { ["z"] = "1", ["a"] = "2" };
        manifest.Databases.Add(new ManifestDb { Name = "postgres", Id = 5, LastSystemId = 4 });
        manifest.Files.Add(new ManifestFile { Name = "pg_data/PG_VERSION", Size = 3, Timestamp = 1, Checksum = "587b596f04f7db9c2cad3d6b87dd2b3a05de4f35" });

        string text = manifest.Serialize("2.45");

        string[] sections = text.Split('\n').Where(line => line.StartsWith('[')).ToArray();
        Assert.Equal(
            ["[backrest]", "[backup]", "[backup:db]", "[backup:option]", "[backup:target]", "[cipher]", "[db]", "[metadata]",
             "[target:file]", "[target:file:default]", "[target:path]", "[target:path:default]", "[backrest]"],
            sections);
        Assert.StartsWith(
            "[backrest]\nbackrest-format=5\nbackrest-version=\"2.45\"\n\n" +
            "[backup]\n" +
            "backup-archive-start=\"000000010000000000000004\"\n" +
            "backup-archive-stop=\"000000010000000000000004\"\n" +
            "backup-label=\"20261121-113635F\"\n" +
            "backup-lsn-start=\"0/4000028\"\n" +
            "backup-lsn-stop=\"0/4000138\"\n" +
            "backup-reference=\"20261121-113635F\"\n" +
            "backup-timestamp-copy-start=1795260996\n" +
            "backup-timestamp-start=1795260995\n" +
            "backup-timestamp-stop=1795261002\n" +
            "backup-type=\"full\"\n\n" +
            "[backup:db]\n" +
            "db-catalog-version=202209061\n" +
            "db-control-version=1300\n" +
            "db-id=1\n" +
            "db-system-id=7710587136228589864\n" +
            "db-version=\"15\"\n\n" +
            "[backup:option]\n" +
            "option-archive-check=true\n" +
            "option-archive-copy=false\n" +
            "option-compress=true\n" +
            "option-compress-type=\"gz\"\n" +
            "option-hardlink=false\n" +
            "option-online=true\n\n" +
            "[backup:target]\n" +
            "pg_data={\"path\":\"/srv/pg\",\"type\":\"path\"}\n\n" +
            "[cipher]\n" +
            "cipher-pass=\"c1pher\"\n\n" +
            "[db]\n" +
            "postgres={\"db-id\":5,\"db-last-system-id\":4}\n\n" +
            "[metadata]\n" +
            "annotation={\"a\":\"2\",\"z\":\"1\"}\n",
            text);
    }

    [Fact]
    public void OddDatabaseNamesRoundTrip()
    {
        Manifest manifest = NewManifest();
        string[] names = ["=", "a=b", "x=1", "quo\"te", "back\\slash", "tab\tx", "emoji😀 [x]", "[bracket]", "#hash", " space "];
        uint oid = 16384;
        foreach (string name in names)
            manifest.Databases.Add(new ManifestDb { Name = name, Id = oid++, LastSystemId = 4 });

        string text = manifest.Serialize("2.45");
        Manifest parsed = Manifest.Parse(text);

        Assert.Equal(names.Order(Utf8Ordinal.Comparer), parsed.Databases.Select(db => db.Name));
        Assert.Equal(16384U, parsed.Databases.Single(db => db.Name == "=").Id);
        Assert.Equal(16389U, parsed.Databases.Single(db => db.Name == "tab\tx").Id);
        Assert.Equal(text, parsed.Serialize("2.45"));
    }

    [Fact]
    public void NameWithLineBreakCannotBeStored()
    {
        Manifest manifest = NewManifest();
        manifest.Databases.Add(new ManifestDb { Name = "line\nbreak", Id = 1 });

        Assert.Throws<ArgumentException>(() => manifest.Serialize("2.45"));
    }

    [Fact]
    public void Version259BlockIncrementalManifestIsReadAndWritten()
    {
        string body =
            "[backrest]\n" +
            "backrest-format=5\n" +
            "backrest-version=\"2.59.1\"\n" +
            "\n" +
            "[backup]\n" +
            "backup-archive-start=\"000000010000000000000010\"\n" +
            "backup-archive-stop=\"000000010000000000000010\"\n" +
            "backup-block-incr=true\n" +
            "backup-bundle=true\n" +
            "backup-bundle-raw=true\n" +
            "backup-label=\"20261121-114000F_20261121-114100I\"\n" +
            "backup-lsn-start=\"0/10000028\"\n" +
            "backup-lsn-stop=\"0/10000100\"\n" +
            "backup-prior=\"20261121-114000F\"\n" +
            "backup-reference=\"20261121-114000F,20261121-114000F_20261121-114100I\"\n" +
            "backup-timestamp-copy-start=1795261170\n" +
            "backup-timestamp-start=1795261169\n" +
            "backup-timestamp-stop=1795261171\n" +
            "backup-type=\"incr\"\n" +
            "\n" +
            "[backup:db]\n" +
            "db-catalog-version=202209061\n" +
            "db-control-version=1300\n" +
            "db-id=1\n" +
            "db-system-id=7710587136228589864\n" +
            "db-version=\"15\"\n" +
            "\n" +
            "[backup:option]\n" +
            "option-archive-check=true\n" +
            "option-archive-copy=false\n" +
            "option-backup-standby=false\n" +
            "option-buffer-size=1048576\n" +
            "option-checksum-page=true\n" +
            "option-compress=true\n" +
            "option-compress-level=1\n" +
            "option-compress-level-network=1\n" +
            "option-compress-type=\"zst\"\n" +
            "option-delta=false\n" +
            "option-hardlink=false\n" +
            "option-online=true\n" +
            "option-process-max=2\n" +
            "\n" +
            "[backup:target]\n" +
            "pg_data={\"path\":\"/srv/pg\",\"type\":\"path\"}\n" +
            "\n" +
            "[target:file]\n" +
            "pg_data/base/5/16386={\"bi\":2,\"bim\":5096,\"bni\":1,\"checksum\":\"d67e5b82aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"checksum-page\":true,\"rck\":\"5bcf25e3aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"repo-size\":16848,\"size\":13721600,\"timestamp\":1795261170}\n" +
            "pg_data/base/5/16387={\"bi\":4,\"bic\":7,\"bni\":1,\"bno\":16848,\"checksum\":\"00000000aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"reference\":\"20261121-114000F\",\"repo-size\":100,\"size\":16384,\"szo\":24576,\"timestamp\":1795261160}\n" +
            "\n" +
            "[target:file:default]\n" +
            "group=\"postgres\"\n" +
            "mode=\"0600\"\n" +
            "user=\"postgres\"\n" +
            "\n" +
            "[target:path]\n" +
            "pg_data={}\n" +
            "\n" +
            "[target:path:default]\n" +
            "group=\"postgres\"\n" +
            "mode=\"0700\"\n" +
            "user=\"postgres\"\n";
        string text = WithChecksum(body);

        Manifest manifest = Manifest.Parse(text);

        Assert.Equal("2.59.1", manifest.BackrestVersion);
        Assert.True(manifest.BlockIncr && manifest.Bundle && manifest.BundleRaw);
        Assert.Equal("zst", manifest.Options.CompressType);
        ManifestFile full = manifest.Files[0];
        Assert.Equal((16384UL, 6UL, 5096UL), (full.BlockIncrSize, full.BlockIncrChecksumSize, full.BlockIncrMapSize));
        ManifestFile changed = manifest.Files[1];
        Assert.Equal((32768UL, 7UL, 0UL), (changed.BlockIncrSize, changed.BlockIncrChecksumSize, changed.BlockIncrMapSize));
        Assert.Equal(24576UL, changed.SizeOriginal);
        Assert.Equal("20261121-114000F", manifest.ReferenceOf(changed));

        Assert.Equal(WithChecksum(body.Replace("\"2.59.1\"", "\"2.45\"")), manifest.Serialize("2.45"));

        BackupInfoEntry entry = BackupInfoEntry.FromManifest(manifest, "2.59.1");
        Assert.Equal((5096UL, 5096UL), (entry.RepoSizeMap!.Value, entry.RepoSizeMapDelta!.Value));
        Assert.Equal(["20261121-114000F"], entry.Reference);
    }

    [Fact]
    public void UnknownKeysAndSectionsAreIgnoredOnRead()
    {
        string body =
            "[backrest]\nbackrest-format=5\nbackrest-version=\"2.99\"\n\n" +
            "[backup]\nbackup-future=1\nbackup-label=\"20261121-113635F\"\nbackup-type=\"full\"\n\n" +
            "[backup:db]\ndb-id=1\ndb-system-id=1\ndb-version=\"15\"\n\n" +
            "[future]\nkey={\"a\":1}\n\n" +
            "[target:file]\npg_data/x={\"future-key\":[1],\"size\":1,\"timestamp\":2,\"zzz\":true}\n\n" +
            "[target:file:default]\ngroup=\"postgres\"\nmode=\"0600\"\nuser=\"postgres\"\n\n" +
            "[target:path:default]\ngroup=\"postgres\"\nmode=\"0700\"\nuser=\"postgres\"\n";

        Manifest manifest = Manifest.Parse(WithChecksum(body));

        ManifestFile file = Assert.Single(manifest.Files);
        Assert.Equal((1UL, 2L), (file.Size, file.Timestamp));
        Assert.Equal(["20261121-113635F"], manifest.References);
        Assert.DoesNotContain("future", manifest.Serialize("2.45"));
    }

    [Fact]
    public void OutOfOrderJsonKeysAreAcceptedAndWrittenSorted()
    {
        string body =
            "[backrest]\nbackrest-format=5\nbackrest-version=\"2.45\"\n\n" +
            "[backup]\nbackup-label=\"20261121-113635F\"\nbackup-type=\"full\"\n\n" +
            "[backup:db]\ndb-id=1\ndb-system-id=1\ndb-version=\"15\"\n\n" +
            "[target:file]\npg_data/x={\"timestamp\":2,\"size\":1,\"checksum\":\"aa\"}\n\n" +
            "[target:file:default]\ngroup=\"postgres\"\nmode=\"0600\"\nuser=\"postgres\"\n\n" +
            "[target:path:default]\ngroup=\"postgres\"\nmode=\"0700\"\nuser=\"postgres\"\n";

        Manifest manifest = Manifest.Parse(WithChecksum(body));

        Assert.Contains("pg_data/x={\"checksum\":\"aa\",\"size\":1,\"timestamp\":2}\n", manifest.Serialize("2.45"));
    }

    [Fact]
    public void ReferenceListIsRebuiltForManifestsBefore242()
    {
        string body =
            "[backrest]\nbackrest-format=5\nbackrest-version=\"2.41\"\n\n" +
            "[backup]\nbackup-label=\"F_2I\"\nbackup-prior=\"F_1D\"\nbackup-type=\"incr\"\n\n" +
            "[backup:db]\ndb-id=1\ndb-system-id=1\ndb-version=\"15\"\n\n" +
            "[target:file]\n" +
            "pg_data/a={\"reference\":\"F_1D\",\"size\":1,\"timestamp\":2}\n" +
            "pg_data/b={\"reference\":\"F\",\"size\":1,\"timestamp\":2}\n" +
            "pg_data/c={\"size\":1,\"timestamp\":2}\n\n" +
            "[target:file:default]\ngroup=\"postgres\"\nmode=\"0600\"\nuser=\"postgres\"\n\n" +
            "[target:path:default]\ngroup=\"postgres\"\nmode=\"0700\"\nuser=\"postgres\"\n";

        Manifest manifest = Manifest.Parse(WithChecksum(body));

        Assert.Equal(["F_1D", "F", "F_2I"], manifest.References);
    }

    [Fact]
    public void MissingFileSizeIsFormatError()
    {
        string body =
            "[backrest]\nbackrest-format=5\nbackrest-version=\"2.45\"\n\n" +
            "[backup]\nbackup-label=\"20261121-113635F\"\nbackup-type=\"full\"\n\n" +
            "[backup:db]\ndb-id=1\ndb-system-id=1\ndb-version=\"15\"\n\n" +
            "[target:file]\npg_data/x={\"timestamp\":2}\n\n" +
            "[target:file:default]\ngroup=\"postgres\"\nmode=\"0600\"\nuser=\"postgres\"\n\n" +
            "[target:path:default]\ngroup=\"postgres\"\nmode=\"0700\"\nuser=\"postgres\"\n";

        var error = Assert.Throws<PgRestException>(() => Manifest.Parse(WithChecksum(body)));

        Assert.Equal(ErrorCode.Format, error.Code);
        Assert.Equal("missing size for file 'pg_data/x'", error.Message);
    }

    [Fact]
    public void SavingWithoutDefaultsIsAProgrammingError()
    {
        var manifest = new Manifest { Label = "20261121-113635F" };

        Assert.Throws<InvalidOperationException>(() => manifest.Serialize("2.45"));
    }

    [Fact]
    public void PageErrorRunsCollapseLikePgBackRest()
    {
        Assert.Equal("[0,[2,3],[5,9],12]", ManifestFile.EncodePageErrors([0, 2, 3, 5, 6, 7, 8, 9, 12]).ToJson());
        Assert.Equal("[]", ManifestFile.EncodePageErrors([]).ToJson());
    }

    // Appends the trailer; the checksum algorithm itself is verified against real files in FixtureTests.
    internal static string WithChecksum(string body)
    {
        var values = new List<InfoValue>();
        string? section = null;
        foreach (string line in body.Split('\n'))
        {
            if (line.Length == 0)
                continue;
            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                section = line[1..^1];
                continue;
            }

            // Test keys never contain '=' so the first one separates key and value.
            int equal = line.IndexOf('=');
            values.Add(new InfoValue(section!, line[..equal], line[(equal + 1)..]));
        }

        return body + "\n[backrest]\nbackrest-checksum=\"" + InfoFile.ComputeChecksum(values) + "\"\n";
    }
}
