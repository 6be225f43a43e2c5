using System.Diagnostics;
using PgRest.Errors;
using PgRest.Postgres;

namespace PgRest.Commands.Rehearse;

/// <summary>
/// The PostgreSQL server of a rehearsal, started as a child of pgrest: its log (stderr) in a file of the scratch
/// directory, the lines that matter for the verdict kept in memory, readiness read from postmaster.pid (no polling
/// connections, which would each log a FATAL), and a fast shutdown at the end.
/// </summary>
internal sealed class RehearseServer : IAsyncDisposable
{
    private const int SignalInterrupt = 2, SignalQuit = 3;

    private readonly Process _process;
    private readonly string _dataPath;
    private readonly StreamWriter _logFile;
    private readonly List<string> _notable = [];
    private readonly Queue<string> _tail = new();
    private bool _continuesNotable, _closed;

    private RehearseServer(Process process, string dataPath, StreamWriter logFile)
    {
        _process = process;
        _dataPath = dataPath;
        _logFile = logFile;
    }

    public int ProcessId => _process.Id;

    /// <summary>Whether <see cref="StopAsync"/> saw the postmaster exit: only then may its directory go.</summary>
    public bool Stopped { get; private set; }

    /// <summary>The log lines the verdict reads (<see cref="RehearsePlanner.IsNotable"/>, with an archive-get error's detail lines).</summary>
    public IReadOnlyList<string> Notable
    {
        get
        {
            lock (_notable)
                return _notable.ToList();
        }
    }

    public static RehearseServer Start(string postgres, IReadOnlyList<string> arguments, string dataPath, string logPath)
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

        var server = new RehearseServer(process, dataPath, logFile);
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
        lock (_notable)
        {
            if (_closed)
                return;
            _logFile.WriteLine(line);
            _continuesNotable = RehearsePlanner.IsNotable(line) || (_continuesNotable && line.StartsWith(' '));
            if (_continuesNotable && _notable.Count < 1000)
                _notable.Add(line);
            _tail.Enqueue(line);
            if (_tail.Count > 5)
                _tail.Dequeue();
        }

        Logging.Log.Detail("postgres: " + line);
    }

    /// <summary>
    /// Waits until the postmaster reports itself ready in postmaster.pid (with hot_standby=off, only once recovery has
    /// ended), then connects; throws when it exits first or <paramref name="timeout"/> passes.
    /// </summary>
    public async Task<DbClient> WaitUntilRecoveredAsync(DbConnectionOptions options, TimeSpan timeout, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        string? lastFailure = null;
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            if (_process.HasExited)
                throw new PgRestException(ErrorCode.Execute, $"PostgreSQL exited with code {ExitCode()} before recovery ended" + WhyItStopped());
            if (clock.Elapsed > timeout)
            {
                throw new PgRestException(ErrorCode.DbConnect,
                    $"PostgreSQL did not end recovery and accept connections within {(long)timeout.TotalSeconds}s (db-timeout)" + (lastFailure is null ? "" : ": " + lastFailure));
            }

            if (RehearsePlanner.PostmasterReady(ReadPidFile()))
            {
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
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellation).ConfigureAwait(false);
        }
    }

    private string? ReadPidFile()
    {
        try
        {
            return File.ReadAllText(Path.Combine(_dataPath, "postmaster.pid"));
        }
        catch (IOException)
        {
            return null;
        }
    }

    private string ExitCode()
    {
        _process.WaitForExit(TimeSpan.FromSeconds(5));
        return _process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Why the server stopped: its FATAL, PANIC and archive-get error lines, else its last lines.</summary>
    private string WhyItStopped()
    {
        List<string> lines;
        lock (_notable)
        {
            lines = _notable.Where(line => !line.Contains("recovery stopping", StringComparison.Ordinal)).TakeLast(5).ToList();
            if (lines.Count == 0)
                lines = [.. _tail];
        }

        return lines.Count == 0 ? "" : ":\n" + string.Join('\n', lines);
    }

    /// <summary>
    /// Fast shutdown (SIGINT); after a minute immediate (SIGQUIT), after ten more seconds a kill. Exit is polled, not
    /// awaited on the pipes, which a surviving child could hold open; every signal is sent only while the postmaster
    /// has not exited, so a reused pid is never signalled.
    /// </summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            Logging.Log.Info($"stop PostgreSQL (pid {_process.Id})");
            Control.LockSystemCalls.Kill(_process.Id, SignalInterrupt);
            if (!await ExitedWithinAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false) && !_process.HasExited)
            {
                Control.LockSystemCalls.Kill(_process.Id, SignalQuit);
                if (!await ExitedWithinAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false) && !_process.HasExited)
                    _process.Kill(entireProcessTree: true);
                await ExitedWithinAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
        }

        Stopped = _process.HasExited;
        // The last lines, bounded: a child holding the pipes must not hold the rehearsal.
        using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _process.WaitForExitAsync(drain.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<bool> ExitedWithinAsync(TimeSpan wait)
    {
        var clock = Stopwatch.StartNew();
        while (!_process.HasExited && clock.Elapsed < wait)
            await Task.Delay(50).ConfigureAwait(false);
        return _process.HasExited;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        lock (_notable)
        {
            _closed = true;
            _logFile.Dispose();
        }

        _process.Dispose();
    }
}
