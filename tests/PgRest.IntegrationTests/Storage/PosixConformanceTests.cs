using PgRest.IntegrationTests.Infrastructure;
using PgRest.Storage;
using PgRest.Storage.Posix;

namespace PgRest.IntegrationTests.Storage;

/// <summary>The conformance suite on a local file system (<c>repo-type=posix</c>).</summary>
public sealed class PosixConformanceTests : StorageConformanceTests, IDisposable
{
    private readonly TempDirectory _work = new("pgrest-posix-conformance", owner: null);

    protected override Task<IStorage> CreateStorageAsync(string root) =>
        Task.FromResult<IStorage>(new PosixStorage(_work.Path + root));

    protected override Task<IStorage?> CreateStorageWithWrongCredentialsAsync(string root) => Task.FromResult<IStorage?>(null);

    public void Dispose() => _work.Dispose();
}
