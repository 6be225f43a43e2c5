using System.Diagnostics;
using PgRest.Errors;
using PgRest.Logging;
using PgRest.Postgres;

namespace PgRest.Commands.Rehearse;

/// <summary>
/// The PostgreSQL server of a rehearsal, started as a child of pgrest: its log (stderr) kept in memory and in a file
/// of the scratch directory, readiness polled over its private socket, and a fast shutdown at the end.
/// </summary>
internal sealed class RehearseServer : IAsyncDisposable
{
    private const int MaxLogLines = 20000;
    private const int SignalInterrupt = 2, SignalQuit = 3;

    private readonly Process _process;
    private readonly StreamWriter _logFile;
    private readonly List<string> _log = [];
    private bool _closed;

    private RehearseServer(Process process, StreamWriter logFile)
    {
        _process = process;
        _logFile = logFile;
    }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The server's log lines so far (the first <see cref="MaxLogLines"/>).</summary>
    public IReadOnlyList<string> Log
    {
        get
        {
            lock (_log)
                return _log.ToList();
        }
    }

    public static RehearseServer Start(string postgres, IReadOnlyList<string> arguments, string logPath)
    {
        var start = new ProcessStartInfo(postgres)
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            WorkingDirectory = Path.GetDirectoryName(logPath)!,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);

        var logFile = new StreamWriter(logPath, append: false) { AutoFlush = true };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new PgRestException(ErrorCode.Execute, $"unable to start '{postgres}'");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            logFile.Dispose();
            throw new PgRestException(ErrorCode.Execute, $"unable to start '{postgres}': {e.Message}", e);
        }

        var server = new RehearseServer(process, logFile);
        process.ErrorDataReceived += (_, line) => server.Append(line.Data);
        process.OutputDataReceived += (_, line) => server.Append(line.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        process.StandardInput.Close();
        return server;
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_log)
        {
            if (_closed)
                return;
            if (_log.Count < MaxLogLines)
                _log.Add(line);
            _logFile.WriteLine(line);
        }

        Logging.Log.Detail("postgres: " + line);
    }

    /// <summary>
    /// Polls until the server accepts connections and is out of recovery (with hot_standby=off it refuses them until
    /// then); throws when it exits first or <paramref name="timeout"/> passes.
    /// </summary>
    public async Task<DbClient> WaitUntilRecoveredAsync(DbConnectionOptions options, TimeSpan timeout, CancellationToken cancellation)
    {
        var deadline = Stopwatch.StartNew();
        string? lastFailure = null;
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync(cancellation).ConfigureAwait(false);
                throw new PgRestException(ErrorCode.Execute, $"PostgreSQL exited with code {_process.ExitCode} before recovery ended" + Fatal());
            }

            if (deadline.Elapsed > timeout)
            {
                throw new PgRestException(ErrorCode.DbConnect,
                    $"PostgreSQL did not end recovery and accept connections within {(long)timeout.TotalSeconds}s (db-timeout)" + (lastFailure is null ? "" : ": " + lastFailure));
            }

            try
            {
                var client = await DbClient.ConnectAsync(options, cancellation).ConfigureAwait(false);
                if (!await client.IsInRecoveryAsync(cancellation).ConfigureAwait(false))
                    return client;
                await client.DisposeAsync().ConfigureAwait(false);
            }
            catch (PgRestException e) when (e.Code is ErrorCode.DbConnect or ErrorCode.DbQuery)
            {
                lastFailure = e.Message;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>Why the server stopped: its FATAL, PANIC and archive-get error lines (not the refusals our own polling got), else its last lines.</summary>
    private string Fatal()
    {
        var log = Log;
        var lines = log.Where(line => (line.Contains("FATAL:", StringComparison.Ordinal) || line.Contains("PANIC:", StringComparison.Ordinal)
            || line.Contains("ERROR: [", StringComparison.Ordinal)) && !line.Contains("the database system is ", StringComparison.Ordinal)).TakeLast(5).ToList();
        if (lines.Count == 0)
            lines = log.TakeLast(5).ToList();
        return lines.Count == 0 ? "" : ":\n" + string.Join('\n', lines);
    }

    /// <summary>Fast shutdown (SIGINT); after a minute immediate (SIGQUIT), then a kill.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            Logging.Log.Info($"stop PostgreSQL (pid {_process.Id})");
            Control.LockSystemCalls.Kill(_process.Id, SignalInterrupt);
            if (!await ExitedWithinAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false))
            {
                Control.LockSystemCalls.Kill(_process.Id, SignalQuit);
                if (!await ExitedWithinAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false))
                    _process.Kill(entireProcessTree: true);
            }
        }

        await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private async Task<bool> ExitedWithinAsync(TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        lock (_log)
        {
            _closed = true;
            _logFile.Dispose();
        }
        _process.Dispose();
    }
}
