using System.Collections;
using PgRest.Commands;
using PgRest.Config;
using PgRest.Errors;

namespace PgRest.Cli;

/// <summary>The <c>pgrest</c> executable: parse pgBackRest's configuration, run the command, exit with its code.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        Configuration config;
        try
        {
            config = ConfigurationLoader.Load(args, ReadEnvironment());
        }
        catch (PgRestException e)
        {
            Console.Error.Write($"ERROR: [{e.ExitCode:000}]: {e.Message}\n");
            return e.ExitCode;
        }

        return await CommandRunner.RunAsync(config).ConfigureAwait(false);
    }

    /// <summary>Only <c>PGBACKREST_*</c> variables matter to the configuration.</summary>
    private static Dictionary<string, string> ReadEnvironment()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && key.StartsWith("PGBACKREST_", StringComparison.Ordinal) && entry.Value is string value)
                result[key] = value;
        }

        return result;
    }
}
