using BenchmarkDotNet.Attributes;
using PgRest.Filters;

namespace PgRest.Benchmarks;

/// <summary>
/// The filter chain every stored file goes through (SHA-1/size, compress, encrypt, SHA-1/size of the stored bytes), for
/// 16 MiB of test data at each compress type's default level, with and without encryption. The destination and source are
/// in memory so that only the filters are measured.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private const string Passphrase = "xmRrM9vDJbJKbI0e1sHq4ZiVSTbTUMSt3tuXXRGX3ZfSL1Ep2fLsoQ4kJwpqbkxU";
    private const int ChunkSize = 1024 * 1024;

    private byte[] _stored = [];
    private readonly byte[] _readBuffer = new byte[ChunkSize];

    [Params(CompressType.None, CompressType.Gz, CompressType.Lz4, CompressType.Zst, CompressType.Bz2)]
    public CompressType Compress { get; set; }

    [Params(false, true)]
    public bool Encrypt { get; set; }

    private string? Cipher => Encrypt ? Passphrase : null;

    [GlobalSetup]
    public void Setup()
    {
        using var destination = new MemoryStream();
        WriteAll(destination);
        _stored = destination.ToArray();
    }

    /// <summary>Plain bytes in, stored bytes out (what backup and archive-push do per file).</summary>
    [Benchmark]
    public long Write()
    {
        var destination = new CountingStream();
        return WriteAll(destination);
    }

    /// <summary>Stored bytes in, plain bytes out (what restore and archive-get do per file).</summary>
    [Benchmark]
    public long Read()
    {
        using var pipeline = Pipeline.Read(new MemoryStream(_stored, writable: false), Compress, Cipher);
        long total = 0;
        int read;
        while ((read = pipeline.Output.Read(_readBuffer)) > 0)
            total += read;
        return total + pipeline.Sha1Hex.Length;
    }

    private long WriteAll(Stream destination)
    {
        var data = TestData.Data;
        using var pipeline = Pipeline.Write(destination, Compress, CompressTypes.DefaultLevel(Compress), Cipher, leaveOpen: true);
        for (var offset = 0; offset < data.Length; offset += ChunkSize)
            pipeline.Input.Write(data, offset, Math.Min(ChunkSize, data.Length - offset));
        pipeline.Complete();
        return pipeline.RepoSize;
    }

    /// <summary>A write-only sink that keeps nothing, so the benchmark measures the filters and not a growing buffer.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => _length += count;
        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
    }
}
