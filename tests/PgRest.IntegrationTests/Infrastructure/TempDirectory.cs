using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace PgRest.IntegrationTests.Infrastructure;

/// <summary>A fresh directory under /tmp, owned by an OS user (postgres by default), deleted on dispose.</summary>
public sealed partial class TempDirectory : IDisposable
{
    public const string PostgresUser = "postgres";

    public TempDirectory(string prefix = "pgrest-test", string? owner = PostgresUser)
    {
        // Always under /tmp (not $TMPDIR): short enough for Unix socket paths, reachable by the postgres user.
        Path = Directory.CreateDirectory("/tmp/" + prefix + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))).FullName;
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("the PostgreSQL test harness needs Linux");

        File.SetUnixFileMode(
            Path,
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
            UnixFileMode.GroupRead | UnixFileMode.GroupExecute);

        if (owner is not null)
            ChangeOwner(Path, owner);
    }

    public string Path { get; }

    /// <summary>Creates (as owner) a sub-directory and returns its full path.</summary>
    public string CreateSubdirectory(string name, string? owner = PostgresUser)
    {
        string path = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(path);

        if (owner is not null)
            ChangeOwner(path, owner);

        return path;
    }

    /// <summary>Removes everything inside a directory (a data directory before a restore); links are removed, not followed.</summary>
    public static void Empty(string directory)
    {
        foreach (var entry in System.IO.Directory.GetFileSystemEntries(directory))
        {
            if (System.IO.Directory.Exists(entry) && new DirectoryInfo(entry).LinkTarget is null)
                System.IO.Directory.Delete(entry, recursive: true);
            else
                File.Delete(entry);
        }
    }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path))
                Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process that is still shutting down may recreate a file; leave the rest to the OS' /tmp cleaning.
        }
    }

    public override string ToString() => Path;

    /// <summary>chown(2) by user name, using that user's primary group.</summary>
    public static void ChangeOwner(string path, string user)
    {
        (uint uid, uint gid) = LookupUser(user);

        if (Chown(path, uid, gid) != 0)
            throw new IOException($"chown {user} '{path}' failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Changes ownership of a directory tree (e.g. a restored PGDATA written as root).</summary>
    public static void ChangeOwnerRecursive(string path, string user)
    {
        ChangeOwner(path, user);
        (uint uid, uint gid) = LookupUser(user);

        foreach (string entry in Directory.EnumerateFileSystemEntries(path, "*", SearchOption.AllDirectories))
        {
            // lchown semantics are not needed: test trees hold no links to foreign files.
            if (Chown(entry, uid, gid) != 0)
                throw new IOException($"chown {user} '{entry}' failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public static (uint Uid, uint Gid) LookupUser(string user)
    {
        foreach (string line in File.ReadLines("/etc/passwd"))
        {
            string[] fields = line.Split(':');

            if (fields.Length >= 4 && fields[0] == user)
                return (uint.Parse(fields[2], CultureInfo.InvariantCulture), uint.Parse(fields[3], CultureInfo.InvariantCulture));
        }

        throw new InvalidOperationException($"OS user '{user}' does not exist");
    }

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, uint owner, uint group);
}
