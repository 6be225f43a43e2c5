using PgRest.Filters;

namespace PgRest.Postgres.WalRecords;

/// <summary>The page a full-page image stands for (RestoreBlockImage): decompressed, with its hole of zeroes put back.</summary>
public static class FullPageImage
{
    /// <summary>Writes the page into <paramref name="page"/> (8 KiB); false when the image cannot be decompressed.</summary>
    public static unsafe bool TryRestore(WalBlockRef block, Span<byte> page)
    {
        if (!block.HasImage || page.Length < HeapPage.Size)
            return false;
        int stored = HeapPage.Size - block.HoleLength;
        Span<byte> image = stackalloc byte[HeapPage.Size];
        var source = block.Image.Span;
        switch (block.ImageCompression)
        {
            case WalImageCompression.None:
                if (source.Length != stored)
                    return false;
                source.CopyTo(image);
                break;
            case WalImageCompression.Pglz:
                if (!PgLz.TryDecompress(source, image[..stored]))
                    return false;
                break;
            case WalImageCompression.Lz4:
                fixed (byte* from = source)
                fixed (byte* to = image)
                {
                    if (Lz4Native.LZ4_decompress_safe(from, to, source.Length, stored) != stored)
                        return false;
                }

                break;
            default:
                fixed (byte* from = source)
                fixed (byte* to = image)
                {
                    var size = ZstdNative.ZSTD_decompress(to, (nuint)stored, from, (nuint)source.Length);
                    if (ZstdNative.ZSTD_isError(size) != 0 || size != (nuint)stored)
                        return false;
                }

                break;
        }

        image[..block.HoleOffset].CopyTo(page);
        page.Slice(block.HoleOffset, block.HoleLength).Clear();
        image[block.HoleOffset..stored].CopyTo(page[(block.HoleOffset + block.HoleLength)..]);
        return true;
    }
}
