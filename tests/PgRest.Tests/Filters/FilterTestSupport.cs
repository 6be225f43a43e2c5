using System.Diagnostics;
using System.Text;
using PgRest.Filters;

namespace PgRest.Tests.Filters;

internal static class TestData
{
    /// <summary>Write sizes that do not line up with any codec's block or buffer sizes.</summary>
    public static readonly int[] OddChunkSizes = [1, 7, 4093, 65537, 13, 300001, 8191, 131071];

    private static readonly byte[] Text = "The quick brown fox jumps over the lazy dog; PostgreSQL heap page 0123456789\n"u8.ToArray();

    /// <summary>Runs of random, repeated-text and constant bytes, so codecs see both incompressible and compressible blocks.</summary>
    public static byte[] Mixed(int length, int seed = 1)
    {
        var random = new Random(seed);
        byte[] data = new byte[length];
        int position = 0;
        while (position < length)
        {
            int run = Math.Min(length - position, random.Next(1, 96 * 1024));
            Span<byte> target = data.AsSpan(position, run);
            switch (random.Next(3))
            {
                case 0:
                    random.NextBytes(target);
                    break;
                case 1:
                    for (int i = 0; i < run; i++)
                        target[i] = Text[(position + i) % Text.Length];
                    break;
                default:
                    target.Fill((byte)random.Next(4));
                    break;
            }

            position += run;
        }

        return data;
    }

    public static void WriteInChunks(Stream stream, ReadOnlySpan<byte> data)
    {
        for (int i = 0; !data.IsEmpty; i++)
        {
            int count = Math.Min(data.Length, OddChunkSizes[i % OddChunkSizes.Length]);
            stream.Write(data[..count]);
            data = data[count..];
        }
    }

    public static async Task WriteInChunksAsync(Stream stream, ReadOnlyMemory<byte> data)
    {
        for (int i = 0; !data.IsEmpty; i++)
        {
            int count = Math.Min(data.Length, OddChunkSizes[i % OddChunkSizes.Length]);
            await stream.WriteAsync(data[..count]);
            data = data[count..];
        }
    }

    public static byte[] ReadAll(Stream stream, int bufferSize = 5003)
    {
        var result = new MemoryStream();
        byte[] buffer = new byte[bufferSize];
        int count;
        while ((count = stream.Read(buffer)) > 0)
            result.Write(buffer, 0, count);
        return result.ToArray();
    }

    public static async Task<byte[]> ReadAllAsync(Stream stream, int bufferSize = 5003)
    {
        var result = new MemoryStream();
        byte[] buffer = new byte[bufferSize];
        int count;
        while ((count = await stream.ReadAsync(buffer.AsMemory())) > 0)
            result.Write(buffer, 0, count);
        return result.ToArray();
    }

    public static byte[] Compress(CompressType type, int level, bool raw, ReadOnlySpan<byte> data)
    {
        var stored = new MemoryStream();
        using (Stream compressor = Compression.Compressor(stored, type, level, raw, leaveOpen: true))
            WriteInChunks(compressor, data);
        return stored.ToArray();
    }

    public static byte[] Decompress(CompressType type, bool raw, byte[] stored)
    {
        using Stream decompressor = Compression.Decompressor(new MemoryStream(stored), type, raw);
        return ReadAll(decompressor);
    }
}

/// <summary>A source that returns only a few bytes per read, like a slow network connection.</summary>
internal sealed class TrickleStream(byte[] data, int maxRead, int seed = 7) : Stream
{
    private readonly Random _random = new(seed);
    private int _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int count = Math.Min(Math.Min(buffer.Length, data.Length - _position), _random.Next(1, maxRead + 1));
        data.AsSpan(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A temporary directory for files handed to command-line tools.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pgrest-filters-" + Guid.NewGuid().ToString("N"));

    public string File(string name, byte[] content)
    {
        string path = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>Runs a command-line tool and returns its standard output; a non-zero exit fails the test.</summary>
internal static class ExternalTool
{
    public static byte[] Run(params string[] command)
    {
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in command[1..])
            start.ArgumentList.Add(argument);

        using Process process = Process.Start(start)!;
        var error = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (error)
                error.AppendLine(e.Data);
        };
        process.BeginErrorReadLine();
        var output = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            lock (error)
                Assert.Fail($"{string.Join(' ', command[..2])} exited with {process.ExitCode}: {error}");
        }

        return output.ToArray();
    }
}
