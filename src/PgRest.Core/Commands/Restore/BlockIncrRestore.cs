using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using PgRest.BlockIncr;
using PgRest.Common;
using PgRest.Errors;
using PgRest.Filters;
using PgRest.Info;
using PgRest.Repository;
using PgRest.Storage;

namespace PgRest.Commands.Restore;

/// <summary>
/// Rebuilds a block-incremental file from the super blocks its map names, in every backup of the set it references
/// (pgbackrest-after-2.45.md, "2.8 Restore"). Over an existing file (<c>--delta</c>) only blocks whose checksum differs
/// are fetched and written.
/// </summary>
internal sealed class BlockIncrRestore(Repo repo, string stanza, Manifest manifest, CompressType compressType)
{
    private const int HashBufferSize = 1024 * 1024;

    /// <summary>What is known of the file in place: whether it is the manifest's, and its block checksums.</summary>
    public sealed record ExistingFile(bool Matches, byte[] BlockChecksums);

    /// <summary>Reads the file in place once: its SHA-1 against the manifest, and a checksum per block.</summary>
    public static async Task<ExistingFile> HashExistingAsync(string local, ManifestFile file, CancellationToken cancellation)
    {
        int blockSize = (int)file.BlockIncrSize;
        int checksumSize = (int)file.BlockIncrChecksumSize;
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        var checksums = new MemoryStream();
        // About 1 MiB of whole blocks at a time; the SHA-1 runs on another core while the blocks are checksummed.
        int chunkSize = Math.Max(1, HashBufferSize / blockSize) * blockSize;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(chunkSize);
        try
        {
            var stream = BlockingFileStream.OpenRead(local);
            await using (stream.ConfigureAwait(false))
            {
                byte[] checksum = new byte[checksumSize];
                int read;
                while ((read = await stream.ReadAtLeastAsync(buffer.AsMemory(0, chunkSize), chunkSize, throwOnEndOfStream: false, cancellation).ConfigureAwait(false)) > 0)
                {
                    int length = read;
                    var hashing = Task.Run(() => sha1.AppendData(buffer, 0, length), cancellation);
                    try
                    {
                        for (int at = 0; at < length; at += blockSize)
                        {
                            BlockChecksum.Compute(buffer.AsSpan(at, Math.Min(blockSize, length - at)), checksum);
                            checksums.Write(checksum);
                        }
                    }
                    finally
                    {
                        await hashing.ConfigureAwait(false);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        bool matches = Convert.ToHexStringLower(sha1.GetHashAndReset()) == file.Checksum && new FileInfo(local).Length == (long)file.Size;
        return new ExistingFile(matches, checksums.ToArray());
    }

    /// <summary>
    /// Writes the blocks that differ from <paramref name="existing"/> (all blocks when null) into
    /// <paramref name="path"/>, sets its size, and returns the SHA-1 of the whole file as it now is and the bytes written.
    /// </summary>
    public async Task<(string Sha1, long Written)> RestoreAsync(ManifestFile file, string path, UnixFileMode mode, ExistingFile? existing, CancellationToken cancellation)
    {
        BlockMap map = await BlockIncrStore.ReadMapAsync(repo, stanza, manifest, file, cancellation).ConfigureAwait(false);
        var reads = BlockDeltaPlanner.Plan(map, existing?.BlockChecksums ?? []);
        long written = reads.SelectMany(read => read.SuperBlocks).SelectMany(superBlock => superBlock.Blocks)
            .Sum(block => Math.Min(map.BlockSize, (long)file.Size - (long)block.MapIndex * map.BlockSize));
        using (var handle = File.OpenHandle(path, existing is null ? FileMode.Create : FileMode.Open, FileAccess.ReadWrite))
        {
            if (existing is null)
                File.SetUnixFileMode(handle, mode);
            byte[] block = ArrayPool<byte>.Shared.Rent(map.BlockSize);
            try
            {
                foreach (BlockRead read in reads)
                    await ReadAsync(file, map, read, handle, block, cancellation).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(block);
            }

            RandomAccess.SetLength(handle, (long)file.Size);
        }

        var restored = BlockingFileStream.OpenRead(path);
        await using (restored.ConfigureAwait(false))
            return (Convert.ToHexStringLower(await SHA1.HashDataAsync(restored, cancellation).ConfigureAwait(false)), written);
    }

    /// <summary>One ranged read: each super block in it decrypted and decompressed on its own, its wanted blocks written in place.</summary>
    private async Task ReadAsync(ManifestFile file, BlockMap map, BlockRead read, SafeFileHandle output, byte[] block, CancellationToken cancellation)
    {
        if (read.Reference >= manifest.References.Count)
            throw new PgRestException(ErrorCode.Format, $"block map of '{file.Name}' names reference {read.Reference}, but backup {manifest.Label} has {manifest.References.Count}");
        string label = manifest.References[(int)read.Reference];
        string path = BlockIncrStore.StoredPath(stanza, label, file, read.BundleId);
        var source = (await repo.Storage.OpenReadAsync(path, (long)read.Offset, (long)read.Size, cancellationToken: cancellation).ConfigureAwait(false))!;
        await using (source.ConfigureAwait(false))
        {
            foreach (SuperBlockRead superBlock in read.SuperBlocks)
            {
                var stored = new RangeStream(source, (long)superBlock.Size, leaveOpen: true);
                await DecodeSuperBlockAsync(map, superBlock, stored, output, block, repo.Display(path), cancellation).ConfigureAwait(false);
                if (stored.Remaining > 0)
                    await stored.CopyToAsync(Stream.Null, cancellation).ConfigureAwait(false);
            }
        }
    }

    private async Task DecodeSuperBlockAsync(BlockMap map, SuperBlockRead superBlock, Stream stored, SafeFileHandle output, byte[] block, string display, CancellationToken cancellation)
    {
        var pipeline = Pipeline.Read(stored, compressType, manifest.CipherPass, raw: true, leaveOpen: true);
        await using (pipeline.ConfigureAwait(false))
        {
            ulong blocks = BlockMapCodec.BlocksIn(superBlock.SuperBlockSize, map.BlockSize);
            int wanted = 0;
            for (ulong number = 0; number < blocks && wanted < superBlock.Blocks.Count; number++)
            {
                int length = (int)Math.Min((ulong)map.BlockSize, superBlock.SuperBlockSize - number * (ulong)map.BlockSize);
                if (await pipeline.Output.ReadAtLeastAsync(block.AsMemory(0, length), length, throwOnEndOfStream: false, cancellation).ConfigureAwait(false) < length)
                    throw new PgRestException(ErrorCode.Format, $"super block in {display} is shorter than its {superBlock.SuperBlockSize} bytes");
                while (wanted < superBlock.Blocks.Count && superBlock.Blocks[wanted].Block == number)
                {
                    long at = (long)superBlock.Blocks[wanted].MapIndex * map.BlockSize;
                    await RandomAccess.WriteAsync(output, block.AsMemory(0, length), at, cancellation).ConfigureAwait(false);
                    wanted++;
                }
            }

            if (wanted < superBlock.Blocks.Count)
                throw new PgRestException(ErrorCode.Format, $"super block in {display} has no block {superBlock.Blocks[wanted].Block}");
        }
    }
}
