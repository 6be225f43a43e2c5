using PgRest.Errors;
using PgRest.Info;
using PgRest.Json;

namespace PgRest.Tests.Info;

public class InfoFileTests
{
    // archive.info from pgbackrest-format.md, "2.3 archive.info" (written by pgBackRest 2.45).
    internal const string SpecArchiveInfo =
        "[backrest]\n" +
        "backrest-format=5\n" +
        "backrest-version=\"2.45\"\n" +
        "\n" +
        "[db]\n" +
        "db-id=1\n" +
        "db-system-id=7710587136228589864\n" +
        "db-version=\"15\"\n" +
        "\n" +
        "[db:history]\n" +
        "1={\"db-id\":7710587136228589864,\"db-version\":\"15\"}\n" +
        "\n" +
        "[backrest]\n" +
        "backrest-checksum=\"aabe2eb7033237a3c68a44d6b57ddc43c27afae5\"\n";

    private const string SpecHashedText =
        "{\"backrest\":{\"backrest-format\":5,\"backrest-version\":\"2.45\"},\"db\":{\"db-id\":1," +
        "\"db-system-id\":7710587136228589864,\"db-version\":\"15\"},\"db:history\":{\"1\":{\"db-id\":7710587136228589864," +
        "\"db-version\":\"15\"}}}";

    private static readonly InfoValue[] SpecValues =
    [
        new("backrest", "backrest-format", "5"),
        new("backrest", "backrest-version", "\"2.45\""),
        new("db", "db-id", "1"),
        new("db", "db-system-id", "7710587136228589864"),
        new("db", "db-version", "\"15\""),
        new("db:history", "1", "{\"db-id\":7710587136228589864,\"db-version\":\"15\"}"),
    ];

    [Fact]
    public void ChecksumOfSpecExampleMatchesTheFile()
    {
        Assert.Equal(SpecHashedText, InfoFile.BuildChecksumText(SpecValues));
        Assert.Equal("aabe2eb7033237a3c68a44d6b57ddc43c27afae5", InfoFile.ComputeChecksum(SpecValues));
    }

    [Fact]
    public void ChecksumSkipsTheChecksumValueWherever()
    {
        InfoValue[] withChecksumFirst = [new("backrest", "backrest-checksum", "\"x\""), .. SpecValues];
        Assert.Equal("aabe2eb7033237a3c68a44d6b57ddc43c27afae5", InfoFile.ComputeChecksum(withChecksumFirst));
    }

    [Fact]
    public void SpecExampleBuiltInMemorySerializesExactly()
    {
        var file = new InfoFile();
        file.Set("db:history", "1", "{\"db-id\":7710587136228589864,\"db-version\":\"15\"}");
        file.Set("db", "db-version", JsonValue.Create("15"));
        file.Set("db", "db-id", JsonValue.Create(1L));
        file.Set("db", "db-system-id", JsonValue.Create(7710587136228589864UL));

        Assert.Equal(SpecArchiveInfo, file.Serialize("2.45"));
    }

    [Fact]
    public void SpecExampleParsesAndRoundTrips()
    {
        InfoFile file = InfoFile.Parse(SpecArchiveInfo);

        Assert.Equal("2.45", file.BackrestVersion);
        Assert.Equal(["db", "db:history"], file.Sections.Select(section => section.Name));
        Assert.Equal("7710587136228589864", file.GetRaw("db", "db-system-id"));
        Assert.Equal(7710587136228589864UL, file.GetValue("db", "db-system-id")!.GetUInt64());
        Assert.Equal(SpecArchiveInfo, file.Serialize("2.45"));
    }

    [Fact]
    public void BadChecksumIsChecksumError()
    {
        string text = SpecArchiveInfo.Replace("aabe2eb7033237a3c68a44d6b57ddc43c27afae5", "0000000000000000000000000000000000000000");

        var error = Assert.Throws<PgRestException>(() => InfoFile.Parse(text));

        Assert.Equal(ErrorCode.Checksum, error.Code);
        Assert.Equal(
            "invalid checksum, actual 'aabe2eb7033237a3c68a44d6b57ddc43c27afae5' but expected '0000000000000000000000000000000000000000'",
            error.Message);
    }

    [Fact]
    public void ChangedValueIsChecksumError()
    {
        string text = SpecArchiveInfo.Replace("db-version=\"15\"", "db-version=\"16\"");

        var error = Assert.Throws<PgRestException>(() => InfoFile.Parse(text));

        Assert.Equal(ErrorCode.Checksum, error.Code);
        Assert.Contains("but expected 'aabe2eb7033237a3c68a44d6b57ddc43c27afae5'", error.Message);
    }

    [Fact]
    public void MissingChecksumIsChecksumError()
    {
        string text = SpecArchiveInfo[..SpecArchiveInfo.IndexOf("\n[backrest]\nbackrest-checksum", StringComparison.Ordinal)];

        var error = Assert.Throws<PgRestException>(() => InfoFile.Parse(text));

        Assert.Equal(ErrorCode.Checksum, error.Code);
        Assert.Equal("invalid checksum, actual 'aabe2eb7033237a3c68a44d6b57ddc43c27afae5' but no checksum found", error.Message);
    }

    [Fact]
    public void WrongFormatIsFormatErrorEvenBeforeTheChecksum()
    {
        string text = SpecArchiveInfo.Replace("backrest-format=5", "backrest-format=4");

        var error = Assert.Throws<PgRestException>(() => InfoFile.Parse(text));

        Assert.Equal(ErrorCode.Format, error.Code);
        Assert.Equal("expected format 5 but found 4", error.Message);
    }

    [Fact]
    public void PerlEraLayoutWithChecksumFirstIsAccepted()
    {
        string text =
            "[backrest]\n" +
            "backrest-checksum=\"aabe2eb7033237a3c68a44d6b57ddc43c27afae5\"\n" +
            "backrest-format=5\n" +
            "backrest-version=\"2.45\"\n" +
            "\n" +
            "[db]\n" +
            "db-id=1\n" +
            "db-system-id=7710587136228589864\n" +
            "db-version=\"15\"\n" +
            "\n" +
            "[db:history]\n" +
            "1={\"db-id\":7710587136228589864,\"db-version\":\"15\"}\n";

        InfoFile file = InfoFile.Parse(text);

        Assert.Equal(SpecArchiveInfo, file.Serialize("2.45"));
    }

    [Fact]
    public void BlankLinesAreIgnoredAndRepeatedSectionsContinue()
    {
        string text = SpecArchiveInfo
            .Replace("db-id=1\n", "db-id=1\n\n\n")
            .Replace("[db:history]\n", "[db:history]\n\n");

        InfoFile file = InfoFile.Parse(text);

        Assert.Equal(3, file.FindSection("db")!.Count);
        Assert.Equal(SpecArchiveInfo, file.Serialize("2.45"));
    }

    [Fact]
    public void KeyContainingEqualsIsSplitAtTheFirstValidJsonValue()
    {
        var file = new InfoFile();
        file.Set("db", "=", "{\"db-id\":16389,\"db-last-system-id\":4}");
        file.Set("db", "a=b", "{\"db-id\":16385,\"db-last-system-id\":4}");
        file.Set("db", "x=1", "{\"db-id\":1,\"db-last-system-id\":4}");
        file.Set("db", "q=\"=", "{\"db-id\":2,\"db-last-system-id\":4}");
        string text = file.Serialize("2.45");

        Assert.Contains("\n=={\"db-id\":16389,\"db-last-system-id\":4}\n", text);
        InfoFile parsed = InfoFile.Parse(text);

        Assert.Equal(["=", "a=b", "q=\"=", "x=1"], parsed.FindSection("db")!.Entries.Select(entry => entry.Key));
        Assert.Equal(text, parsed.Serialize("2.45"));
    }

    [Fact]
    public void SectionsAndKeysAreWrittenInByteOrderAndHistoryInNumericOrder()
    {
        var file = new InfoFile();
        file.Set("db:history", "10", "{}");
        file.Set("db:history", "2", "{}");
        file.Set("db:history", "1", "{}");
        file.Set("db", "b", "1");
        file.Set("db", "a", "1");
        file.Set("cipher", "cipher-pass", "\"pass\"");
        file.Set("backup:current", "20260101-000000F", "{}");

        string text = file.Serialize("2.45");

        Assert.Equal(
            "[backrest]\nbackrest-format=5\nbackrest-version=\"2.45\"\n\n" +
            "[backup:current]\n20260101-000000F={}\n\n" +
            "[cipher]\ncipher-pass=\"pass\"\n\n" +
            "[db]\na=1\nb=1\n\n" +
            "[db:history]\n1={}\n2={}\n10={}\n\n" +
            "[backrest]\nbackrest-checksum=\"" + ChecksumOf(text) + "\"\n",
            text);
        Assert.Equal(text, InfoFile.Parse(text).Serialize("2.45"));
    }

    [Fact]
    public void EmptySectionsAreNotWritten()
    {
        var file = new InfoFile();
        file.GetOrAddSection("metadata");
        file.Set("db", "db-id", "1");

        Assert.DoesNotContain("[metadata]", file.Serialize("2.45"));
    }

    [Theory]
    [InlineData("[backrest]\nbackrest-format=5\nkey\n", "missing '=' in key/value at line 3")]
    [InlineData("key=1\n", "key/value found outside of section at line 1: key=1")]
    [InlineData("[db]\n=1\n", "key is zero-length at line 2")]
    [InlineData("[]\n", "invalid empty section at line 1: []")]
    [InlineData("[db]\nkey=not json\n", "invalid JSON value at line 2 'key=not json'")]
    [InlineData("[db]\nkey={\"a\":1} trailing\n", "invalid JSON value at line 2 'key={\"a\":1} trailing'")]
    [InlineData("[backrest]\r\nbackrest-format=5\r\n", "key/value found outside of section at line 1: [backrest]\r")]
    public void GrammarViolationsAreFormatErrors(string text, string message)
    {
        var error = Assert.Throws<PgRestException>(() => InfoFile.Parse(text));

        Assert.Equal(ErrorCode.Format, error.Code);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void InvalidCipherLineDoesNotShowThePassphrase()
    {
        var error = Assert.Throws<PgRestException>(() => InfoFile.Parse("[cipher]\ncipher-pass=secret-not-json\n"));

        Assert.Equal(ErrorCode.Format, error.Code);
        Assert.DoesNotContain("secret", error.Message);
    }

    [Fact]
    public void SetRejectsValuesThatCannotBeStored()
    {
        var file = new InfoFile();

        Assert.Equal(ErrorCode.JsonFormat, Assert.Throws<PgRestException>(() => file.Set("db", "key", "not json")).Code);
        Assert.Throws<ArgumentException>(() => file.Set("db", "key", "[1]"));
        Assert.Throws<ArgumentException>(() => file.Set("db", "line\nbreak", "1"));
        Assert.Throws<ArgumentException>(() => file.Set("db", "", "1"));
        Assert.Throws<ArgumentException>(() => file.Set("backrest", "backrest-format", "5"));
    }

    [Fact]
    public void NonAsciiKeysAreHashedAsRawUtf8()
    {
        var file = new InfoFile();
        file.Set("db", "emoji😀 [x]", "{\"db-id\":1}");
        file.Set("db", "tab\tx", "{\"db-id\":2}");
        file.Set("db", "quo\"te", "{\"db-id\":3}");

        string text = file.Serialize("2.45");
        InfoFile parsed = InfoFile.Parse(text);

        // The checksum text JSON-encodes keys with pgBackRest's escape set and leaves non-ASCII raw.
        string hashed = InfoFile.BuildChecksumText(
            parsed.FindSection("db")!.Entries.Select(entry => new InfoValue("db", entry.Key, entry.Value)));
        Assert.Equal("{\"db\":{\"emoji😀 [x]\":{\"db-id\":1},\"quo\\\"te\":{\"db-id\":3},\"tab\\tx\":{\"db-id\":2}}}", hashed);
        Assert.Equal(text, parsed.Serialize("2.45"));
    }

    private static string ChecksumOf(string serialized)
    {
        const string marker = "backrest-checksum=\"";
        int start = serialized.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
        return serialized.Substring(start, 40);
    }
}
