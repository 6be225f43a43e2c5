using PgRest.Common;

namespace PgRest.Storage;

/// <summary>
/// A repository storage with the crash-safety suite's <see cref="CrashPoint"/>s around every change: before and after a
/// write becomes visible, a file or path is removed, a link is made. Wraps a driver only when the suite turned the
/// points on.
/// </summary>
public sealed class CrashPointStorage(IStorage inner) : IStorage
{
    public static IStorage WrapWhenEnabled(IStorage storage) => CrashPoint.Enabled ? new CrashPointStorage(storage) : storage;

    public StorageFeatures Features => inner.Features;

    public Task<Stream?> OpenReadAsync(string path, long offset = 0, long? length = null, bool ignoreMissing = false, CancellationToken cancellationToken = default) =>
        inner.OpenReadAsync(path, offset, length, ignoreMissing, cancellationToken);

    public async Task<StorageWriteStream> OpenWriteAsync(string path, bool durable = true, CancellationToken cancellationToken = default) =>
        new CrashPointWrite(await inner.OpenWriteAsync(path, durable, cancellationToken).ConfigureAwait(false), path);

    public Task SyncAsync(CancellationToken cancellationToken = default) => inner.SyncAsync(cancellationToken);

    public Task<StorageInfo?> InfoAsync(string path, CancellationToken cancellationToken = default) => inner.InfoAsync(path, cancellationToken);

    public IAsyncEnumerable<StorageInfo> ListAsync(string path, CancellationToken cancellationToken = default) => inner.ListAsync(path, cancellationToken);

    public async Task RemoveAsync(string path, bool errorOnMissing = false, CancellationToken cancellationToken = default)
    {
        CrashPoint.Reach("repo-remove", path);
        await inner.RemoveAsync(path, errorOnMissing, cancellationToken).ConfigureAwait(false);
        CrashPoint.Reach("repo-removed", path);
    }

    public async Task PathRemoveAsync(string path, CancellationToken cancellationToken = default)
    {
        CrashPoint.Reach("repo-path-remove", path);
        await inner.PathRemoveAsync(path, cancellationToken).ConfigureAwait(false);
        CrashPoint.Reach("repo-path-removed", path);
    }

    public Task PathCreateAsync(string path, CancellationToken cancellationToken = default) => inner.PathCreateAsync(path, cancellationToken);

    public async Task LinkCreateAsync(string target, string linkPath, CancellationToken cancellationToken = default)
    {
        CrashPoint.Reach("repo-link", linkPath);
        await inner.LinkCreateAsync(target, linkPath, cancellationToken).ConfigureAwait(false);
    }

    private sealed class CrashPointWrite(StorageWriteStream inner, string path) : StorageWriteStream
    {
        public override void Flush() => inner.Flush();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.WriteAsync(buffer, offset, count, cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.WriteAsync(buffer, cancellationToken);

        public override async Task CommitAsync(CancellationToken cancellationToken = default)
        {
            CrashPoint.Reach("repo-write", path);
            await inner.CommitAsync(cancellationToken).ConfigureAwait(false);
            CrashPoint.Reach("repo-written", path);
        }

        public override async Task CommitAsAsync(string finalPath, CancellationToken cancellationToken = default)
        {
            var named = path[..(path.LastIndexOf('/') + 1)] + finalPath[(finalPath.LastIndexOf('/') + 1)..];
            CrashPoint.Reach("repo-write", named);
            await inner.CommitAsAsync(finalPath, cancellationToken).ConfigureAwait(false);
            CrashPoint.Reach("repo-written", named);
        }

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
}
