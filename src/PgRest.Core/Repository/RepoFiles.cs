using PgRest.Common;
using PgRest.Errors;
using PgRest.Filters;

namespace PgRest.Repository;

/// <summary>Stores and fetches single repository files through the filter pipeline.</summary>
public static class RepoFiles
{
    /// <summary>Writes <paramref name="data"/> compressed and encrypted as asked; visible only once complete.</summary>
    public static async Task<WritePipeline> WriteAsync(Repo repo, string path, ReadOnlyMemory<byte> data, CompressType compressType, int compressLevel, string? passphrase, CancellationToken cancellationToken)
    {
        var destination = await repo.Storage.OpenWriteAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (destination.ConfigureAwait(false))
        {
            var pipeline = Pipeline.Write(destination, compressType, compressLevel, passphrase, leaveOpen: true);
            await using (pipeline.ConfigureAwait(false))
            {
                await pipeline.Input.WriteAsync(data, cancellationToken).ConfigureAwait(false);
                await pipeline.CompleteAsync().ConfigureAwait(false);
            }

            await destination.CommitAsync(cancellationToken).ConfigureAwait(false);
            return pipeline;
        }
    }

    /// <summary>Copy buffer for whole-file transfers: large enough for codecs to work in big blocks.</summary>
    public const int CopyBufferSize = 1024 * 1024;

    /// <summary>
    /// Stores a local file whose checksum the caller already knows (a WAL segment is named by it): compress and encrypt
    /// only, without hashing the data again.
    /// </summary>
    public static async Task StoreFileAsync(Repo repo, string path, string localPath, CompressType compressType, int compressLevel, string? passphrase, CancellationToken cancellationToken)
    {
        using var source = BlockingFileStream.OpenRead(localPath);
        var destination = await repo.Storage.OpenWriteAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (destination.ConfigureAwait(false))
        {
            var chain = Chain(destination, compressType, compressLevel, passphrase);
            await source.CopyToAsync(chain, CopyBufferSize, cancellationToken).ConfigureAwait(false);
            if (!ReferenceEquals(chain, destination))
                await chain.DisposeAsync().ConfigureAwait(false);
            await destination.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stores a local file named by its own SHA-1 (a WAL segment) in one pass where the storage names a write at commit
    /// (<see cref="Storage.StorageFeatures.NameAtCommit"/>): the file is compressed and written under
    /// <paramref name="provisionalPath"/>'s temp name while its SHA-1 is computed on another core, then committed as
    /// <paramref name="nameOf"/>(SHA-1) in the same directory. Returns the SHA-1.
    /// </summary>
    public static async Task<string> StoreFileNamedBySha1Async(Repo repo, string provisionalPath, string localPath, CompressType compressType, int compressLevel,
        string? passphrase, Func<string, string> nameOf, CancellationToken cancellationToken)
    {
        using var source = BlockingFileStream.OpenRead(localPath);
        var destination = await repo.Storage.OpenWriteAsync(provisionalPath, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (destination.ConfigureAwait(false))
        {
            var chain = Chain(destination, compressType, compressLevel, passphrase);
            var sha1 = await CopyHashingAsync(source, chain, cancellationToken).ConfigureAwait(false);
            if (!ReferenceEquals(chain, destination))
                await chain.DisposeAsync().ConfigureAwait(false);
            await destination.CommitAsAsync(provisionalPath[..(provisionalPath.LastIndexOf('/') + 1)] + nameOf(sha1), cancellationToken).ConfigureAwait(false);
            return sha1;
        }
    }

    /// <summary>Where plain bytes go on their way to <paramref name="destination"/>: compress, then encrypt.</summary>
    private static Stream Chain(Stream destination, CompressType compressType, int compressLevel, string? passphrase)
    {
        Stream chain = destination;
        if (passphrase is not null)
            chain = Cipher.Encryptor(chain, passphrase, leaveOpen: true);
        if (compressType != CompressType.None)
            chain = Compression.Compressor(chain, compressType, compressLevel, leaveOpen: passphrase is null);
        return chain;
    }

    /// <summary>Reads a whole stored file back to plain bytes.</summary>
    public static async Task<byte[]> ReadAllAsync(Repo repo, string path, CompressType compressType, string? passphrase, CancellationToken cancellationToken) =>
        (await ReadAllWithSha1Async(repo, path, compressType, passphrase, cancellationToken).ConfigureAwait(false)).Bytes;

    /// <summary>The plain bytes of a stored file and their SHA-1, computed in the same pass.</summary>
    public static async Task<(byte[] Bytes, string Sha1)> ReadAllWithSha1Async(Repo repo, string path, CompressType compressType, string? passphrase,
        CancellationToken cancellationToken)
    {
        var source = (await repo.Storage.OpenReadAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false))!;
        var pipeline = Pipeline.Read(source, compressType, passphrase);
        await using (pipeline.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            await pipeline.Output.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return (buffer.ToArray(), pipeline.Sha1Hex);
        }
    }

    /// <summary>
    /// Copies a stored file to a local path: written to a temp name, checked against <paramref name="expectedSha1"/>
    /// when given, then renamed, so a reader never sees a partial or corrupt file. <paramref name="durable"/> also
    /// flushes the file before and its directory after the rename.
    /// </summary>
    public static async Task RestoreToFileAsync(Repo repo, string path, string destination, CompressType compressType, string? passphrase, string? expectedSha1,
        CancellationToken cancellationToken, bool durable = true)
    {
        var temp = destination + ".pgbackrest.tmp";
        var source = (await repo.Storage.OpenReadAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false))!;
        var pipeline = Pipeline.Read(source, compressType, passphrase, hashed: false);
        await using (pipeline.ConfigureAwait(false))
        {
            try
            {
                string sha1;
                var output = BlockingFileStream.Create(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                await using (output.ConfigureAwait(false))
                {
                    sha1 = await CopyHashingAsync(pipeline.Output, output, cancellationToken).ConfigureAwait(false);
                    if (durable)
                        output.FlushToDisk();
                }

                if (expectedSha1 is not null && sha1 != expectedSha1)
                {
                    throw new PgRestException(ErrorCode.Checksum,
                        $"'{repo.Display(path)}' has checksum {sha1} but its name says {expectedSha1}: the repository file is corrupt");
                }

                CrashPoint.Reach("file-move", destination);
                File.Move(temp, destination, overwrite: true);
                CrashPoint.Reach("file-moved", destination);
                if (durable)
                    Native.SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(destination))!);
            }
            catch
            {
                File.Delete(temp);
                throw;
            }
        }
    }

    /// <summary>
    /// Copies <paramref name="source"/> to <paramref name="destination"/> and returns the SHA-1 of what passed, hashing
    /// each chunk on another core while the next is read (decompressed) and written: a WAL segment's SHA-1 costs about
    /// as much as its decompression. Two buffers, each reused once the hash of its previous chunk is done.
    /// </summary>
    private static async Task<string> CopyHashingAsync(Stream source, Stream destination, CancellationToken cancellationToken)
    {
        using var sha1 = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA1);
        byte[][] buffers = [System.Buffers.ArrayPool<byte>.Shared.Rent(CopyBufferSize), System.Buffers.ArrayPool<byte>.Shared.Rent(CopyBufferSize)];
        var hashing = Task.CompletedTask;
        try
        {
            for (var next = 0; ; next ^= 1)
            {
                var read = await source.ReadAtLeastAsync(buffers[next].AsMemory(0, CopyBufferSize), CopyBufferSize, throwOnEndOfStream: false, cancellationToken)
                    .ConfigureAwait(false);
                if (read == 0)
                    break;
                await hashing.ConfigureAwait(false);
                var chunk = buffers[next];
                hashing = Task.Run(() => sha1.AppendData(chunk, 0, read), cancellationToken);
                await destination.WriteAsync(chunk.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                if (read < CopyBufferSize)
                    break;
            }

            await hashing.ConfigureAwait(false);
        }
        finally
        {
            // A chunk still being hashed keeps its buffer until the hash is done.
            try
            {
                await hashing.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            System.Buffers.ArrayPool<byte>.Shared.Return(buffers[0]);
            System.Buffers.ArrayPool<byte>.Shared.Return(buffers[1]);
        }

        return Convert.ToHexStringLower(sha1.GetHashAndReset());
    }
}
