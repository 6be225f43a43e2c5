using System.Diagnostics;
using System.Runtime.InteropServices;
using PgRest.Commands.Control;
using PgRest.Common;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Logging;

namespace PgRest.Commands;

/// <summary>
/// Runs one command the way pgBackRest does, from its <see cref="CommandTable"/> row: logging set up from the options
/// and the row, a <c>command begin</c> line with the options in effect (secrets redacted), the lock the row asks for,
/// the command, then <c>command end</c>; an error becomes <c>ERROR: [NNN]: message</c> and exit code NNN. A row with a
/// <see cref="CommandRow.Then"/> (backup) goes on to that command in the same process, under the same lock.
/// </summary>
public static class CommandRunner
{
    public static async Task<int> RunAsync(Configuration config)
    {
        using var cancellation = new CancellationTokenSource();
        var run = new RunState(cancellation);
        // SIGINT and SIGTERM end a command the same way, as pgBackRest's do: cleanly, with [063] and the signal's name.
        Common.Native.HandleSigintEvenInTheBackground();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => run.Terminate(context, "SIGTERM"));
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => run.Terminate(context, "SIGINT"));

        try
        {
            var row = CommandTable.Row(config.Definition.Id);
            var exitCode = await RunOneAsync(row, config, run).ConfigureAwait(false);
            while (exitCode == 0 && row.Then is { } next && row.ThenWhen is { } when && config.Get(when))
            {
                row = CommandTable.Row(next);
                config = config.AsCommand(OptionTable.Command(next));
                exitCode = await RunOneAsync(row, config, run).ConfigureAwait(false);
            }

            return exitCode;
        }
        finally
        {
            run.Lock?.Dispose();
            Log.Close();
        }
    }

    /// <summary>What the commands of one process share: cancellation, and the lock taken by the first.</summary>
    private sealed class RunState(CancellationTokenSource cancellation)
    {
        public CancellationTokenSource Cancellation { get; } = cancellation;

        public IDisposable? Lock { get; set; }

        /// <summary>The signal that ended the run, named as pgBackRest names it.</summary>
        public string Signal { get; private set; } = "";

        public void Terminate(PosixSignalContext context, string signal)
        {
            context.Cancel = true;
            Signal = signal;
            Cancellation.Cancel();
        }
    }

    private static async Task<int> RunOneAsync(CommandRow row, Configuration config, RunState run)
    {
        var role = row.Async is { IsThisProcess: true } async ? async : null;
        try
        {
            ConfigureLogging(row, role, config);
        }
        catch (PgRestException e)
        {
            StandardStreams.Error.Write(Log.FormatEarlyError(e.ExitCode, e.Message));
            return e.ExitCode;
        }

        foreach (var warning in config.Warnings)
            Log.Warn(warning);
        CrashPoint.SetRole(role is null ? config.Command : config.Command + ":async");

        var stopwatch = Stopwatch.StartNew();
        var level = row.LogLevelDefault;
        if (Log.IsEnabled(level))
            Log.Write(level, $"{config.Command} command begin {PgRestVersion.Version}: {DescribeOptions(config)}");

        int exitCode;
        try
        {
            RemoteHosts.Refuse(config, row);
            await using var context = new CommandContext(config, run.Cancellation.Token)
            {
                RepositoryHostLock = row.LockRequired && role is null ? row.Lock : CommandLockType.None,
            };
            var busy = false;
            if (run.Lock is null && TakeLock(row, role, context) is var (taken, lockBusy))
                (run.Lock, busy) = (taken, lockBusy);

            if (busy)
            {
                // Another background process already does this work (pgBackRest's foreground checks before it forks).
                Log.Debug($"{config.Command} async: the {row.Lock.ToString().ToLowerInvariant()} lock is held by another process");
                exitCode = 0;
            }
            else
            {
                exitCode = await (role?.Run ?? row.Run)(context).ConfigureAwait(false);
            }

            Log.Write(level, $"{config.Command} command end: completed successfully ({stopwatch.ElapsedMilliseconds}ms)");
        }
        catch (Exception e) when (e is OperationCanceledException && run.Cancellation.IsCancellationRequested)
        {
            // As pgBackRest: no ERROR line, only the end line says why.
            exitCode = (int)ErrorCode.Term;
            Log.Write(level, $"{config.Command} command end: terminated on signal [{run.Signal}]");
        }
        catch (Exception e)
        {
            var error = e as PgRestException ?? new PgRestException(ErrorCode.Unhandled, $"{e.GetType().Name}: {e.Message}");
            exitCode = error.ExitCode;
            Log.Error($"[{exitCode:000}]: {error.Message}");
            if (e is not PgRestException)
                Log.Debug(e.ToString());
            Log.Write(level, $"{config.Command} command end: aborted with exception [{exitCode:000}]");
        }

        return exitCode;
    }

    /// <summary>
    /// The row's lock, for the main role when the row requires it and always for the async role (as pgBackRest's
    /// <c>cfgLockRequired</c>). Busy is only reported for the async role; the main role fails with <c>[050]</c>.
    /// </summary>
    private static (IDisposable? Taken, bool Busy)? TakeLock(CommandRow row, AsyncRole? role, CommandContext context)
    {
        if (row.Lock == CommandLockType.None || (role is null && !row.LockRequired))
            return null;
        if (role is null)
            return (LockFile.Acquire(context.Config, context.Stanza, row.Lock), false);
        var taken = LockFile.TryAcquire(context.Config, context.Stanza, row.Lock);
        return (taken, taken is null);
    }

    private static void ConfigureLogging(CommandRow row, AsyncRole? role, Configuration config)
    {
        if (!config.Accepts(Options.LogLevelConsole))
            return;
        var console = LogLevels.Parse(config.Get(Options.LogLevelConsole));
        var stderr = LogLevels.Parse(config.Get(Options.LogLevelStderr));
        var logName = config.Command;
        if (role is not null)
        {
            // A background process has no terminal: it logs to its own file only.
            (console, stderr, logName) = (LogLevel.Off, LogLevel.Off, config.Command + "-async");
        }

        var logToFile = (row.LogFile || role is not null) && config.Accepts(Options.LogLevelFile);
        var file = logToFile ? LogLevels.Parse(config.Get(Options.LogLevelFile)) : LogLevel.Off;
        var filePath = file == LogLevel.Off ? null : Path.Combine(config.Get(Options.LogPath), $"{config.Stanza ?? "all"}-{logName}.log");

        Log.Configure(console, stderr, file, config.Get(Options.LogTimestamp), filePath);
        Log.DryRun = config.Accepts(Options.DryRun) && config.Get(Options.DryRun);
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
