using System.Buffers;
using System.Runtime.CompilerServices;
using PgRest.Errors;

namespace PgRest.Filters;

/// <summary>
/// Write side of a native streaming compressor: compresses into a pooled output buffer that is written to the
/// destination whenever it fills, so the destination sees few large writes.
/// </summary>
internal abstract class NativeCompressStream : WriteFilterStream
{
    private readonly int outputCapacity;
    private byte[]? output;
    private int outputLength;

    protected NativeCompressStream(Stream destination, bool leaveOpen, int outputCapacity) : base(destination, leaveOpen)
    {
        this.outputCapacity = outputCapacity;
        output = ArrayPool<byte>.Shared.Rent(outputCapacity);
    }

    /// <summary>Compresses from <paramref name="input"/>; returns the bytes consumed. Consuming and producing nothing
    /// means the output space is too small and must be drained first.</summary>
    protected abstract int Compress(ReadOnlySpan<byte> input, Span<byte> output, out int produced);

    /// <summary>Writes the end of the frame; returns true once all of it is in <paramref name="output"/>.</summary>
    protected abstract bool End(Span<byte> output, out int produced);

    /// <summary>Frees the native context; called once.</summary>
    protected abstract void ReleaseNative();

    /// <summary>Lets a subclass put its frame header into the output buffer from its constructor.</summary>
    protected Span<byte> FreeOutput => output.AsSpan(outputLength, outputCapacity - outputLength);

    protected void CommitOutput(int count) => outputLength += count;

    protected sealed override void WriteCore(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            bool drain = CompressStep(buffer, out int consumed);
            buffer = buffer[consumed..];
            if (drain)
                Drain();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    protected sealed override async ValueTask WriteCoreAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        while (!buffer.IsEmpty)
        {
            bool drain = CompressStep(buffer.Span, out int consumed);
            buffer = buffer[consumed..];
            if (drain)
                await DrainAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    protected sealed override void Finish()
    {
        while (!EndStep(out bool drain))
        {
            if (drain)
                Drain();
        }

        if (outputLength > 0)
            Drain();
        Destination.Flush();
    }

    protected sealed override async ValueTask FinishAsync()
    {
        while (!EndStep(out bool drain))
        {
            if (drain)
                await DrainAsync(CancellationToken.None).ConfigureAwait(false);
        }

        if (outputLength > 0)
            await DrainAsync(CancellationToken.None).ConfigureAwait(false);
        await Destination.FlushAsync().ConfigureAwait(false);
    }

    protected sealed override void ReleaseResources()
    {
        ReleaseNative();
        if (output is not null)
        {
            ArrayPool<byte>.Shared.Return(output);
            output = null;
        }
    }

    private bool CompressStep(ReadOnlySpan<byte> input, out int consumed)
    {
        consumed = Compress(input, FreeOutput, out int produced);
        outputLength += produced;
        return outputLength == outputCapacity || (consumed == 0 && produced == 0);
    }

    private bool EndStep(out bool drain)
    {
        bool done = End(FreeOutput, out int produced);
        outputLength += produced;
        drain = outputLength == outputCapacity || produced == 0;
        return done;
    }

    private void Drain()
    {
        ThrowIfStuck();
        Destination.Write(output!, 0, outputLength);
        outputLength = 0;
    }

    private async ValueTask DrainAsync(CancellationToken cancellationToken)
    {
        ThrowIfStuck();
        await Destination.WriteAsync(output.AsMemory(0, outputLength), cancellationToken).ConfigureAwait(false);
        outputLength = 0;
    }

    private void ThrowIfStuck()
    {
        if (outputLength == 0)
            throw new InvalidOperationException("the compressor made no progress with an empty output buffer");
    }
}

/// <summary>
/// Read side of a native streaming decompressor: decodes straight into the caller's buffer from a pooled input buffer,
/// stops at the end of the compressed frame (bytes after it are ignored) and reports a source that ends before the
/// frame does as <see cref="ErrorCode.Format"/>.
/// </summary>
internal abstract class NativeDecompressStream : ReadFilterStream
{
    private readonly int inputCapacity;
    private byte[]? input;
    private int inputStart;
    private int inputEnd;
    private bool sourceEnded;
    private bool frameEnded;
    private bool pendingStall;

    protected NativeDecompressStream(Stream source, bool leaveOpen, int inputCapacity) : base(source, leaveOpen)
    {
        this.inputCapacity = inputCapacity;
        input = ArrayPool<byte>.Shared.Rent(inputCapacity);
    }

    /// <summary>Decodes from <paramref name="input"/> into <paramref name="output"/>; returns true when the frame is
    /// complete and all of its output delivered.</summary>
    protected abstract bool Decompress(ReadOnlySpan<byte> input, Span<byte> output, out int consumed, out int produced);

    protected abstract void ReleaseNative();

    protected sealed override int ReadCore(Span<byte> buffer)
    {
        while (true)
        {
            if (frameEnded)
                return 0;
            if (NeedsInput())
                FillInput(Source.Read(PrepareFill()));
            if (DecodeStep(buffer, out int produced))
                return produced;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    protected sealed override async ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (frameEnded)
                return 0;
            if (NeedsInput())
                FillInput(await Source.ReadAsync(PrepareFillMemory(), cancellationToken).ConfigureAwait(false));
            if (DecodeStep(buffer.Span, out int produced))
                return produced;
        }
    }

    protected sealed override void ReleaseResources()
    {
        ReleaseNative();
        if (input is not null)
        {
            ArrayPool<byte>.Shared.Return(input);
            input = null;
        }
    }

    // Input is read when the buffer is empty, or when the decoder stalled on what it has (it wants more).
    private bool NeedsInput() => !sourceEnded && (inputStart == inputEnd || pendingStall);

    private Span<byte> PrepareFill() => PrepareFillMemory().Span;

    private Memory<byte> PrepareFillMemory()
    {
        if (inputStart == inputEnd)
        {
            inputStart = inputEnd = 0;
        }
        else if (inputEnd == inputCapacity)
        {
            input.AsSpan(inputStart, inputEnd - inputStart).CopyTo(input);
            inputEnd -= inputStart;
            inputStart = 0;
        }

        if (inputEnd == inputCapacity)
            throw new InvalidOperationException("the decompressor made no progress with a full input buffer");
        return input.AsMemory(inputEnd, inputCapacity - inputEnd);
    }

    private void FillInput(int count)
    {
        pendingStall = false;
        if (count == 0)
            sourceEnded = true;
        else
            inputEnd += count;
    }

    /// <summary>One decoder call; returns true when Read has its answer in <paramref name="produced"/>.</summary>
    private bool DecodeStep(Span<byte> buffer, out int produced)
    {
        frameEnded = Decompress(input.AsSpan(inputStart, inputEnd - inputStart), buffer, out int consumed, out produced);
        inputStart += consumed;
        if (produced > 0 || frameEnded)
            return true;
        if (consumed == 0)
        {
            if (sourceEnded)
                throw new PgRestException(ErrorCode.Format, "unexpected eof in compressed data");
            pendingStall = true;
        }

        return false;
    }
}
