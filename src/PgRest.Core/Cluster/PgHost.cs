using System.Security.Cryptography;
using PgRest.Commands.Backup;
using PgRest.Common;
using PgRest.Postgres;

namespace PgRest.Cluster;

/// <summary>
/// Where a PostgreSQL cluster's files and server are: this host, or a database host reached through pgrest running
/// there (<c>pgN-host</c>). Backup, check and the stanza commands read pg_control, scan and copy PGDATA and open their
/// database session through it; the work on the files (page checksums, SHA-1, compression) is done where they are.
/// </summary>
public interface IPgHost
{
    /// <summary>The host's name for messages; null for this host.</summary>
    string? Name { get; }

    /// <summary><c>&lt;pgPath&gt;/global/pg_control</c>, with PgControl.Read's errors.</summary>
    Task<PgControl> ReadControlAsync(string pgPath, CancellationToken cancellationToken);

    Task<bool> FileExistsAsync(string path, CancellationToken cancellationToken);

    Task<DataDirectoryScan> ScanAsync(ScanRequest request, CancellationToken cancellationToken);

    /// <summary>SHA-1 of a file as it is now; null when it is missing.</summary>
    Task<string?> Sha1Async(string path, CancellationToken cancellationToken);

    /// <summary>
    /// Copies one file (its first <paramref name="sizeLimit"/> bytes) into <paramref name="destination"/>, stored as
    /// <paramref name="store"/> says, its pages checked when <paramref name="checkPages"/>; a missing file is
    /// <see cref="BackupFileResult.Missing"/> and writes nothing.
    /// </summary>
    Task<BackupFileResult> CopyIntoAsync(string path, long sizeLimit, bool checkPages, Stream destination, StoreAs store, CancellationToken cancellationToken);

    /// <summary>A database session with the cluster's server, as <paramref name="options"/> reach it on that host.</summary>
    Task<DbClient> ConnectAsync(DbConnectionOptions options, CancellationToken cancellationToken);
}

/// <summary>The cluster on this host: its files read directly, its server on a local socket.</summary>
public sealed class LocalPgHost : IPgHost
{
    public static readonly LocalPgHost Instance = new();

    private LocalPgHost()
    {
    }

    public string? Name => null;

    public Task<PgControl> ReadControlAsync(string pgPath, CancellationToken cancellationToken) => Task.FromResult(PgControl.Read(pgPath));

    public Task<bool> FileExistsAsync(string path, CancellationToken cancellationToken) => Task.FromResult(File.Exists(path));

    public Task<DataDirectoryScan> ScanAsync(ScanRequest request, CancellationToken cancellationToken) => Task.FromResult(DataDirectoryScan.Run(request));

    public async Task<string?> Sha1Async(string path, CancellationToken cancellationToken)
    {
        var stream = BackupFileCopier.TryOpen(path);
        if (stream is null)
            return null;
        await using (stream.ConfigureAwait(false))
            return Convert.ToHexStringLower(await SHA1.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
    }

    public async Task<BackupFileResult> CopyIntoAsync(string path, long sizeLimit, bool checkPages, Stream destination, StoreAs store, CancellationToken cancellationToken)
    {
        var source = BackupFileCopier.TryOpen(path);
        if (source is null)
            return BackupFileResult.MissingFile;
        await using (source.ConfigureAwait(false))
        {
            var sink = store.Open(destination);
            await using (sink.ConfigureAwait(false))
                return await BackupFileCopier.CopyIntoAsync(source, sizeLimit, checkPages, sink, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<DbClient> ConnectAsync(DbConnectionOptions options, CancellationToken cancellationToken) => DbClient.ConnectAsync(options, cancellationToken);
}
