using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Win32.SafeHandles;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Json;

namespace PgRest.Commands.Control;

/// <summary>
/// pgBackRest 2.45's per-stanza lock files (<c>&lt;lock-path&gt;/&lt;stanza&gt;-backup.lock</c>, <c>-archive.lock</c>):
/// an exclusive non-blocking <c>flock</c> on a 0640 file holding <c>{"execId":"&lt;pid&gt;-&lt;hex&gt;","pid":N}</c>. The
/// same lock, name and content as pgBackRest, so the two tools exclude each other and <c>stop --force</c> of either
/// finds the other's process.
/// </summary>
public sealed class LockFile : IDisposable
{
    public const string Archive = "archive";
    public const string Backup = "backup";

    private const string Extension = ".lock";
    private const uint FileMode = 0x1A0; // 0640, as pgBackRest creates lock files

    /// <summary>This process's exec id: its pid and a random suffix, as pgBackRest's <c>--exec-id</c>.</summary>
    private static readonly string ExecId =
        Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    private readonly SafeFileHandle _handle;
    private readonly string _path;

    private LockFile(SafeFileHandle handle, string path)
    {
        _handle = handle;
        _path = path;
    }

    public static string LockPath(Configuration config) => config.Get(Options.LockPath);

    public static string FileName(string stanza, string type) => $"{stanza}-{type}{Extension}";

    public static bool IsLockFileName(string name) => name.EndsWith(Extension, StringComparison.Ordinal);

    /// <summary>Takes the lock or fails at once with <c>LockAcquireError [050]</c>, as pgBackRest does (null when busy if asked).</summary>
    private static LockFile? Take(Configuration config, string stanza, string type, bool nullWhenBusy)
    {
        var path = Path.Combine(LockPath(config), FileName(stanza, type));
        var fd = LockSystemCalls.Open(path, LockSystemCalls.ReadWrite | LockSystemCalls.Create | LockSystemCalls.CloseOnExec, FileMode);
        if (fd < 0 && Marshal.GetLastPInvokeError() == LockSystemCalls.NoSuchFile)
        {
            Directory.CreateDirectory(LockPath(config));
            fd = LockSystemCalls.Open(path, LockSystemCalls.ReadWrite | LockSystemCalls.Create | LockSystemCalls.CloseOnExec, FileMode);
        }

        if (fd < 0)
            throw AcquireError(path, Marshal.GetLastPInvokeError());

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (LockSystemCalls.Flock(fd, LockSystemCalls.LockExclusive | LockSystemCalls.LockNonBlocking) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            handle.Dispose();
            if (nullWhenBusy && errno == LockSystemCalls.WouldBlock)
                return null;
            throw AcquireError(path, errno);
        }

        try
        {
            WriteContent(handle, null);
        }
        catch
        {
            handle.Dispose();
            throw;
        }

        var taken = new LockFile(handle, path);
        if (type == Backup)
            _heldBackup = taken;
        return taken;
    }

    private static LockFile? _heldBackup;

    /// <summary>
    /// Records a running backup's progress in the backup lock this process holds, as pgBackRest does (2.45's
    /// <c>pctCplt</c>, hundredths of a percent, and 2.48's <c>size</c>/<c>sizeCplt</c>), for <c>info</c> on this host.
    /// </summary>
    public static void ReportBackupProgress(long size, long sizeDone)
    {
        if (_heldBackup is not { } held || held._handle.IsClosed)
            return;
        try
        {
            WriteContent(held._handle, (size, sizeDone));
        }
        catch (IOException)
        {
            // Progress is informative; the backup goes on without it.
        }
    }

    private static void WriteContent(SafeFileHandle handle, (long Size, long Done)? progress)
    {
        var text = progress is not { } p
            ? $"{{\"execId\":\"{ExecId}\",\"pid\":{Environment.ProcessId}}}"
            : string.Create(CultureInfo.InvariantCulture,
                $"{{\"execId\":\"{ExecId}\",\"pctCplt\":{(p.Size == 0 ? 10000 : p.Done * 10000 / p.Size)},\"pid\":{Environment.ProcessId},\"size\":{p.Size},\"sizeCplt\":{p.Done}}}");
        var content = Encoding.ASCII.GetBytes(text);
        RandomAccess.SetLength(handle, 0);
        RandomAccess.Write(handle, content, 0);
    }

    /// <summary>A command's lock: archive, backup, or both for "all" (stanza-create/upgrade/delete).</summary>
    public static IDisposable Acquire(Configuration config, string stanza, CommandLockType type) => type switch
    {
        CommandLockType.Archive => Take(config, stanza, Archive, nullWhenBusy: false)!,
        CommandLockType.Backup => Take(config, stanza, Backup, nullWhenBusy: false)!,
        CommandLockType.All => AcquireAll(config, stanza),
        _ => throw new PgRestException(ErrorCode.Assert, "no lock to acquire"),
    };

    /// <summary>Like <see cref="Acquire(Configuration, string, CommandLockType)"/>, but null when another process holds the lock.</summary>
    public static IDisposable? TryAcquire(Configuration config, string stanza, CommandLockType type) => type switch
    {
        CommandLockType.Archive => Take(config, stanza, Archive, nullWhenBusy: true),
        CommandLockType.Backup => Take(config, stanza, Backup, nullWhenBusy: true),
        _ => throw new PgRestException(ErrorCode.Assert, $"lock type {type} cannot be tried"),
    };

    private static IDisposable AcquireAll(Configuration config, string stanza)
    {
        var archive = Take(config, stanza, Archive, nullWhenBusy: false)!;
        try
        {
            return new LockPair(archive, Take(config, stanza, Backup, nullWhenBusy: false)!);
        }
        catch
        {
            archive.Dispose();
            throw;
        }
    }

    private static PgRestException AcquireError(string path, int errno)
    {
        var hint = errno switch
        {
            LockSystemCalls.WouldBlock => "\nHINT: is another pgBackRest process running?",
            LockSystemCalls.PermissionDenied => $"\nHINT: does the user running pgrest have permissions on the '{path}' file?",
            _ => "",
        };
        return new PgRestException(ErrorCode.LockAcquire, $"unable to acquire lock on file '{path}': {LockSystemCalls.Describe(errno)}{hint}");
    }

    /// <summary>
    /// Reads the lock file of a running process. Null when the file is missing, no process holds it (a crashed
    /// process left it) or its content is not a lock record. With <paramref name="remove"/> the file is unlinked
    /// before it is closed, so a process creating it anew meanwhile is not disturbed.
    /// </summary>
    public static LockHolder? ReadHolder(string path, bool remove)
    {
        var fd = LockSystemCalls.Open(path, LockSystemCalls.ReadOnly | LockSystemCalls.CloseOnExec, 0);
        if (fd < 0)
            return null;

        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        LockHolder? holder = null;
        if (LockSystemCalls.Flock(fd, LockSystemCalls.LockExclusive | LockSystemCalls.LockNonBlocking) != 0)
        {
            Span<byte> buffer = stackalloc byte[512];
            var length = RandomAccess.Read(handle, buffer, 0);
            holder = LockHolder.Parse(Encoding.UTF8.GetString(buffer[..length]));
        }

        if (remove)
            File.Delete(path);
        return holder;
    }

    public void Dispose()
    {
        // Unlink before closing so another process cannot lock a file that is about to disappear.
        try
        {
            File.Delete(_path);
        }
        catch (IOException)
        {
            // The flock is released below either way.
        }
        catch (UnauthorizedAccessException)
        {
        }

        _handle.Dispose();
    }

    private sealed class LockPair(LockFile first, LockFile second) : IDisposable
    {
        public void Dispose()
        {
            second.Dispose();
            first.Dispose();
        }
    }
}

/// <summary>What a lock file says about the process holding it.</summary>
public sealed record LockHolder(string ExecId, int ProcessId, int? PercentComplete, long? Size = null, long? SizeDone = null)
{
    /// <summary>Parses <c>{"execId":"…","pctCplt":N,"pid":N[,"size":N,"sizeCplt":N]}</c>; null when the text is not such a record.</summary>
    public static LockHolder? Parse(string text)
    {
        try
        {
            var json = JsonReader.Parse(text).AsObject();
            if (json.GetOrNull("execId") is not { IsNull: false } execId || json.GetOrNull("pid") is not { IsNull: false } pid)
                return null;
            int? percent = json.GetOrNull("pctCplt") is { IsNull: false } value ? (int)value.GetUInt32() : null;
            long? size = json.GetOrNull("size") is { IsNull: false } total ? total.GetInt64() : null;
            long? done = json.GetOrNull("sizeCplt") is { IsNull: false } completed ? completed.GetInt64() : null;
            return new LockHolder(execId.GetString(), checked((int)pid.GetUInt32()), percent, size, done);
        }
        catch (Exception e) when (e is PgRestException or FormatException or InvalidOperationException or OverflowException)
        {
            return null;
        }
    }
}
