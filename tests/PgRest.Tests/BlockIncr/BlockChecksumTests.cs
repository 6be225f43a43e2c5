using System.Text;
using PgRest.BlockIncr;

namespace PgRest.Tests.BlockIncr;

/// <summary>XXH3-128 in pgBackRest's byte order, against the known answers of its own test suite (cryptoTest.c, restoreTest.c).</summary>
public class BlockChecksumTests
{
    [Theory]
    [InlineData("", 16, "99aa06d3014798d86001c324468d497f")]
    [InlineData("12345\n", 16, "1a3e11127b8856b804f0f99dc9fa4b56")]
    [InlineData("", 5, "99aa06d301")]
    [InlineData("12345\n", 5, "1a3e11127b")]
    [InlineData("ABC", 8, "9e947f00ecd6acb2")]
    [InlineData("DEF", 8, "cb221327e5a387af")]
    [InlineData("X", 8, "92c3453969207870")]
    public void MatchesPgBackRest(string block, int size, string expected)
    {
        var checksum = new byte[size];
        BlockChecksum.Compute(Encoding.ASCII.GetBytes(block), checksum);
        Assert.Equal(expected, Convert.ToHexStringLower(checksum));
    }
}
