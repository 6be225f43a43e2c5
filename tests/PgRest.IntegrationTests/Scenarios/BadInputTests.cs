using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// Bad input gets pgBackRest's error code and exit code and a clear message, and nothing half-written is left behind.
/// Where both tools are run on the same input, their exit codes must agree.
/// </summary>
public sealed class BadInputTests(ITestOutputHelper output) : IAsyncLifetime
{
    private Stack _stack = null!;

    public async Task InitializeAsync()
    {
        _stack = await Stack.CreateAsync();
        Assert.Equal(0, (await _stack.PgrestAsync("stanza-create")).ExitCode);
    }

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task Missing_config_file_is_file_missing_error()
    {
        var result = await Both(["--config=/nonexistent/pgbackrest.conf", "--stanza=demo", "info"]);
        Assert.Equal(55, result.ExitCode);
        Assert.Contains("ERROR: [055]: unable to open missing file '/nonexistent/pgbackrest.conf' for read", result.StandardError);
    }

    /// <summary>
    /// Relative configuration paths, run from the directory that holds the files: pgBackRest reads them from <c>/</c>
    /// (so they are missing) or refuses them, never from the working directory; pgrest does the same.
    /// </summary>
    [Theory]
    [InlineData("--config=pgbackrest.conf", 55)]
    [InlineData("--config=./pgbackrest.conf", 55)]
    [InlineData("--config-include-path=conf.d", 73)]
    [InlineData("--config-path=.", 32)]
    public async Task A_relative_config_path_is_not_read_from_the_working_directory(string option, int exitCode)
    {
        _stack.Work.CreateSubdirectory("conf.d");
        var arguments = new[] { option, "--stanza=demo", "info" };
        var pgrest = await ProcessRunner.RunAsync(Tools.Pgrest, arguments, PgCluster.OsUser, workingDirectory: _stack.Work.Path);
        var pgbackrest = await ProcessRunner.RunAsync(Tools.Pgbackrest, arguments, PgCluster.OsUser, workingDirectory: _stack.Work.Path);
        output.WriteLine($"pgrest {option} -> {pgrest.ExitCode}\n{pgrest.StandardError}\npgbackrest -> {pgbackrest.ExitCode}\n{pgbackrest.StandardError}");

        Assert.Equal(exitCode, pgbackrest.ExitCode);
        Assert.Equal(pgbackrest.ExitCode, pgrest.ExitCode);
        Assert.Equal(pgbackrest.StandardError, pgrest.StandardError);
        Assert.Equal(pgbackrest.StandardOutput, pgrest.StandardOutput);
    }

    [Fact]
    public async Task Malformed_config_line_is_format_error_naming_the_line()
    {
        var path = _stack.Work.Combine("bad.conf");
        File.WriteAllText(path, "[global]\nrepo1-path=/tmp/x\nthis line is bad\n");
        TempDirectory.ChangeOwner(path, PgCluster.OsUser);
        var result = await Both([$"--config={path}", "--stanza=demo", "info"]);
        Assert.Equal(29, result.ExitCode);
        Assert.Contains("line 3", result.StandardError);
    }

    [Fact]
    public async Task Unknown_option_is_option_invalid_error()
    {
        var result = await Both([$"--config={_stack.ConfigPath}", "--stanza=demo", "--no-such-option", "info"]);
        Assert.Equal(31, result.ExitCode);
        Assert.Contains("invalid option '--no-such-option'", result.StandardError);
    }

    [Fact]
    public async Task Unknown_command_is_command_invalid_error()
    {
        var result = await Both([$"--config={_stack.ConfigPath}", "bogus"]);
        Assert.Equal(48, result.ExitCode);
        Assert.Contains("invalid command 'bogus'", result.StandardError);
    }

    [Fact]
    public async Task Secret_on_the_command_line_is_refused_without_echoing_it()
    {
        var result = await Both([$"--config={_stack.ConfigPath}", "--stanza=demo", "--repo1-cipher-pass=hunter2-secret", "info"]);
        Assert.Equal(31, result.ExitCode);
        Assert.Contains("'repo1-cipher-pass' is not allowed on the command-line", result.StandardError);
        Assert.DoesNotContain("hunter2-secret", result.StandardError + result.StandardOutput);
    }

    [Fact]
    public async Task Unknown_stanza_for_archive_push_finds_no_valid_repository()
    {
        var wal = await AnySegmentCopyAsync();
        var result = await Both([$"--config={_stack.ConfigPath}", "--stanza=nope", "archive-push", wal]);
        Assert.Equal(103, result.ExitCode);
        Assert.Contains("has a stanza-create been performed?", result.StandardError);
    }

    [Fact]
    public async Task Wrong_pg1_path_for_backup_cannot_find_the_primary()
    {
        var result = await Both([$"--config={_stack.ConfigPath}", "--stanza=demo", "--pg1-path=/nonexistent", "backup"]);
        Assert.Equal(56, result.ExitCode);
        Assert.Contains("unable to open missing file '/nonexistent/global/pg_control' for read", result.StandardError);
        Assert.Empty(BackupDirectories());
    }

    [Fact]
    public async Task Wal_from_another_cluster_is_refused_with_archive_mismatch_and_nothing_is_stored()
    {
        await using var other = await PgCluster.CreateAsync(new PgClusterOptions { Start = false });
        var foreign = _stack.Work.Combine("000000010000000000000099");
        File.Copy(Path.Combine(other.DataDirectory, "pg_wal", "000000010000000000000001"), foreign);
        TempDirectory.ChangeOwner(foreign, PgCluster.OsUser);

        var result = await Both([$"--config={_stack.ConfigPath}", "--stanza=demo", "archive-push", foreign]);
        Assert.Equal(44, result.ExitCode);
        Assert.Contains("do not match stanza version 15", result.StandardError);
        Assert.False(Directory.EnumerateFiles(_stack.RepoPath, "000000010000000000000099*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task Duplicate_segment_with_another_checksum_is_refused_and_the_stored_one_kept()
    {
        var wal = await AnySegmentCopyAsync();
        Assert.Equal(0, (await _stack.PgrestAsync("archive-push", wal)).ExitCode);
        var again = await _stack.PgrestAsync("archive-push", wal);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("already exists in the repo1 archive with the same checksum", again.StandardError);

        using (var stream = File.OpenWrite(wal))
        {
            stream.Seek(9000, SeekOrigin.Begin);
            stream.WriteByte(0x5A);
        }

        var stored = Directory.GetFiles(_stack.RepoPath, Path.GetFileName(wal) + "-*", SearchOption.AllDirectories);
        var result = await Both([$"--config={_stack.ConfigPath}", "--stanza=demo", "archive-push", wal]);
        Assert.Equal(45, result.ExitCode);
        Assert.Contains("already exists in the repo1 archive with a different checksum", result.StandardError);
        Assert.Equal(stored, Directory.GetFiles(_stack.RepoPath, Path.GetFileName(wal) + "-*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Archive_get_of_a_missing_segment_exits_1_as_postgresql_expects()
    {
        var destination = _stack.Work.Combine("RECOVERYXLOG");
        var result = await Both([$"--config={_stack.ConfigPath}", "--stanza=demo", "archive-get", "0000000100000000000000FE", destination]);
        Assert.Equal(1, result.ExitCode);
        Assert.False(File.Exists(destination));
    }

    [Fact]
    public async Task Restore_into_a_running_cluster_is_refused_and_nothing_is_touched()
    {
        Assert.Equal(0, (await _stack.PgrestAsync("--type=full", "backup")).ExitCode);
        var before = File.ReadAllText(Path.Combine(_stack.Cluster.DataDirectory, "postgresql.auto.conf"));
        var result = await Both([$"--config={_stack.ConfigPath}", "--stanza=demo", "--delta", "restore"]);
        Assert.Equal(38, result.ExitCode);
        Assert.Contains("unable to restore while PostgreSQL is running", result.StandardError);
        Assert.Equal(before, File.ReadAllText(Path.Combine(_stack.Cluster.DataDirectory, "postgresql.auto.conf")));
        Assert.False(File.Exists(Path.Combine(_stack.Cluster.DataDirectory, "recovery.signal")));
    }

    [Fact]
    public async Task Restore_into_a_non_empty_directory_without_delta_is_refused()
    {
        Assert.Equal(0, (await _stack.PgrestAsync("--type=full", "backup")).ExitCode);
        var target = _stack.Work.CreateSubdirectory("restore-target");
        File.WriteAllText(Path.Combine(target, "keep-me"), "x");
        var result = await Both([$"--config={_stack.ConfigPath}", "--stanza=demo", $"--pg1-path={target}", "restore"]);
        Assert.Equal(40, result.ExitCode);
        Assert.Contains("HINT: try using --delta", result.StandardError);
        Assert.Equal(["keep-me"], Directory.GetFileSystemEntries(target).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Repository_that_is_not_writable_fails_archive_push_and_leaves_no_partial_file()
    {
        var wal = await AnySegmentCopyAsync();
        var archive = Path.Combine(_stack.RepoPath, "archive", Stack.StanzaName, "15-1");
        // The cluster's own archiver may have pushed this segment already: start from an archive it cannot write either.
        if (Directory.Exists(archive))
            Directory.Delete(archive, recursive: true);
        Directory.CreateDirectory(archive);
        File.SetUnixFileMode(archive, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        TempDirectory.ChangeOwner(archive, PgCluster.OsUser);
        try
        {
            var result = await _stack.PgrestAsync("archive-push", wal);
            output.WriteLine(result.StandardError);
            // As pgBackRest: the write's error under [104], per repository.
            Assert.Equal(104, result.ExitCode);
            Assert.Matches(@"ERROR: \[104\]: [^\n]*\n\s*repo1: \[(PathCreate|FileOpen)Error\]", result.StandardError);
            Assert.Empty(Directory.EnumerateFiles(archive, "*", SearchOption.AllDirectories));
            var upstream = await _stack.PgbackrestAsync("archive-push", wal);
            output.WriteLine(upstream.StandardError);
            Assert.Equal(upstream.ExitCode, result.ExitCode);
        }
        finally
        {
            File.SetUnixFileMode(archive, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        Assert.Empty(Directory.EnumerateFiles(archive, "*", SearchOption.AllDirectories));
    }

    private IEnumerable<string> BackupDirectories() =>
        Directory.Exists(Path.Combine(_stack.RepoPath, "backup", Stack.StanzaName))
            ? Directory.GetDirectories(Path.Combine(_stack.RepoPath, "backup", Stack.StanzaName))
            : [];

    /// <summary>A copy of a real segment of this cluster, outside pg_wal.</summary>
    private async Task<string> AnySegmentCopyAsync()
    {
        // check switches WAL and waits until the archiver has pushed it, so PostgreSQL's own archive_command never races
        // the pushes the test makes of the same segment.
        await _stack.ExpectAsync(output, "pgrest", "check");
        var source = Directory.GetFiles(Path.Combine(_stack.Cluster.DataDirectory, "pg_wal"), "0000000100000000000000*").Order().First();
        var copy = _stack.Work.Combine(Path.GetFileName(source));
        File.Copy(source, copy, overwrite: true);
        TempDirectory.ChangeOwner(copy, PgCluster.OsUser);
        return copy;
    }

    /// <summary>Runs pgrest and the real pgBackRest on the same input; their exit codes must agree. Returns pgrest's result.</summary>
    private async Task<ProcessResult> Both(string[] arguments)
    {
        var pgrest = await Stack.RunRawAsync(Tools.Pgrest, arguments);
        var pgbackrest = await Stack.RunRawAsync(Tools.Pgbackrest, arguments);
        output.WriteLine($"pgrest {string.Join(' ', arguments)} -> {pgrest.ExitCode}\n{pgrest.StandardError}");
        output.WriteLine($"pgbackrest -> {pgbackrest.ExitCode}\n{pgbackrest.StandardError}");
        Assert.Equal(pgbackrest.ExitCode, pgrest.ExitCode);
        return pgrest;
    }
}
