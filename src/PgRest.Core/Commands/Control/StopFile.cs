using PgRest.Config;
using PgRest.Errors;

namespace PgRest.Commands.Control;

/// <summary>
/// The stop files of the <c>stop</c> command: <c>&lt;lock-path&gt;/&lt;stanza&gt;.stop</c> and <c>all.stop</c>. In 2.45
/// backup, expire, archive-push, archive-get (when it finds the file) and stanza-create/upgrade refuse to run while
/// one exists; check, restore, info, verify, annotate and repo-ls/get still run.
/// </summary>
public static class StopFile
{
    public static string PathFor(Configuration config, string? stanza) =>
        Path.Combine(LockFile.LockPath(config), (stanza ?? "all") + ".stop");

    /// <summary>Throws <c>StopError [062]</c>; the stanza's own file is checked first, as 2.45 does.</summary>
    public static void ThrowIfStopped(Configuration config, string? stanza)
    {
        if (stanza is not null && File.Exists(PathFor(config, stanza)))
            throw new PgRestException(ErrorCode.Stop, $"stop file exists for stanza {stanza}");
        if (File.Exists(PathFor(config, null)))
            throw new PgRestException(ErrorCode.Stop, "stop file exists for all stanzas");
    }
}
