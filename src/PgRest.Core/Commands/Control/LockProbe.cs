using PgRest.Config;

namespace PgRest.Commands.Control;

/// <summary>Tells whether another process holds a lock file (for <c>info</c>'s "backup/expire running").</summary>
public static class LockProbe
{
    public static bool IsHeld(Configuration config, string stanza, string type) => Holder(config, stanza, type) is not null;

    /// <summary>The process holding the lock and what it recorded (a backup's progress), or null when none holds it.</summary>
    public static LockHolder? Holder(Configuration config, string stanza, string type) =>
        LockFile.ReadHolder(Path.Combine(LockFile.LockPath(config), LockFile.FileName(stanza, type)), remove: false);
}
