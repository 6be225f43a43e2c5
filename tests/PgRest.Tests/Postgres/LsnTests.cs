using PgRest.Errors;
using PgRest.Postgres;

namespace PgRest.Tests.Postgres;

public class LsnTests
{
    [Theory]
    [InlineData("0/4000028", 0x4000028UL)]
    [InlineData("0/0", 0UL)]
    [InlineData("1A/FF000000", 0x1A_FF000000UL)]
    [InlineData("FFFFFFFF/FFFFFFFF", ulong.MaxValue)]
    public void Parses_and_formats_like_postgresql(string text, ulong value)
    {
        Lsn lsn = Lsn.Parse(text);

        Assert.Equal(value, lsn.Value);
        Assert.Equal(text, lsn.ToString());
    }

    [Fact]
    public void Accepts_lowercase_and_zero_padding_but_prints_canonical_form()
    {
        Assert.Equal("1A/4000028", Lsn.Parse("1a/04000028").ToString());
        Assert.Equal("1a/4000028", Lsn.Parse("1A/4000028").ToLowerString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("/1")]
    [InlineData("1/")]
    [InlineData("0/123456789")]
    [InlineData("G/1")]
    [InlineData(" 0/1")]
    [InlineData("0/1/2")]
    public void Rejects_malformed_text(string text)
    {
        Assert.False(Lsn.TryParse(text, out _));
        Assert.Equal(ErrorCode.Format, Assert.Throws<PgRestException>(() => Lsn.Parse(text)).Code);
    }

    [Fact]
    public void Orders_by_position()
    {
        Assert.True(Lsn.Parse("0/FFFFFFFF") < Lsn.Parse("1/0"));
        Assert.True(Lsn.Parse("1/10") >= Lsn.Parse("1/10"));
        Assert.Equal(-1, Lsn.Parse("0/1").CompareTo(Lsn.Parse("0/2")));
    }
}
