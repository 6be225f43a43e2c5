using System.Diagnostics;
using System.Runtime.InteropServices;
using PgRest.Commands.Archive;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Logging;

namespace PgRest.Commands;

/// <summary>
/// Runs one command the way pgBackRest does: logging set up from the options, a <c>command begin</c> line with the
/// options in effect (secrets redacted), the command, then <c>command end</c>; an error becomes
/// <c>ERROR: [NNN]: message</c> and exit code NNN.
/// </summary>
public static class CommandRunner
{
    public static async Task<int> RunAsync(Configuration config)
    {
        using var cancellation = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; cancellation.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; cancellation.Cancel(); });

        var stopwatch = Stopwatch.StartNew();
        try
        {
            ConfigureLogging(config);
        }
        catch (PgRestException e)
        {
            Console.Error.Write($"ERROR: [{e.ExitCode:000}]: {e.Message}\n");
            return e.ExitCode;
        }

        foreach (var warning in config.Warnings)
            Log.Warn(warning);

        var logged = config.Command is not ("help" or "version" or "info");
        if (logged && Log.IsEnabled(LogLevel.Info))
            Log.Info($"{config.Command} command begin {PgRestVersion.Version}: {DescribeOptions(config)}");

        int exitCode;
        try
        {
            exitCode = await DispatchAsync(new CommandContext(config, cancellation.Token)).ConfigureAwait(false);
            if (logged)
                Log.Info($"{config.Command} command end: completed successfully ({stopwatch.ElapsedMilliseconds}ms)");
        }
        catch (Exception e) when (e is OperationCanceledException && cancellation.IsCancellationRequested)
        {
            exitCode = (int)ErrorCode.Term;
            Log.Error($"[{exitCode:000}]: terminated on signal");
            if (logged)
                Log.Info($"{config.Command} command end: terminated on signal");
        }
        catch (Exception e)
        {
            var error = e as PgRestException ?? new PgRestException(ErrorCode.Unhandled, $"{e.GetType().Name}: {e.Message}");
            exitCode = error.ExitCode;
            Log.Error($"[{exitCode:000}]: {error.Message}");
            if (e is not PgRestException)
                Log.Debug(e.ToString());
            if (logged)
                Log.Info($"{config.Command} command end: aborted with exception [{exitCode:000}]");
        }
        finally
        {
            Log.Close();
        }

        return exitCode;
    }

    private static Task<int> DispatchAsync(CommandContext context) => context.Config.Command switch
    {
        "archive-push" when AsyncArchivePush.IsWorker => Done(AsyncArchivePush.WorkerAsync(context)),
        "archive-push" => Done(ArchivePushCommand.RunAsync(context)),
        "archive-get" when AsyncArchiveGet.IsWorker => Done(AsyncArchiveGet.WorkerAsync(context)),
        "archive-get" => ArchiveGetCommand.RunAsync(context),
        "stanza-create" => Done(Stanza.StanzaCreateCommand.RunAsync(context)),
        "check" => Done(Check.CheckCommand.RunAsync(context)),
        "backup" => Done(Backup.BackupCommand.RunAsync(context)),
        "restore" => Done(Restore.RestoreCommand.RunAsync(context)),
        "info" => Done(Info.InfoCommand.RunAsync(context)),
        "expire" => Done(Expire.ExpireCommand.RunAsync(context)),
        "verify" => Verify.VerifyCommand.RunAsync(context),
        "start" => Control.StartCommand.RunAsync(context),
        "stop" => Control.StopCommand.RunAsync(context),
        "stanza-delete" => Stanza.StanzaDeleteCommand.RunAsync(context),
        "stanza-upgrade" => Stanza.StanzaUpgradeCommand.RunAsync(context),
        "annotate" => Annotate.AnnotateCommand.RunAsync(context),
        "repo-ls" => RepoBrowse.RepoLsCommand.RunAsync(context),
        "repo-get" => RepoBrowse.RepoGetCommand.RunAsync(context),
        "version" => Done(VersionCommand.RunAsync(context)),
        "help" => Done(HelpCommand.RunAsync(context)),
        _ => throw new PgRestException(ErrorCode.FeatureNotSupported, $"command '{context.Config.Command}' is not implemented by this version of pgrest"),
    };

    private static async Task<int> Done(Task task)
    {
        await task.ConfigureAwait(false);
        return 0;
    }

    private static void ConfigureLogging(Configuration config)
    {
        if (!config.Accepts("log-level-console"))
            return;
        var console = LogLevels.Parse(config.GetString("log-level-console") ?? "warn");
        var stderr = LogLevels.Parse(config.GetString("log-level-stderr") ?? "warn");
        var logName = config.Command;
        if ((config.Command == "archive-push" && AsyncArchivePush.IsWorker) || (config.Command == "archive-get" && AsyncArchiveGet.IsWorker))
        {
            // A background worker has no terminal: it logs to its own file only.
            (console, stderr, logName) = (LogLevel.Off, LogLevel.Off, config.Command + "-async");
        }

        var file = config.Accepts("log-level-file") ? LogLevels.Parse(config.GetString("log-level-file") ?? "info") : LogLevel.Off;
        string? filePath = null;
        if (file != LogLevel.Off)
        {
            var logPath = config.GetString("log-path") ?? "/var/log/pgbackrest";
            filePath = Path.Combine(logPath, $"{config.Stanza ?? "all"}-{logName}.log");
        }

        Log.Configure(console, stderr, file, config.GetBool("log-timestamp"), filePath);
        Log.DryRun = config.Accepts("dry-run") && config.GetBool("dry-run");
    }

    private static string Quote(string value) => value.Contains(' ') ? "\"" + value + "\"" : value;

    /// <summary>The options in effect, as pgBackRest lists them on the begin line; secure values are redacted.</summary>
    private static string DescribeOptions(Configuration config)
    {
        var parts = new List<string>();
        if (config.Parameters.Count > 0)
            parts.Add("[" + string.Join(", ", config.Parameters) + "]");
        foreach (var (name, value, secure) in config.DescribeSetOptions())
            parts.Add(value is null ? "--" + name : $"--{name}={(secure ? "<redacted>" : Quote(value))}");
        return string.Join(' ', parts);
    }
}
