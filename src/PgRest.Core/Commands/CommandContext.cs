using PgRest.Cluster;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Repository;
using PgRest.Storage;

namespace PgRest.Commands;

/// <summary>What every command gets: the resolved configuration, its repositories, cancellation.</summary>
public sealed class CommandContext : IAsyncDisposable
{
    private readonly List<PgRest.Remote.RemoteStorage> _remotes = [];
    private readonly Dictionary<int, IPgHost> _pgHosts = [];
    private IReadOnlyList<Repo>? _repos;

    public CommandContext(Configuration config, CancellationToken cancellation)
    {
        Config = config;
        Cancellation = cancellation;
    }

    public Configuration Config { get; }

    public CancellationToken Cancellation { get; }

    /// <summary>The lock this command holds here, taken on a repository host too (pgBackRest 2.55's remote lock).</summary>
    public CommandLockType RepositoryHostLock { get; init; }

    public string Stanza => Config.Stanza ?? throw new PgRestException(ErrorCode.OptionRequired,
        $"{Config.Command} command requires option: stanza\nHINT: does this stanza exist?");

    /// <summary>The repositories this command works on: the one named by <c>--repo</c>, or all configured ones.</summary>
    public IReadOnlyList<Repo> Repos => _repos ??= OpenRepos();

    /// <summary>The repository a single-repo command (backup, expire) writes to: <c>--repo</c>, else the first.</summary>
    public Repo TargetRepo => Repos[0];

    public bool RepoSelected => Config.Accepts(Options.Repo) && Config.IsSet(Options.Repo);

    private IReadOnlyList<Repo> OpenRepos()
    {
        var indexes = Config.RepoIndexes;
        if (Config.Accepts(Options.Repo) && Config.IsSet(Options.Repo))
        {
            var selected = (int)Config.Get(Options.Repo);
            var configured = false;
            foreach (var index in indexes)
                configured |= index == selected;
            if (!configured)
                throw new PgRestException(ErrorCode.OptionInvalidValue, $"option 'repo' is {selected} but repo{selected} is not configured");
            return [OpenRepo(selected)];
        }

        var repos = new Repo[indexes.Count];
        for (var position = 0; position < repos.Length; position++)
            repos[position] = OpenRepo(indexes[position]);
        return repos;
    }

    private Repo OpenRepo(int index)
    {
        if (Config.Accepts(Options.RepoHost) && Config.Find(Options.RepoHost, index) is not null)
            return OpenRemoteRepo(index);
        var path = Config.Get(Options.RepoPath, index);
        return new Repo(index, CrashPointStorage.WrapWhenEnabled(StorageFactory.Create(Config, index, path)), path, LocalCipherPass(index));
    }

    /// <summary>
    /// Repository N on its own host: the storage is pgrest running there. Its passphrase comes from this host's
    /// configuration when set here, otherwise from the repository host's (asked over the connection, as pgBackRest does).
    /// </summary>
    private Repo OpenRemoteRepo(int index)
    {
        var storage = Config.Get(Options.RepoHostType, index) == "tls"
            ? PgRest.Remote.TlsTransport.RepoStorage(Config, index, RepositoryHostLock)
            : PgRest.Remote.SshTransport.RepoStorage(Config, index, RepositoryHostLock);
        _remotes.Add(storage);
        var cipherPass = Config.Get(Options.RepoCipherType, index) != "none"
            ? new Lazy<string?>(LocalCipherPass(index))
            : new Lazy<string?>(() => storage.Identity.CipherType is "none" or null ? null : storage.Identity.CipherPass);
        return new Repo(index, CrashPointStorage.WrapWhenEnabled(storage), new Lazy<string>(() => storage.Identity.RepoPath), cipherPass);
    }

    /// <summary>This host's passphrase of repository N; null when it is not encrypted.</summary>
    private string? LocalCipherPass(int index)
    {
        if (Config.Get(Options.RepoCipherType, index) == "none")
            return null;
        var cipherPass = Config.Find(Options.RepoCipherPass, index);
        if (string.IsNullOrEmpty(cipherPass))
            throw new PgRestException(ErrorCode.OptionRequired,
                $"{Config.Command} command requires option: {Options.RepoCipherPass.IndexedName(index)}\nHINT: set the passphrase in the configuration file or in {Options.RepoCipherPass.Definition.EnvironmentName(index)}.");
        return cipherPass;
    }

    /// <summary>The <c>pg1-path</c> (data directory) of the stanza.</summary>
    public string PgPath => Config.Find(Options.PgPath, 1) ?? throw new PgRestException(ErrorCode.OptionRequired,
        $"{Config.Command} command requires option: pg1-path");

    /// <summary>
    /// Where cluster pgN is: this host, or (<c>pgN-host</c>) the database host, reached through pgrest started there
    /// over SSH or through its <c>pgrest server</c> over TLS; one per index for the life of the command.
    /// </summary>
    public IPgHost PgHost(int index)
    {
        if (!Config.Accepts(Options.PgHost) || Config.Find(Options.PgHost, index) is null)
            return LocalPgHost.Instance;
        lock (_pgHosts)
        {
            if (_pgHosts.TryGetValue(index, out var known))
                return known;
            var storage = Config.Get(Options.PgHostType, index) == "tls"
                ? PgRest.Remote.TlsTransport.PgStorage(Config, index)
                : PgRest.Remote.SshTransport.PgStorage(Config, index);
            _remotes.Add(storage);
            var host = new PgRest.Remote.RemotePgHost(storage, Config.Get(Options.PgHost, index));
            _pgHosts[index] = host;
            return host;
        }
    }

    /// <summary>Ends the connections to repository and database hosts (each remote exits when told, rather than on a broken pipe).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var remote in _remotes)
            await remote.DisposeAsync().ConfigureAwait(false);
        _remotes.Clear();
    }
}
