using System.Buffers;
using System.Security.Cryptography;
using PgRest.BlockIncr;
using PgRest.Cluster;
using PgRest.Common;
using PgRest.Filters;
using PgRest.Postgres;
using PgRest.Repository;

namespace PgRest.Commands.Backup;

/// <summary>What copying one file produced, for its manifest entry; <paramref name="MapSize"/> is a block-incremental file's <c>bim</c>.</summary>
public sealed record BackupFileResult(bool Missing, long Size, string Sha1, long RepoSize, string? RepoSha1, bool? PageChecksumValid, IReadOnlyList<uint> PageErrors, long MapSize = 0)
{
    /// <summary>The database removed the file since the manifest was built.</summary>
    public static readonly BackupFileResult MissingFile = new(true, 0, "", 0, null, null, []);
}

/// <summary>How a file is stored: whole through the filter pipeline, or block incrementally against the prior map.</summary>
public sealed record StoreAs(CompressType CompressType, int CompressLevel, string? CipherPass, bool Raw = false, BlockIncrSettings? BlockIncr = null, BlockMap? PriorMap = null)
{
    /// <summary>The sink the file's bytes go through on their way to <paramref name="destination"/>.</summary>
    internal IFileSink Open(Stream destination) => BlockIncr is null
        ? new PipelineSink(Pipeline.Write(destination, CompressType, CompressLevel, CipherPass, Raw, leaveOpen: true))
        : new BlockIncrSink(new BlockIncrWriter(destination, BlockIncr, PriorMap));
}

/// <summary>
/// Copies one PGDATA file into the repository in a single pass: read → page checksums → SHA-1 and size → compress →
/// encrypt → SHA-1 and size of the stored bytes → storage.
/// </summary>
public static class BackupFileCopier
{
    private const int BufferSize = 1024 * 1024;
    private const int PageSize = PageChecksum.DefaultPageSize;
    private const long SegmentPages = 1024L * 1024 * 1024 / PageSize;

    /// <summary>Copies a file of <paramref name="host"/> to its own repository file at <paramref name="repoPath"/>.</summary>
    public static async Task<BackupFileResult> CopyAsync(
        IPgHost host, string sourcePath, long sizeLimit, bool checkPages, Repo repo, string repoPath, StoreAs store, CancellationToken cancellationToken)
    {
        var destination = await repo.Storage.OpenWriteAsync(repoPath, durable: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (destination.ConfigureAwait(false))
        {
            var result = await host.CopyIntoAsync(sourcePath, sizeLimit, checkPages, destination, store, cancellationToken).ConfigureAwait(false);
            // A block-incremental file with no block changed stores nothing: it stays a reference to the prior backup.
            // A missing file is not committed: disposing the write leaves nothing behind.
            if (!result.Missing && (result.RepoSize > 0 || store.BlockIncr is null))
                await destination.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
    }

    /// <summary>Null when the database removed the file since the manifest was built.</summary>
    public static BlockingFileStream? TryOpen(string sourcePath)
    {
        try
        {
            return BlockingFileStream.OpenRead(sourcePath);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Reads one file through its page checks into <paramref name="sink"/> (the caller's, which it completes but does
    /// not dispose): on this host the whole pipeline to the repository; on a database host serving a repository host,
    /// the part done where the file is (SHA-1, size, compression).
    /// </summary>
    internal static async Task<BackupFileResult> CopyIntoAsync(
        BlockingFileStream source, long sizeLimit, bool checkPages, IFileSink sink, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        List<uint>? pageErrors = null;
        var pagesValid = checkPages;
        try
        {
            long copied = 0;
            var segmentBlockBase = checkPages ? SegmentNumber(source.Name) * SegmentPages : 0;
            while (copied < sizeLimit)
            {
                var want = (int)Math.Min(BufferSize, sizeLimit - copied);
                var read = await ReadFullAsync(source, buffer.AsMemory(0, want), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                    break;
                if (checkPages)
                    pagesValid &= CheckPages(source, buffer.AsSpan(0, read), copied, segmentBlockBase, ref pageErrors);
                await sink.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                copied += read;
            }

            await sink.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return new BackupFileResult(false, sink.Size, sink.Sha1, sink.RepoSize, sink.RepoSha1, checkPages ? pagesValid : null,
            (IReadOnlyList<uint>?)pageErrors ?? [], sink.MapSize);
    }

    private static async Task<int> ReadFullAsync(Stream source, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await source.ReadAsync(buffer[total..], cancellationToken).ConfigureAwait(false);
            if (read == 0)
                break;
            total += read;
        }

        return total;
    }

    /// <summary>
    /// Validates the page checksums of a chunk. A page that fails is read again from disk: if it changed, PostgreSQL was
    /// writing it (WAL replay repairs torn pages), so only a stable mismatch is an error.
    /// </summary>
    private static bool CheckPages(BlockingFileStream source, Span<byte> chunk, long chunkOffset, long segmentBlockBase, ref List<uint>? errors)
    {
        var valid = true;
        var whole = chunk.Length / PageSize * PageSize;
        if (whole != chunk.Length)
            return false; // a partial page: pgBackRest marks the file invalid (misaligned)
        for (var offset = 0; offset < whole; offset += PageSize)
        {
            var page = chunk.Slice(offset, PageSize);
            if (PageChecksum.IsNewPage(page))
                continue;
            var blockNumber = (uint)(segmentBlockBase + (chunkOffset + offset) / PageSize);
            if (PageChecksum.IsValid(page, blockNumber))
                continue;
            if (PageChangedOnDisk(source.Name, chunkOffset + offset, page))
                continue;
            (errors ??= []).Add(blockNumber);
            valid = false;
        }

        return valid;
    }

    private static bool PageChangedOnDisk(string path, long offset, ReadOnlySpan<byte> page)
    {
        var again = ArrayPool<byte>.Shared.Rent(PageSize);
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var read = RandomAccess.Read(handle, again.AsSpan(0, PageSize), offset);
            return read != PageSize || !again.AsSpan(0, PageSize).SequenceEqual(page);
        }
        catch (IOException)
        {
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(again);
        }
    }

    /// <summary>Relation segment number from the file name (<c>16384.2</c> → 2).</summary>
    private static long SegmentNumber(string path)
    {
        var name = Path.GetFileName(path.AsSpan());
        var dot = name.LastIndexOf('.');
        return dot > 0 && long.TryParse(name[(dot + 1)..], out var segment) ? segment : 0;
    }
}

/// <summary>Where a file's bytes go while it is copied, and what they came to.</summary>
internal interface IFileSink : IAsyncDisposable
{
    long Size { get; }
    string Sha1 { get; }
    long RepoSize { get; }
    string? RepoSha1 { get; }
    long MapSize { get; }
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);
    ValueTask CompleteAsync(CancellationToken cancellationToken);
}

/// <summary>The whole file, one stream: SHA-1/size → compress → encrypt → SHA-1/size of the stored bytes.</summary>
internal sealed class PipelineSink(WritePipeline pipeline) : IFileSink
{
    public long Size => pipeline.Size;
    public string Sha1 => pipeline.Sha1Hex;
    public long RepoSize => pipeline.RepoSize;
    public string? RepoSha1 => pipeline.IsTransformed ? pipeline.RepoSha1Hex : null;
    public long MapSize => 0;
    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => pipeline.Input.WriteAsync(data, cancellationToken);
    public ValueTask CompleteAsync(CancellationToken cancellationToken) => pipeline.CompleteAsync();
    public ValueTask DisposeAsync() => pipeline.DisposeAsync();
}

/// <summary>Block incremental: SHA-1/size of the whole file beside the super blocks and map of <see cref="BlockIncrWriter"/>.</summary>
internal sealed class BlockIncrSink(BlockIncrWriter writer) : IFileSink
{
    private readonly IncrementalHash _sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
    private string? _sha1Hex;

    public long Size { get; private set; }
    public string Sha1 => _sha1Hex ?? throw new InvalidOperationException("the file is not complete");
    public long RepoSize => writer.StoredSize;
    public string? RepoSha1 => writer.StoredSha1;
    public long MapSize => writer.MapSize;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        // The whole file's SHA-1 on another core while the blocks are checksummed and stored: a diff/incr of a large,
        // mostly unchanged file is bound by these two passes over it.
        var hashing = Task.Run(() => _sha1.AppendData(data.Span), cancellationToken);
        try
        {
            await writer.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await hashing.ConfigureAwait(false);
        }

        Size += data.Length;
    }

    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        _sha1Hex = Convert.ToHexStringLower(_sha1.GetHashAndReset());
    }

    public async ValueTask DisposeAsync()
    {
        _sha1.Dispose();
        await writer.DisposeAsync().ConfigureAwait(false);
    }
}
