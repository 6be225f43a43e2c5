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
        Microsoft.Win32.SafeHandles.SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new PgRestException(ErrorCode.FileMissing, $"unable to open missing file '{path}' for read");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new PgRestException(ErrorCode.FileOpen, $"unable to open file '{path}' for read: {e.Message}");
        }

        using (handle)
        {
            // Blocking reads: the file is in the page cache (PostgreSQL just wrote it) and a thread hop costs more.
            var length = checked((int)RandomAccess.GetLength(handle));
            var array = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
            var total = 0;
            while (total < length)
            {
                var read = RandomAccess.Read(handle, array.AsSpan(total, length - total), total);
                if (read == 0)
                    break;
                total += read;
            }

            await Task.CompletedTask.ConfigureAwait(false);
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
