using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Remote;
using PgRest.Storage.Http;

namespace PgRest.Commands.Server;

/// <summary>What the TLS server runs with: where it listens, its certificate, whom it lets in for which stanzas.</summary>
internal sealed class ServerSettings
{
    private readonly X509Certificate2Collection _clientRoots;
    private ServerSettings(IPAddress address, string addressText, int port, X509Certificate2 certificate, X509Certificate2Collection clientRoots, ServerAuthorization auth)
    {
        Address = address;
        AddressText = addressText;
        Port = port;
        Certificate = certificate;
        _clientRoots = clientRoots;
        Authorization = auth;
    }

    public ServerAuthorization Authorization { get; }

    public IPAddress Address { get; }

    public string AddressText { get; }

    public int Port { get; }

    public X509Certificate2 Certificate { get; }

    public TimeSpan HandshakeTimeout { get; } = TimeSpan.FromSeconds(30);

    public static ServerSettings FromConfiguration(Configuration config)
    {
        var certFile = Required(config, Options.TlsServerCertFile);
        var keyFile = Required(config, Options.TlsServerKeyFile);
        var caFile = Required(config, Options.TlsServerCaFile);
        var auth = new ServerAuthorization(config.Get(Options.TlsServerAuth));
        if (auth.IsEmpty)
            throw new PgRestException(ErrorCode.OptionRequired, "server command requires option: tls-server-auth\nHINT: e.g. tls-server-auth=db1.example.com=main lets the client whose certificate's CN is db1.example.com reach stanza main.");
        var addressText = config.Get(Options.TlsServerAddress);
        var address = addressText switch
        {
            "localhost" => IPAddress.Loopback,
            "*" => IPAddress.IPv6Any, // every address, IPv4 included (the listener is dual-mode)
            _ when IPAddress.TryParse(addressText, out var parsed) => parsed,
            _ => Resolve(addressText),
        };
        return new ServerSettings(address, addressText, (int)config.Get(Options.TlsServerPort),
            TlsTransport.LoadCertificate(certFile, keyFile), HttpTransport.LoadRoots(caFile, null)!, auth);
    }

    /// <summary>A client certificate must chain to tls-server-ca-file; a client with none is let in, to ping only.</summary>
    public bool ValidateClient(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        certificate is null || HttpTransport.ChainsTo(_clientRoots, certificate);

    private static IPAddress Resolve(string name)
    {
        try
        {
            if (Dns.GetHostAddresses(name) is [var first, ..])
                return first;
        }
        catch (System.Net.Sockets.SocketException)
        {
        }

        throw new PgRestException(ErrorCode.HostConnect, $"unable to resolve tls-server-address '{name}'");
    }

    private static string Required(Configuration config, StringOption option) =>
        config.Find(option) ?? throw new PgRestException(ErrorCode.OptionRequired, $"server command requires option: {option.Name}");
}

/// <summary><c>tls-server-auth</c>: which client (the CN of its certificate) may reach which stanzas (<c>*</c>: all).</summary>
internal sealed class ServerAuthorization
{
    private readonly Dictionary<string, string[]> _stanzasByClient = new(StringComparer.Ordinal);

    public ServerAuthorization(IReadOnlyDictionary<string, string> option)
    {
        foreach (var (commonName, stanzas) in option)
            _stanzasByClient[commonName] = stanzas.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public bool IsEmpty => _stanzasByClient.Count == 0;

    /// <summary>Whether <paramref name="commonName"/> (null: no certificate) may open <paramref name="stanza"/> (null: every
    /// stanza, as info without --stanza asks, which only <c>*</c> allows).</summary>
    public bool Allows(string? commonName, string? stanza) =>
        commonName is not null && _stanzasByClient.TryGetValue(commonName, out var stanzas)
        && (stanzas.Contains("*") || (stanza is not null && stanzas.Contains(stanza)));
}
