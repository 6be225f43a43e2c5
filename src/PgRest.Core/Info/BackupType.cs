using PgRest.Errors;

namespace PgRest.Info;

public enum BackupType { Full, Diff, Incr }

public static class BackupTypeText
{
    /// <summary>The form stored in info files: "full", "diff" or "incr".</summary>
    public static string ToText(this BackupType type) => type switch
    {
        BackupType.Full => "full",
        BackupType.Diff => "diff",
        BackupType.Incr => "incr",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static BackupType Parse(string text) => text switch
    {
        "full" => BackupType.Full,
        "diff" => BackupType.Diff,
        "incr" => BackupType.Incr,
        _ => throw new PgRestException(ErrorCode.Format, $"invalid backup type '{text}'"),
    };
}
