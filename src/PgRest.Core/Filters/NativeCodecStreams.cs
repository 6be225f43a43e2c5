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
    private readonly int _outputCapacity;
    private byte[]? _output;
    private int _outputLength;

    protected NativeCompressStream(Stream destination, bool leaveOpen, int outputCapacity) : base(destination, leaveOpen)
    {
        _outputCapacity = outputCapacity;
        _output = ArrayPool<byte>.Shared.Rent(outputCapacity);
    }

    /// <summary>Compresses from <paramref name="input"/>; returns the bytes consumed. Consuming and producing nothing
    /// means the output space is too small and must be drained first.</summary>
    protected abstract int Compress(ReadOnlySpan<byte> input, Span<byte> output, out int produced);

    /// <summary>Writes the end of the frame; returns true once all of it is in <paramref name="output"/>.</summary>
    protected abstract bool End(Span<byte> output, out int produced);

    /// <summary>Frees the native context; called once.</summary>
    protected abstract void ReleaseNative();

    /// <summary>Lets a subclass put its frame header into the output buffer from its constructor.</summary>
    protected Span<byte> FreeOutput => _output.AsSpan(_outputLength, _outputCapacity - _outputLength);

    protected void CommitOutput(int count) => _outputLength += count;

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

        if (_outputLength > 0)
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

        if (_outputLength > 0)
            await DrainAsync(CancellationToken.None).ConfigureAwait(false);
        await Destination.FlushAsync().ConfigureAwait(false);
    }

    protected sealed override void ReleaseResources()
    {
        ReleaseNative();
        if (_output is not null)
        {
            ArrayPool<byte>.Shared.Return(_output);
            _output = null;
        }
    }

    private bool CompressStep(ReadOnlySpan<byte> input, out int consumed)
    {
        consumed = Compress(input, FreeOutput, out int produced);
        _outputLength += produced;
        return _outputLength == _outputCapacity || (consumed == 0 && produced == 0);
    }

    private bool EndStep(out bool drain)
    {
        bool done = End(FreeOutput, out int produced);
        _outputLength += produced;
        drain = _outputLength == _outputCapacity || produced == 0;
        return done;
    }

    private void Drain()
    {
        ThrowIfStuck();
        Destination.Write(_output!, 0, _outputLength);
        _outputLength = 0;
    }

    private async ValueTask DrainAsync(CancellationToken cancellationToken)
    {
        ThrowIfStuck();
        await Destination.WriteAsync(_output.AsMemory(0, _outputLength), cancellationToken).ConfigureAwait(false);
        _outputLength = 0;
    }

    private void ThrowIfStuck()
    {
        if (_outputLength == 0)
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
    private readonly int _inputCapacity;
    private byte[]? _input;
    private int _inputStart;
    private int _inputEnd;
    private bool _sourceEnded;
    private bool _frameEnded;
    private bool _pendingStall;

    protected NativeDecompressStream(Stream source, bool leaveOpen, int inputCapacity) : base(source, leaveOpen)
    {
        _inputCapacity = inputCapacity;
        _input = ArrayPool<byte>.Shared.Rent(inputCapacity);
    }

    /// <summary>Decodes from <paramref name="input"/> into <paramref name="output"/>; returns true when the frame is
    /// complete and all of its output delivered.</summary>
    protected abstract bool Decompress(ReadOnlySpan<byte> input, Span<byte> output, out int consumed, out int produced);

    protected abstract void ReleaseNative();

    protected sealed override int ReadCore(Span<byte> buffer)
    {
        while (true)
        {
            if (_frameEnded)
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
            if (_frameEnded)
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
        if (_input is not null)
        {
            ArrayPool<byte>.Shared.Return(_input);
            _input = null;
        }
    }

    // Input is read when the buffer is empty, or when the decoder stalled on what it has (it wants more).
    private bool NeedsInput() => !_sourceEnded && (_inputStart == _inputEnd || _pendingStall);

    private Span<byte> PrepareFill() => PrepareFillMemory().Span;

    private Memory<byte> PrepareFillMemory()
    {
        if (_inputStart == _inputEnd)
        {
            _inputStart = _inputEnd = 0;
        }
        else if (_inputEnd == _inputCapacity)
        {
            _input.AsSpan(_inputStart, _inputEnd - _inputStart).CopyTo(_input);
            _inputEnd -= _inputStart;
            _inputStart = 0;
        }

        if (_inputEnd == _inputCapacity)
            throw new InvalidOperationException("the decompressor made no progress with a full input buffer");
        return _input.AsMemory(_inputEnd, _inputCapacity - _inputEnd);
    }

    private void FillInput(int count)
    {
        _pendingStall = false;
        if (count == 0)
            _sourceEnded = true;
        else
            _inputEnd += count;
    }

    /// <summary>One decoder call; returns true when Read has its answer in <paramref name="produced"/>.</summary>
    private bool DecodeStep(Span<byte> buffer, out int produced)
    {
        _frameEnded = Decompress(_input.AsSpan(_inputStart, _inputEnd - _inputStart), buffer, out int consumed, out produced);
        _inputStart += consumed;
        if (produced > 0 || _frameEnded)
            return true;
        if (consumed == 0)
        {
            if (_sourceEnded)
                throw new PgRestException(ErrorCode.Format, "unexpected eof in compressed data");
            _pendingStall = true;
        }

        return false;
    }
}
