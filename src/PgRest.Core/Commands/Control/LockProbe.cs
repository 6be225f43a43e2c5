using PgRest.Config;

namespace PgRest.Commands.Control;

/// <summary>Tells whether another process holds a lock file (for <c>info</c>'s "backup/expire running").</summary>
public static class LockProbe
{
    public static bool IsHeld(Configuration config, string stanza, string type) =>
        LockFile.ReadHolder(Path.Combine(LockFile.LockPath(config), LockFile.FileName(stanza, type)), remove: false) is not null;
}
