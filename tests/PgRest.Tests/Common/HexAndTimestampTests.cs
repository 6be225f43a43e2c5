using System.Globalization;
using PgRest.Common;
using PgRest.Logging;

namespace PgRest.Tests.Common;

public sealed class HexAndTimestampTests
{
    [Fact]
    public void HexMatchesTheFrameworkEncoding()
    {
        var bytes = new byte[256];
        for (var index = 0; index < bytes.Length; index++)
            bytes[index] = (byte)index;

        Assert.Equal(Convert.ToHexStringLower(bytes), Hex.ToLower(bytes));
        Assert.Equal("", Hex.ToLower([]));
        Assert.Equal("da39a3ee5e6b4b0d3255bfef95601890afd80709",
            Hex.ToLower(System.Security.Cryptography.SHA1.HashData(ReadOnlySpan<byte>.Empty)));
    }

    [Theory]
    [InlineData("2024-01-02 03:04:05.006")]
    [InlineData("0001-01-01 00:00:00.000")]
    [InlineData("9999-12-31 23:59:59.999")]
    [InlineData("2026-11-21 14:19:33.068")]
    public void LogTimestampHasPgBackRestsShape(string expected)
    {
        var time = DateTime.ParseExact(expected, "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);

        Assert.Equal(expected, Log.FormatTimestamp(time));
    }
}
