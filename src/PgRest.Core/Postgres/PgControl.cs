using System.Buffers.Binary;
using PgRest.Errors;

namespace PgRest.Postgres;

/// <summary>Cluster state recorded in pg_control (DBState).</summary>
public enum PgClusterState
{
    Startup = 0,
    ShutDown = 1,
    ShutDownInRecovery = 2,
    ShuttingDown = 3,
    InCrashRecovery = 4,
    InArchiveRecovery = 5,
    InProduction = 6,
}

/// <summary>The fields of <c>global/pg_control</c> (ControlFileData) that backup and restore need.</summary>
public sealed record PgControl
{
    /// <summary>PostgreSQL always writes pg_control as one 8 KiB block (PG_CONTROL_FILE_SIZE).</summary>
    public const int FileSize = 8192;

    /// <summary>The only page size pgBackRest 2.45 accepts.</summary>
    public const uint DefaultPageSize = 8192;

    public const string RelativePath = "global/pg_control";

    /// <summary>Database system identifier (<c>db-system-id</c>), chosen at initdb.</summary>
    public required ulong SystemId { get; init; }

    public required uint ControlVersion { get; init; }

    public required uint CatalogVersion { get; init; }

    public required PgClusterState State { get; init; }

    /// <summary>Location of the latest checkpoint record.</summary>
    public required Lsn CheckpointLsn { get; init; }

    /// <summary>Timeline of the latest checkpoint.</summary>
    public required uint Timeline { get; init; }

    /// <summary>0 when the cluster has no page checksums, 1 when it has.</summary>
    public required uint DataChecksumVersion { get; init; }

    public required uint WalSegmentSize { get; init; }

    /// <summary>Data page size (BLCKSZ).</summary>
    public required uint PageSize { get; init; }

    /// <summary>WAL page size (XLOG_BLCKSZ).</summary>
    public required uint WalPageSize { get; init; }

    public required PgVersionInfo Version { get; init; }

    /// <summary>pgBackRest's <c>db-version</c> of the cluster, e.g. "15".</summary>
    public string DbVersion => Version.Version;

    public bool PageChecksums => DataChecksumVersion != 0;

    /// <summary>Reads <c>&lt;pgDataPath&gt;/global/pg_control</c>.</summary>
    public static PgControl Read(string pgDataPath) => Parse(ReadBytes(pgDataPath));

    /// <summary>The bytes of <c>&lt;pgDataPath&gt;/global/pg_control</c> (what a database host sends a repository host).</summary>
    public static byte[] ReadBytes(string pgDataPath)
    {
        string path = (pgDataPath.Length > 1 ? pgDataPath.TrimEnd('/') : pgDataPath) + "/" + RelativePath;
        var buffer = new byte[FileSize];
        int read;

        try
        {
            using FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
            read = stream.ReadAtLeast(buffer, FileSize, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new PgRestException(ErrorCode.FileMissing, $"unable to open missing file '{path}' for read", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PgRestException(ErrorCode.FileOpen, $"unable to open file '{path}' for read: {e.Message}", e);
        }

        if (read < FileSize)
            throw new PgRestException(ErrorCode.FileInvalid, $"'{path}' is {read} bytes but pg_control must be {FileSize} bytes");

        return buffer;
    }

    /// <summary>Parses the content of pg_control; the version is identified by the control and catalog versions.</summary>
    public static PgControl Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < CommonSize)
            throw new PgRestException(ErrorCode.FileInvalid, $"pg_control is {data.Length} bytes, too small to be valid");

        uint controlVersion = BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
        uint catalogVersion = BinaryPrimitives.ReadUInt32LittleEndian(data[12..]);
        PgVersionInfo version = PgVersions.FromControl(controlVersion, catalogVersion);
        Layout layout = LayoutOf(version);

        if (data.Length < layout.Crc + sizeof(uint))
            throw new PgRestException(ErrorCode.FileInvalid, $"pg_control is {data.Length} bytes, too small to be valid");

        if (layout.CrcIsCrc32C)
        {
            uint expected = BinaryPrimitives.ReadUInt32LittleEndian(data[layout.Crc..]);
            uint calculated = Crc32C.Compute(data[..layout.Crc]);

            // Same code and wording as pgBackRest releases that validate pg_control.
            if (calculated != expected)
            {
                throw new PgRestException(
                    ErrorCode.Checksum,
                    "calculated pg_control checksum does not match expected value\n" +
                    $"HINT: calculated 0x{calculated:x} but expected value is 0x{expected:x}\n" +
                    "HINT: is pg_control corrupt?\n" +
                    "HINT: does pg_control have a different layout than expected?");
            }
        }

        PgControl control = new()
        {
            SystemId = BinaryPrimitives.ReadUInt64LittleEndian(data),
            ControlVersion = controlVersion,
            CatalogVersion = catalogVersion,
            State = (PgClusterState)BinaryPrimitives.ReadInt32LittleEndian(data[16..]),
            CheckpointLsn = new Lsn(BinaryPrimitives.ReadUInt64LittleEndian(data[CheckpointOffset..])),
            Timeline = BinaryPrimitives.ReadUInt32LittleEndian(data[layout.Timeline..]),
            PageSize = BinaryPrimitives.ReadUInt32LittleEndian(data[layout.PageSize..]),
            WalPageSize = BinaryPrimitives.ReadUInt32LittleEndian(data[(layout.PageSize + 8)..]),
            WalSegmentSize = BinaryPrimitives.ReadUInt32LittleEndian(data[(layout.PageSize + 12)..]),
            DataChecksumVersion = BinaryPrimitives.ReadUInt32LittleEndian(data[layout.DataChecksumVersion..]),
            Version = version,
        };

        CheckWalSegmentSize(version, control.WalSegmentSize);

        if (control.PageSize != DefaultPageSize)
            throw new PgRestException(ErrorCode.Format, $"page size is {control.PageSize} but must be {DefaultPageSize}");

        if (control.DataChecksumVersion > 1)
            throw new PgRestException(ErrorCode.Format, $"page checksum version is {control.DataChecksumVersion} but must be <= 1");

        return control;
    }

    /// <summary>The checkpoint location pgBackRest 2.51+ writes into a restored pg_control (see <see cref="InvalidateCheckpoint"/>).</summary>
    public const ulong InvalidCheckpoint = 0xDEAD;

    /// <summary>
    /// Sets the latest checkpoint location to <see cref="InvalidCheckpoint"/> and updates the CRC: PostgreSQL then
    /// refuses to start without backup_label instead of recovering from the wrong place.
    /// </summary>
    public static void InvalidateCheckpoint(Span<byte> data)
    {
        Layout layout = LayoutOf(Parse(data).Version);
        BinaryPrimitives.WriteUInt64LittleEndian(data[CheckpointOffset..], InvalidCheckpoint);
        if (layout.CrcIsCrc32C)
            BinaryPrimitives.WriteUInt32LittleEndian(data[layout.Crc..], Crc32C.Compute(data[..layout.Crc]));
    }

    /// <summary>Before PostgreSQL 11 the segment size was fixed at build time and pgBackRest only accepts 16 MiB.</summary>
    internal static void CheckWalSegmentSize(PgVersionInfo version, uint segmentSize)
    {
        if (version.VersionNum < 110000)
        {
            if (segmentSize != WalSegmentName.DefaultSegmentSize)
            {
                throw new PgRestException(
                    ErrorCode.Format,
                    $"wal segment size is {segmentSize} but must be {WalSegmentName.DefaultSegmentSize} for PostgreSQL <= 10");
            }
        }
        else if (segmentSize < 1024 * 1024 || segmentSize > 1024 * 1024 * 1024 || (segmentSize & (segmentSize - 1)) != 0)
        {
            throw new PgRestException(ErrorCode.Format, $"wal segment size is {segmentSize} but must be a power of two from 1MB to 1GB");
        }
    }

    // system_identifier, pg_control_version, catalog_version_no: identical in every version.
    private const int CommonSize = 16;

    // checkPoint follows state and time in every version.
    private const int CheckpointOffset = 32;

    /// <summary>
    /// Byte offsets that move between versions (x86-64/ARM64 alignment). PageSize is blcksz; xlog_blcksz and
    /// xlog_seg_size follow it at +8 and +12 in every version. PostgreSQL before 9.5 used a legacy CRC, not checked.
    /// </summary>
    private readonly record struct Layout(int Timeline, int PageSize, int DataChecksumVersion, int Crc, bool CrcIsCrc32C);

    private static Layout LayoutOf(PgVersionInfo version) => version.VersionNum switch
    {
        >= 180000 => new Layout(48, 216, 252, 292, true), // adds default_char_signedness before the nonce
        // 12 widened nextXid to 64 bits and added max_wal_senders. 17's CheckPoint.wal_level fills the padding before
        // nextXid, so no field moves (seen on real 17 clusters, PgControlByMajorTests), whatever the reference says.
        >= 120000 => new Layout(48, 216, 252, 288, true),
        >= 110000 => new Layout(48, 208, 244, 280, true), // 11 removed prevCheckPoint
        >= 100000 => new Layout(56, 216, 252, 288, true), // 10 added mock_authentication_nonce
        >= 90500 => new Layout(56, 216, 252, 256, true),
        >= 90400 => new Layout(56, 200, 236, 240, false),
        _ => new Layout(56, 192, 224, 228, false),
    };
}
