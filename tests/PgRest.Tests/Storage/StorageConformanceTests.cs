using System.Security.Cryptography;
using System.Text;
using PgRest.Errors;
using PgRest.Storage;
using PgRest.Storage.Object;

namespace PgRest.Tests.Storage;

/// <summary>
/// The one suite every storage driver passes: what the repository code relies on (atomic writes, ranged reads,
/// listings paged to the end, recursive removal, a missing file, wrong credentials). Posix and memory run it here; the
/// object stores run it against their real servers in the integration project, which compiles this same file.
/// A driver's class supplies a fresh storage rooted at a unique path.
/// </summary>
public abstract class StorageConformanceTests
{
    /// <summary>Files larger than this go through a multipart/block/resumable upload in the drivers' tests.</summary>
    protected const int LargeFileSize = 12 * 1024 * 1024 + 4321;

    /// <summary>A storage rooted at a path no other test uses (e.g. <c>/conformance/&lt;random&gt;</c>).</summary>
    protected abstract Task<IStorage> CreateStorageAsync(string root);

    /// <summary>The same server with a wrong secret; null for a driver that has no credentials (posix, memory).</summary>
    protected abstract Task<IStorage?> CreateStorageWithWrongCredentialsAsync(string root);

    private static string UniqueRoot() => "/conformance/" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    private async Task<IStorage> FreshAsync()
    {
        var storage = await CreateStorageAsync(UniqueRoot());
        if (storage is ObjectStorage objects)
            objects.ListPageSize = 7;
        return storage;
    }

    protected static async Task WriteAsync(IStorage storage, string path, ReadOnlyMemory<byte> content)
    {
        await using var stream = await storage.OpenWriteAsync(path);
        await stream.WriteAsync(content);
        await stream.CommitAsync();
    }

    protected static async Task<byte[]> ReadAsync(IStorage storage, string path, long offset = 0, long? length = null)
    {
        await using var stream = await storage.OpenReadAsync(path, offset, length) ?? throw new InvalidOperationException("missing " + path);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static async Task<List<StorageInfo>> ListAsync(IStorage storage, string path)
    {
        var entries = new List<StorageInfo>();
        await foreach (var entry in storage.ListAsync(path))
            entries.Add(entry);
        return entries.OrderBy(entry => entry.Name, StringComparer.Ordinal).ToList();
    }

    [Fact]
    public async Task A_written_file_reads_back_byte_for_byte_with_its_size()
    {
        var storage = await FreshAsync();
        var content = Encoding.UTF8.GetBytes("[backrest]\nbackrest-format=5\n");
        await WriteAsync(storage, "archive/demo/archive.info", content);

        Assert.Equal(content, await ReadAsync(storage, "archive/demo/archive.info"));
        var info = await storage.InfoAsync("archive/demo/archive.info");
        Assert.NotNull(info);
        Assert.Equal(StorageEntryType.File, info.Type);
        Assert.Equal(content.Length, info.Size);
    }

    [Fact]
    public async Task An_empty_file_exists_with_size_zero()
    {
        var storage = await FreshAsync();
        await WriteAsync(storage, "empty", ReadOnlyMemory<byte>.Empty);
        Assert.Empty(await ReadAsync(storage, "empty"));
        Assert.Equal(0, (await storage.InfoAsync("empty"))!.Size);
    }

    [Fact]
    public async Task A_ranged_read_returns_exactly_that_range()
    {
        var storage = await FreshAsync();
        var content = RandomNumberGenerator.GetBytes(100_000);
        await WriteAsync(storage, "bundle/1", content);

        Assert.Equal(content.AsSpan(12_345, 1_000).ToArray(), await ReadAsync(storage, "bundle/1", 12_345, 1_000));
        Assert.Equal(content.AsSpan(99_000).ToArray(), await ReadAsync(storage, "bundle/1", 99_000));
        Assert.Equal(content.AsSpan(0, 1).ToArray(), await ReadAsync(storage, "bundle/1", 0, 1));
    }

    [Fact]
    public async Task Overwriting_replaces_the_whole_content()
    {
        var storage = await FreshAsync();
        await WriteAsync(storage, "backup.info", RandomNumberGenerator.GetBytes(5_000));
        var second = Encoding.UTF8.GetBytes("short");
        await WriteAsync(storage, "backup.info", second);
        Assert.Equal(second, await ReadAsync(storage, "backup.info"));
        Assert.Equal(second.Length, (await storage.InfoAsync("backup.info"))!.Size);
    }

    [Fact]
    public async Task A_missing_file_is_reported_as_missing()
    {
        var storage = await FreshAsync();
        var error = await Assert.ThrowsAsync<PgRestException>(() => storage.OpenReadAsync("archive/demo/000000010000000000000001"));
        Assert.Equal(ErrorCode.FileMissing, error.Code);
        Assert.Null(await storage.OpenReadAsync("nothing/here", ignoreMissing: true));
        Assert.Null(await storage.InfoAsync("nothing/here"));
        Assert.Empty(await ListAsync(storage, "nothing"));
    }

    [Fact]
    public async Task A_listing_shows_files_and_sub_paths_of_one_level_only()
    {
        var storage = await FreshAsync();
        await WriteAsync(storage, "backup/demo/backup.info", "a"u8.ToArray());
        await WriteAsync(storage, "backup/demo/20261121-120000F/backup.manifest", "bb"u8.ToArray());
        await WriteAsync(storage, "backup/demo/20261121-120000F/pg_data/base/1/1259", "ccc"u8.ToArray());
        await WriteAsync(storage, "backup/demo/backup.history/2026/20261121-120000F.manifest.gz", "d"u8.ToArray());

        var entries = await ListAsync(storage, "backup/demo");
        Assert.Equal(["20261121-120000F", "backup.history", "backup.info"], entries.Select(entry => entry.Name));
        Assert.Equal(StorageEntryType.Path, entries[0].Type);
        Assert.Equal(StorageEntryType.Path, entries[1].Type);
        Assert.Equal(StorageEntryType.File, entries[2].Type);
        Assert.Equal(1, entries[2].Size);
        Assert.Equal(StorageEntryType.Path, (await storage.InfoAsync("backup/demo/20261121-120000F/pg_data"))!.Type);
    }

    [Fact]
    public async Task A_listing_longer_than_one_page_is_read_to_the_end()
    {
        var storage = await FreshAsync();
        var names = Enumerable.Range(0, 40).Select(index => $"00000001000000000000{index:X4}").ToList();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (name, _) => await WriteAsync(storage, "archive/demo/15-1/0000000100000000/" + name, "x"u8.ToArray()));
        await WriteAsync(storage, "archive/demo/15-1/0000000100000000/sub/nested", "y"u8.ToArray());

        var entries = await ListAsync(storage, "archive/demo/15-1/0000000100000000");
        Assert.Equal(names.Append("sub").OrderBy(name => name, StringComparer.Ordinal), entries.Select(entry => entry.Name));
    }

    [Fact]
    public async Task Remove_deletes_a_file_and_a_missing_one_only_errors_when_asked()
    {
        var storage = await FreshAsync();
        await WriteAsync(storage, "lock", "1"u8.ToArray());
        await storage.RemoveAsync("lock");
        Assert.Null(await storage.InfoAsync("lock"));
        await storage.RemoveAsync("lock");
        var error = await Assert.ThrowsAsync<PgRestException>(() => storage.RemoveAsync("lock", errorOnMissing: true));
        Assert.Equal(ErrorCode.FileRemove, error.Code);
    }

    [Fact]
    public async Task Removing_a_path_removes_everything_below_it_and_nothing_beside_it()
    {
        var storage = await FreshAsync();
        var files = Enumerable.Range(0, 30).Select(index => $"backup/demo/20261121-120000F/pg_data/base/{index % 3}/{index}").ToList();
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (file, _) => await WriteAsync(storage, file, "z"u8.ToArray()));
        await WriteAsync(storage, "backup/demo/20261121-120000F.keep", "k"u8.ToArray());
        await WriteAsync(storage, "backup/demo/20261121-130000F/backup.manifest", "m"u8.ToArray());

        await storage.PathRemoveAsync("backup/demo/20261121-120000F");

        Assert.Null(await storage.InfoAsync("backup/demo/20261121-120000F"));
        Assert.Equal(["20261121-120000F.keep", "20261121-130000F"], (await ListAsync(storage, "backup/demo")).Select(entry => entry.Name));
        await storage.PathRemoveAsync("backup/demo/never-existed");
    }

    [Fact]
    public async Task A_large_file_is_uploaded_in_parts_and_reads_back_whole()
    {
        var storage = await FreshAsync();
        var content = RandomNumberGenerator.GetBytes(LargeFileSize);
        await using (var stream = await storage.OpenWriteAsync("backup/demo/big"))
        {
            // Odd-sized writes, as the compression pipeline produces them.
            for (var offset = 0; offset < content.Length; offset += 65_521)
                await stream.WriteAsync(content.AsMemory(offset, Math.Min(65_521, content.Length - offset)));
            await stream.CommitAsync();
        }

        Assert.Equal(SHA256.HashData(content), SHA256.HashData(await ReadAsync(storage, "backup/demo/big")));
        Assert.Equal(content.Length, (await storage.InfoAsync("backup/demo/big"))!.Size);
        Assert.Equal(content.AsSpan(LargeFileSize - 10_000, 5_000).ToArray(), await ReadAsync(storage, "backup/demo/big", LargeFileSize - 10_000, 5_000));
    }

    [Fact]
    public async Task A_write_that_is_not_committed_leaves_nothing_a_reader_would_see()
    {
        var storage = await FreshAsync();
        await WriteAsync(storage, "archive/demo/archive.info", "old"u8.ToArray());
        foreach (var size in new[] { 10, LargeFileSize })
        {
            await using (var stream = await storage.OpenWriteAsync("archive/demo/archive.info"))
                await stream.WriteAsync(RandomNumberGenerator.GetBytes(size));
            await using (var stream = await storage.OpenWriteAsync("archive/demo/segment"))
                await stream.WriteAsync(RandomNumberGenerator.GetBytes(size));
        }

        Assert.Equal("old"u8.ToArray(), await ReadAsync(storage, "archive/demo/archive.info"));
        Assert.Null(await storage.InfoAsync("archive/demo/segment"));
        Assert.Equal(["archive.info"], (await ListAsync(storage, "archive/demo")).Select(entry => entry.Name));
    }

    [Fact]
    public async Task Wrong_credentials_fail_with_a_clear_error()
    {
        var storage = await CreateStorageWithWrongCredentialsAsync(UniqueRoot());
        if (storage is null)
            return; // posix and memory have no credentials; posix permissions are covered by the bad-input tests.
        var (code, text) = WrongCredentialsError;
        var error = await Assert.ThrowsAsync<PgRestException>(() => WriteAsync(storage, "archive.info", "x"u8.ToArray()));
        Assert.Equal(code, error.Code);
        Assert.Contains(text, error.Message, StringComparison.Ordinal);
        var readError = await Assert.ThrowsAsync<PgRestException>(() => storage.InfoAsync("archive.info"));
        Assert.Equal(code, readError.Code);
    }

    /// <summary>The error a refused secret gives: the object stores answer HTTP 403 ([039] as pgBackRest reports it).</summary>
    protected virtual (ErrorCode Code, string Text) WrongCredentialsError => (ErrorCode.Protocol, "403");
}
