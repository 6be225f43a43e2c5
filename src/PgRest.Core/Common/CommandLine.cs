namespace PgRest.Common;

/// <summary>How this process was started.</summary>
public static class CommandLine
{
    /// <summary>
    /// The program as it was started (argv[0]: <c>pgrest</c>, <c>/usr/local/bin/pgrest</c>, a symlink's path), not the
    /// resolved executable: pgBackRest writes the same into <c>restore_command</c>, so an upgrade that moves the binary
    /// behind a symlink keeps working.
    /// </summary>
    public static string StartedAs()
    {
        try
        {
            var arguments = File.ReadAllBytes("/proc/self/cmdline");
            var end = Array.IndexOf(arguments, (byte)0);
            if (end > 0)
                return System.Text.Encoding.UTF8.GetString(arguments, 0, end);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return Environment.GetCommandLineArgs() is [var first, ..] && first.Length > 0 ? first : Config.PgRestVersion.Executable;
    }
}
