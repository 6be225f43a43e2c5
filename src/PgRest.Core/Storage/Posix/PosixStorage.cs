using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PgRest.Common;
using PgRest.Errors;

namespace PgRest.Storage.Posix;

/// <summary>A repository on a local or mounted file system (<c>repo-type=posix</c>).</summary>
public sealed class PosixStorage : IStorage
{
    /// <summary>pgBackRest writes through a temp name and renames; a reader never sees a partial file.</summary>
    public const string TempSuffix = ".pgbackrest.tmp";

    private static int _tempSequence;

    /// <summary>A temp name beside <paramref name="path"/>, unique per process and write: two writers of one file
    /// (PostgreSQL retrying a push that is still running) must not write through the same temp file, or one rename
    /// could publish the other's half-written bytes.</summary>
    public static string UniqueTempPath(string path) =>
        path + "." + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-"
        + Interlocked.Increment(ref _tempSequence).ToString(System.Globalization.CultureInfo.InvariantCulture) + TempSuffix;

    private readonly string _root;
    private readonly UnixFileMode _fileMode;
    private readonly UnixFileMode _pathMode;

    public PosixStorage(string root, UnixFileMode fileMode = (UnixFileMode)0b110_100_000, UnixFileMode pathMode = (UnixFileMode)0b111_101_000)
    {
        _root = root.Length > 1 ? root.TrimEnd('/') : root;
        _fileMode = fileMode;
        _pathMode = pathMode;
    }

    public StorageFeatures Features => StorageFeatures.Path | StorageFeatures.Symlink | StorageFeatures.NameAtCommit;

    public string Root => _root;

    public string FullPath(string path) => path.Length == 0 ? _root : path[0] == '/' ? path : _root + "/" + path;

    public Task<Stream?> OpenReadAsync(string path, long offset = 0, long? length = null, bool ignoreMissing = false, CancellationToken cancellationToken = default)
    {
        var full = FullPath(path);
        BlockingFileStream stream;
        try
        {
            stream = BlockingFileStream.OpenRead(full);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            if (ignoreMissing)
                return Task.FromResult<Stream?>(null);
            throw new PgRestException(ErrorCode.FileMissing, $"unable to open missing file '{full}' for read");
        }
        catch (UnauthorizedAccessException) when (Directory.Exists(full))
        {
            // open(2) of a directory succeeds and read(2) fails: pgBackRest reports the read.
            throw new PgRestException(ErrorCode.FileRead, $"unable to read '{full}': {SystemError.IsADirectory}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new PgRestException(ErrorCode.FileOpen, $"unable to open file '{full}' for read: {SystemError.Describe(e)}");
        }

        if (offset != 0)
            stream.Seek(offset, SeekOrigin.Begin);
        Stream result = length is { } limit ? new RangeStream(stream, limit) : stream;
        return Task.FromResult<Stream?>(result);
    }

    public Task<StorageWriteStream> OpenWriteAsync(string path, bool durable = true, CancellationToken cancellationToken = default)
    {
        var full = FullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        EnsureDirectory(directory);
        return Task.FromResult<StorageWriteStream>(new PosixWriteStream(full, _fileMode, durable));
    }

    public Task SyncAsync(CancellationToken cancellationToken = default)
    {
        if (Directory.Exists(_root))
            Native.SyncFileSystem(_root);
        return Task.CompletedTask;
    }

    public Task<StorageInfo?> InfoAsync(string path, CancellationToken cancellationToken = default)
    {
        var full = FullPath(path);
        var info = new FileInfo(full);
        StorageInfo? result = null;
        if (info.LinkTarget is { } target)
            result = new StorageInfo(info.Name, StorageEntryType.Link, 0, info.LastWriteTimeUtc, target);
        else if (info.Exists)
            result = new StorageInfo(info.Name, StorageEntryType.File, info.Length, info.LastWriteTimeUtc);
        else if (Directory.Exists(full))
            result = new StorageInfo(info.Name, StorageEntryType.Path, 0, Directory.GetLastWriteTimeUtc(full));
        return Task.FromResult(result);
    }

    public async IAsyncEnumerable<StorageInfo> ListAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var full = FullPath(path);
        if (!Directory.Exists(full))
            yield break;
        IEnumerable<FileSystemInfo> entries;
        try
        {
            entries = new DirectoryInfo(full).EnumerateFileSystemInfos();
        }
        catch (UnauthorizedAccessException e)
        {
            throw new PgRestException(ErrorCode.PathOpen, $"unable to list files for path '{full}': {SystemError.Describe(e)}");
        }

        foreach (var entry in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var info = Describe(entry);
            if (info is not null)
                yield return info;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <summary>Null when the entry vanished between listing and stat (a temp file renamed by a concurrent writer).</summary>
    private static StorageInfo? Describe(FileSystemInfo entry)
    {
        try
        {
            if (entry.LinkTarget is { } target)
                return new StorageInfo(entry.Name, StorageEntryType.Link, 0, entry.LastWriteTimeUtc, target);
            if (entry is FileInfo file)
                return new StorageInfo(entry.Name, StorageEntryType.File, file.Length, entry.LastWriteTimeUtc);
            return new StorageInfo(entry.Name, StorageEntryType.Path, 0, entry.LastWriteTimeUtc);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public Task RemoveAsync(string path, bool errorOnMissing = false, CancellationToken cancellationToken = default)
    {
        var full = FullPath(path);
        if (!File.Exists(full) && new FileInfo(full).LinkTarget is null)
        {
            if (errorOnMissing)
                throw new PgRestException(ErrorCode.FileRemove, $"unable to remove '{full}': file is missing");
            return Task.CompletedTask;
        }

        try
        {
            File.Delete(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PgRestException(ErrorCode.FileRemove, $"unable to remove '{full}': {SystemError.Describe(e)}");
        }

        return Task.CompletedTask;
    }

    public Task PathRemoveAsync(string path, CancellationToken cancellationToken = default)
    {
        var full = FullPath(path);
        try
        {
            if (Directory.Exists(full))
                Directory.Delete(full, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PgRestException(ErrorCode.PathRemove, $"unable to remove path '{full}': {SystemError.Describe(e)}");
        }

        return Task.CompletedTask;
    }

    public Task PathCreateAsync(string path, CancellationToken cancellationToken = default)
    {
        EnsureDirectory(FullPath(path));
        return Task.CompletedTask;
    }

    public Task LinkCreateAsync(string target, string linkPath, CancellationToken cancellationToken = default)
    {
        var full = FullPath(linkPath);
        var temp = full + TempSuffix;
        try
        {
            File.Delete(temp);
            File.CreateSymbolicLink(temp, target);
            // rename(2) directly: File.Move refuses a link that points at a directory.
            if (Native.Rename(temp, full) != 0)
                throw new IOException($"rename failed with errno {Marshal.GetLastPInvokeError()}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PgRestException(ErrorCode.FileOpen, $"unable to create symlink '{full}' to '{target}': {SystemError.Describe(e)}");
        }

        return Task.CompletedTask;
    }

    private void EnsureDirectory(string directory)
    {
        if (Directory.Exists(directory))
            return;
        try
        {
            var parent = Path.GetDirectoryName(directory);
            if (parent is not null && !Directory.Exists(parent))
                EnsureDirectory(parent);
            Directory.CreateDirectory(directory, _pathMode);
            // mkdir applies the umask (PostgreSQL's archiver runs with 077): the mode is set, as pgBackRest's
            // neutral umask makes it, whoever started the command.
            File.SetUnixFileMode(directory, _pathMode);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (!Directory.Exists(directory))
                throw new PgRestException(ErrorCode.PathCreate, $"unable to create path '{directory}': {SystemError.Describe(e)}");
        }
    }

    private sealed class PosixWriteStream : StorageWriteStream
    {
        private readonly string _path;
        private readonly string _tempPath;
        private readonly BlockingFileStream _stream;
        private readonly bool _durable;
        private bool _committed;

        public PosixWriteStream(string path, UnixFileMode mode, bool durable)
        {
            _path = path;
            _durable = durable;
            _tempPath = UniqueTempPath(path);
            try
            {
                _stream = BlockingFileStream.Create(_tempPath, mode);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new PgRestException(ErrorCode.FileOpen, $"unable to open file '{_tempPath}' for write: {SystemError.Describe(e)}");
            }
        }

        public override void Flush() { }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            try
            {
                _stream.Write(buffer);
            }
            catch (IOException e)
            {
                throw new PgRestException(ErrorCode.FileWrite, $"unable to write '{_tempPath}': {SystemError.Describe(e)}");
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                await _stream.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new PgRestException(ErrorCode.FileWrite, $"unable to write '{_tempPath}': {SystemError.Describe(e)}");
            }
        }

        public override Task CommitAsync(CancellationToken cancellationToken = default) => CommitTo(_path);

        public override Task CommitAsAsync(string path, CancellationToken cancellationToken = default)
        {
            var full = path.Length > 0 && path[0] == '/' ? path : Path.Combine(Path.GetDirectoryName(_path)!, Path.GetFileName(path));
            if (Path.GetDirectoryName(full) != Path.GetDirectoryName(_path))
                throw new ArgumentException($"'{path}' is not in the directory of '{_path}'", nameof(path));
            return CommitTo(full);
        }

        private Task CommitTo(string destination)
        {
            try
            {
                if (_durable)
                    _stream.FlushToDisk();
                _stream.Dispose();
                File.Move(_tempPath, destination, overwrite: true);
                if (_durable)
                    Native.SyncDirectory(Path.GetDirectoryName(destination)!);
                _committed = true;
            }
            catch (IOException e)
            {
                throw new PgRestException(ErrorCode.FileSync, $"unable to sync and move '{_tempPath}' to '{destination}': {SystemError.Describe(e)}");
            }

            return Task.CompletedTask;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _stream.Dispose();
                if (!_committed)
                    TryDelete(_tempPath);
            }

            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
            if (!_committed)
                TryDelete(_tempPath);
            GC.SuppressFinalize(this);
        }

        private static void TryDelete(string path)
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
                // A leftover temp name is never read as data; the next write replaces it.
            }
        }
    }
}
