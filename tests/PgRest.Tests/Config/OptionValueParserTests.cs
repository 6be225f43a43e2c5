using PgRest.Config;

namespace PgRest.Tests.Config;

// Accepted and rejected forms were checked against pgBackRest 2.45 (e.g. --manifest-save-threshold=2Kib, --archive-timeout=5m).
public class OptionValueParserTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("10", 10L)]
    [InlineData("10b", 10L)]
    [InlineData("1k", 1024L)]
    [InlineData("1kb", 1024L)]
    [InlineData("1KiB", 1024L)]
    [InlineData("2Kib", 2048L)]
    [InlineData("3m", 3L << 20)]
    [InlineData("3MB", 3L << 20)]
    [InlineData("1g", 1L << 30)]
    [InlineData("1TiB", 1L << 40)]
    [InlineData("4PiB", 4L << 50)]
    public void SizeUnitsAreBinaryAndCaseInsensitive(string text, long bytes)
    {
        Assert.True(OptionValueParser.TryParseSize(text, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("k")]
    [InlineData("1.5m")]
    [InlineData("-1")]
    [InlineData("1 k")]
    [InlineData("1x")]
    [InlineData("1kk")]
    [InlineData("99999999999p")]
    public void InvalidSizes(string text) => Assert.False(OptionValueParser.TryParseSize(text, out _));

    [Theory]
    [InlineData("60", 60_000L)]
    [InlineData("0", 0L)]
    [InlineData("1.5", 1_500L)]
    [InlineData(".5", 500L)]
    [InlineData("0.1", 100L)]
    [InlineData("1e2", 100_000L)]
    [InlineData("5m", 5_000L)] // 2.45 reads only the number; units came with 2.53
    [InlineData("-1", -1_000L)]
    public void TimesAreDecimalSeconds(string text, long milliseconds)
    {
        Assert.True(OptionValueParser.TryParseTime(text, out var parsed));
        Assert.Equal(milliseconds, parsed);
    }

    [Theory]
    [InlineData("0.0")]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData(".")]
    public void InvalidTimes(string text) => Assert.False(OptionValueParser.TryParseTime(text, out _));

    [Theory]
    [InlineData("5", 5L)]
    [InlineData("+5", 5L)]
    [InlineData("-5", -5L)]
    public void Integers(string text, long value)
    {
        Assert.True(OptionValueParser.TryParseInteger(text, out var parsed));
        Assert.Equal(value, parsed);
    }

    [Theory]
    [InlineData("5x")]
    [InlineData(" 5")]
    [InlineData("0x10")]
    [InlineData("")]
    [InlineData("+")]
    [InlineData("99999999999999999999")]
    public void InvalidIntegers(string text) => Assert.False(OptionValueParser.TryParseInteger(text, out _));

    [Fact]
    public void Formatting()
    {
        Assert.Equal("1MiB", OptionValueParser.FormatSize(1024 * 1024));
        Assert.Equal("1000", OptionValueParser.FormatSize(1000));
        Assert.Equal("0.1", OptionValueParser.FormatTime(100));
        Assert.Equal("86400", OptionValueParser.FormatTime(86_400_000));
    }
}
