using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using PgRest.Filters;

namespace PgRest.Benchmarks;

/// <summary>SHA-1 of 16 MiB alone: one-shot (archive-push hashes the segment before storing it) and as the pipeline's hash filter.</summary>
[MemoryDiagnoser]
public class Sha1Benchmarks
{
    private const int ChunkSize = 1024 * 1024;

    [Benchmark(Baseline = true)]
    public byte[] OneShot() => SHA1.HashData(TestData.Data);

    [Benchmark]
    public string HashSizeFilter()
    {
        var data = TestData.Data;
        using var hash = HashSizeStream.ForWriting(Stream.Null);
        for (var offset = 0; offset < data.Length; offset += ChunkSize)
            hash.Write(data, offset, ChunkSize);
        hash.Dispose();
        return hash.Sha1Hex;
    }
}
