using System.Runtime.CompilerServices;
using PgRest.Errors;

namespace PgRest.Storage.Object;

/// <summary>An object (or a common prefix when <see cref="IsPrefix"/>) found by a listing; <see cref="Key"/> is the full key.</summary>
public readonly record struct ObjectEntry(string Key, bool IsPrefix, long Size, DateTimeOffset Modified);

/// <summary>
/// The part of <see cref="IStorage"/> that every object store (S3, Azure, GCS) shares: keys under the repository path,
/// paths as key prefixes, uploads that become visible only on commit (single PUT, or a multipart/block/resumable
/// upload for files over the chunk size), reads that resume after a dropped connection. A driver supplies the
/// handful of service calls below; it pages listings to the end and retries transient failures itself.
/// </summary>
public abstract class ObjectStorage : IStorage
{
    private const int DeleteBatch = 1000;

    private readonly string _root;

    /// <param name="root">The repository path (<c>repoN-path</c>); keys are this path without its leading '/'.</param>
    /// <param name="uploadChunkSize">Files up to this size are sent in one request; larger ones in parts of this size.</param>
    protected ObjectStorage(string root, int uploadChunkSize)
    {
        _root = root.Trim('/');
        UploadChunkSize = uploadChunkSize;
    }

    public StorageFeatures Features => StorageFeatures.None;

    public int UploadChunkSize { get; }

    /// <summary>Keys asked for per listing request (the services' maximum); tests lower it to exercise paging.</summary>
    public int ListPageSize { get; set; } = 1000;

    /// <summary>How a path appears in messages: the repository path as the user configured it.</summary>
    public string Display(string path) => "/" + Key(path);

    /// <summary>The object key of a repository-relative path ('' for the repository root).</summary>
    public string Key(string path)
    {
        path = path.Trim('/');
        if (_root.Length == 0)
            return path;
        return path.Length == 0 ? _root : _root + "/" + path;
    }

    // ---- what a driver implements ----

    /// <summary>Size and time of one object; null when it does not exist.</summary>
    protected abstract Task<ObjectEntry?> HeadObjectAsync(string key, CancellationToken cancellationToken);

    /// <summary>The body of an object from <paramref name="offset"/> (at most <paramref name="length"/> bytes); null when missing.</summary>
    protected abstract Task<Stream?> GetObjectAsync(string key, long offset, long? length, CancellationToken cancellationToken);

    /// <summary>Objects whose key starts with <paramref name="prefix"/>; unless <paramref name="recursive"/>, keys with a
    /// further '/' are folded into one prefix entry (its key ends with '/'). Pages to the end.</summary>
    protected abstract IAsyncEnumerable<ObjectEntry> ListObjectsAsync(string prefix, bool recursive, CancellationToken cancellationToken);

    /// <summary>Deletes up to 1000 objects (batch delete where the service has one); a missing object is not an error.</summary>
    protected abstract Task DeleteObjectsAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken);

    /// <summary>Writes a whole object in one request.</summary>
    protected abstract Task PutObjectAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>Starts an upload in parts; nothing is visible at <paramref name="key"/> until it completes.</summary>
    protected abstract Task<ObjectUpload> BeginUploadAsync(string key, CancellationToken cancellationToken);

    // ---- IStorage ----

    public async Task<Stream?> OpenReadAsync(string path, long offset = 0, long? length = null, bool ignoreMissing = false, CancellationToken cancellationToken = default)
    {
        var key = Key(path);
        var body = await GetObjectAsync(key, offset, length, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            if (ignoreMissing)
                return null;
            throw new PgRestException(ErrorCode.FileMissing, $"unable to open missing file '{Display(path)}' for read");
        }

        return new ResumingReadStream(body, offset, length, (resumeAt, remaining, token) => GetObjectAsync(key, resumeAt, remaining, token));
    }

    public Task<StorageWriteStream> OpenWriteAsync(string path, bool durable = true, CancellationToken cancellationToken = default) =>
        Task.FromResult<StorageWriteStream>(new ObjectWriteStream(this, Key(path), UploadChunkSize));

    /// <summary>Object stores make each write durable before answering.</summary>
    public Task SyncAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public async Task<StorageInfo?> InfoAsync(string path, CancellationToken cancellationToken = default)
    {
        var key = Key(path);
        var name = key.Length == 0 ? "" : key[(key.LastIndexOf('/') + 1)..];
        if (key.Length > 0 && await HeadObjectAsync(key, cancellationToken).ConfigureAwait(false) is { } head)
            return new StorageInfo(name, StorageEntryType.File, head.Size, head.Modified);

        // A path exists while anything is stored below it.
        await foreach (var _ in ListObjectsAsync(key.Length == 0 ? "" : key + "/", recursive: false, cancellationToken).ConfigureAwait(false))
            return new StorageInfo(name, StorageEntryType.Path, 0, DateTimeOffset.UnixEpoch);
        return null;
    }

    public async IAsyncEnumerable<StorageInfo> ListAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var key = Key(path);
        var prefix = key.Length == 0 ? "" : key + "/";
        await foreach (var entry in ListObjectsAsync(prefix, recursive: false, cancellationToken).ConfigureAwait(false))
        {
            var name = entry.Key[prefix.Length..].TrimEnd('/');
            // Skip folder markers (a zero-length object named like the prefix), written by some tools and consoles.
            if (name.Length == 0)
                continue;
            yield return entry.IsPrefix
                ? new StorageInfo(name, StorageEntryType.Path, 0, DateTimeOffset.UnixEpoch)
                : new StorageInfo(name, StorageEntryType.File, entry.Size, entry.Modified);
        }
    }

    public async Task RemoveAsync(string path, bool errorOnMissing = false, CancellationToken cancellationToken = default)
    {
        var key = Key(path);
        if (errorOnMissing && await HeadObjectAsync(key, cancellationToken).ConfigureAwait(false) is null)
            throw new PgRestException(ErrorCode.FileRemove, $"unable to remove '{Display(path)}': file is missing");
        await DeleteObjectsAsync([key], cancellationToken).ConfigureAwait(false);
    }

    public async Task PathRemoveAsync(string path, CancellationToken cancellationToken = default)
    {
        var key = Key(path);
        var batch = new List<string>(DeleteBatch);
        await foreach (var entry in ListObjectsAsync(key.Length == 0 ? "" : key + "/", recursive: true, cancellationToken).ConfigureAwait(false))
        {
            batch.Add(entry.Key);
            if (batch.Count == DeleteBatch)
            {
                await DeleteObjectsAsync(batch, cancellationToken).ConfigureAwait(false);
                batch = new List<string>(DeleteBatch);
            }
        }

        if (batch.Count > 0)
            await DeleteObjectsAsync(batch, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Paths are implied by keys.</summary>
    public Task PathCreateAsync(string path, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task LinkCreateAsync(string target, string linkPath, CancellationToken cancellationToken = default) =>
        throw new PgRestException(ErrorCode.Assert, "object stores have no symbolic links");

    internal Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        PutObjectAsync(key, content, cancellationToken);

    internal Task<ObjectUpload> BeginAsync(string key, CancellationToken cancellationToken) =>
        BeginUploadAsync(key, cancellationToken);
}

/// <summary>An upload in parts (S3 multipart, Azure blocks, GCS resumable session).</summary>
public abstract class ObjectUpload
{
    /// <summary>Sends part <paramref name="partNumber"/> (1-based, in order); every part but the last is a full chunk.</summary>
    public abstract Task PutPartAsync(int partNumber, ReadOnlyMemory<byte> content, bool last, CancellationToken cancellationToken);

    /// <summary>Makes the object visible with every part sent so far.</summary>
    public abstract Task CompleteAsync(CancellationToken cancellationToken);

    /// <summary>Abandons the upload (best effort: a service that cannot abort never shows the parts as an object).</summary>
    public abstract Task AbortAsync(CancellationToken cancellationToken);
}
