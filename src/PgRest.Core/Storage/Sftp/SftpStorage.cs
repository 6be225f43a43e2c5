using System.Globalization;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Logging;
using PgRest.Storage.Posix;
using Renci.SshNet;
using Renci.SshNet.Common;
using Renci.SshNet.Sftp;

namespace PgRest.Storage.Sftp;

/// <summary>
/// A repository on another host reached over SFTP (<c>repo-type=sftp</c>, pgBackRest 2.46+), on SSH.NET: public-key
/// authentication only, the host key checked against known_hosts or a fingerprint, one SSH connection per process
/// shared by the parallel jobs. Like pgBackRest's driver it has paths but no links, so there is no <c>latest</c> link.
/// </summary>
public sealed class SftpStorage : IStorage, IDisposable
{
    private const short FileMode = 640;
    private const short PathMode = 750;

    private readonly string _root;
    private readonly SftpSettings _settings;
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private SftpClient? _client;
    private string? _hostKeyProblem;

    public SftpStorage(string root, SftpSettings settings)
    {
        _root = root.Length > 1 ? root.TrimEnd('/') : root;
        _settings = settings;
    }

    public static IStorage Create(Configuration config, int index, string path) => new SftpStorage(path, SftpSettings.FromConfiguration(config, index));

    public StorageFeatures Features => StorageFeatures.Path;

    public string FullPath(string path) => path.Length == 0 ? _root : path[0] == '/' ? path : _root + "/" + path;

    public async Task<Stream?> OpenReadAsync(string path, long offset = 0, long? length = null, bool ignoreMissing = false, CancellationToken cancellationToken = default)
    {
        var full = FullPath(path);
        SftpFileStream stream;
        try
        {
            stream = await WithReconnectAsync(client => client.OpenAsync(full, System.IO.FileMode.Open, FileAccess.Read, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (SftpPathNotFoundException)
        {
            if (ignoreMissing)
                return null;
            throw new PgRestException(ErrorCode.FileMissing, $"unable to open missing file '{full}' for read");
        }
        catch (SftpException e)
        {
            throw new PgRestException(ErrorCode.FileOpen, $"unable to open file '{full}' for read: {Describe(e)}");
        }

        try
        {
            if (offset != 0)
                stream.Seek(offset, SeekOrigin.Begin);
        }
        catch (SshException e)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw new PgRestException(ErrorCode.FileOpen, $"unable to seek to {offset.ToString(CultureInfo.InvariantCulture)} in file '{full}': {Describe(e)}");
        }

        Log.Timing("sftp: opened for read");
        Stream result = new SftpReadStream(stream, full);
        return length is { } limit ? new RangeStream(result, limit) : result;
    }

    public async Task<StorageWriteStream> OpenWriteAsync(string path, bool durable = true, CancellationToken cancellationToken = default)
    {
        var full = FullPath(path);
        var temp = PosixStorage.UniqueTempPath(full);
        var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
        SftpFileStream stream;
        try
        {
            stream = await OpenForWriteAsync(client, temp, cancellationToken).ConfigureAwait(false);
        }
        catch (SftpPathNotFoundException)
        {
            await EnsurePathAsync(client, ParentOf(full), cancellationToken).ConfigureAwait(false);
            try
            {
                stream = await OpenForWriteAsync(client, temp, cancellationToken).ConfigureAwait(false);
            }
            catch (SftpException e)
            {
                throw new PgRestException(ErrorCode.FileOpen, $"unable to open file '{full}' for write: {Describe(e)}");
            }
        }
        catch (SftpException e)
        {
            throw new PgRestException(ErrorCode.FileOpen, $"unable to open file '{full}' for write: {Describe(e)}");
        }

        return new SftpWriteStream(client, stream, temp, full);
    }

    private static async Task<SftpFileStream> OpenForWriteAsync(SftpClient client, string temp, CancellationToken cancellationToken)
    {
        var stream = await client.OpenAsync(temp, System.IO.FileMode.Create, FileAccess.Write, cancellationToken).ConfigureAwait(false);
        try
        {
            // The server creates the file with its own umask; the repository's files are 0640 whatever it is.
            client.ChangePermissions(temp, FileMode);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return stream;
    }

    /// <summary>SSH.NET offers no fsync@openssh.com: each file is durable once the server writes it back.</summary>
    public Task SyncAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public async Task<StorageInfo?> InfoAsync(string path, CancellationToken cancellationToken = default)
    {
        var full = FullPath(path);
        try
        {
            var attributes = await WithReconnectAsync(client => client.GetAttributesAsync(full, cancellationToken), cancellationToken).ConfigureAwait(false);
            Log.Timing("sftp: stat");
            return Describe(NameOf(full), attributes);
        }
        catch (SftpPathNotFoundException)
        {
            return null;
        }
        catch (SftpException e)
        {
            throw new PgRestException(ErrorCode.FileOpen, $"unable to get info for path/file '{full}': {Describe(e)}");
        }
    }

    public async IAsyncEnumerable<StorageInfo> ListAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var full = FullPath(path);
        var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
        var entries = client.ListDirectoryAsync(full, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                try
                {
                    if (!await entries.MoveNextAsync().ConfigureAwait(false))
                        break;
                }
                catch (SftpPathNotFoundException)
                {
                    yield break;
                }
                catch (SftpException e)
                {
                    throw new PgRestException(ErrorCode.PathOpen, $"unable to list file info for path '{full}': {Describe(e)}");
                }

                var entry = entries.Current;
                if (entry.Name is "." or "..")
                    continue;
                yield return Describe(entry.Name, entry.Attributes);
            }
        }
        finally
        {
            await entries.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async Task RemoveAsync(string path, bool errorOnMissing = false, CancellationToken cancellationToken = default)
    {
        var full = FullPath(path);
        try
        {
            await WithReconnectAsync(async client =>
            {
                await client.DeleteFileAsync(full, cancellationToken).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (SftpPathNotFoundException)
        {
            if (errorOnMissing)
                throw new PgRestException(ErrorCode.FileRemove, $"unable to remove '{full}': file is missing");
        }
        catch (SftpException e)
        {
            throw new PgRestException(ErrorCode.FileRemove, $"unable to remove '{full}': {Describe(e)}");
        }
    }

    public async Task PathRemoveAsync(string path, CancellationToken cancellationToken = default)
    {
        var full = FullPath(path);
        var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await RemoveTreeAsync(client, full, cancellationToken).ConfigureAwait(false);
        }
        catch (SftpException e)
        {
            throw new PgRestException(ErrorCode.PathRemove, $"unable to remove path '{full}': {Describe(e)}");
        }
    }

    private static async Task RemoveTreeAsync(SftpClient client, string full, CancellationToken cancellationToken)
    {
        var files = new List<string>();
        var paths = new List<string>();
        try
        {
            await foreach (var entry in client.ListDirectoryAsync(full, cancellationToken).ConfigureAwait(false))
            {
                if (entry.Name is "." or "..")
                    continue;
                (entry.IsDirectory ? paths : files).Add(full + "/" + entry.Name);
            }
        }
        catch (SftpPathNotFoundException)
        {
            return;
        }

        // One round trip per file: several in flight at once over the one connection.
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (file, token) =>
            {
                try
                {
                    await client.DeleteFileAsync(file, token).ConfigureAwait(false);
                }
                catch (SftpPathNotFoundException)
                {
                    // Removed meanwhile: the goal is reached.
                }
            }).ConfigureAwait(false);
        foreach (var path in paths)
            await RemoveTreeAsync(client, path, cancellationToken).ConfigureAwait(false);
        try
        {
            await client.DeleteDirectoryAsync(full, cancellationToken).ConfigureAwait(false);
        }
        catch (SftpPathNotFoundException)
        {
            // Removed meanwhile.
        }
    }

    public async Task PathCreateAsync(string path, CancellationToken cancellationToken = default)
    {
        var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
        await EnsurePathAsync(client, FullPath(path), cancellationToken).ConfigureAwait(false);
    }

    public Task LinkCreateAsync(string target, string linkPath, CancellationToken cancellationToken = default) =>
        throw new PgRestException(ErrorCode.FeatureNotSupported, $"{_settings.Prefix}-type=sftp does not support links ('{FullPath(linkPath)}')");

    private static async Task EnsurePathAsync(SftpClient client, string full, CancellationToken cancellationToken)
    {
        if (full.Length <= 1 || await ExistsAsync(client, full, cancellationToken).ConfigureAwait(false))
            return;
        await EnsurePathAsync(client, ParentOf(full), cancellationToken).ConfigureAwait(false);
        try
        {
            await client.CreateDirectoryAsync(full, cancellationToken).ConfigureAwait(false);
            client.ChangePermissions(full, PathMode);
        }
        catch (SftpException e)
        {
            // A parallel job may have created it first.
            if (!await ExistsAsync(client, full, cancellationToken).ConfigureAwait(false))
                throw new PgRestException(ErrorCode.PathCreate, $"unable to create path '{full}': {Describe(e)}");
        }
    }

    private static async Task<bool> ExistsAsync(SftpClient client, string full, CancellationToken cancellationToken)
    {
        try
        {
            return await client.ExistsAsync(full, cancellationToken).ConfigureAwait(false);
        }
        catch (SftpPermissionDeniedException)
        {
            return false;
        }
    }

    private static string ParentOf(string full)
    {
        var slash = full.LastIndexOf('/');
        return slash <= 0 ? "/" : full[..slash];
    }

    private static string NameOf(string full) => full[(full.LastIndexOf('/') + 1)..];

    private static StorageInfo Describe(string name, SftpFileAttributes attributes)
    {
        var type = attributes.IsDirectory ? StorageEntryType.Path : attributes.IsSymbolicLink ? StorageEntryType.Link : StorageEntryType.File;
        return new StorageInfo(name, type, type == StorageEntryType.File ? attributes.Size : 0, new DateTimeOffset(attributes.LastWriteTimeUtc, TimeSpan.Zero));
    }

    private static string Describe(SshException e) => e is SftpException sftp
        ? $"sftp error [{((int)sftp.StatusCode).ToString(CultureInfo.InvariantCulture)}] {e.Message.ToLowerInvariant()}"
        : e.Message;

    /// <summary>Runs an operation, connecting first; when the server dropped an idle connection, reconnects once (as
    /// pgBackRest 2.59 does).</summary>
    private async Task<T> WithReconnectAsync<T>(Func<SftpClient, Task<T>> operation, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await operation(client).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SshConnectionException or ObjectDisposedException || (e is SocketException && !client.IsConnected))
        {
            Log.Detail($"reconnect to lost sftp connection '{_settings.Endpoint}'");
            return await operation(await ClientAsync(cancellationToken, replace: client).ConfigureAwait(false)).ConfigureAwait(false);
        }
    }

    private async Task<SftpClient> ClientAsync(CancellationToken cancellationToken, SftpClient? replace = null)
    {
        var client = _client;
        if (client is { IsConnected: true } && client != replace)
            return client;
        await _connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_client is { IsConnected: true } current && current != replace)
                return current;
            _client?.Dispose();
            _client = null;
            _client = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            return _client;
        }
        finally
        {
            _connecting.Release();
        }
    }

    private async Task<SftpClient> ConnectAsync(CancellationToken cancellationToken)
    {
        Log.Timing("sftp: connecting");
        var key = LoadPrivateKey();
        Log.Timing("sftp: private key loaded");
        var connection = new ConnectionInfo(_settings.Host, _settings.Port, _settings.User, new PrivateKeyAuthenticationMethod(_settings.User, key))
        {
            Timeout = _settings.Timeout,
        };
        var knownHosts = _settings.Check is HostKeyCheck.Strict or HostKeyCheck.AcceptNew ? ReadKnownHosts() : [];
        Log.Timing("sftp: known hosts read");
        PreferFastKeyExchange(connection);
        PreferKnownKeyTypes(connection, KnownHosts.KeyTypesFor(knownHosts, _settings.Host, _settings.Port));
        // As pgBackRest: a host that refuses or drops the connection is retried, with growing waits, until io-timeout.
        var deadline = DateTime.UtcNow + _settings.Timeout;
        var wait = TimeSpan.FromMilliseconds(100);
        for (var retries = 0; ; retries++)
        {
            var client = new SftpClient(connection) { OperationTimeout = _settings.Timeout };
            _hostKeyProblem = null;
            client.HostKeyReceived += (_, e) => e.CanTrust = TrustHostKey(e.HostKey, knownHosts);
            try
            {
                await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
                Log.Timing("sftp: connected");
                return client;
            }
            catch (Exception e) when (e is SocketException or SshException or TimeoutException or IOException)
            {
                client.Dispose();
                var error = ConnectError(e);
                if (error.Code != ErrorCode.HostConnect || DateTime.UtcNow + wait >= deadline)
                    throw retries == 0 ? error : new PgRestException(error.Code, $"{error.Message}\n[HostConnectError] on {retries.ToString(CultureInfo.InvariantCulture)} retries");
                Log.Detail($"retry {(retries + 1).ToString(CultureInfo.InvariantCulture)} of sftp connect to '{_settings.Endpoint}': {e.Message}");
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    private PgRestException ConnectError(Exception e)
    {
        if (_hostKeyProblem is { } problem)
            return new PgRestException(ErrorCode.Service, problem);
        return e switch
        {
            SocketException socket => new PgRestException(ErrorCode.HostConnect,
                $"unable to connect to '{_settings.Endpoint}': [{socket.NativeErrorCode.ToString(CultureInfo.InvariantCulture)}] {socket.Message}"),
            IOException => new PgRestException(ErrorCode.HostConnect, $"unable to connect to '{_settings.Endpoint}': {e.Message}"),
            SshAuthenticationException => new PgRestException(ErrorCode.Service,
                $"public key authentication failed for user '{_settings.User}' on '{_settings.Endpoint}': {e.Message}\n"
                + $"HINT: is the public key of {_settings.Prefix}-sftp-private-key-file in the server's authorized keys of '{_settings.User}'?\n"
                + "HINT: check authorization log on the SFTP server"),
            SshOperationTimeoutException or TimeoutException => new PgRestException(ErrorCode.HostConnect,
                $"timeout connecting to '{_settings.Endpoint}' after {((long)_settings.Timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}ms\n"
                + "HINT: raise io-timeout if the server is slow to answer."),
            _ => new PgRestException(ErrorCode.Service, $"ssh handshake with '{_settings.Endpoint}' failed: {e.Message}"),
        };
    }

    /// <summary>Any failure to use the key is pgBackRest's authentication failure [101], with the reason spelled out.</summary>
    private PrivateKeyFile LoadPrivateKey()
    {
        var path = _settings.PrivateKeyFile;
        string reason;
        try
        {
            return _settings.PrivateKeyPassphrase is { Length: > 0 } passphrase ? new PrivateKeyFile(path, passphrase) : new PrivateKeyFile(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            reason = $"private key file '{path}' is missing";
        }
        catch (UnauthorizedAccessException)
        {
            reason = $"unable to open private key file '{path}' for read: permission denied";
        }
        catch (IOException e)
        {
            reason = $"unable to read private key file '{path}': {e.Message}";
        }
        catch (SshPassPhraseNullOrEmptyException)
        {
            reason = $"private key file '{path}' is encrypted\nHINT: set {_settings.Prefix}-sftp-private-key-passphrase.";
        }
        catch (Exception e) when (e is SshException or CryptographicException or ArgumentException or FormatException or InvalidOperationException)
        {
            // SSH.NET says neither whether the passphrase or the format is wrong: the hint names both.
            reason = $"unable to load private key file '{path}': {e.Message}\n"
                + $"HINT: is it an OpenSSH, PEM or PuTTY private key, and {_settings.Prefix}-sftp-private-key-passphrase its passphrase?";
        }

        throw new PgRestException(ErrorCode.Service, "public key authentication failed: " + reason);
    }

    private List<string> ReadKnownHosts()
    {
        var lines = new List<string>();
        foreach (var file in _settings.KnownHostFiles)
        {
            try
            {
                lines.AddRange(File.ReadAllLines(file));
                Log.Detail($"read known hosts file '{file}'");
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                // OpenSSH's default files need not exist.
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Log.Detail($"unable to read known hosts file '{file}': {e.Message}");
            }
        }

        return lines;
    }

    /// <summary>Decides on the server's key; a refusal is kept to be the connect error, since SSH.NET only says the
    /// key exchange failed.</summary>
    private bool TrustHostKey(byte[] hostKey, List<string> knownHosts)
    {
        Log.Timing("sftp: host key received");
        var host = _settings.Host;
        var check = _settings.CheckName;
        switch (_settings.Check)
        {
            case HostKeyCheck.None:
                return true;
            case HostKeyCheck.Fingerprint:
            {
                var actual = Fingerprint(hostKey, _settings.HashType);
                if (actual == _settings.Fingerprint)
                    return true;
                _hostKeyProblem = $"host [{actual}] and configured fingerprint (repo-sftp-host-fingerprint) [{_settings.Fingerprint}] do not match";
                return false;
            }
        }

        var match = KnownHosts.Check(knownHosts, host, _settings.Port, hostKey);
        if (match == KnownHostMatch.Match)
            return true;
        var searched = string.Join(", ", _settings.KnownHostFiles.Select(file => "'" + file + "'"));
        if (match == KnownHostMatch.NotFound && _settings.Check == HostKeyCheck.AcceptNew)
            return AddKnownHost(hostKey);
        _hostKeyProblem = match switch
        {
            KnownHostMatch.NotFound =>
                $"known hosts failure: '{host}' not found in known hosts files: check type [{check}]\n"
                + $"HINT: the files searched were {searched}.\n"
                + $"HINT: check the server's key, then add it, e.g. with ssh-keyscan -p {_settings.Port.ToString(CultureInfo.InvariantCulture)} {host} >> ~/.ssh/known_hosts, or set {_settings.Prefix}-sftp-host-key-check-type=accept-new.",
            KnownHostMatch.Revoked => $"known hosts failure: '{host}' key is marked @revoked in known hosts files: check type [{check}]",
            // pgBackRest puts a colon after the host for accept-new only; kept, so that log searches find both.
            _ => $"known hosts failure: '{host}'{(_settings.Check == HostKeyCheck.AcceptNew ? ":" : "")} mismatch in known hosts files: check type [{check}]\n"
                 + $"HINT: the server's host key is not the one in {searched}: it changed, or another host answers.",
        };
        return false;
    }

    private bool AddKnownHost(byte[] hostKey)
    {
        var file = SftpSettings.ExpandHome("~/.ssh/known_hosts");
        Log.Warn($"host '{_settings.Host}' not found in known hosts files, attempting to add host to '{file}'");
        try
        {
            var directory = Path.GetDirectoryName(file)!;
            if (!Directory.Exists(directory))
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var line = KnownHosts.Line(KnownHosts.NameFor(_settings.Host, _settings.Port), hostKey, "Generated from pgrest") + "\n";
            var existed = File.Exists(file);
            File.AppendAllText(file, line);
            if (!existed)
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Log.Warn($"pgrest added new host '{_settings.Host}' to '{file}'");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // As pgBackRest: the key was accepted for this connection; only remembering it failed.
            Log.Warn($"pgrest unable to write '{file}' for update: {e.Message}\nHINT: does '{file}' exist with proper permissions?");
        }

        return true;
    }

    /// <summary>Lowercase hex of the hash of the host key blob, as <c>repo-sftp-host-fingerprint</c> holds it.</summary>
    public static string Fingerprint(ReadOnlySpan<byte> hostKey, string hashType) => Convert.ToHexStringLower(hashType switch
    {
        "md5" => MD5.HashData(hostKey),
        "sha256" => SHA256.HashData(hostKey),
        _ => SHA1.HashData(hostKey),
    });

    /// <summary>Asks first for the host key types known_hosts has for this host, as OpenSSH's client does, so that a
    /// server with several host keys is checked against the one the DBA recorded.</summary>
    private static void PreferKnownKeyTypes(ConnectionInfo connection, IReadOnlyList<string> knownTypes) =>
        MoveToFront(connection.HostKeyAlgorithms, algorithm => knownTypes.Any(type => AlgorithmUsesKeyType(algorithm, type)) ? 0 : null);

    /// <summary>ML-KEM hybrid first where the server has it (OpenSSH 9.9+), then curve25519 (what libssh2, and so
    /// pgBackRest, uses): SSH.NET's own order puts sntrup761 before curve25519, and its managed sntrup761 costs about
    /// 65 ms of CPU per connection, which archive_command pays for every WAL segment.</summary>
    private static void PreferFastKeyExchange(ConnectionInfo connection)
    {
        string[] first = ["mlkem768x25519-sha256", "curve25519-sha256", "curve25519-sha256@libssh.org"];
        MoveToFront(connection.KeyExchangeAlgorithms, algorithm => Array.IndexOf(first, algorithm) is >= 0 and var rank ? rank : null);
    }

    /// <summary>Reorders one of SSH.NET's algorithm tables (whose order is the client's preference): the entries
    /// <paramref name="rank"/> gives a rank come first, by rank, the others after them in their own order.</summary>
    private static void MoveToFront<T>(IDictionary<string, T> algorithms, Func<string, int?> rank)
    {
        var ordered = algorithms.Select((pair, position) => (Pair: pair, Rank: rank(pair.Key), Position: position))
            .OrderBy(entry => entry.Rank ?? int.MaxValue).ThenBy(entry => entry.Position).Select(entry => entry.Pair).ToList();
        algorithms.Clear();
        foreach (var pair in ordered)
            algorithms.Add(pair.Key, pair.Value);
    }

    private static bool AlgorithmUsesKeyType(string algorithm, string keyType) =>
        algorithm == keyType || (keyType == "ssh-rsa" && algorithm is "rsa-sha2-512" or "rsa-sha2-256");

    public void Dispose()
    {
        _client?.Dispose();
        _connecting.Dispose();
    }

    /// <summary>Reads of one remote file; SSH.NET's errors become pgBackRest's read error.</summary>
    private sealed class SftpReadStream(SftpFileStream inner, string path) : ReadOnlyStream
    {
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            try
            {
                return inner.Read(buffer);
            }
            catch (SshException e)
            {
                throw new PgRestException(ErrorCode.FileRead, $"unable to read '{path}': {Describe(e)}");
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (SshException e)
            {
                throw new PgRestException(ErrorCode.FileRead, $"unable to read '{path}': {Describe(e)}");
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            GC.SuppressFinalize(this);
        }
    }

    /// <summary>A write through a temp name, renamed over the destination on commit (posix-rename@openssh.com, which
    /// replaces atomically; without it, the destination is removed first as pgBackRest does).</summary>
    private sealed class SftpWriteStream(SftpClient client, SftpFileStream inner, string temp, string path) : StorageWriteStream
    {
        private bool _committed;
        private bool _closed;

        public override void Flush() { }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            try
            {
                inner.Write(buffer);
            }
            catch (SshException e)
            {
                throw new PgRestException(ErrorCode.FileWrite, $"unable to write '{temp}': {Describe(e)}");
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (SshException e)
            {
                throw new PgRestException(ErrorCode.FileWrite, $"unable to write '{temp}': {Describe(e)}");
            }
        }

        public override async Task CommitAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
                await inner.DisposeAsync().ConfigureAwait(false);
                _closed = true;
            }
            catch (SshException e)
            {
                throw new PgRestException(ErrorCode.FileClose, $"unable to close file '{temp}' after write: {Describe(e)}");
            }

            try
            {
                client.RenameFile(temp, path, isPosix: true);
            }
            catch (Exception e) when (e is NotSupportedException or SftpException)
            {
                try
                {
                    await client.DeleteFileAsync(path, cancellationToken).ConfigureAwait(false);
                }
                catch (SftpPathNotFoundException)
                {
                    // Nothing to replace.
                }
                catch (SftpException removeError)
                {
                    throw new PgRestException(ErrorCode.FileRemove, $"unable to move '{temp}' to '{path}': {Describe(removeError)}");
                }

                try
                {
                    await client.RenameFileAsync(temp, path, cancellationToken).ConfigureAwait(false);
                }
                catch (SftpException renameError)
                {
                    throw new PgRestException(ErrorCode.FileClose, $"unable to move '{temp}' to '{path}': {Describe(renameError)}");
                }
            }

            _committed = true;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                DisposeAsync().AsTask().GetAwaiter().GetResult();
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            if (!_closed)
            {
                _closed = true;
                try
                {
                    await inner.DisposeAsync().ConfigureAwait(false);
                }
                catch (SshException)
                {
                    // The connection is gone; the temp name is never read as data.
                }
            }

            if (!_committed)
            {
                _committed = true;
                try
                {
                    await client.DeleteFileAsync(temp, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (e is SshException or ObjectDisposedException or InvalidOperationException)
                {
                    // A leftover temp name is never read as data; the next write uses a new one.
                }
            }

            GC.SuppressFinalize(this);
        }
    }
}
