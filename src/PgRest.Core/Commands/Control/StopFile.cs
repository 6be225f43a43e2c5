using PgRest.Config;
using PgRest.Errors;

namespace PgRest.Commands.Control;

/// <summary>The stop files of the <c>stop</c> command: <c>&lt;lock-path&gt;/&lt;stanza&gt;.stop</c> and <c>all.stop</c>.</summary>
public static class StopFile
{
    public static string PathFor(Configuration config, string? stanza) =>
        Path.Combine(config.GetString("lock-path") ?? "/tmp/pgbackrest", (stanza ?? "all") + ".stop");

    public static void ThrowIfStopped(Configuration config, string? stanza)
    {
        if (File.Exists(PathFor(config, null)))
            throw new PgRestException(ErrorCode.Stop, "stop file exists for all stanzas");
        if (stanza is not null && File.Exists(PathFor(config, stanza)))
            throw new PgRestException(ErrorCode.Stop, $"stop file exists for stanza {stanza}");
    }
}
