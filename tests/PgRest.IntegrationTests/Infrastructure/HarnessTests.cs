using System.Diagnostics;

namespace PgRest.IntegrationTests.Infrastructure;

/// <summary>The test harness itself: processes as another user, timeouts, concurrent clusters, clean-up.</summary>
public sealed class HarnessTests
{
    [Fact]
    public async Task Runs_as_the_postgres_user_with_environment_and_input()
    {
        ProcessResult result = await ProcessRunner.RunAsync(
            "/bin/sh", ["-c", "id -un; echo \"$PGREST_PROBE\"; cat"],
            user: "postgres",
            environment: new Dictionary<string, string?> { ["PGREST_PROBE"] = "probe-value" },
            standardInput: "from stdin");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("postgres\nprobe-value\nfrom stdin", result.StandardOutput);
    }

    [Fact]
    public async Task Captures_exit_code_and_standard_error()
    {
        ProcessResult result = await ProcessRunner.RunAsync("/bin/sh", ["-c", "echo oops >&2; exit 3"]);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("oops\n", result.StandardError);
        Assert.Throws<InvalidOperationException>(() => result.EnsureSuccess("sh"));
    }

    [Fact]
    public async Task A_process_that_outlives_its_timeout_is_killed_with_its_children()
    {
        using TempDirectory directory = new("pgrest-harness");
        string pidFile = directory.Combine("child.pid");
        Stopwatch elapsed = Stopwatch.StartNew();

        await Assert.ThrowsAsync<TimeoutException>(() => ProcessRunner.RunAsync(
            "/bin/sh", ["-c", $"sleep 60 & echo $! > {pidFile}; wait"], user: "postgres", timeout: TimeSpan.FromSeconds(2)));

        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(30));
        string childPid = (await File.ReadAllTextAsync(pidFile)).Trim();
        await WaitUntilAsync(() => !Directory.Exists("/proc/" + childPid));
    }

    [Fact]
    public void Temp_directory_belongs_to_postgres_and_disappears_on_dispose()
    {
        string path;

        using (TempDirectory directory = new("pgrest-harness"))
        {
            path = directory.Path;
            Assert.StartsWith("/tmp/pgrest-harness-", path, StringComparison.Ordinal);
            (uint uid, _) = TempDirectory.LookupUser("postgres");
            Assert.Equal(uid, OwnerOf(path));
            File.WriteAllText(directory.Combine("file"), "x");
        }

        Assert.False(Directory.Exists(path));
    }

    [Fact]
    public async Task Two_clusters_run_side_by_side_and_are_removed_on_dispose()
    {
        Task<PgCluster> firstTask = PgCluster.CreateAsync();
        Task<PgCluster> secondTask = PgCluster.CreateAsync(new PgClusterOptions { DataChecksums = false });
        PgCluster first = await firstTask;
        PgCluster second = await secondTask;
        string firstRoot = first.Root.Path;

        try
        {
            Assert.NotEqual(first.Port, second.Port);
            Assert.NotEqual(first.DataDirectory, second.DataDirectory);
            Assert.True(first.IsRunning);
            Assert.True(second.IsRunning);
            Assert.Equal("on", await first.QueryScalarAsync<string>("show data_checksums"));
            Assert.Equal("off", await second.QueryScalarAsync<string>("show data_checksums"));
            Assert.Equal("on", await first.QueryScalarAsync<string>("show fsync"));
            Assert.Equal("replica", await first.QueryScalarAsync<string>("show wal_level"));
            Assert.Equal(first.SocketDirectory, await first.QueryScalarAsync<string>("show unix_socket_directories"));
            Assert.Equal(3, await first.ExecuteAsync("create table t (i int); insert into t values (1), (2), (3)"));
            Assert.Equal(3L, await first.QueryScalarAsync<long>("select count(*) from t"));

            await first.StopAsync(PgStopMode.Immediate);
            Assert.False(first.IsRunning);
            await first.StartAsync();
            Assert.Equal(3L, await first.QueryScalarAsync<long>("select count(*) from t"));

            await first.SetSettingsAsync(new Dictionary<string, string> { ["archive_command"] = "'/bin/true changed'" });
            await WaitUntilAsync(async () => await first.QueryScalarAsync<string>("show archive_command") == "/bin/true changed");
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
        }

        Assert.False(Directory.Exists(firstRoot));
    }

    private static uint OwnerOf(string path)
    {
        ProcessResult stat = ProcessRunner.RunAsync("stat", ["-c", "%u", path]).GetAwaiter().GetResult();
        return uint.Parse(stat.StandardOutput.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            if (await condition())
                return;

            await Task.Delay(100);
        }

        Assert.Fail("condition not reached within 10 seconds");
    }
}
