using System.Globalization;

namespace PgRest.IntegrationTests.Infrastructure;

/// <summary>
/// A tmpfs of a chosen size mounted over a directory (a repository that runs out of space, or is made read-only),
/// owned by the postgres user; unmounted on dispose. Tests run as root, which mount needs.
/// </summary>
public sealed class SmallFileSystem : IAsyncDisposable
{
    private SmallFileSystem(string path) => Path = path;

    public string Path { get; }

    public static async Task<SmallFileSystem> MountAsync(string path, long bytes)
    {
        var (uid, gid) = TempDirectory.LookupUser(PgCluster.OsUser);
        (await ProcessRunner.RunAsync("mount", ["-t", "tmpfs", "-o", string.Create(CultureInfo.InvariantCulture, $"size={bytes},uid={uid},gid={gid},mode=0750"), "tmpfs", path]))
            .EnsureSuccess($"mount a tmpfs on {path}");
        return new SmallFileSystem(path);
    }

    /// <summary>Changes the size (never below what is used) or makes it read-only or writable again.</summary>
    public async Task RemountAsync(long? bytes = null, bool? readOnly = null)
    {
        var options = "remount";
        if (bytes is { } size)
            options += string.Create(CultureInfo.InvariantCulture, $",size={size}");
        if (readOnly is { } ro)
            options += ro ? ",ro" : ",rw";
        (await ProcessRunner.RunAsync("mount", ["-o", options, Path])).EnsureSuccess($"remount {Path} ({options})");
    }

    /// <summary>Bytes in use, as statfs counts them.</summary>
    public long Used
    {
        get
        {
            var drive = new DriveInfo(Path);
            return drive.TotalSize - drive.AvailableFreeSpace;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Lazy: a server still archiving into it must not keep the test's directory mounted.
        await ProcessRunner.RunAsync("umount", ["-l", Path]);
    }
}
