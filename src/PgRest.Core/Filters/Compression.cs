namespace PgRest.Filters;

/// <summary>Compressing and decompressing streams for the repository formats of pgbackrest-format.md, "4.1 Compression".</summary>
public static class Compression
{
    /// <summary>
    /// A write-only stream that compresses into <paramref name="destination"/>; Dispose/DisposeAsync write the end of
    /// the frame (and dispose the destination unless <paramref name="leaveOpen"/>). Raw: gz writes a zlib stream and lz4
    /// omits the content checksum; zst and bz2 ignore it.
    /// </summary>
    public static Stream Compressor(Stream destination, CompressType type, int level, bool raw = false, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (type == CompressType.None)
            throw new ArgumentOutOfRangeException(nameof(type), type, "compress type none has no compressor");
        if (level < CompressTypes.MinLevel(type) || level > CompressTypes.MaxLevel(type))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level,
                $"{CompressTypes.Name(type)} level must be {CompressTypes.MinLevel(type)}..{CompressTypes.MaxLevel(type)}");
        }

        return type switch
        {
            CompressType.Gz => new GzCompressStream(destination, level, raw, leaveOpen),
            CompressType.Lz4 => Lz4CompressStream.Create(destination, level, contentChecksum: !raw, leaveOpen),
            CompressType.Zst => ZstdCompressStream.Create(destination, level, leaveOpen),
            CompressType.Bz2 => Bz2CompressStream.Create(destination, level, leaveOpen),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
        };
    }

    /// <summary>
    /// A read-only stream of the data decompressed from <paramref name="source"/>. It ends at the end of the compressed
    /// frame; a source that ends early or holds invalid data throws <c>PgRestException(ErrorCode.Format)</c>. The
    /// source is read in large chunks, so give a bounded stream when the frame is followed by other data (bundles).
    /// </summary>
    public static Stream Decompressor(Stream source, CompressType type, bool raw = false, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(source);
        return type switch
        {
            CompressType.Gz => new GzDecompressStream(source, raw, leaveOpen),
            CompressType.Lz4 => Lz4DecompressStream.Create(source, leaveOpen),
            CompressType.Zst => ZstdDecompressStream.Create(source, leaveOpen),
            CompressType.Bz2 => Bz2DecompressStream.Create(source, leaveOpen),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "compress type none has no decompressor"),
        };
    }
}
