using System.Buffers;
using PgRest.Errors;

namespace PgRest.Common;

/// <summary>A whole small file (a WAL segment) in a pooled array, returned to the pool on dispose.</summary>
public sealed class PooledBuffer : IDisposable
{
    private byte[]? _array;

    private PooledBuffer(byte[] array, int length)
    {
        _array = array;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlySpan<byte> Span => _array.AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => _array.AsMemory(0, Length);

    public static async Task<PooledBuffer> ReadFileAsync(string path, CancellationToken cancellationToken)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new PgRestException(ErrorCode.FileMissing, $"unable to open missing file '{path}' for read");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new PgRestException(ErrorCode.FileOpen, $"unable to open file '{path}' for read: {e.Message}");
        }

        await using (stream.ConfigureAwait(false))
        {
            var length = checked((int)stream.Length);
            var array = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
            var total = 0;
            while (total < length)
            {
                var read = await stream.ReadAsync(array.AsMemory(total, length - total), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                    break;
                total += read;
            }

            return new PooledBuffer(array, total);
        }
    }

    public void Dispose()
    {
        if (_array is not null)
            ArrayPool<byte>.Shared.Return(_array);
        _array = null;
    }
}
