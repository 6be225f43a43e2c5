using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PgRest.Errors;

namespace PgRest.Filters;

/// <summary>Low-level API (bzlib.h) of the system libbz2.</summary>
internal static unsafe partial class Bz2Native
{
    private const string Library = "libbz2.so.1.0";

    internal const int Run = 0;
    internal const int Finish = 2;
    internal const int Ok = 0;
    internal const int StreamEnd = 4;

    [LibraryImport(Library)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int BZ2_bzCompressInit(Bz2Stream* stream, int blockSize100k, int verbosity, int workFactor);

    [LibraryImport(Library)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int BZ2_bzCompress(Bz2Stream* stream, int action);

    [LibraryImport(Library)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int BZ2_bzCompressEnd(Bz2Stream* stream);

    [LibraryImport(Library)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int BZ2_bzDecompressInit(Bz2Stream* stream, int verbosity, int small);

    [LibraryImport(Library)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int BZ2_bzDecompress(Bz2Stream* stream);

    [LibraryImport(Library)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int BZ2_bzDecompressEnd(Bz2Stream* stream);

    /// <summary>Returns <paramref name="result"/>, or throws if it is a bzlib error (they are negative).</summary>
    internal static int Check(int result)
    {
        if (result >= 0)
            return result;
        string name = result switch
        {
            -1 => "sequence error",
            -2 => "parameter error",
            -3 => "memory error",
            -4 => "data error",
            -5 => "data error (not bz2 data)",
            -6 => "io error",
            -7 => "unexpected eof",
            -8 => "output buffer full",
            -9 => "config error",
            _ => "unknown error",
        };
        throw new PgRestException(result == -3 ? ErrorCode.Memory : ErrorCode.Format, $"bz2 error: [{result}] {name}");
    }
}

/// <summary>bz_stream; bzlib keeps a pointer to it, so it lives in native memory owned by <see cref="Bz2StreamHandle"/>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Bz2Stream
{
    public byte* NextIn;
    public uint AvailableIn;
    public uint TotalInLow;
    public uint TotalInHigh;
    public byte* NextOut;
    public uint AvailableOut;
    public uint TotalOutLow;
    public uint TotalOutHigh;
    public void* State;
    public void* Allocate;
    public void* Free;
    public void* Opaque;
}

internal sealed unsafe class Bz2StreamHandle : SafeHandle
{
    private readonly bool _compress;

    private Bz2StreamHandle(bool compress) : base(0, ownsHandle: true) => _compress = compress;

    public override bool IsInvalid => handle == 0;

    public Bz2Stream* Stream => (Bz2Stream*)handle;

    public static Bz2StreamHandle CreateCompress(int blockSize100k)
    {
        var result = new Bz2StreamHandle(compress: true);
        var stream = (Bz2Stream*)NativeMemory.AllocZeroed((nuint)sizeof(Bz2Stream));
        int status = Bz2Native.BZ2_bzCompressInit(stream, blockSize100k, 0, 0);
        if (status != Bz2Native.Ok)
        {
            NativeMemory.Free(stream);
            Bz2Native.Check(status);
        }

        result.SetHandle((nint)stream);
        return result;
    }

    public static Bz2StreamHandle CreateDecompress()
    {
        var result = new Bz2StreamHandle(compress: false);
        var stream = (Bz2Stream*)NativeMemory.AllocZeroed((nuint)sizeof(Bz2Stream));
        int status = Bz2Native.BZ2_bzDecompressInit(stream, 0, 0);
        if (status != Bz2Native.Ok)
        {
            NativeMemory.Free(stream);
            Bz2Native.Check(status);
        }

        result.SetHandle((nint)stream);
        return result;
    }

    protected override bool ReleaseHandle()
    {
        var stream = (Bz2Stream*)handle;
        if (_compress)
            Bz2Native.BZ2_bzCompressEnd(stream);
        else
            Bz2Native.BZ2_bzDecompressEnd(stream);
        NativeMemory.Free(stream);
        return true;
    }
}

/// <summary>bzip2 writer, blockSize100k = level (pgbackrest-format.md, "4.1 Compression").</summary>
internal sealed unsafe class Bz2CompressStream : NativeCompressStream
{
    private const int OutputCapacity = 128 * 1024;

    private readonly Bz2StreamHandle _streamHandle;
    private readonly Bz2Stream* _stream;

    private Bz2CompressStream(Stream destination, bool leaveOpen, Bz2StreamHandle streamHandle)
        : base(destination, leaveOpen, OutputCapacity)
    {
        _streamHandle = streamHandle;
        _stream = streamHandle.Stream;
    }

    public static Bz2CompressStream Create(Stream destination, int level, bool leaveOpen)
    {
        Bz2StreamHandle handle = Bz2StreamHandle.CreateCompress(level);
        try
        {
            return new Bz2CompressStream(destination, leaveOpen, handle);
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
            Point(source, input.Length, destination, output.Length);
            Bz2Native.Check(Bz2Native.BZ2_bzCompress(_stream, Bz2Native.Run));
            produced = output.Length - (int)_stream->AvailableOut;
            return input.Length - (int)_stream->AvailableIn;
        }
    }

    protected override bool End(Span<byte> output, out int produced)
    {
        produced = 0;
        if (output.IsEmpty)
            return false;
        fixed (byte* destination = output)
        {
            Point(null, 0, destination, output.Length);
            int status = Bz2Native.Check(Bz2Native.BZ2_bzCompress(_stream, Bz2Native.Finish));
            produced = output.Length - (int)_stream->AvailableOut;
            return status == Bz2Native.StreamEnd;
        }
    }

    protected override void ReleaseNative() => _streamHandle.Dispose();

    // bzlib copies what it needs during each call, so the buffers only have to stay pinned for the call.
    private void Point(byte* source, int sourceLength, byte* destination, int destinationLength)
    {
        _stream->NextIn = source;
        _stream->AvailableIn = (uint)sourceLength;
        _stream->NextOut = destination;
        _stream->AvailableOut = (uint)destinationLength;
    }
}

/// <summary>bzip2 reader; block and stream CRCs are verified by libbz2.</summary>
internal sealed unsafe class Bz2DecompressStream : NativeDecompressStream
{
    private const int InputCapacity = 128 * 1024;

    private readonly Bz2StreamHandle _streamHandle;
    private readonly Bz2Stream* _stream;

    private Bz2DecompressStream(Stream source, bool leaveOpen, Bz2StreamHandle streamHandle)
        : base(source, leaveOpen, InputCapacity)
    {
        _streamHandle = streamHandle;
        _stream = streamHandle.Stream;
    }

    public static Bz2DecompressStream Create(Stream source, bool leaveOpen)
    {
        Bz2StreamHandle handle = Bz2StreamHandle.CreateDecompress();
        try
        {
            return new Bz2DecompressStream(source, leaveOpen, handle);
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
            _stream->NextIn = source;
            _stream->AvailableIn = (uint)input.Length;
            _stream->NextOut = destination;
            _stream->AvailableOut = (uint)output.Length;
            int status = Bz2Native.Check(Bz2Native.BZ2_bzDecompress(_stream));
            consumed = input.Length - (int)_stream->AvailableIn;
            produced = output.Length - (int)_stream->AvailableOut;
            return status == Bz2Native.StreamEnd;
        }
    }

    protected override void ReleaseNative() => _streamHandle.Dispose();
}
