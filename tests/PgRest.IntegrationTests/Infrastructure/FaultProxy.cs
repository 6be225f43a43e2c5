using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace PgRest.IntegrationTests.Infrastructure;

/// <summary>What the proxy did to the requests it saw.</summary>
public sealed record FaultCounts(int Forwarded, int Answered503, int DroppedBeforeForward, int DroppedMidResponse);

/// <summary>
/// A TLS proxy on 127.0.0.1 in front of a real object-store server that misbehaves as object stores do: at random it
/// answers 503, drops the connection before forwarding, or cuts the response off half-way. Every other request goes
/// through unchanged (one request per upstream connection, so no response framing has to be understood beyond the
/// header block). Signatures stay valid: only the Connection header is rewritten, and no service signs it.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly X509Certificate2 _certificate;
    private readonly int _upstreamPort;
    private readonly double _rate503;
    private readonly double _rateDrop;
    private readonly double _rateCut;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly Random _random;
    private int _forwarded, _answered503, _dropped, _cut;

    /// <param name="certificateFile">PEM certificate with the server's name (127.0.0.1); its key is next to it as <c>tls.key</c>.</param>
    public FaultProxy(string certificateFile, int upstreamPort, double rate503, double rateDrop, double rateCut, int seed = 20261121)
    {
        var keyFile = Path.Combine(Path.GetDirectoryName(certificateFile)!, "tls.key");
        using var pem = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        // SslStream on Linux wants a certificate whose key is not ephemeral.
        _certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        _upstreamPort = upstreamPort;
        _rate503 = rate503;
        _rateDrop = rateDrop;
        _rateCut = rateCut;
        _random = new Random(seed);
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public FaultCounts Counts => new(_forwarded, _answered503, _dropped, _cut);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private double Next()
    {
        lock (_random)
            return _random.NextDouble();
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        client.NoDelay = true;
        try
        {
            await using var downstream = new SslStream(client.GetStream());
            await downstream.AuthenticateAsServerAsync(_certificate);
            while (true)
            {
                var head = await ReadHeadAsync(downstream);
                if (head is null)
                    return;
                var (headerText, leftover) = head.Value;
                var contentLength = ContentLength(headerText);

                var roll = Next();
                if (roll < _rateDrop)
                {
                    Interlocked.Increment(ref _dropped);
                    return; // closes the connection with the request unanswered
                }

                var body = await ReadBodyAsync(downstream, leftover, contentLength);
                if (roll < _rateDrop + _rate503)
                {
                    Interlocked.Increment(ref _answered503);
                    var answer = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/xml\r\nContent-Length: 90\r\nConnection: close\r\n\r\n" +
                        "<Error><Code>SlowDown</Code><Message>injected by the test proxy</Message></Error>".PadRight(90);
                    await downstream.WriteAsync(Encoding.ASCII.GetBytes(answer));
                    await downstream.FlushAsync();
                    return;
                }

                var cut = roll < _rateDrop + _rate503 + _rateCut;
                await ForwardAsync(downstream, headerText, body, cut);
                if (cut)
                    return;
                Interlocked.Increment(ref _forwarded);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
            // The client gave up or the proxy cut it: both are part of the test.
        }
    }

    /// <summary>Sends one request upstream on a fresh connection and relays the answer, optionally cut short.</summary>
    private async Task ForwardAsync(SslStream downstream, string headerText, byte[] body, bool cut)
    {
        using var upstreamClient = new TcpClient { NoDelay = true };
        await upstreamClient.ConnectAsync(IPAddress.Loopback, _upstreamPort);
        await using var upstream = new SslStream(upstreamClient.GetStream(), false, (_, _, _, _) => true);
        await upstream.AuthenticateAsClientAsync("127.0.0.1");
        await upstream.WriteAsync(Encoding.ASCII.GetBytes(WithConnectionClose(headerText)));
        await upstream.WriteAsync(body);
        await upstream.FlushAsync();

        var response = await ReadHeadAsync(upstream) ?? throw new IOException("upstream closed without an answer");
        var responseHead = Encoding.ASCII.GetBytes(WithConnectionClose(response.Header));
        if (cut)
        {
            Interlocked.Increment(ref _cut);
            await downstream.WriteAsync(responseHead);
            var partial = response.Leftover.Length / 2;
            await downstream.WriteAsync(response.Leftover.AsMemory(0, partial));
            await downstream.FlushAsync();
            return;
        }

        await downstream.WriteAsync(responseHead);
        await downstream.WriteAsync(response.Leftover);
        await upstream.CopyToAsync(downstream);
        await downstream.FlushAsync();
    }

    /// <summary>Both sides close after each exchange, so the proxy never has to find where a response ends.</summary>
    private static string WithConnectionClose(string headerText)
    {
        var lines = headerText.Split("\r\n").Where(line => line.Length > 0 && !line.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase));
        return string.Join("\r\n", lines) + "\r\nConnection: close\r\n\r\n";
    }

    private static long ContentLength(string headerText)
    {
        foreach (var line in headerText.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                return long.Parse(line.AsSpan("Content-Length:".Length).Trim(), CultureInfo.InvariantCulture);
            if (line.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase))
                throw new IOException("the proxy does not forward chunked request bodies");
        }

        return 0;
    }

    /// <summary>Reads up to the blank line that ends a header block; null at a clean end of stream.</summary>
    private static async Task<(string Header, byte[] Leftover)?> ReadHeadAsync(Stream stream)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16384];
        while (true)
        {
            var read = await stream.ReadAsync(chunk);
            if (read == 0)
                return buffer.Length == 0 ? null : throw new IOException("connection closed inside a header block");
            buffer.Write(chunk, 0, read);
            var data = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
            var end = data.IndexOf("\r\n\r\n"u8);
            if (end >= 0)
                return (Encoding.ASCII.GetString(data[..end]), data[(end + 4)..].ToArray());
        }
    }

    private static async Task<byte[]> ReadBodyAsync(Stream stream, byte[] leftover, long length)
    {
        var body = new byte[length];
        var have = Math.Min(leftover.Length, (int)length);
        leftover.AsSpan(0, have).CopyTo(body);
        while (have < length)
        {
            var read = await stream.ReadAsync(body.AsMemory(have));
            if (read == 0)
                throw new IOException("connection closed inside a request body");
            have += read;
        }

        return body;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _acceptLoop;
        }
        catch (OperationCanceledException)
        {
        }

        _certificate.Dispose();
        _stop.Dispose();
    }
}
