using System.Text;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Storage;

namespace PgRest.Remote;

/// <summary>The operations a client asks of a remote; the first byte of every request.</summary>
public enum RemoteOperation : byte
{
    Open = 1,
    Info = 2,
    List = 3,
    Read = 4,
    Write = 5,
    Remove = 6,
    PathRemove = 7,
    PathCreate = 8,
    LinkCreate = 9,
    Sync = 10,
    Exit = 11,
    Noop = 12,

    // A database host's (remote-type=pg): what a backup run on a repository host needs of the cluster.
    PgControl = 13,
    PgFileExists = 14,
    PgScan = 15,
    PgSha1 = 16,
    PgBackupFile = 17,
    DbRelay = 18,
}

/// <summary>
/// pgrest's own protocol between two pgrest processes (not pgBackRest's, which requires an exact pgBackRest version on
/// both ends): a greeting line, then frames. Both ends must be the same pgrest version, as with pgBackRest.
/// </summary>
public static class RemoteProtocol
{
    /// <summary>Bumped whenever a frame or an operation changes; the greeting carries it beside the product version.</summary>
    public const int Version = 2;

    public const string GreetingPrefix = "pgrest-remote ";

    /// <summary>Bytes of file content per data frame.</summary>
    public const int DataChunk = 128 * 1024;

    /// <summary><c>protocol-timeout</c>: how long a client waits for the next message (its default where a command lacks it).</summary>
    public static TimeSpan Timeout(Configuration config) =>
        config.Accepts(Options.ProtocolTimeout) ? config.Get(Options.ProtocolTimeout) : TimeSpan.FromSeconds(1830);

    /// <summary>Whether to ask the repository host for its cipher settings: this host configures none for repo N.</summary>
    public static bool WantsCipher(Configuration config, int index) => config.Get(Options.RepoCipherType, index) == "none";

    public static byte[] Greeting() => Encoding.ASCII.GetBytes($"{GreetingPrefix}{Version} {PgRestVersion.Version}\n");

    /// <summary>Checks the greeting line a remote sent; <paramref name="name"/> names the remote in messages.</summary>
    public static void CheckGreeting(string line, string name)
    {
        if (!line.StartsWith(GreetingPrefix, StringComparison.Ordinal))
        {
            throw new PgRestException(ErrorCode.Protocol, $"{name} did not answer as pgrest: '{Printable(line)}'"
                + $"\nHINT: is {PgRestVersion.Executable} installed there, and does the login print nothing on stdout?");
        }

        var fields = line[GreetingPrefix.Length..].Split(' ');
        if (fields is not [var protocol, var version] || protocol != Version.ToString(System.Globalization.CultureInfo.InvariantCulture)
            || version != PgRestVersion.Version)
        {
            throw new PgRestException(ErrorCode.Protocol, $"{name} runs pgrest {(fields.Length > 1 ? fields[1] : "?")} (protocol "
                + $"{fields[0]}), this is pgrest {PgRestVersion.Version} (protocol {Version})"
                + "\nHINT: is the same version of pgrest installed on the local and remote host?");
        }
    }

    private static string Printable(string line)
    {
        var text = line.Length > 80 ? line[..80] + "..." : line;
        var printable = new StringBuilder(text.Length);
        foreach (var c in text)
            printable.Append(char.IsControl(c) ? '?' : c);
        return printable.ToString();
    }

    public static void WriteEntry(FrameBuilder frame, StorageInfo entry) =>
        frame.String(entry.Name).Byte((byte)entry.Type).Int64(entry.Size).Int64(entry.ModifiedTime.UtcTicks).String(entry.LinkDestination);

    public static StorageInfo ReadEntry(ref PayloadReader payload)
    {
        var name = payload.String();
        var type = (StorageEntryType)payload.Byte();
        var size = payload.Int64();
        var modified = new DateTimeOffset(payload.Int64(), TimeSpan.Zero);
        return new StorageInfo(name, type, size, modified, payload.NullableString());
    }
}

/// <summary>
/// The first request on a connection: which stanza and repository the client wants (the TLS server serves many; a
/// remote started over SSH was told on its command line), whether it wants the cipher settings, and the lock the
/// command holds on its side, to be taken on the repository host too for the life of the connection (backup, expire
/// and the stanza commands: pgBackRest 2.55's remote lock), so that a command there or on another database host
/// cannot run beside it. <paramref name="Pg"/> asks for the host's PostgreSQL cluster instead (pgN-host).
/// </summary>
public sealed record OpenRequest(bool WantCipher, string? Stanza, int Repo, CommandLockType Lock = CommandLockType.None, bool Pg = false);

/// <summary>What an opened connection serves: a storage, what to answer about it, and the lock held for it.</summary>
/// <param name="ServesPg">A database host's files and server (the pg operations), not a repository.</param>
/// <param name="PgPolicy">Which of this host's paths and servers the pg operations may reach; null for any (a remote
/// started over SSH, whose client could log in anyway).</param>
public sealed record RemoteSession(IStorage Storage, RemoteRepoIdentity Identity, IDisposable? Lock = null, bool ServesPg = false,
    Cluster.PgServePolicy? PgPolicy = null);

/// <summary>What a remote repository says of itself when a connection opens.</summary>
/// <param name="RepoPath">Its <c>repoN-path</c>, for messages.</param>
/// <param name="CipherType">Its <c>repoN-cipher-type</c>, sent only when asked (the local side has no cipher set).</param>
/// <param name="CipherPass">Its passphrase, likewise; it travels inside the SSH or TLS channel, never on a command line.</param>
public sealed record RemoteRepoIdentity(StorageFeatures Features, string RepoPath, string? CipherType, string? CipherPass);
