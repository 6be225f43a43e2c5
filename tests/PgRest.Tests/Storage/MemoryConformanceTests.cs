using PgRest.Errors;
using PgRest.Storage;
using PgRest.Storage.Memory;

namespace PgRest.Tests.Storage;

/// <summary>The conformance suite on <see cref="MemoryStorage"/>, plus what is particular to it.</summary>
public sealed class MemoryConformanceTests : StorageConformanceTests
{
    // Each test gets its own instance, so the root needs no prefix: nothing else shares the store.
    protected override Task<IStorage> CreateStorageAsync(string root) => Task.FromResult<IStorage>(new MemoryStorage());

    protected override Task<IStorage?> CreateStorageWithWrongCredentialsAsync(string root) => Task.FromResult<IStorage?>(null);

    [Fact]
    public async Task Paths_lists_every_committed_file_in_order()
    {
        var storage = new MemoryStorage();
        await WriteAsync(storage, "/backup/demo/backup.info", "a"u8.ToArray());
        await WriteAsync(storage, "archive/demo/archive.info", "b"u8.ToArray());
        await using (var stream = await storage.OpenWriteAsync("archive/demo/uncommitted"))
            await stream.WriteAsync("c"u8.ToArray());
        Assert.Equal(["archive/demo/archive.info", "backup/demo/backup.info"], storage.Paths);
    }

    [Fact]
    public async Task It_behaves_like_an_object_store_paths_are_implied_and_there_are_no_links()
    {
        var storage = new MemoryStorage();
        Assert.Equal(StorageFeatures.None, storage.Features);
        await storage.PathCreateAsync("backup/demo");
        Assert.Null(await storage.InfoAsync("backup/demo"));
        Assert.Null(await storage.InfoAsync(""));

        await WriteAsync(storage, "backup/demo/backup.info", "a"u8.ToArray());
        Assert.Equal(StorageEntryType.Path, (await storage.InfoAsync("backup"))!.Type);
        Assert.Equal(StorageEntryType.Path, (await storage.InfoAsync(""))!.Type);

        var error = await Assert.ThrowsAsync<PgRestException>(() => storage.LinkCreateAsync("20261121-120000F", "backup/demo/latest"));
        Assert.Equal(ErrorCode.Assert, error.Code);
    }

    [Fact]
    public async Task Modified_times_come_from_the_given_clock()
    {
        var clock = new FixedClock(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));
        var storage = new MemoryStorage(clock);
        await WriteAsync(storage, "backup/demo/backup.info", "a"u8.ToArray());
        Assert.Equal(clock.Now, (await storage.InfoAsync("backup/demo/backup.info"))!.ModifiedTime);
    }

    [Fact]
    public async Task A_read_stream_keeps_the_content_it_opened_when_the_file_is_overwritten()
    {
        var storage = new MemoryStorage();
        await WriteAsync(storage, "backup.info", "first"u8.ToArray());
        await using var stream = (await storage.OpenReadAsync("backup.info"))!;
        await WriteAsync(storage, "backup.info", "second"u8.ToArray());
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal("first"u8.ToArray(), copy.ToArray());
        Assert.False(stream.CanWrite);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}

/// <summary>The conformance suite through <see cref="CrashPointStorage"/>: the crash-safety suite's decorator changes nothing a caller sees.</summary>
public sealed class CrashPointStorageConformanceTests : StorageConformanceTests
{
    protected override Task<IStorage> CreateStorageAsync(string root) => Task.FromResult<IStorage>(new CrashPointStorage(new MemoryStorage()));

    protected override Task<IStorage?> CreateStorageWithWrongCredentialsAsync(string root) => Task.FromResult<IStorage?>(null);
}
