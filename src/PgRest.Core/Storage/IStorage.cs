namespace PgRest.Storage;

/// <summary>What a driver can do beyond the basics; callers branch on these, never on the driver type.</summary>
[Flags]
public enum StorageFeatures
{
    None = 0,
    /// <summary>Paths exist on their own (posix); object stores have only key prefixes.</summary>
    Path = 1,
    /// <summary>Symbolic links can be created (the informational <c>latest</c> link).</summary>
    Symlink = 2,

    /// <summary>A write may be given its final name when it is committed (<see cref="StorageWriteStream.CommitAsAsync"/>):
    /// posix renames its temp file there. Object stores name an upload when it starts.</summary>
    NameAtCommit = 4,
}

public enum StorageEntryType { File, Path, Link }

/// <summary>One entry of a listing or a stat. <see cref="Name"/> is relative to the listed path.</summary>
public sealed record StorageInfo(string Name, StorageEntryType Type, long Size, DateTimeOffset ModifiedTime, string? LinkDestination = null);

/// <summary>
/// A repository storage: a small interface (read a range, write atomically, stat, list, remove) that every driver
/// implements and one conformance suite checks. Paths are repository-relative with '/' separators.
/// </summary>
public interface IStorage
{
    StorageFeatures Features { get; }

    /// <summary>Opens a file for reading from <paramref name="offset"/>, at most <paramref name="length"/> bytes.
    /// Returns null when the file is missing and <paramref name="ignoreMissing"/> is set; otherwise a missing file
    /// throws FileMissingError.</summary>
    Task<Stream?> OpenReadAsync(string path, long offset = 0, long? length = null, bool ignoreMissing = false, CancellationToken cancellationToken = default);

    /// <summary>Opens a file for writing. Nothing is visible at <paramref name="path"/> until
    /// <see cref="StorageWriteStream.CommitAsync"/>; disposing without commit leaves nothing behind.
    /// <paramref name="durable"/> false skips the per-file flush for bulk writes (backup files) that the caller makes
    /// durable at once with <see cref="SyncAsync"/> before anything refers to them.</summary>
    Task<StorageWriteStream> OpenWriteAsync(string path, bool durable = true, CancellationToken cancellationToken = default);

    /// <summary>Makes every write so far durable (posix: one syncfs); object stores are durable per write.</summary>
    Task SyncAsync(CancellationToken cancellationToken = default);

    /// <summary>Stat; null when missing.</summary>
    Task<StorageInfo?> InfoAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Entries directly below <paramref name="path"/> (not recursive). Empty when the path is missing.</summary>
    IAsyncEnumerable<StorageInfo> ListAsync(string path, CancellationToken cancellationToken = default);

    Task RemoveAsync(string path, bool errorOnMissing = false, CancellationToken cancellationToken = default);

    /// <summary>Removes a path and everything below it.</summary>
    Task PathRemoveAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Creates a path (posix) and its parents; a no-op for object stores.</summary>
    Task PathCreateAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces a symbolic link when <see cref="StorageFeatures.Symlink"/> is set.</summary>
    Task LinkCreateAsync(string target, string linkPath, CancellationToken cancellationToken = default);
}

/// <summary>A write that becomes visible only on commit (posix: temp file, fsync, rename, directory fsync).</summary>
public abstract class StorageWriteStream : Stream
{
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Makes the written bytes durable and visible at the destination path.</summary>
    public abstract Task CommitAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="CommitAsync"/>, at <paramref name="path"/> instead of the path the write was opened with (in the
    /// same directory), for a name known only once the content was read (a WAL segment's SHA-1). Only where
    /// <see cref="StorageFeatures.NameAtCommit"/> is set.
    /// </summary>
    public virtual Task CommitAsAsync(string path, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("this storage names a write when it opens");
}
