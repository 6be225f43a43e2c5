namespace PgRest.Logging;

/// <summary>pgBackRest's log levels, least to most verbose.</summary>
public enum LogLevel { Off = 0, Error = 1, Warn = 2, Info = 3, Detail = 4, Debug = 5, Trace = 6 }

public static class LogLevels
{
    public static LogLevel Parse(string value) => value switch
    {
        "off" => LogLevel.Off,
        "error" => LogLevel.Error,
        "warn" => LogLevel.Warn,
        "info" => LogLevel.Info,
        "detail" => LogLevel.Detail,
        "debug" => LogLevel.Debug,
        "trace" => LogLevel.Trace,
        _ => throw new Errors.PgRestException(Errors.ErrorCode.OptionInvalidValue, $"'{value}' is not a valid log level"),
    };

    internal static string Label(LogLevel level) => level switch
    {
        LogLevel.Error => " ERROR",
        LogLevel.Warn => "  WARN",
        LogLevel.Info => "  INFO",
        LogLevel.Detail => "DETAIL",
        LogLevel.Debug => " DEBUG",
        _ => " TRACE",
    };
}
