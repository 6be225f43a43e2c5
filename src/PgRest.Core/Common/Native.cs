using System.Runtime.InteropServices;

namespace PgRest.Common;

/// <summary>The few libc calls .NET does not expose: lstat with owner ids, directory fsync, syncfs.</summary>
internal static partial class Native
{
    internal const int ReadOnlyDirectory = 0x10000; // O_RDONLY | O_DIRECTORY (Linux)

    [LibraryImport("libc", EntryPoint = "lstat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int LStat(string path, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    internal static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    internal static partial int SyncFs(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    internal static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "lchown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int LChown(string path, uint owner, uint group);

    [LibraryImport("libc", EntryPoint = "rename", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int Rename(string oldPath, string newPath);

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint Signal(int signal, nint handler);

    /// <summary>
    /// A process started in the background by a shell inherits SIGINT ignored, and .NET then leaves it ignored;
    /// pgBackRest handles SIGINT wherever it was started, so its default is restored before pgrest registers for it.
    /// </summary>
    internal static void HandleSigintEvenInTheBackground()
    {
        const int sigint = 2, defaultAction = 0;
        Signal(sigint, defaultAction);
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    internal static partial uint GetEffectiveUserId();

    /// <summary>fsync a directory so a rename in it survives a crash.</summary>
    internal static void SyncDirectory(string directory)
    {
        var fd = Open(directory, ReadOnlyDirectory);
        if (fd < 0)
            return;
        FSync(fd);
        Close(fd);
    }

    /// <summary>Flushes the whole file system holding <paramref name="path"/> (one call instead of an fsync per file).</summary>
    internal static void SyncFileSystem(string path)
    {
        var fd = Open(path, ReadOnlyDirectory);
        if (fd < 0)
            return;
        SyncFs(fd);
        Close(fd);
    }
}
