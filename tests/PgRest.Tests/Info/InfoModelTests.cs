using PgRest.Errors;
using PgRest.Info;

namespace PgRest.Tests.Info;

public class InfoModelTests
{
    [Fact]
    public void SpecArchiveInfoIsReproducedFromTheModel()
    {
        var info = new ArchiveInfo();
        info.AddDb(7710587136228589864, "15");

        Assert.Equal(InfoFileTests.SpecArchiveInfo, info.Serialize("2.45"));
        Assert.Equal("15-1", info.ArchiveId);
    }

    [Fact]
    public void StanzaUpgradeAddsHistoryInNumericOrder()
    {
        var info = new ArchiveInfo();
        for (int upgrade = 0; upgrade < 10; upgrade++)
            info.AddDb(1000UL + (ulong)upgrade, "14");
        info.AddDb(7710587136228589864, "15");
        info.CipherPass = "archive-sub-pass";

        string text = info.Serialize("2.45");
        ArchiveInfo parsed = ArchiveInfo.Parse(text);

        Assert.Contains("[db]\ndb-id=11\ndb-system-id=7710587136228589864\ndb-version=\"15\"\n", text);
        Assert.Contains("\n1={\"db-id\":1000,\"db-version\":\"14\"}\n2={", text);
        Assert.Contains("\n10={\"db-id\":1009,\"db-version\":\"14\"}\n11={\"db-id\":7710587136228589864,\"db-version\":\"15\"}\n", text);
        Assert.Contains("[cipher]\ncipher-pass=\"archive-sub-pass\"\n\n[db]\n", text);
        Assert.Equal("15-11", parsed.ArchiveId);
        Assert.Equal(Enumerable.Range(1, 11).Select(id => (uint)id), parsed.History.Select(entry => entry.Id));
        Assert.Equal("archive-sub-pass", parsed.CipherPass);
        Assert.Equal(text, parsed.Serialize("2.45"));
    }

    [Fact]
    public void CurrentIdMissingFromHistoryIsFormatError()
    {
        var info = new ArchiveInfo();
        info.AddDb(1, "15");
        info.Db.CurrentId = 2;

        var error = Assert.Throws<PgRestException>(() => ArchiveInfo.Parse(info.Serialize("2.45")));

        Assert.Equal(ErrorCode.Format, error.Code);
        Assert.Equal("unable to find current id in history", error.Message);
    }

    [Fact]
    public void NewBackupInfoMatchesPgBackRestStanzaCreate()
    {
        var info = new BackupInfo();
        info.AddDb(7710618020150042718, "15", 202209061, 1300);

        Assert.Equal(FixtureTests.Read("backup-empty.info"), info.Serialize("2.45"));

        var archive = new ArchiveInfo();
        archive.AddDb(7710618020150042718, "15");
        Assert.Equal(FixtureTests.Read("archive.info"), archive.Serialize("2.45"));
    }

    [Fact]
    public void BackupInfoEntryKeepsUnknownKeysAndOptionalOnes()
    {
        var info = new BackupInfo();
        info.AddDb(1, "15", 202209061, 1300);
        info.Add(new BackupInfoEntry
        {
            Label = "20261121-113635F_20261121-113704I",
            BackrestVersion = "2.45",
            Type = BackupType.Incr,
            DbId = 1,
            Prior = "20261121-113635F_20261121-113658D",
            Reference = ["20261121-113635F_20261121-113658D", "20261121-113635F"],
            TimestampStart = 1795261024,
            TimestampStop = 1795261025,
        });
        info.Add(new BackupInfoEntry { Label = "20261121-113635F", BackrestVersion = "2.45", DbId = 1, Annotation = new Dictionary<string, string> { ["b"] = "x", ["a"] = "y" } });

        string text = info.Serialize("2.45");

        Assert.Contains(
            "[backup:current]\n" +
            "20261121-113635F={\"backrest-format\":5,\"backrest-version\":\"2.45\",\"backup-annotation\":{\"a\":\"y\",\"b\":\"x\"}," +
            "\"backup-archive-start\":null,\"backup-archive-stop\":null,\"backup-info-repo-size\":0,\"backup-info-repo-size-delta\":0," +
            "\"backup-info-size\":0,\"backup-info-size-delta\":0,\"backup-timestamp-start\":0,\"backup-timestamp-stop\":0," +
            "\"backup-type\":\"full\",\"db-id\":1,\"option-archive-check\":false,\"option-archive-copy\":false," +
            "\"option-backup-standby\":false,\"option-checksum-page\":false,\"option-compress\":false,\"option-hardlink\":false," +
            "\"option-online\":false}\n" +
            "20261121-113635F_20261121-113704I={\"backrest-format\":5,\"backrest-version\":\"2.45\",\"backup-archive-start\":null," +
            "\"backup-archive-stop\":null,\"backup-info-repo-size\":0,\"backup-info-repo-size-delta\":0,\"backup-info-size\":0," +
            "\"backup-info-size-delta\":0,\"backup-prior\":\"20261121-113635F_20261121-113658D\"," +
            "\"backup-reference\":[\"20261121-113635F\",\"20261121-113635F_20261121-113658D\"],\"backup-timestamp-start\":1795261024," +
            "\"backup-timestamp-stop\":1795261025,\"backup-type\":\"incr\",\"db-id\":1,",
            text);

        string withFutureKey = ManifestTests.WithChecksum(
            text[..text.IndexOf("\n[backrest]\nbackrest-checksum", StringComparison.Ordinal)]
                .Replace("\"backup-type\":\"full\",", "\"backup-type\":\"full\",\"backup-zz-future\":{\"x\":1},"));
        BackupInfo parsed = BackupInfo.Parse(withFutureKey);

        Assert.Equal("{\"x\":1}", parsed.Current["20261121-113635F"].ExtraKeys["backup-zz-future"].ToJson());
        Assert.Equal(withFutureKey, parsed.Serialize("2.45"));
    }

    [Fact]
    public void MissingRequiredBackupKeyIsJsonFormatError()
    {
        string text = FixtureTests.Read("backup.info");
        string body = text[..text.IndexOf("\n[backrest]\nbackrest-checksum", StringComparison.Ordinal)]
            .Replace("\"backup-type\":\"full\",", "");

        var error = Assert.Throws<PgRestException>(() => BackupInfo.Parse(ManifestTests.WithChecksum(body)));

        Assert.Equal(ErrorCode.JsonFormat, error.Code);
        Assert.Equal("required key 'backup-type' not found", error.Message);
    }
}
