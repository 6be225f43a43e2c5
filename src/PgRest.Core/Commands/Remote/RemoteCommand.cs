using Microsoft.Win32.SafeHandles;
using PgRest.Cluster;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Remote;
using PgRest.Storage;
using PgRest.Storage.Posix;

namespace PgRest.Commands.Remote;

/// <summary>
/// The <c>remote</c> command: what another host's pgrest starts here over SSH. With remote-type=repo
/// (<c>repoN-host</c>) it serves this host's repository <c>--repo</c>, configured in this host's own configuration
/// file; with remote-type=pg (<c>pgN-host</c>) this host's PostgreSQL cluster, whose paths and socket each request
/// names. Over stdin and stdout until the client is done. Not for users: help does not list it.
/// </summary>
internal static class RemoteCommand
{
    public static async Task<int> RunAsync(CommandContext context)
    {
        var config = context.Config;
        var index = config.IsSet(Options.Repo) ? (int)config.Get(Options.Repo) : 1;
        var input = new FileStream(new SafeFileHandle(0, ownsHandle: false), FileAccess.Read, bufferSize: 0);
        var output = new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        // The stanza and repository were given on the command line; the open request only says whether to send the cipher.
        var servesPg = config.Find(Options.RemoteType) is "pg";
        var server = new RemoteServer(request =>
        {
            if (request.Pg != servesPg)
                throw new PgRestException(ErrorCode.Protocol, $"this remote was started to serve a {(servesPg ? "PostgreSQL host" : "repository")}, the client asked for a {(request.Pg ? "PostgreSQL host" : "repository")}");
            return servesPg ? OpenPg() : OpenRepo(config, index, request.WantCipher, request.Lock);
        }, input, output);
        await server.RunAsync(context.Cancellation).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Repository <paramref name="index"/> of this host's configuration, as a remote serves it, with the
    /// client command's lock taken here too (in this host's lock-path) when it asks.</summary>
    public static RemoteSession OpenRepo(Configuration config, int index, bool wantCipher, CommandLockType hostLock)
    {
        if (config.Find(Options.RepoHost, index) is { } host)
        {
            throw new PgRestException(ErrorCode.HostInvalid, $"repo{index} is on host '{host}' in this host's configuration too"
                + "\nHINT: the repository host's own configuration must name a local repository (repo-path), not another host.");
        }

        var path = config.Get(Options.RepoPath, index);
        var storage = CrashPointStorage.WrapWhenEnabled(StorageFactory.Create(config, index, path));
        var identity = Identity(config, index, path, storage, wantCipher);
        var held = hostLock == CommandLockType.None ? null : Control.LockFile.Acquire(config, config.Stanza
            ?? throw new PgRestException(ErrorCode.OptionRequired, "remote command requires option: stanza"), hostLock);
        return new RemoteSession(storage, identity, held);
    }

    /// <summary>
    /// This host's cluster files and its PostgreSQL server, for a repository host's backup: any path this user may
    /// read (over SSH, whose client could log in anyway), or only those of <paramref name="clusters"/> (the TLS
    /// server, which serves the stanza's configured clusters to clients with a certificate).
    /// </summary>
    public static RemoteSession OpenPg(IReadOnlyList<ServedCluster>? clusters = null)
    {
        var storage = new PosixStorage("/");
        return new RemoteSession(storage, new RemoteRepoIdentity(storage.Features, "/", null, null), ServesPg: true,
            PgPolicy: clusters is null ? null : new PgServePolicy(clusters));
    }

    private static RemoteRepoIdentity Identity(Configuration config, int index, string path, IStorage storage, bool wantCipher)
    {
        if (!wantCipher)
            return new RemoteRepoIdentity(storage.Features, path, null, null);
        var cipherType = config.Get(Options.RepoCipherType, index);
        if (cipherType == "none")
            return new RemoteRepoIdentity(storage.Features, path, cipherType, null);
        var pass = config.Find(Options.RepoCipherPass, index);
        if (string.IsNullOrEmpty(pass))
            throw new PgRestException(ErrorCode.OptionRequired, $"remote command requires option: {Options.RepoCipherPass.IndexedName(index)}");
        return new RemoteRepoIdentity(storage.Features, path, cipherType, pass);
    }
}
