using System.Buffers;
using PgRest.Common;
using PgRest.Filters;
using PgRest.Postgres;
using PgRest.Repository;

namespace PgRest.Commands.Backup;

/// <summary>What copying one file produced, for its manifest entry.</summary>
public sealed record BackupFileResult(bool Missing, long Size, string Sha1, long RepoSize, string? RepoSha1, bool? PageChecksumValid, IReadOnlyList<uint> PageErrors);

/// <summary>
/// Copies one PGDATA file into the repository in a single pass: read → page checksums → SHA-1 and size → compress →
/// encrypt → SHA-1 and size of the stored bytes → storage.
/// </summary>
public static class BackupFileCopier
{
    private const int BufferSize = 1024 * 1024;
    private const int PageSize = PageChecksum.DefaultPageSize;
    private const long SegmentPages = 1024L * 1024 * 1024 / PageSize;

    private static readonly BackupFileResult MissingFile = new(true, 0, "", 0, null, null, []);

    /// <summary>Copies a file to its own repository file at <paramref name="repoPath"/>.</summary>
    public static async Task<BackupFileResult> CopyAsync(
        string sourcePath, long sizeLimit, bool checkPages, Repo repo, string repoPath, CompressType compressType, int compressLevel,
        string? cipherPass, CancellationToken cancellationToken)
    {
        var source = TryOpen(sourcePath);
        if (source is null)
            return MissingFile;

        await using (source.ConfigureAwait(false))
        {
            var destination = await repo.Storage.OpenWriteAsync(repoPath, durable: false, cancellationToken: cancellationToken).ConfigureAwait(false);
            await using (destination.ConfigureAwait(false))
            {
                var result = await CopyIntoAsync(source, sizeLimit, checkPages, destination, compressType, compressLevel, cipherPass, cancellationToken).ConfigureAwait(false);
                await destination.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
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
    /// Appends one file's stored stream (its own compressed, encrypted frame) to <paramref name="destination"/>, which
    /// stays open: a file of its own or the next member of a bundle.
    /// </summary>
    public static async Task<BackupFileResult> CopyIntoAsync(
        BlockingFileStream source, long sizeLimit, bool checkPages, Stream destination, CompressType compressType, int compressLevel,
        string? cipherPass, CancellationToken cancellationToken)
    {
        var pipeline = Pipeline.Write(destination, compressType, compressLevel, cipherPass, leaveOpen: true);
        await using var pipelineScope = pipeline.ConfigureAwait(false);
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
                await pipeline.Input.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                copied += read;
            }

            await pipeline.CompleteAsync().ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var transformed = compressType != CompressType.None || cipherPass is not null;
        return new BackupFileResult(false, pipeline.Size, pipeline.Sha1Hex, pipeline.RepoSize, transformed ? pipeline.RepoSha1Hex : null,
            checkPages ? pagesValid : null, (IReadOnlyList<uint>?)pageErrors ?? []);
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
