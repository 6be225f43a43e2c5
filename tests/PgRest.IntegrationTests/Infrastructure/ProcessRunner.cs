using System.Diagnostics;
using System.Text;

namespace PgRest.IntegrationTests.Infrastructure;

/// <summary>Exit code and captured output of a finished process.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Throws with both streams in the message unless the exit code is 0.</summary>
    public ProcessResult EnsureSuccess(string what)
    {
        if (ExitCode != 0)
            throw new InvalidOperationException($"{what} failed with exit code {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}");

        return this;
    }
}

/// <summary>Runs external programs for tests, optionally as another OS user, always with a time limit.</summary>
public static class ProcessRunner
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Runs <paramref name="fileName"/> and captures its output. With <paramref name="user"/> the program runs through
    /// <c>runuser -u &lt;user&gt; --</c> (tests run as root; PostgreSQL refuses to). On timeout the whole process tree
    /// is killed and <see cref="TimeoutException"/> is thrown.
    /// </summary>
    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string? user = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null,
        string? workingDirectory = null,
        string? standardInput = null,
        CancellationToken cancellationToken = default)
    {
        List<string> argumentList = [.. arguments];
        ProcessStartInfo start = new()
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            // Another user may not be allowed into the caller's directory (e.g. /root).
            WorkingDirectory = workingDirectory ?? (user is null ? Environment.CurrentDirectory : "/tmp"),
        };

        if (user is null)
        {
            start.FileName = fileName;
        }
        else
        {
            start.FileName = "runuser";
            start.ArgumentList.Add("-u");
            start.ArgumentList.Add(user);
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(fileName);
        }

        foreach (string argument in argumentList)
            start.ArgumentList.Add(argument);

        if (environment is not null)
        {
            foreach ((string name, string? value) in environment)
            {
                if (value is null)
                    start.Environment.Remove(name);
                else
                    start.Environment[name] = value;
            }
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"unable to start '{fileName}'");
        Task<string> output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        Task<string> error = process.StandardError.ReadToEndAsync(CancellationToken.None);

        if (standardInput is not null)
            await process.StandardInput.WriteAsync(standardInput).ConfigureAwait(false);

        process.StandardInput.Close();

        TimeSpan limit = timeout ?? DefaultTimeout;
        using CancellationTokenSource timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(limit);

        try
        {
            await process.WaitForExitAsync(timer.Token).ConfigureAwait(false);

            // A daemon started by the program could keep the pipes open; that counts against the time limit too.
            await Task.WhenAll(output, error).WaitAsync(timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            KillTree(process);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"'{fileName} {string.Join(' ', argumentList)}' did not finish within {limit}");
        }

        return new ProcessResult(process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}
