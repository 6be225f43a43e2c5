using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PgRest.Errors;

namespace PgRest.Filters;

/// <summary>LZ4 frame API (lz4frame.h) of the system liblz4.</summary>
internal static unsafe partial class Lz4Native
{
    private const string Library = "liblz4.so.1";

    /// <summary>LZ4F_VERSION, the API version the contexts are created for.</summary>
    internal const uint ApiVersion = 100;

    /// <summary>LZ4F_HEADER_SIZE_MAX: the most bytes LZ4F_compressBegin writes.</summary>
    internal const int HeaderSizeMax = 19;

    /// <summary>A raw LZ4 block (no frame), as PostgreSQL 15+ stores full-page images with wal_compression=lz4.</summary>
    [LibraryImport(Library)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int LZ4_decompress_safe(byte* source, byte* destination, int compressedSize, int destinationCapacity);

    [LibraryImport(Library)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nuint LZ4F_createCompressionContext(nint* context, uint version);

    [LibraryImport(Library)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nuint LZ4F_freeCompressionContext(nint context);

    [LibraryImport(Library)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nuint LZ4F_compressBound(nuint sourceSize, Lz4Preferences* preferences);

    [LibraryImport(Library)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nuint LZ4F_compressBegin(nint context, byte* destination, nuint capacity, Lz4Preferences* preferences);

    [LibraryImport(Library)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nuint LZ4F_compressUpdate(
        nint context, byte* destination, nuint capacity, byte* source, nuint sourceSize, void* options);

    [LibraryImport(Library)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nuint LZ4F_compressEnd(nint context, byte* destination, nuint capacity, void* options);

    [LibraryImport(Library)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nuint LZ4F_createDecompressionContext(nint* context, uint version);

    [LibraryImport(Library)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nuint LZ4F_freeDecompressionContext(nint context);

    [LibraryImport(Library)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nuint LZ4F_decompress(
        nint context, byte* destination, nuint* destinationSize, byte* source, nuint* sourceSize, void* options);

    [LibraryImport(Library)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial uint LZ4F_isError(nuint code);

    [LibraryImport(Library)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial byte* LZ4F_getErrorName(nuint code);

    /// <summary>Returns <paramref name="code"/>, or throws if it is an LZ4F error code.</summary>
    internal static nuint Check(nuint code)
    {
        if (LZ4F_isError(code) != 0)
            throw new PgRestException(ErrorCode.Format, $"lz4 error: {Marshal.PtrToStringUTF8((nint)LZ4F_getErrorName(code))}");
        return code;
    }
}

/// <summary>LZ4F_preferences_t (with its LZ4F_frameInfo_t), liblz4 1.8.2+ layout; zero means library default.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Lz4Preferences
{
    public int BlockSizeId;
    public int BlockMode;
    public int ContentChecksumFlag;
    public int FrameType;
    public ulong ContentSize;
    public uint DictionaryId;
    public int BlockChecksumFlag;
    public int CompressionLevel;
    public uint AutoFlush;
    public uint FavorDecompressionSpeed;
    public uint Reserved0;
    public uint Reserved1;
    public uint Reserved2;
}

internal sealed class Lz4CompressionContextHandle : SafeHandle
{
    public Lz4CompressionContextHandle(nint context) : base(0, ownsHandle: true) => SetHandle(context);

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        Lz4Native.LZ4F_freeCompressionContext(handle);
        return true;
    }
}

internal sealed class Lz4DecompressionContextHandle : SafeHandle
{
    public Lz4DecompressionContextHandle(nint context) : base(0, ownsHandle: true) => SetHandle(context);

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        Lz4Native.LZ4F_freeDecompressionContext(handle);
        return true;
    }
}

/// <summary>LZ4 frame writer: content checksum unless raw, otherwise liblz4 defaults (pgbackrest-format.md, "4.1 Compression").</summary>
internal sealed unsafe class Lz4CompressStream : NativeCompressStream
{
    // Input is handed to LZ4F in pieces of at most this size, so every update fits in the output buffer.
    private const int ChunkSize = 256 * 1024;

    private readonly Lz4CompressionContextHandle _contextHandle;
    private readonly nint _context;
    private readonly int _chunkBound;

    private Lz4CompressStream(Stream destination, bool leaveOpen, Lz4CompressionContextHandle contextHandle, int chunkBound)
        : base(destination, leaveOpen, chunkBound + Lz4Native.HeaderSizeMax)
    {
        _contextHandle = contextHandle;
        _context = contextHandle.DangerousGetHandle();
        _chunkBound = chunkBound;
    }

    public static Lz4CompressStream Create(Stream destination, int level, bool contentChecksum, bool leaveOpen)
    {
        Lz4Preferences preferences = default;
        preferences.CompressionLevel = level;
        preferences.ContentChecksumFlag = contentChecksum ? 1 : 0;

        // The bound covers data LZ4F buffers internally plus the frame end, so it also suffices for compressEnd.
        int chunkBound = checked((int)Lz4Native.Check(Lz4Native.LZ4F_compressBound(ChunkSize, &preferences)));

        nint context;
        Lz4Native.Check(Lz4Native.LZ4F_createCompressionContext(&context, Lz4Native.ApiVersion));
        var handle = new Lz4CompressionContextHandle(context);
        try
        {
            Span<byte> header = stackalloc byte[Lz4Native.HeaderSizeMax];
            int headerLength;
            fixed (byte* output = header)
            {
                headerLength = (int)Lz4Native.Check(
                    Lz4Native.LZ4F_compressBegin(context, output, (nuint)header.Length, &preferences));
            }

            var stream = new Lz4CompressStream(destination, leaveOpen, handle, chunkBound);
            header[..headerLength].CopyTo(stream.FreeOutput);
            stream.CommitOutput(headerLength);
            return stream;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    protected override int Compress(ReadOnlySpan<byte> input, Span<byte> output, out int produced)
    {
        produced = 0;
        if (output.Length < _chunkBound)
            return 0;
        int count = Math.Min(input.Length, ChunkSize);
        fixed (byte* source = input)
        fixed (byte* destination = output)
        {
            produced = (int)Lz4Native.Check(Lz4Native.LZ4F_compressUpdate(
                _context, destination, (nuint)output.Length, source, (nuint)count, null));
        }

        return count;
    }

    protected override bool End(Span<byte> output, out int produced)
    {
        produced = 0;
        if (output.Length < _chunkBound)
            return false;
        fixed (byte* destination = output)
        {
            produced = (int)Lz4Native.Check(Lz4Native.LZ4F_compressEnd(_context, destination, (nuint)output.Length, null));
        }

        return true;
    }

    protected override void ReleaseNative() => _contextHandle.Dispose();
}

/// <summary>LZ4 frame reader; the frame's content checksum, when present, is verified by liblz4.</summary>
internal sealed unsafe class Lz4DecompressStream : NativeDecompressStream
{
    private const int InputCapacity = 128 * 1024;

    private readonly Lz4DecompressionContextHandle _contextHandle;
    private readonly nint _context;

    private Lz4DecompressStream(Stream source, bool leaveOpen, Lz4DecompressionContextHandle contextHandle)
        : base(source, leaveOpen, InputCapacity)
    {
        _contextHandle = contextHandle;
        _context = contextHandle.DangerousGetHandle();
    }

    public static Lz4DecompressStream Create(Stream source, bool leaveOpen)
    {
        nint context;
        Lz4Native.Check(Lz4Native.LZ4F_createDecompressionContext(&context, Lz4Native.ApiVersion));
        var handle = new Lz4DecompressionContextHandle(context);
        try
        {
            return new Lz4DecompressStream(source, leaveOpen, handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    protected override bool Decompress(ReadOnlySpan<byte> input, Span<byte> output, out int consumed, out int produced)
    {
        nuint sourceSize = (nuint)input.Length;
        nuint destinationSize = (nuint)output.Length;
        nuint hint;
        fixed (byte* source = input)
        fixed (byte* destination = output)
        {
            hint = Lz4Native.Check(Lz4Native.LZ4F_decompress(
                _context, destination, &destinationSize, source, &sourceSize, null));
        }

        consumed = (int)sourceSize;
        produced = (int)destinationSize;
        return hint == 0;
    }

    protected override void ReleaseNative() => _contextHandle.Dispose();
}
