using PgRest.Config;

namespace PgRest.Commands.Control;

/// <summary>Tells whether another process holds a lock file (for <c>info</c>'s "backup/expire running").</summary>
public static class LockProbe
{
    public static bool IsHeld(Configuration config, string stanza, string type)
    {
        var path = Path.Combine(config.GetString("lock-path") ?? "/tmp/pgbackrest", $"{stanza}-{type}.lock");
        if (!File.Exists(path))
            return false;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
