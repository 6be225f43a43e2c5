using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PgRest.Errors;

namespace PgRest.Filters;

/// <summary>Streaming API (zstd.h) of the system libzstd.</summary>
internal static unsafe partial class ZstdNative
{
    private const string Library = "libzstd.so.1";

    /// <summary>ZSTD_c_compressionLevel.</summary>
    internal const int CompressionLevelParameter = 100;

    /// <summary>ZSTD_e_continue / ZSTD_e_end.</summary>
    internal const int EndContinue = 0;
    internal const int EndFrame = 2;

    /// <summary>One whole zstd frame into a buffer of known size (full-page images with wal_compression=zstd).</summary>
    [LibraryImport(Library)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nuint ZSTD_decompress(byte* destination, nuint capacity, byte* source, nuint sourceSize);

    [LibraryImport(Library)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nint ZSTD_createCCtx();

    [LibraryImport(Library)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nuint ZSTD_freeCCtx(nint context);

    [LibraryImport(Library)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nuint ZSTD_CCtx_setParameter(nint context, int parameter, int value);

    [LibraryImport(Library)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nuint ZSTD_compressStream2(nint context, ZstdOutBuffer* output, ZstdInBuffer* input, int endOperation);

    [LibraryImport(Library)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nuint ZSTD_CStreamOutSize();

    [LibraryImport(Library)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nint ZSTD_createDCtx();

    [LibraryImport(Library)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nuint ZSTD_freeDCtx(nint context);

    [LibraryImport(Library)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nuint ZSTD_decompressStream(nint context, ZstdOutBuffer* output, ZstdInBuffer* input);

    [LibraryImport(Library)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial uint ZSTD_isError(nuint code);

    [LibraryImport(Library)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial byte* ZSTD_getErrorName(nuint code);

    /// <summary>Returns <paramref name="code"/>, or throws if it is a zstd error code.</summary>
    internal static nuint Check(nuint code)
    {
        if (ZSTD_isError(code) != 0)
            throw new PgRestException(ErrorCode.Format, $"zst error: {Marshal.PtrToStringUTF8((nint)ZSTD_getErrorName(code))}");
        return code;
    }
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ZstdInBuffer
{
    public byte* Source;
    public nuint Size;
    public nuint Position;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ZstdOutBuffer
{
    public byte* Destination;
    public nuint Size;
    public nuint Position;
}

internal sealed class ZstdCompressionContextHandle : SafeHandle
{
    public ZstdCompressionContextHandle(nint context) : base(0, ownsHandle: true) => SetHandle(context);

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        ZstdNative.ZSTD_freeCCtx(handle);
        return true;
    }
}

internal sealed class ZstdDecompressionContextHandle : SafeHandle
{
    public ZstdDecompressionContextHandle(nint context) : base(0, ownsHandle: true) => SetHandle(context);

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        ZstdNative.ZSTD_freeDCtx(handle);
        return true;
    }
}

/// <summary>zstd frame writer with libzstd defaults apart from the level (no checksum, like pgBackRest).</summary>
internal sealed unsafe class ZstdCompressStream : NativeCompressStream
{
    private readonly ZstdCompressionContextHandle _contextHandle;
    private readonly nint _context;

    private ZstdCompressStream(Stream destination, bool leaveOpen, ZstdCompressionContextHandle contextHandle, int outputCapacity)
        : base(destination, leaveOpen, outputCapacity)
    {
        _contextHandle = contextHandle;
        _context = contextHandle.DangerousGetHandle();
    }

    public static ZstdCompressStream Create(Stream destination, int level, bool leaveOpen)
    {
        nint context = ZstdNative.ZSTD_createCCtx();
        if (context == 0)
            throw new PgRestException(ErrorCode.Memory, "unable to create zst compression context");
        var handle = new ZstdCompressionContextHandle(context);
        try
        {
            ZstdNative.Check(ZstdNative.ZSTD_CCtx_setParameter(context, ZstdNative.CompressionLevelParameter, level));
            int outputCapacity = Math.Max((int)ZstdNative.ZSTD_CStreamOutSize(), 128 * 1024);
            return new ZstdCompressStream(destination, leaveOpen, handle, outputCapacity);
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
        if (output.IsEmpty)
            return 0;
        fixed (byte* source = input)
        fixed (byte* destination = output)
        {
            var inBuffer = new ZstdInBuffer { Source = source, Size = (nuint)input.Length };
            var outBuffer = new ZstdOutBuffer { Destination = destination, Size = (nuint)output.Length };
            ZstdNative.Check(ZstdNative.ZSTD_compressStream2(_context, &outBuffer, &inBuffer, ZstdNative.EndContinue));
            produced = (int)outBuffer.Position;
            return (int)inBuffer.Position;
        }
    }

    protected override bool End(Span<byte> output, out int produced)
    {
        produced = 0;
        if (output.IsEmpty)
            return false;
        fixed (byte* destination = output)
        {
            var inBuffer = new ZstdInBuffer();
            var outBuffer = new ZstdOutBuffer { Destination = destination, Size = (nuint)output.Length };
            nuint remaining = ZstdNative.Check(ZstdNative.ZSTD_compressStream2(_context, &outBuffer, &inBuffer, ZstdNative.EndFrame));
            produced = (int)outBuffer.Position;
            return remaining == 0;
        }
    }

    protected override void ReleaseNative() => _contextHandle.Dispose();
}

/// <summary>zstd frame reader.</summary>
internal sealed unsafe class ZstdDecompressStream : NativeDecompressStream
{
    private const int InputCapacity = 128 * 1024;

    private readonly ZstdDecompressionContextHandle _contextHandle;
    private readonly nint _context;

    private ZstdDecompressStream(Stream source, bool leaveOpen, ZstdDecompressionContextHandle contextHandle)
        : base(source, leaveOpen, InputCapacity)
    {
        _contextHandle = contextHandle;
        _context = contextHandle.DangerousGetHandle();
    }

    public static ZstdDecompressStream Create(Stream source, bool leaveOpen)
    {
        nint context = ZstdNative.ZSTD_createDCtx();
        if (context == 0)
            throw new PgRestException(ErrorCode.Memory, "unable to create zst decompression context");
        var handle = new ZstdDecompressionContextHandle(context);
        try
        {
            return new ZstdDecompressStream(source, leaveOpen, handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    protected override bool Decompress(ReadOnlySpan<byte> input, Span<byte> output, out int consumed, out int produced)
    {
        fixed (byte* source = input)
        fixed (byte* destination = output)
        {
            var inBuffer = new ZstdInBuffer { Source = source, Size = (nuint)input.Length };
            var outBuffer = new ZstdOutBuffer { Destination = destination, Size = (nuint)output.Length };
            nuint hint = ZstdNative.Check(ZstdNative.ZSTD_decompressStream(_context, &outBuffer, &inBuffer));
            consumed = (int)inBuffer.Position;
            produced = (int)outBuffer.Position;

            // 0 means the frame is complete and fully flushed.
            return hint == 0;
        }
    }

    protected override void ReleaseNative() => _contextHandle.Dispose();
}
