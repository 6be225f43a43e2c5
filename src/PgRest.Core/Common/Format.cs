using System.Globalization;

namespace PgRest.Common;

/// <summary>Text formats shared by output and logs, as pgBackRest prints them.</summary>
public static class Format
{
    /// <summary>Sizes like <c>21.9MB</c>, <c>122MB</c>, <c>512B</c>: one decimal unless it is zero.</summary>
    public static string Size(long bytes)
    {
        if (bytes < 1024)
            return bytes.ToString(CultureInfo.InvariantCulture) + "B";
        ReadOnlySpan<string> units = ["KB", "MB", "GB", "TB", "PB"];
        double unit = 1024;
        var index = 0;
        while (index < units.Length - 1 && bytes >= unit * 1024)
        {
            unit *= 1024;
            index++;
        }

        var tenths = (long)(bytes / (unit / 10)) % 10;
        return tenths != 0
            ? (bytes / unit).ToString("0.0", CultureInfo.InvariantCulture) + units[index]
            : ((long)(bytes / unit)).ToString(CultureInfo.InvariantCulture) + units[index];
    }

    /// <summary>Epoch seconds as local <c>yyyy-MM-dd HH:mm:ss</c> (pgBackRest 2.45 prints no zone).</summary>
    public static string LocalTime(long epochSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds(epochSeconds).ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
