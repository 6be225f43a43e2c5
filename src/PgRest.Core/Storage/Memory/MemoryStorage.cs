using System.Runtime.CompilerServices;
using PgRest.Errors;

namespace PgRest.Storage.Memory;

/// <summary>
/// A repository held in memory, for tests of the code above <see cref="IStorage"/>. It behaves like an object store:
/// files are byte arrays keyed by their repository-relative path, a path exists while a file is stored below it, and
/// there are no symbolic links. Thread-safe; a write becomes visible only on commit.
/// </summary>
public sealed class MemoryStorage : IStorage
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<string, StoredFile> _files = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <param name="time">The clock for modified times; tests that look at times pass a fake one.</param>
    public MemoryStorage(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    public StorageFeatures Features => StorageFeatures.None;

    /// <summary>Every stored file, in ordinal order, for assertions on what a command left behind.</summary>
    public IReadOnlyList<string> Paths
    {
        get
        {
            lock (_lock)
                return [.. _files.Keys];
        }
    }

    public Task<Stream?> OpenReadAsync(string path, long offset = 0, long? length = null, bool ignoreMissing = false, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (length is { } limit)
            ArgumentOutOfRangeException.ThrowIfNegative(limit, nameof(length));
        var key = Key(path);
        var file = Find(key);
        if (file is null)
        {
            if (ignoreMissing)
                return Task.FromResult<Stream?>(null);
            throw new PgRestException(ErrorCode.FileMissing, $"unable to open missing file '{Display(key)}' for read");
        }

        // A committed array is never written again (an overwrite stores a new one), so the stream needs no copy.
        var content = file.Content;
        var start = (int)Math.Min(offset, content.Length);
        var count = (int)Math.Min(length ?? long.MaxValue, content.Length - start);
        return Task.FromResult<Stream?>(new MemoryStream(content, start, count, writable: false));
    }

    public Task<StorageWriteStream> OpenWriteAsync(string path, bool durable = true, CancellationToken cancellationToken = default) =>
        Task.FromResult<StorageWriteStream>(new MemoryWriteStream(this, Key(path)));

    /// <summary>Nothing to flush: a commit is as durable as this storage gets.</summary>
    public Task SyncAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<StorageInfo?> InfoAsync(string path, CancellationToken cancellationToken = default)
    {
        var key = Key(path);
        var name = key[(key.LastIndexOf('/') + 1)..];
        StorageInfo? result = null;
        lock (_lock)
        {
            // As in object stores, a path exists while anything is stored below it, and has no time of its own.
            if (key.Length > 0 && _files.TryGetValue(key, out var file))
                result = new StorageInfo(name, StorageEntryType.File, file.Content.Length, file.Modified);
            else if (_files.Keys.Any(stored => stored.StartsWith(Prefix(key), StringComparison.Ordinal)))
                result = new StorageInfo(name, StorageEntryType.Path, 0, DateTimeOffset.UnixEpoch);
        }

        return Task.FromResult(result);
    }

    public async IAsyncEnumerable<StorageInfo> ListAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var prefix = Prefix(Key(path));
        var entries = new List<StorageInfo>();
        lock (_lock)
        {
            string? lastPath = null;
            foreach (var (key, file) in _files)
            {
                if (!key.StartsWith(prefix, StringComparison.Ordinal))
                    continue;
                var rest = key[prefix.Length..];
                var slash = rest.IndexOf('/', StringComparison.Ordinal);
                if (slash < 0)
                {
                    entries.Add(new StorageInfo(rest, StorageEntryType.File, file.Content.Length, file.Modified));
                    continue;
                }

                // Keys are sorted, so every file below one sub-path comes in one run: report it once.
                var child = rest[..slash];
                if (child != lastPath)
                    entries.Add(new StorageInfo(child, StorageEntryType.Path, 0, DateTimeOffset.UnixEpoch));
                lastPath = child;
            }
        }

        foreach (var entry in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return entry;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    public Task RemoveAsync(string path, bool errorOnMissing = false, CancellationToken cancellationToken = default)
    {
        var key = Key(path);
        bool removed;
        lock (_lock)
            removed = _files.Remove(key);
        if (!removed && errorOnMissing)
            throw new PgRestException(ErrorCode.FileRemove, $"unable to remove '{Display(key)}': file is missing");
        return Task.CompletedTask;
    }

    public Task PathRemoveAsync(string path, CancellationToken cancellationToken = default)
    {
        var prefix = Prefix(Key(path));
        lock (_lock)
        {
            foreach (var key in _files.Keys.Where(key => key.StartsWith(prefix, StringComparison.Ordinal)).ToList())
                _files.Remove(key);
        }

        return Task.CompletedTask;
    }

    /// <summary>Paths are implied by the files below them.</summary>
    public Task PathCreateAsync(string path, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task LinkCreateAsync(string target, string linkPath, CancellationToken cancellationToken = default) =>
        throw new PgRestException(ErrorCode.Assert, "memory storage has no symbolic links");

    /// <summary>The key of a repository-relative path ('' for the repository root), as object stores form it.</summary>
    private static string Key(string path) => path.Trim('/');

    /// <summary>What every key below <paramref name="key"/> starts with.</summary>
    private static string Prefix(string key) => key.Length == 0 ? "" : key + "/";

    private static string Display(string key) => "/" + key;

    private StoredFile? Find(string key)
    {
        lock (_lock)
            return _files.GetValueOrDefault(key);
    }

    private void Store(string key, byte[] content)
    {
        var file = new StoredFile(content, _time.GetUtcNow());
        lock (_lock)
            _files[key] = file;
    }

    private sealed record StoredFile(byte[] Content, DateTimeOffset Modified);

    /// <summary>Buffers the whole file; commit publishes it in one step, dispose without commit drops it.</summary>
    private sealed class MemoryWriteStream : StorageWriteStream
    {
        private readonly MemoryStorage _storage;
        private readonly string _key;
        private MemoryStream? _buffer = new();

        public MemoryWriteStream(MemoryStorage storage, string key)
        {
            _storage = storage;
            _key = key;
        }

        private MemoryStream Buffer => _buffer ?? throw new ObjectDisposedException(nameof(MemoryWriteStream));

        public override void Flush() { }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer) => Buffer.Write(buffer);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Buffer.Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task CommitAsync(CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _storage.Store(_key, Buffer.ToArray());
            // Like the other drivers' streams, a committed stream takes no more writes.
            _buffer = null;
            return Task.CompletedTask;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _buffer = null;
            base.Dispose(disposing);
        }
    }
}
