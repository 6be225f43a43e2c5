using PgRest.Commands;
using PgRest.Common;
using PgRest.Config;
using PgRest.Errors;

namespace PgRest.Cli;

/// <summary>The <c>pgrest</c> executable: parse pgBackRest's configuration, run the command, exit with its code.</summary>
public static class Program
{
    // Synchronous: Main only waits for the runner, whose work is asynchronous.
    public static int Main(string[] args)
    {
        PgRest.Logging.Log.Timing("main");
        PrewarmCrypto(args);
        Configuration config;
        try
        {
            config = ConfigurationLoader.Load(args, ConfigurationLoader.ReadEnvironment());
        }
        catch (PgRestException e)
        {
            StandardStreams.Error.Write(PgRest.Logging.Log.FormatEarlyError(e.ExitCode, e.Message));
            return e.ExitCode;
        }

        PgRest.Logging.Log.Timing("configuration loaded");

        return CommandRunner.RunAsync(config).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Loading OpenSSL (SHA-1 for WAL names and info checksums) takes milliseconds; it starts on its own thread while the
    /// configuration is parsed. archive-push runs once per WAL segment, so this is on the hot path.
    /// </summary>
    private static void PrewarmCrypto(string[] args)
    {
        if (args.Length == 0 || Array.IndexOf(args, "help") >= 0 || Array.IndexOf(args, "version") >= 0)
            return;
        var thread = new Thread(static () => System.Security.Cryptography.SHA1.HashData(ReadOnlySpan<byte>.Empty)) { IsBackground = true };
        thread.Start();
    }
}
