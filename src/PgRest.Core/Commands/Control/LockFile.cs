using System.Text;
using PgRest.Config;
using PgRest.Errors;

namespace PgRest.Commands.Control;

/// <summary>
/// pgBackRest 2.45's per-stanza lock files (<c>&lt;lock-path&gt;/&lt;stanza&gt;-backup.lock</c>, <c>-archive.lock</c>).
/// .NET takes an exclusive <c>flock</c> for <see cref="FileShare.None"/> on Unix, the same lock pgBackRest takes, so
/// the two tools exclude each other too.
/// </summary>
public sealed class LockFile : IDisposable
{
    private readonly FileStream _stream;
    private readonly string _path;

    private LockFile(FileStream stream, string path)
    {
        _stream = stream;
        _path = path;
    }

    public static LockFile Acquire(Configuration config, string stanza, string type)
    {
        var lockPath = config.GetString("lock-path") ?? "/tmp/pgbackrest";
        var path = Path.Combine(lockPath, $"{stanza}-{type}.lock");
        try
        {
            Directory.CreateDirectory(lockPath);
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            var content = Encoding.ASCII.GetBytes($"{{\"execId\":\"{Environment.ProcessId}-pgrest\",\"pid\":{Environment.ProcessId}}}\n");
            stream.Write(content);
            stream.Flush();
            return new LockFile(stream, path);
        }
        catch (IOException)
        {
            throw new PgRestException(ErrorCode.LockAcquire,
                $"unable to acquire lock on file '{path}': Resource temporarily unavailable\nHINT: is another pgBackRest process running?");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new PgRestException(ErrorCode.LockAcquire, $"unable to acquire lock on file '{path}': {e.Message}");
        }
    }

    public void Dispose()
    {
        try
        {
            File.Delete(_path);
        }
        catch (IOException)
        {
            // Another process may already hold a new lock on a fresh file; the flock is released below either way.
        }

        _stream.Dispose();
    }
}
