using System.Diagnostics;
using System.Text;
using PgRest.Errors;

namespace PgRest.Remote;

/// <summary>
/// The client end of one connection to a remote: frames out on one stream, frames in on the other, one operation at a
/// time. Under SSH the streams are the stdin and stdout of the ssh process; a connection that ends early reports what
/// that process said on stderr and its exit status, as pgBackRest does ("terminated unexpectedly").
/// </summary>
public sealed class RemoteConnection : IAsyncDisposable
{
    private readonly Stream _output;
    private readonly Stream _input;
    private readonly Process? _process;
    private readonly StringBuilder _stderr = new();
    private readonly Task _stderrPump = Task.CompletedTask;
    private TimeSpan _timeout;
    private bool _exited;
    private bool _disposed;

    private readonly string? _closedHint;

    /// <param name="closedHint">Said when a connection that is not a process ends early (a TLS server that refused us).</param>
    public RemoteConnection(string name, Stream input, Stream output, TimeSpan timeout, Process? process = null, string? closedHint = null)
    {
        Name = name;
        _closedHint = closedHint;
        _input = input;
        _output = output;
        _timeout = timeout;
        _process = process;
        Reader = new FrameReader(input);
        Frame = new FrameBuilder(RemoteProtocol.DataChunk + 64);
        if (process is not null)
            _stderrPump = PumpStderrAsync(process.StandardError);
    }

    /// <summary>How messages name this remote, e.g. <c>remote-0 process on 'backup-host'</c>.</summary>
    public string Name { get; }

    /// <summary>Set once the connection failed; it is then never reused.</summary>
    public bool Broken { get; private set; }

    internal FrameReader Reader { get; }

    internal FrameBuilder Frame { get; }

    /// <summary>Reads the greeting line and checks the remote is this same pgrest version.</summary>
    public async Task GreetAsync(CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (line.Length < 200)
        {
            var read = await Guard(_input.ReadAsync(one, cancellationToken).AsTask(), cancellationToken).ConfigureAwait(false);
            if (read == 0)
                throw await EndedAsync().ConfigureAwait(false);
            if (one[0] == '\n')
                break;
            line.Append((char)one[0]);
        }

        try
        {
            RemoteProtocol.CheckGreeting(line.ToString(), Name);
        }
        catch
        {
            Broken = true;
            throw;
        }
    }

    /// <summary>Sends the frame built in <see cref="Frame"/>.</summary>
    internal async Task SendAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _output.WriteAsync(Frame.Build(), cancellationToken).ConfigureAwait(false);
            await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            throw await EndedAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The next frame; an error frame is thrown as the error it carries.</summary>
    internal async Task<(FrameKind Kind, ReadOnlyMemory<byte> Payload)> ReceiveAsync(CancellationToken cancellationToken)
    {
        (FrameKind Kind, ReadOnlyMemory<byte> Payload)? frame;
        try
        {
            frame = await Guard(Reader.ReadAsync(cancellationToken).AsTask(), cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            frame = null;
        }
        catch (PgRestException)
        {
            Broken = true;
            throw;
        }

        if (frame is not { } received)
            throw await EndedAsync().ConfigureAwait(false);
        if (received.Kind == FrameKind.Error)
        {
            var payload = new PayloadReader(received.Payload.Span);
            var code = payload.Int32();
            throw new PgRestException(Enum.IsDefined((ErrorCode)code) ? (ErrorCode)code : ErrorCode.Unknown, payload.String());
        }

        return received;
    }

    /// <summary>Waits for the reply of the request just sent.</summary>
    internal async Task<ReadOnlyMemory<byte>> ReplyAsync(CancellationToken cancellationToken)
    {
        var frame = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
        if (frame.Kind != FrameKind.Reply)
            throw Unexpected(frame.Kind);
        return frame.Payload;
    }

    internal PgRestException Unexpected(FrameKind kind)
    {
        Broken = true;
        return new PgRestException(ErrorCode.Protocol, $"{Name} sent an unexpected {kind} frame");
    }

    /// <summary>A read that does not answer within protocol-timeout ends the connection, as pgBackRest's would.</summary>
    private async Task<T> Guard<T>(Task<T> read, CancellationToken cancellationToken)
    {
        try
        {
            return await read.WaitAsync(_timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Broken = true;
            Kill();
            throw new PgRestException(ErrorCode.Protocol,
                $"{Name} did not answer within {_timeout.TotalSeconds:0} seconds (protocol-timeout)");
        }
    }

    /// <summary>For a connection that may rightly stay silent for long (a relayed database session between queries).</summary>
    internal void WaitWithoutTimeout() => _timeout = System.Threading.Timeout.InfiniteTimeSpan;

    /// <summary>What to say when the remote's stream ended: its exit status and stderr, when it is a process.</summary>
    private async Task<PgRestException> EndedAsync()
    {
        Broken = true;
        if (_process is null)
            return new PgRestException(ErrorCode.Protocol, $"{Name} closed the connection{(_closedHint is null ? "" : "\nHINT: " + _closedHint)}");
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            try
            {
                await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
                await _stderrPump.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Kill();
            }
        }

        _exited = true;
        var status = _process.HasExited ? _process.ExitCode : -1;
        string said;
        lock (_stderr)
            said = _stderr.ToString().Trim();
        var code = Enum.IsDefined((ErrorCode)status) && status != 0 ? (ErrorCode)status : ErrorCode.Unknown;
        return new PgRestException(code, $"{Name} terminated unexpectedly [{status}]{(said.Length > 0 ? ": " + said : "")}");
    }

    private async Task PumpStderrAsync(StreamReader stderr)
    {
        var buffer = new char[1024];
        int read;
        while ((read = await stderr.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            lock (_stderr)
            {
                // Only the start is kept: enough for the message, bounded whatever the remote prints.
                if (_stderr.Length < 8192)
                    _stderr.Append(buffer, 0, read);
            }
        }
    }

    private void Kill()
    {
        try
        {
            _process?.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (!Broken && !_exited)
        {
            try
            {
                Frame.Start(FrameKind.Request).Byte((byte)RemoteOperation.Exit);
                await _output.WriteAsync(Frame.Build()).ConfigureAwait(false);
                await _output.FlushAsync().ConfigureAwait(false);
            }
            catch (IOException)
            {
            }
        }

        await _output.DisposeAsync().ConfigureAwait(false);
        if (_process is not null)
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Kill();
            }

            _process.Dispose();
        }

        await _input.DisposeAsync().ConfigureAwait(false);
        Reader.Dispose();
        Frame.Dispose();
    }
}
