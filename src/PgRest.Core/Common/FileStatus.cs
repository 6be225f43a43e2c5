using System.Runtime.InteropServices;
using PgRest.Errors;

namespace PgRest.Common;

public enum FileKind { File, Directory, Link, Other }

/// <summary><c>lstat</c> results .NET does not expose together: owner ids, mode, size and mtime in one call.</summary>
public readonly record struct FileStatus(FileKind Kind, uint Mode, uint UserId, uint GroupId, long Size, long ModifiedSeconds)
{
    /// <summary>Permission bits as pgBackRest writes them: four octal digits, e.g. <c>0640</c>.</summary>
    public string ModeText => Convert.ToString(Mode & 0xFFF, 8).PadLeft(4, '0');

    /// <summary>Null when the path does not exist.</summary>
    public static FileStatus? TryGet(string path)
    {
        Span<byte> buffer = stackalloc byte[256];
        if (Native.LStat(path, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is 2 or 20) // ENOENT, ENOTDIR
                return null;
            throw new PgRestException(ErrorCode.FileInfo, $"unable to get info for path/file '{path}': errno {errno}");
        }

        return Decode(buffer);
    }

    public static FileStatus Get(string path) =>
        TryGet(path) ?? throw new PgRestException(ErrorCode.FileMissing, $"unable to get info for missing path/file '{path}'");

    private static FileStatus Decode(ReadOnlySpan<byte> stat)
    {
        uint mode, uid, gid;
        long size, mtime;
        if (RuntimeInformation.ProcessArchitecture == Architecture.X64)
        {
            // x86_64: dev(8) ino(8) nlink(8) mode(4) uid(4) gid(4) pad(4) rdev(8) size(8) blksize(8) blocks(8) atim(16) mtim(16)
            mode = MemoryMarshal.Read<uint>(stat[24..]);
            uid = MemoryMarshal.Read<uint>(stat[28..]);
            gid = MemoryMarshal.Read<uint>(stat[32..]);
            size = MemoryMarshal.Read<long>(stat[48..]);
            mtime = MemoryMarshal.Read<long>(stat[88..]);
        }
        else
        {
            // Generic 64-bit layout (aarch64, riscv64): dev(8) ino(8) mode(4) nlink(4) uid(4) gid(4) rdev(8) pad(8) size(8) blksize(4) pad(4) blocks(8) atim(16) mtim(16)
            mode = MemoryMarshal.Read<uint>(stat[16..]);
            uid = MemoryMarshal.Read<uint>(stat[24..]);
            gid = MemoryMarshal.Read<uint>(stat[28..]);
            size = MemoryMarshal.Read<long>(stat[48..]);
            mtime = MemoryMarshal.Read<long>(stat[88..]);
        }

        var kind = (mode & 0xF000) switch
        {
            0x8000 => FileKind.File,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.Link,
            _ => FileKind.Other,
        };
        return new FileStatus(kind, mode & 0xFFF, uid, gid, size, mtime);
    }
}
