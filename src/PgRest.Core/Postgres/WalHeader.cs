using System.Buffers.Binary;
using PgRest.Errors;

namespace PgRest.Postgres;

/// <summary>
/// The long page header (XLogLongPageHeaderData) that starts every WAL segment. Identifies the cluster and version
/// that wrote the segment, so archive-push can refuse WAL from another cluster.
/// </summary>
public sealed record WalHeader(
    ushort Magic,
    ushort Info,
    uint Timeline,
    Lsn PageAddress,
    ulong SystemId,
    uint SegmentSize,
    uint BlockSize,
    PgVersionInfo Version)
{
    /// <summary>Bytes of the long header; the layout is the same for every supported version.</summary>
    public const int Size = 40;

    /// <summary>XLP_LONG_HEADER flag in <see cref="Info"/>.</summary>
    public const ushort LongHeaderFlag = 0x0002;

    /// <summary>pgBackRest's <c>db-version</c> of the server that wrote the segment, e.g. "15".</summary>
    public string DbVersion => Version.Version;

    public static WalHeader Read(ReadOnlySpan<byte> data)
    {
        if (data.Length < Size)
            throw new PgRestException(ErrorCode.Format, $"WAL header is {data.Length} bytes but must be at least {Size} bytes");

        ushort magic = BinaryPrimitives.ReadUInt16LittleEndian(data);
        ushort info = BinaryPrimitives.ReadUInt16LittleEndian(data[2..]);

        if ((info & LongHeaderFlag) == 0)
            throw new PgRestException(ErrorCode.Format, "first page header in WAL file is expected to be in long format");

        PgVersionInfo version = PgVersions.FromWalMagic(magic);
        uint segmentSize = BinaryPrimitives.ReadUInt32LittleEndian(data[32..]);
        PgControl.CheckWalSegmentSize(version, segmentSize);

        return new WalHeader(
            magic,
            info,
            Timeline: BinaryPrimitives.ReadUInt32LittleEndian(data[4..]),
            PageAddress: new Lsn(BinaryPrimitives.ReadUInt64LittleEndian(data[8..])),
            SystemId: BinaryPrimitives.ReadUInt64LittleEndian(data[24..]),
            segmentSize,
            BlockSize: BinaryPrimitives.ReadUInt32LittleEndian(data[36..]),
            version);
    }

    /// <summary>Reads the header of a segment file on local disk.</summary>
    public static WalHeader ReadFile(string path)
    {
        Span<byte> buffer = stackalloc byte[Size];
        int read;

        try
        {
            using FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
            read = stream.ReadAtLeast(buffer, Size, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new PgRestException(ErrorCode.FileMissing, $"unable to open missing file '{path}' for read", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PgRestException(ErrorCode.FileOpen, $"unable to open file '{path}' for read: {e.Message}", e);
        }

        if (read < Size)
            throw new PgRestException(ErrorCode.FileRead, $"unable to read {Size} byte(s) from '{path}'");

        return Read(buffer);
    }
}
