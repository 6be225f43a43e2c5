using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using PgRest.Cluster;
using PgRest.Commands.Remote;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Logging;
using PgRest.Remote;

namespace PgRest.Commands.Server;

/// <summary>
/// <c>pgrest server</c>: the TLS server of a repository host. Each client proves who it is with a certificate signed by
/// <c>tls-server-ca-file</c>; its common name must be in <c>tls-server-auth</c> with the stanza it asks for. Then the
/// connection is served as the remote command serves an SSH one, on the repository this host's configuration names for
/// that stanza (re-read for every connection, so a changed file needs no restart). A client without a certificate may
/// only ping.
/// </summary>
internal static class ServerCommand
{
    public static async Task<int> RunAsync(CommandContext context)
    {
        var config = context.Config;
        var settings = ServerSettings.FromConfiguration(config);
        var listener = new TcpListener(settings.Address, settings.Port);
        if (Equals(settings.Address, IPAddress.IPv6Any))
            listener.Server.DualMode = true;
        try
        {
            listener.Start();
        }
        catch (SocketException e)
        {
            throw new PgRestException(ErrorCode.HostConnect, $"unable to listen on {settings.AddressText}:{settings.Port.ToString(CultureInfo.InvariantCulture)}: {e.Message}");
        }

        Log.Info($"server listening on {settings.AddressText}:{((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture)}");
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync(context.Cancellation).ConfigureAwait(false);
                connections.RemoveAll(task => task.IsCompleted);
                connections.Add(Task.Run(() => ServeAsync(client, settings, config, context.Cancellation)));
            }
        }
        finally
        {
            listener.Stop();
            await Task.WhenAll(connections).ConfigureAwait(false);
        }
    }

    private static async Task ServeAsync(TcpClient client, ServerSettings settings, Configuration config, CancellationToken cancellation)
    {
        var peer = client.Client.RemoteEndPoint?.ToString() ?? "?";
        client.NoDelay = true;
        var ssl = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
        try
        {
            try
            {
                using var handshake = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                handshake.CancelAfter(settings.HandshakeTimeout);
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = settings.Certificate,
                    ClientCertificateRequired = true,
                    RemoteCertificateValidationCallback = settings.ValidateClient,
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                }, handshake.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
            {
                Log.Warn($"server: TLS with {peer} failed: {e.Message}");
                return;
            }

            string? commonName = null;
            if (ssl.RemoteCertificate is { } presented)
            {
                using var certificate = new X509Certificate2(presented);
                commonName = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
            }

            Log.Detail($"server: {peer} connected{(commonName is null ? " without a certificate" : $" as '{commonName}'")}");
            var server = new RemoteServer(request => Open(request, commonName, peer, settings, config), ssl, ssl);
            await server.RunAsync(cancellation).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or PgRestException or OperationCanceledException)
        {
            Log.Detail($"server: connection from {peer} ended: {e.Message}");
        }
        finally
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            client.Dispose();
        }
    }

    /// <summary>Authorizes the client for the stanza it asks for, then opens that stanza's repository (or, for a
    /// repository host's backup, this host's cluster).</summary>
    private static RemoteSession Open(OpenRequest request, string? commonName, string peer, ServerSettings settings, Configuration config)
    {
        if (!settings.Authorization.Allows(commonName, request.Stanza))
        {
            Log.Warn($"server: access denied to {peer} ({(commonName is null ? "no certificate" : $"'{commonName}'")}) for stanza '{request.Stanza ?? "(all)"}'");
            throw new PgRestException(ErrorCode.Access, "access denied");
        }

        if (!request.Pg)
            return RemoteCommand.OpenRepo(RemoteConfiguration(config, request), request.Repo, request.WantCipher, request.Lock);
        var served = RemoteConfiguration(config, request);
        var clusters = served.PgIndexes.Where(index => served.Find(Options.PgPath, index) is not null)
            .Select(index => new ServedCluster(served.Get(Options.PgPath, index), served.Find(Options.PgSocketPath, index), (int)served.Get(Options.PgPort, index)))
            .ToList();
        if (clusters.Count == 0)
        {
            Log.Warn($"server: {peer} asked for the cluster of stanza '{request.Stanza ?? "(none)"}', which has no pg-path here");
            throw new PgRestException(ErrorCode.Access, $"access denied: stanza '{request.Stanza ?? "(none)"}' has no pg-path on this host");
        }

        return RemoteCommand.OpenPg(clusters);
    }

    /// <summary>This host's configuration as a remote command for the client's stanza and repository would load it.</summary>
    private static Configuration RemoteConfiguration(Configuration config, OpenRequest request)
    {
        var arguments = new List<string>();
        foreach (var (option, name) in new[] { (Options.Config, "config"), (Options.ConfigPath, "config-path"), (Options.ConfigIncludePath, "config-include-path") })
        {
            if (config.Source(option) == OptionSource.CommandLine)
                arguments.Add($"--{name}={config.Get(option)}");
        }

        if (request.Stanza is not null)
            arguments.Add("--stanza=" + request.Stanza);
        arguments.AddRange(request.Pg ? ["--remote-type=pg", "remote"] : ["--repo=" + request.Repo.ToString(CultureInfo.InvariantCulture), "--remote-type=repo", "remote"]);
        return ConfigurationLoader.Load(arguments, ConfigurationLoader.ReadEnvironment());
    }
}
