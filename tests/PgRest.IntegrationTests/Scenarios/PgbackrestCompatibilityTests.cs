using System.Text.Json;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// Repositories cross between the tools: what pgrest writes, the real pgBackRest 2.45 lists, verifies and restores;
/// what pgBackRest writes, pgrest lists the same way and restores. Every compress type, a cluster that starts with the
/// data, and WAL fetched during recovery by the other tool's archive-get.
/// </summary>
public abstract class PgbackrestCompatibilityTests(ITestOutputHelper output)
{
    /// <summary>{none, gz, lz4, zst, bz2} x {plain, encrypted} x {not bundled, bundled}.</summary>
    public static TheoryData<string, bool, bool> Matrix()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (var bundled in new[] { false, true })
        {
            foreach (var encrypted in new[] { false, true })
            {
                foreach (var compressType in new[] { "none", "gz", "lz4", "zst", "bz2" })
                    data.Add(compressType, encrypted, bundled);
            }
        }

        return data;
    }

    protected static string[] Options(string compressType, bool encrypted, bool bundled)
    {
        var options = new List<string> { $"compress-type={compressType}" };
        if (encrypted)
            options.AddRange(["repo1-cipher-type=aes-256-cbc", "repo1-cipher-pass=Compat test passphrase / with spaces"]);
        if (bundled)
            options.AddRange(["repo1-bundle=y", "repo1-bundle-size=4MiB", "repo1-bundle-limit=256KiB"]);
        return [.. options];
    }

    /// <summary>Nothing in an encrypted repository shows the marker rows or the info file text in the clear.</summary>
    protected static void AssertNoPlaintext(Stack stack)
    {
        var marker = System.Text.Encoding.ASCII.GetBytes("c4ca4238a0b923820dcc509a6f75849b"); // md5('1'), a row of marker
        foreach (var file in Directory.GetFiles(stack.RepoPath, "*", SearchOption.AllDirectories))
        {
            if (new FileInfo(file).LinkTarget is not null)
                continue;
            var bytes = File.ReadAllBytes(file);
            Assert.True(bytes.AsSpan().StartsWith("Salted__"u8), $"{file} is not encrypted");
            Assert.True(bytes.AsSpan().IndexOf(marker) < 0, $"{file} contains plaintext");
        }
    }

    /// <summary>Empties PGDATA, restores it with <paramref name="tool"/>, starts: recovery replays WAL through that tool's archive-get.</summary>
    protected async Task RestoreInPlaceAndCheck(Stack stack, Tool tool, long expectedRows)
    {
        await stack.Cluster.StopAsync();
        foreach (var entry in Directory.GetFileSystemEntries(stack.Cluster.DataDirectory))
        {
            if (Directory.Exists(entry))
                Directory.Delete(entry, recursive: true);
            else
                File.Delete(entry);
        }

        await Expect(stack, tool, "--log-level-console=info", "restore");
        await stack.Cluster.StartAsync();
        await stack.WaitForPromotionAsync();
        Assert.Equal(expectedRows, await stack.Cluster.QueryScalarAsync<long>("select count(*) from marker"));
        Assert.Equal(expectedRows, await stack.Cluster.QueryScalarAsync<long>("select count(*) from marker where hash = md5(id::text)"));
    }

    /// <summary>info --output=json with the fields that name the writing tool's version removed.</summary>
    protected async Task<string> InfoJson(Stack stack, Tool tool)
    {
        var result = await Expect(stack, tool, "info", "--output=json");
        return JsonSerializerHelpers.Normalize(result.StandardOutput);
    }

    protected enum Tool { Pgrest, Pgbackrest }

    protected Task<ProcessResult> Expect(Stack stack, Tool tool, params string[] arguments) =>
        stack.ExpectAsync(output, tool == Tool.Pgrest ? "pgrest" : "pgbackrest", arguments);
}

/// <summary>pgrest writes (stanza-create, archive-push, full backup); the real pgBackRest 2.45 lists, verifies, restores.</summary>
public sealed class PgrestWritesPgbackrestReadsTests(ITestOutputHelper output) : PgbackrestCompatibilityTests(output)
{
    [Theory]
    [MemberData(nameof(Matrix), MemberType = typeof(PgbackrestCompatibilityTests))]
    public async Task Pgbackrest_lists_verifies_and_restores_a_repository_written_by_pgrest(string compressType, bool encrypted, bool bundled)
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, Options(compressType, encrypted, bundled));
        await Expect(stack, Tool.Pgrest, "stanza-create");
        await stack.Cluster.ExecuteAsync("create table marker as select g as id, md5(g::text) as hash from generate_series(1, 5000) g");
        await Expect(stack, Tool.Pgrest, "--type=full", "backup");
        await stack.Cluster.ExecuteAsync("insert into marker select g, md5(g::text) from generate_series(5001, 6000) g");
        await Expect(stack, Tool.Pgrest, "check");

        var info = await Expect(stack, Tool.Pgbackrest, "info", "--output=json");
        var backup = Assert.Single(JsonDocument.Parse(info.StandardOutput).RootElement[0].GetProperty("backup").EnumerateArray());
        Assert.Equal("full", backup.GetProperty("type").GetString());
        if (bundled)
            Assert.True(Directory.GetFiles(Path.Combine(stack.RepoPath, "backup", Stack.StanzaName), "*", SearchOption.AllDirectories).Count(f => f.Contains("/bundle/", StringComparison.Ordinal)) >= 2);
        await Expect(stack, Tool.Pgbackrest, "verify");
        Assert.Equal(await InfoJson(stack, Tool.Pgrest), await InfoJson(stack, Tool.Pgbackrest));
        if (encrypted)
        {
            AssertNoPlaintext(stack);
            var decrypted = await ProcessRunner.RunAsync("openssl",
                ["enc", "-d", "-aes-256-cbc", "-md", "sha1", "-pass", "pass:Compat test passphrase / with spaces", "-in", Path.Combine(stack.RepoPath, "archive", Stack.StanzaName, "archive.info")]);
            Assert.StartsWith("[backrest]", decrypted.StandardOutput);
        }

        await RestoreInPlaceAndCheck(stack, Tool.Pgbackrest, expectedRows: 6000);
    }
}

/// <summary>The real pgBackRest 2.45 writes; pgrest lists the same way and restores.</summary>
public sealed class PgbackrestWritesPgrestReadsTests(ITestOutputHelper output) : PgbackrestCompatibilityTests(output)
{
    [Theory]
    [MemberData(nameof(Matrix), MemberType = typeof(PgbackrestCompatibilityTests))]
    public async Task Pgrest_lists_and_restores_a_repository_written_by_pgbackrest(string compressType, bool encrypted, bool bundled)
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgbackrest, Options(compressType, encrypted, bundled));
        await Expect(stack, Tool.Pgbackrest, "stanza-create");
        await stack.Cluster.ExecuteAsync("create table marker as select g as id, md5(g::text) as hash from generate_series(1, 5000) g");
        await Expect(stack, Tool.Pgbackrest, "--type=full", "backup");
        await stack.Cluster.ExecuteAsync("insert into marker select g, md5(g::text) from generate_series(5001, 6000) g");
        await Expect(stack, Tool.Pgbackrest, "check");

        Assert.Equal(await InfoJson(stack, Tool.Pgbackrest), await InfoJson(stack, Tool.Pgrest));
        var text = await Expect(stack, Tool.Pgrest, "info");
        Assert.Contains("full backup: ", text.StandardOutput);
        await Expect(stack, Tool.Pgrest, "verify");

        await RestoreInPlaceAndCheck(stack, Tool.Pgrest, expectedRows: 6000);
    }
}
