using System.Globalization;
using PgRest.Common;
using PgRest.Logging;

namespace PgRest.Tests.Common;

public sealed class TimestampTests
{
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
