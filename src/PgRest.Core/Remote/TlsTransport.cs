using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Storage.Http;

namespace PgRest.Remote;

/// <summary>
/// Reaches <c>pgrest server</c> on a repository host (<c>repo-host-type=tls</c>) or a database host
/// (<c>pg-host-type=tls</c>) over TLS: the server's certificate is checked (<c>-host-ca-file</c>/<c>-ca-path</c>, else
/// the system's CAs) and this host proves who it is with a client certificate (<c>-host-cert-file</c>,
/// <c>-host-key-file</c>), whose common name the server looks up in <c>tls-server-auth</c>.
/// </summary>
public static class TlsTransport
{
    public const int DefaultPort = 8432;

    public static RemoteStorage RepoStorage(Configuration config, int index, CommandLockType hostLock = CommandLockType.None)
    {
        var connect = Connector(config, config.Get(Options.RepoHost, index), config.Find(Options.RepoHostPort, index),
            config.Find(Options.RepoHostCertFile, index) ?? throw Required(config, Options.RepoHostCertFile, index),
            config.Find(Options.RepoHostKeyFile, index) ?? throw Required(config, Options.RepoHostKeyFile, index),
            config.Find(Options.RepoHostCaFile, index), config.Find(Options.RepoHostCaPath, index));
        return new RemoteStorage(connect, RemoteProtocol.WantsCipher(config, index), config.Stanza, index, hostLock);
    }

    /// <summary>The cluster of <c>pgN-host</c> through <c>pgrest server</c> on the database host (<c>pg-host-type=tls</c>).</summary>
    public static RemoteStorage PgStorage(Configuration config, int index)
    {
        var connect = Connector(config, config.Get(Options.PgHost, index), config.Find(Options.PgHostPort, index),
            config.Find(Options.PgHostCertFile, index) ?? throw Required(config, Options.PgHostCertFile, index),
            config.Find(Options.PgHostKeyFile, index) ?? throw Required(config, Options.PgHostKeyFile, index),
            config.Find(Options.PgHostCaFile, index), config.Find(Options.PgHostCaPath, index));
        return new RemoteStorage(connect, wantCipher: false, config.Stanza, index, pg: true);
    }

    private static Func<int, CancellationToken, Task<RemoteConnection>> Connector(
        Configuration config, string host, long? givenPort, string certFile, string keyFile, string? caFile, string? caPath)
    {
        var port = (int)(givenPort ?? DefaultPort);
        var timeout = RemoteProtocol.Timeout(config);
        var connectTimeout = Storage.StorageFactory.IoTimeout(config);
        return async (number, cancellationToken) =>
        {
            var certificate = LoadCertificate(certFile, keyFile);
            var stream = await ConnectAsync(host, port, certificate, caFile, caPath, connectTimeout, cancellationToken).ConfigureAwait(false);
            return new RemoteConnection($"remote-{number.ToString(CultureInfo.InvariantCulture)} on '{host}:{port.ToString(CultureInfo.InvariantCulture)}'",
                stream, stream, timeout, closedHint: "a server that does not accept the client certificate (not signed by its "
                + "tls-server-ca-file, or expired) ends the connection after the handshake; its log says why.");
        };
    }

    /// <summary>A TLS connection to a pgrest server; without <paramref name="certificate"/> the server only answers noop.</summary>
    public static async Task<SslStream> ConnectAsync(string host, int port, X509Certificate2? certificate, string? caFile, string? caPath,
        TimeSpan timeout, CancellationToken cancellationToken, bool verifyServer = true)
    {
        var target = $"{host}:{port.ToString(CultureInfo.InvariantCulture)}";
        var client = new TcpClient { NoDelay = true };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await client.ConnectAsync(host, port, deadline.Token).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            client.Dispose();
            throw new PgRestException(ErrorCode.HostConnect, $"unable to connect to '{target}': [{(int)e.SocketErrorCode}] {e.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            throw new PgRestException(ErrorCode.HostConnect, $"unable to connect to '{target}': timeout after {timeout.TotalSeconds:0}s");
        }

        var roots = verifyServer ? HttpTransport.LoadRoots(caFile, caPath) : null;
        RemoteCertificateValidationCallback validate = !verifyServer ? static (_, _, _, _) => true
            : roots is null ? static (_, _, _, errors) => errors == SslPolicyErrors.None
            : HttpTransport.ChainValidator(roots);
        var ssl = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = host,
            RemoteCertificateValidationCallback = validate,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        if (certificate is not null)
            options.ClientCertificates = [certificate];
        try
        {
            await ssl.AuthenticateAsClientAsync(options, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            client.Dispose();
            throw new PgRestException(ErrorCode.Crypto, $"unable to establish TLS with '{target}': {e.Message}"
                + "\nHINT: is the server's certificate signed by repo-host-ca-file (or a system CA) and issued for this host name?");
        }

        return ssl;
    }

    public static X509Certificate2 LoadCertificate(string certFile, string keyFile)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(certFile, keyFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new PgRestException(ErrorCode.FileOpen, $"unable to load certificate '{certFile}' with key '{keyFile}': {e.Message}");
        }
    }

    private static PgRestException Required(Configuration config, StringOption option, int index) =>
        new(ErrorCode.OptionRequired, $"{config.Command} command requires option: {option.IndexedName(index)}\nHINT: a host reached over TLS needs a client certificate and its key.");
}
