using System.Text.Json;
using System.Text.RegularExpressions;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// <c>verify</c> reports what the real pgBackRest 2.45 reports, line for line (<c>--output=text --verbose</c>), on clean
/// repositories written by either tool and on repositories with one thing broken. pgBackRest 2.45 exits 0 once verify
/// has run, even when it found damage (its <c>status:</c> line says <c>error</c>); pgrest exits the same way.
/// </summary>
public sealed partial class VerifyTests(ITestOutputHelper output, VerifyTests.DamageFixture fixture) : IClassFixture<VerifyTests.DamageFixture>
{
    [Fact]
    public async Task Clean_repository_written_by_pgrest_verifies_like_pgbackrest_says()
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest, ["compress-type=zst", "repo1-cipher-type=aes-256-cbc", "repo1-cipher-pass=verify-secret"]);
        await Expect(stack, Tool.Pgrest, "stanza-create");
        await stack.Cluster.ExecuteAsync("create table marker as select g as id from generate_series(1, 5000) g");
        await Expect(stack, Tool.Pgrest, "--type=full", "backup");
        await stack.Cluster.ExecuteAsync("insert into marker select generate_series(5001, 9000)");
        await Expect(stack, Tool.Pgrest, "--type=incr", "backup");

        var (pgrest, pgbackrest) = await VerifyWithBoth(stack);
        Assert.Equal(pgbackrest.StandardOutput, pgrest.StandardOutput);
        Assert.StartsWith("stanza: demo\nstatus: ok\n", pgrest.StandardOutput);
        Assert.Equal(2, BackupLines().Matches(pgrest.StandardOutput).Count(m => m.Groups["status"].Value == "valid" && m.Groups["checked"].Value == m.Groups["valid"].Value));
        // Without --output=text (default none) and with nothing wrong, verify prints nothing.
        Assert.Empty((await stack.PgrestAsync("verify")).StandardOutput);
    }

    [Fact]
    public async Task Clean_bundled_repository_written_by_pgbackrest_verifies_like_pgbackrest_says()
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgbackrest, ["repo1-bundle=y", "repo1-retention-full=9"]);
        await Expect(stack, Tool.Pgbackrest, "stanza-create");
        await stack.Cluster.ExecuteAsync("create table marker as select g as id from generate_series(1, 5000) g");
        await Expect(stack, Tool.Pgbackrest, "--type=full", "backup");
        await stack.Cluster.ExecuteAsync("insert into marker select generate_series(5001, 9000)");
        await Expect(stack, Tool.Pgbackrest, "--type=diff", "backup");

        var (pgrest, pgbackrest) = await VerifyWithBoth(stack);
        Assert.Equal(pgbackrest.StandardOutput, pgrest.StandardOutput);
        Assert.StartsWith("stanza: demo\nstatus: ok\n", pgrest.StandardOutput);
        Assert.Equal(2, BackupLines().Matches(pgrest.StandardOutput).Count(m => m.Groups["status"].Value == "valid"));
    }

    [Fact]
    public async Task Flipped_byte_in_a_backup_file_is_a_checksum_error_in_the_backup_and_the_one_that_references_it()
    {
        var (pgrest, _) = await VerifyDamaged(fixture => FlipMiddleByte(fixture.BackupFile(fixture.FullLabel, "pg_data/PG_VERSION")));
        Assert.Contains("status: error\n", pgrest.StandardOutput);
        Assert.Contains($"  backup: {Fixture.FullLabel}, status: invalid, total files checked: ", pgrest.StandardOutput);
        Assert.Contains("\n    missing: 0, checksum invalid: 1, size invalid: 0, other: 0\n", pgrest.StandardOutput);
        Assert.Contains($"  backup: {Fixture.IncrLabel}, status: invalid, ", pgrest.StandardOutput);
        Assert.Contains($"invalid checksum '{Fixture.FullLabel}/pg_data/PG_VERSION'", pgrest.Log);
    }

    [Fact]
    public async Task Missing_backup_file_is_reported_missing()
    {
        var (pgrest, _) = await VerifyDamaged(fixture => File.Delete(fixture.BackupFile(fixture.FullLabel, "pg_data/global/pg_control")));
        Assert.Contains("status: error\n", pgrest.StandardOutput);
        Assert.Contains($"  backup: {Fixture.FullLabel}, status: invalid, ", pgrest.StandardOutput);
        Assert.Contains("\n    missing: 1, checksum invalid: 0, size invalid: 0, other: 0\n", pgrest.StandardOutput);
        Assert.Contains($"file missing '{Fixture.FullLabel}/pg_data/global/pg_control'", pgrest.Log);
    }

    [Fact]
    public async Task Corrupted_wal_segment_is_a_checksum_error_in_its_archive_id()
    {
        string? corrupted = null;
        var (pgrest, _) = await VerifyDamaged(fixture =>
        {
            // Not the first segment: pgBackRest reads the WAL segment size from that one's header and gives up if it is damaged.
            corrupted = fixture.StoredSegments()[^1];
            FlipMiddleByte(corrupted);
        });
        var total = Fixture.StoredSegments().Count;
        Assert.Contains("status: error\n", pgrest.StandardOutput);
        Assert.Contains($"  archiveId: 15-1, total WAL checked: {total}, total valid WAL: {total - 1}\n    missing: 0, checksum invalid: 1, size invalid: 0, other: 0\n", pgrest.StandardOutput);
        Assert.Contains($"invalid checksum '15-1/{Path.GetFileName(Path.GetDirectoryName(corrupted))}/{Path.GetFileName(corrupted)}'", pgrest.Log);
    }

    [Fact]
    public async Task Missing_wal_segment_splits_the_wal_range_and_pgrest_names_the_backup_that_needs_it()
    {
        string? missing = null;
        var (pgrest, pgbackrest) = await VerifyDamaged(fixture =>
        {
            missing = fixture.StoredSegments().Single(path => Path.GetFileName(path).StartsWith(fixture.FullArchiveStart, StringComparison.Ordinal));
            File.Delete(missing);
        });

        // A gap is not an error for pgBackRest 2.45 (status stays ok): it only shows as two WAL ranges in the detail log.
        Assert.Equal(0, pgbackrest.ExitCode);
        Assert.Contains("status: ok\n", pgrest.StandardOutput);
        var ranges = WalRangeLines().Matches(pgrest.Log).Select(m => (Start: m.Groups["start"].Value, Stop: m.Groups["stop"].Value)).ToList();
        Assert.True(ranges.Count == 2, pgrest.Log);
        Assert.True(string.CompareOrdinal(ranges[0].Stop, Fixture.FullArchiveStart) < 0 && string.CompareOrdinal(ranges[1].Start, Fixture.FullArchiveStart) > 0, pgrest.Log);
        Assert.Contains($"backup '{Fixture.FullLabel}' needs WAL {Fixture.FullArchiveStart} to ", pgrest.Log);
    }

    private DamageFixture Fixture => fixture;

    /// <summary>Restores the fixture's pristine repository, breaks it, and runs verify with both tools.</summary>
    private async Task<(VerifyRun Pgrest, ProcessResult Pgbackrest)> VerifyDamaged(Action<DamageFixture> damage)
    {
        await Fixture.ResetRepositoryAsync();
        damage(Fixture);
        var (pgrest, pgbackrest) = await VerifyWithBoth(Fixture.Stack);
        Assert.Equal(pgbackrest.StandardOutput, pgrest.StandardOutput);
        Assert.Equal(pgbackrest.ExitCode, pgrest.ExitCode);

        // The same run with the detail log on the console: the per-file messages and the WAL ranges.
        var detailed = await Fixture.Stack.PgrestAsync("verify", "--log-level-console=detail");
        output.WriteLine($"$ pgrest verify --log-level-console=detail -> {detailed.ExitCode}\n{detailed.StandardOutput}{detailed.StandardError}");
        return (new VerifyRun(pgrest.ExitCode, pgrest.StandardOutput, detailed.StandardOutput), pgbackrest);
    }

    private sealed record VerifyRun(int ExitCode, string StandardOutput, string Log);

    private async Task<(ProcessResult Pgrest, ProcessResult Pgbackrest)> VerifyWithBoth(Stack stack)
    {
        var pgbackrest = await stack.PgbackrestAsync("verify", "--output=text", "--verbose");
        output.WriteLine($"$ pgbackrest verify --output=text --verbose -> {pgbackrest.ExitCode}\n{pgbackrest.StandardOutput}{pgbackrest.StandardError}");
        var pgrest = await stack.PgrestAsync("verify", "--output=text", "--verbose");
        output.WriteLine($"$ pgrest verify --output=text --verbose -> {pgrest.ExitCode}\n{pgrest.StandardOutput}{pgrest.StandardError}");
        Assert.Equal(0, pgbackrest.ExitCode);
        Assert.Equal(0, pgrest.ExitCode);
        return (pgrest, pgbackrest);
    }

    private static void FlipMiddleByte(string path)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
    }

    [GeneratedRegex(@"backup: (?<label>\S+), status: (?<status>[a-z -]+), total files checked: (?<checked>\d+), total valid files: (?<valid>\d+)")]
    private static partial Regex BackupLines();

    [GeneratedRegex(@"archiveId: 15-1, wal start: (?<start>[0-9A-F]{24}), wal stop: (?<stop>[0-9A-F]{24})")]
    private static partial Regex WalRangeLines();

    private enum Tool { Pgrest, Pgbackrest }

    private Task<ProcessResult> Expect(Stack stack, Tool tool, params string[] arguments) =>
        stack.ExpectAsync(output, tool == Tool.Pgrest ? "pgrest" : "pgbackrest", arguments);

    /// <summary>
    /// One uncompressed repository written by pgrest (full + incr backup, several WAL segments) that the damage tests
    /// each restore from a pristine copy, so one cluster serves them all. Uncompressed so a flipped byte is a checksum
    /// error rather than a decompression error (which pgBackRest retries for 15 seconds).
    /// </summary>
    public sealed class DamageFixture : IAsyncLifetime
    {
        private Stack? _stack;

        public Stack Stack => _stack ?? throw new InvalidOperationException("fixture not initialized");

        public string FullLabel { get; private set; } = "";

        public string IncrLabel { get; private set; } = "";

        public string FullArchiveStart { get; private set; } = "";

        private string PristinePath => Stack.Work.Combine("repo.pristine");

        public async Task InitializeAsync()
        {
            _stack = await Stack.CreateAsync(Archiver.Pgrest, ["compress-type=none"]);
            await Run("stanza-create");
            // A segment before the backup, so the backup's first segment is not the first in the archive.
            await Stack.Cluster.ExecuteAsync("create table marker as select g as id from generate_series(1, 1000) g");
            await Stack.Cluster.ExecuteAsync("select pg_switch_wal()");
            await Run("--type=full", "backup");
            await Stack.Cluster.ExecuteAsync("insert into marker select generate_series(1001, 2000)");
            await Run("--type=incr", "backup");
            await Run("check");

            var info = JsonDocument.Parse((await Run("info", "--output=json")).StandardOutput).RootElement[0].GetProperty("backup");
            FullLabel = info[0].GetProperty("label").GetString()!;
            FullArchiveStart = info[0].GetProperty("archive").GetProperty("start").GetString()!;
            IncrLabel = info[1].GetProperty("label").GetString()!;
            (await ProcessRunner.RunAsync("cp", ["-a", Stack.RepoPath, PristinePath])).EnsureSuccess("copy of the pristine repository");
        }

        public async Task ResetRepositoryAsync()
        {
            (await ProcessRunner.RunAsync("rm", ["-rf", Stack.RepoPath])).EnsureSuccess("removal of the repository");
            (await ProcessRunner.RunAsync("cp", ["-a", PristinePath, Stack.RepoPath])).EnsureSuccess("restore of the pristine repository");
        }

        public string BackupFile(string label, string manifestName) => Path.Combine(Stack.RepoPath, "backup", Stack.StanzaName, label, manifestName);

        /// <summary>Stored WAL segments of archive id 15-1, in name order.</summary>
        public List<string> StoredSegments() =>
            [.. Directory.EnumerateFiles(Path.Combine(Stack.RepoPath, "archive", Stack.StanzaName, "15-1"), "*", SearchOption.AllDirectories)
                .Where(path => Regex.IsMatch(Path.GetFileName(path), "^[0-9A-F]{24}-[0-9a-f]{40}$"))
                .Order(StringComparer.Ordinal)];

        private async Task<ProcessResult> Run(params string[] arguments) =>
            (await Stack.PgrestAsync(arguments)).EnsureSuccess("pgrest " + string.Join(' ', arguments));

        public async Task DisposeAsync()
        {
            if (_stack is not null)
                await _stack.DisposeAsync();
        }
    }
}
