using PgRest.Storage;
using PgRest.Storage.Posix;

namespace PgRest.Tests.Storage;

/// <summary>The conformance suite on a local file system (<c>repo-type=posix</c>), in a fresh temp directory.</summary>
public sealed class PosixConformanceTests : StorageConformanceTests, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("pgrest-posix-conformance-").FullName;

    protected override Task<IStorage> CreateStorageAsync(string root) =>
        Task.FromResult<IStorage>(new PosixStorage(_work + root));

    protected override Task<IStorage?> CreateStorageWithWrongCredentialsAsync(string root) => Task.FromResult<IStorage?>(null);

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
