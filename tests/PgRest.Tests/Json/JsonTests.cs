using PgRest.Errors;
using PgRest.Info;
using PgRest.Json;

namespace PgRest.Tests.Json;

public class JsonTests
{
    [Fact]
    public void WriterEscapesOnlyPgBackRestsSet()
    {
        string value = "q\" b\\ n\n r\r t\t b\b f\f slash/ ctl\u0001 é 😀";

        Assert.Equal("\"q\\\" b\\\\ n\\n r\\r t\\t b\\b f\\f slash/ ctl\u0001 é 😀\"", JsonWriter.EncodeString(value));
    }

    [Fact]
    public void WriterIsCompactWithSortedKeys()
    {
        var value = new JsonObject
        {
            { "size", 3UL },
            { "checksum", "abc" },
            { "bni", 1UL },
            { "list", new JsonArray([JsonValue.Create(1L), new JsonArray([JsonValue.Create(5L), JsonValue.Create(7L)])]) },
            { "none", JsonValue.Null },
            { "flag", false },
        };

        Assert.Equal("{\"bni\":1,\"checksum\":\"abc\",\"flag\":false,\"list\":[1,[5,7]],\"none\":null,\"size\":3}", value.ToJson());
    }

    [Fact]
    public void KeysSortByUtf8BytesNotUtf16Units()
    {
        // U+FF5E is E-F-BD-9E in UTF-8, U+1F600 is F0-9F-98-80: the emoji sorts last in byte order,
        // although its UTF-16 lead surrogate (D83D) is smaller than FF5E.
        var value = new JsonObject { { "😀", 1L }, { "～", 2L }, { "z", 3L }, { "é", 4L }, { "Z", 5L } };

        Assert.Equal("{\"Z\":5,\"z\":3,\"é\":4,\"～\":2,\"😀\":1}", value.ToJson());
    }

    [Fact]
    public void ReaderDecodesStandardEscapes()
    {
        JsonValue value = JsonValue.Parse("\"a\\/b \\u0041 \\u00e9 \\ud83d\\ude00 \\\" \\\\ \\n\"");

        Assert.Equal("a/b A é 😀 \" \\ \n", value.GetString());
    }

    [Fact]
    public void ReaderAcceptsRawControlCharactersAndWhiteSpace()
    {
        JsonObject value = JsonValue.Parse(" { \"a\" : [ 1 , \"x\u0001y\" ] } ").AsObject();

        Assert.Equal("x\u0001y", value["a"].AsArray()[1].GetString());
        Assert.Equal("{\"a\":[1,\"x\u0001y\"]}", value.ToJson());
    }

    [Fact]
    public void IntegersCoverInt64AndUInt64()
    {
        Assert.Equal(ulong.MaxValue, JsonValue.Parse("18446744073709551615").GetUInt64());
        Assert.Equal(long.MinValue, JsonValue.Parse("-9223372036854775808").GetInt64());
        Assert.Equal("18446744073709551615", JsonValue.Create(ulong.MaxValue).ToJson());
        Assert.Equal("-5", JsonValue.Create(-5L).ToJson());

        Assert.Equal(ErrorCode.JsonFormat, Assert.Throws<PgRestException>(() => JsonValue.Parse("-1").GetUInt64()).Code);
        Assert.Equal(ErrorCode.JsonFormat, Assert.Throws<PgRestException>(() => JsonValue.Parse("18446744073709551615").GetInt64()).Code);
        Assert.Equal(ErrorCode.JsonFormat, Assert.Throws<PgRestException>(() => JsonValue.Parse("4294967296").GetUInt32()).Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1.5")]
    [InlineData("1e3")]
    [InlineData("01")]
    [InlineData("18446744073709551616")]
    [InlineData("{\"a\":1} x")]
    [InlineData("{\"a\":1,}")]
    [InlineData("{\"a\" 1}")]
    [InlineData("{a:1}")]
    [InlineData("[1 2]")]
    [InlineData("\"unterminated")]
    [InlineData("\"bad \\x escape\"")]
    [InlineData("\"\\u12\"")]
    [InlineData("tru")]
    public void InvalidJsonIsJsonFormatError(string json)
    {
        var error = Assert.Throws<PgRestException>(() => JsonValue.Parse(json));

        Assert.Equal(ErrorCode.JsonFormat, error.Code);
        Assert.False(JsonReader.IsValid(json));
    }

    [Fact]
    public void DuplicateKeysAreRejectedWhenBuildingValues()
    {
        // Syntactically valid (the info-file line splitter only needs syntax), but ambiguous as a value.
        Assert.True(JsonReader.IsValid("{\"a\":1,\"a\":2}"));
        Assert.Equal(ErrorCode.JsonFormat, Assert.Throws<PgRestException>(() => JsonValue.Parse("{\"a\":1,\"a\":2}")).Code);
    }

    [Fact]
    public void OutOfOrderKeysAreAcceptedAndRewrittenSorted()
    {
        // pgBackRest's forward-only reader would miss keys here; ours accepts them, and the writer always sorts.
        JsonObject value = JsonValue.Parse("{\"size\":3,\"checksum\":\"abc\"}").AsObject();

        Assert.Equal(3UL, value.GetUInt64("size"));
        Assert.Equal("{\"checksum\":\"abc\",\"size\":3}", value.ToJson());
    }

    [Fact]
    public void TypeMismatchAndMissingKeyAreJsonFormatErrors()
    {
        JsonObject value = JsonValue.Parse("{\"a\":\"text\"}").AsObject();

        var mismatch = Assert.Throws<PgRestException>(() => value.GetBool("a"));
        var missing = Assert.Throws<PgRestException>(() => value.GetString("b"));

        Assert.Equal(ErrorCode.JsonFormat, mismatch.Code);
        Assert.Equal("expected bool but found string", mismatch.Message);
        Assert.Equal(ErrorCode.JsonFormat, missing.Code);
        Assert.Equal("required key 'b' not found", missing.Message);
    }

    [Fact]
    public void DeepNestingIsRejectedNotOverflowed()
    {
        string json = new string('[', 10000) + new string(']', 10000);

        Assert.Equal(ErrorCode.JsonFormat, Assert.Throws<PgRestException>(() => JsonValue.Parse(json)).Code);
    }
}

public class Utf8OrdinalTests
{
    [Theory]
    [InlineData("a", "ab", -1)]
    [InlineData("ab", "a", 1)]
    [InlineData("pg_data/base/1/1247", "pg_data/base/1/1247_fsm", -1)]
    [InlineData("pg_data/base/1/1247_fsm", "pg_data/base/1/12478", 1)]
    [InlineData("Z", "a", -1)]
    [InlineData("é", "z", 1)]
    [InlineData("😀", "～", 1)]
    [InlineData("", "", 0)]
    [InlineData("same", "same", 0)]
    public void OrdersLikeStrcmpOnUtf8(string left, string right, int expectedSign)
    {
        Assert.Equal(expectedSign, Math.Sign(Utf8Ordinal.Comparer.Compare(left, right)));

        byte[] leftBytes = System.Text.Encoding.UTF8.GetBytes(left);
        byte[] rightBytes = System.Text.Encoding.UTF8.GetBytes(right);
        Assert.Equal(expectedSign, Math.Sign(leftBytes.AsSpan().SequenceCompareTo(rightBytes)));
    }
}
