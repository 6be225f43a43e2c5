using System.Security.Cryptography;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// A table of cases over every command and option group, each run by pgBackRest 2.45 and by pgrest on the same
/// repository (restored from one pristine copy before each run): exit code, stdout and stderr must be the same bytes,
/// and so must what each run changed in the repository, the lock path and the restore target.
/// </summary>
public sealed class ParitySweepTests(ParitySweepTests.SweepFixture fixture, ITestOutputHelper output) : IClassFixture<ParitySweepTests.SweepFixture>
{
    /// <summary>One case: its arguments (<c>{target}</c> is an empty restore directory, <c>{work}</c> a scratch
    /// directory), what to damage first, and whether it runs without <c>--stanza</c>.</summary>
    public sealed record SweepCase(string[] Arguments, Func<SweepFixture, Task>? Setup = null, bool WithStanza = true);

    private static readonly Dictionary<string, SweepCase> Cases = new()
    {
        ["stanza-create of an existing stanza"] = new(["stanza-create"]),
        ["stanza-create with archive.info missing"] = new(["stanza-create"], f => f.DeleteInfoAsync("archive", "archive.info")),
        ["stanza-create with backup.info missing"] = new(["stanza-create"], f => f.DeleteInfoAsync("backup", "backup.info")),
        ["stanza-create with a wrong pg1-path"] = new(["--pg1-path=/nonexistent", "stanza-create"]),
        ["stanza-create without a stanza"] = new(["stanza-create"], WithStanza: false),
        ["stanza-upgrade when up to date"] = new(["stanza-upgrade"]),
        ["stanza-upgrade of a missing stanza"] = new(["--stanza=nope", "stanza-upgrade"], WithStanza: false),
        ["stanza-delete while not stopped"] = new(["stanza-delete"]),
        ["stanza-delete of a missing stanza"] = new(["--stanza=nope", "stanza-delete"], WithStanza: false),

        ["stop twice"] = new(["stop"], f => f.PgbackrestAsync("stop")),
        ["start when not stopped"] = new(["start"]),
        ["stop of another stanza"] = new(["--stanza=nope", "stop"], WithStanza: false),
        ["stop of every stanza"] = new(["stop"], WithStanza: false),

        ["backup while stopped"] = new(["--type=full", "backup"], f => f.PgbackrestAsync("stop")),
        ["backup while every stanza is stopped"] = new(["--type=full", "backup"], f => f.PgbackrestAsync("stop", withStanza: false)),
        ["backup with a parameter"] = new(["backup", "extra"]),
        ["backup with an option of another command"] = new(["--target=x", "backup"]),
        ["backup with a negated option that cannot be negated"] = new(["--no-type", "backup"]),
        ["backup with an option given twice"] = new(["--type=full", "--type=incr", "backup"]),
        ["backup with an unknown repository option index"] = new(["--repo300-path=/x", "backup"]),
        ["backup of an unknown type"] = new(["--type=bogus", "backup"]),
        ["backup to a repository not configured"] = new(["--repo=3", "backup"]),
        ["backup of a missing stanza"] = new(["--stanza=nope", "backup"], WithStanza: false),
        ["backup with archive-timeout 0"] = new(["--archive-timeout=0", "backup"]),
        ["backup with backup.info missing"] = new(["--type=full", "backup"], f => f.DeleteInfoAsync("backup", "backup.info")),

        ["expire --set of a missing backup"] = new(["--set=20200101-000000F", "expire"]),
        ["expire --set of the latest backup"] = new(["--set={latest}", "expire"]),
        ["expire with retention-full 0"] = new(["--repo1-retention-full=0", "expire"]),
        ["expire of a missing stanza"] = new(["--stanza=nope", "expire"], WithStanza: false),
        ["expire with nothing to expire"] = new(["--repo1-retention-full=2", "expire"]),
        ["expire with archive retention of an unknown type"] = new(["--repo1-retention-archive-type=bogus", "expire"]),

        ["archive-push without a segment"] = new(["archive-push"]),
        ["archive-push of a missing file"] = new(["archive-push", "/nonexistent/000000010000000000000099"]),
        ["archive-push of a relative path without pg1-path"] = new(["--pg1-path=", "archive-push", "pg_wal/000000010000000000000099"]),
        ["archive-push of a relative path run outside pg1-path"] = new(["archive-push", "pg_wal/000000010000000000000099"]),
        ["archive-get to a relative path run outside pg1-path"] = new(["archive-get", "000000010000000000000001", "pg_wal/RECOVERYXLOG"]),
        ["archive-push with two segments"] = new(["archive-push", "000000010000000000000098", "000000010000000000000099"]),
        ["archive-get with one argument"] = new(["archive-get", "000000010000000000000001"]),
        ["archive-get with three arguments"] = new(["archive-get", "000000010000000000000001", "{work}/RECOVERYXLOG", "extra"]),
        ["archive-get of a missing history file"] = new(["archive-get", "00000002.history", "{work}/RECOVERYHISTORY"]),
        ["archive-get with archive.info missing"] = new(["archive-get", "000000010000000000000001", "{work}/RECOVERYXLOG"], f => f.DeleteInfoAsync("archive", "archive.info")),
        ["archive-get of a missing stanza"] = new(["--stanza=nope", "archive-get", "000000010000000000000001", "{work}/RECOVERYXLOG"], WithStanza: false),

        ["info in an unknown output format"] = new(["--output=bogus", "info"]),
        ["info of full backups only"] = new(["--type=full", "info"]),
        ["info of diff backups only"] = new(["--type=diff", "info"]),
        ["info --set without a stanza"] = new(["--set=20200101-000000F", "info"], WithStanza: false),
        ["info --set of the latest backup"] = new(["--set={latest}", "info"]),
        ["info with archive.info missing"] = new(["info"], f => f.DeleteInfoAsync("archive", "archive.info")),
        ["info as json with archive.info missing"] = new(["--output=json", "info"], f => f.DeleteInfoAsync("archive", "archive.info")),
        ["info with backup.info missing"] = new(["info"], f => f.DeleteInfoAsync("backup", "backup.info")),
        ["info as json with backup.info missing"] = new(["--output=json", "info"], f => f.DeleteInfoAsync("backup", "backup.info")),
        ["info with both info files missing"] = new(["info"], async f =>
        {
            await f.DeleteInfoAsync("backup", "backup.info");
            await f.DeleteInfoAsync("archive", "archive.info");
        }),

        ["restore --type=time without a target"] = new(["--pg1-path={target}", "--type=time", "restore"]),
        ["restore --target without a type"] = new(["--pg1-path={target}", "--target=x", "restore"]),
        ["restore --target-action with the default type"] = new(["--pg1-path={target}", "--target-action=promote", "restore"]),
        ["restore of an unknown type"] = new(["--pg1-path={target}", "--type=bogus", "restore"]),
        ["restore --set of a malformed label"] = new(["--pg1-path={target}", "--set=bogus", "restore"]),
        ["restore --type=lsn of a malformed lsn"] = new(["--pg1-path={target}", "--type=lsn", "--target=notanlsn", "restore"]),
        ["restore --type=lsn with a part that is not hex"] = new(["--pg1-path={target}", "--type=lsn", "--target=0/zz", "restore"]),
        ["restore --type=immediate with a target"] = new(["--pg1-path={target}", "--type=immediate", "--target=x", "restore"]),
        ["restore with a tablespace map of an unknown tablespace"] = new(["--pg1-path={target}", "--tablespace-map=nope={work}/ts", "restore"]),
        ["restore with a link map of an unknown link"] = new(["--pg1-path={target}", "--link-map=nope={work}/link", "restore"]),
        ["restore including a missing database"] = new(["--pg1-path={target}", "--db-include=nope", "restore"]),
        ["restore into a directory with postmaster.pid"] = new(["--pg1-path={target}", "restore"], f => f.WriteTargetFileAsync("postmaster.pid", "1\n")),
        ["restore with a recovery option without a value"] = new(["--pg1-path={target}", "--recovery-option=primary_conninfo", "restore"]),

        ["verify of a missing stanza"] = new(["--stanza=nope", "verify"], WithStanza: false),
        ["verify with backup.info missing"] = new(["verify"], f => f.DeleteInfoAsync("backup", "backup.info")),
        ["verify with archive.info missing"] = new(["verify"], f => f.DeleteInfoAsync("archive", "archive.info")),

        ["repo-ls of a path outside the repository"] = new(["repo-ls", "/etc"], WithStanza: false),
        ["repo-ls of a missing path"] = new(["repo-ls", "backup/nope"], WithStanza: false),
        ["repo-ls as json"] = new(["--output=json", "repo-ls", "archive/demo"], WithStanza: false),
        ["repo-ls recursively"] = new(["--recurse", "--filter=info", "repo-ls", "backup"], WithStanza: false),
        ["repo-ls in an unknown output format"] = new(["--output=bogus", "repo-ls"], WithStanza: false),
        ["repo-get of a missing file"] = new(["repo-get", "backup/demo/nope"], WithStanza: false),
        ["repo-get of a missing file ignoring it"] = new(["--ignore-missing", "repo-get", "backup/demo/nope"], WithStanza: false),
        ["repo-get of a directory"] = new(["repo-get", "backup/demo"], WithStanza: false),
        ["repo-get of archive.info"] = new(["repo-get", "archive/demo/archive.info"], WithStanza: false),

        ["check of a missing stanza"] = new(["--stanza=nope", "check"], WithStanza: false),
        ["check with archive.info missing"] = new(["check"], f => f.DeleteInfoAsync("archive", "archive.info")),
        ["check with backup.info missing"] = new(["check"], f => f.DeleteInfoAsync("backup", "backup.info")),
        ["check without a stanza"] = new(["check"], WithStanza: false),
    };

    public static TheoryData<string> CaseNames() => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Both_tools_give_the_same_result(string name)
    {
        var sweep = Cases[name];
        var theirs = await fixture.RunAsync(Tools.Pgbackrest, sweep);
        var ours = await fixture.RunAsync(Tools.Pgrest, sweep);
        output.WriteLine($"{name}: {string.Join(' ', sweep.Arguments)}\npgbackrest exit {theirs.Result.ExitCode}:\n{theirs.Result.StandardOutput}{theirs.Result.StandardError}\nchanged: {theirs.Changes}");

        Assert.True(theirs.Result == ours.Result,
            $"{name}\npgbackrest exit {theirs.Result.ExitCode}:\n{theirs.Result.StandardOutput}{theirs.Result.StandardError}\npgrest exit {ours.Result.ExitCode}:\n{ours.Result.StandardOutput}{ours.Result.StandardError}");
        Assert.Equal(theirs.Changes, ours.Changes);
    }

    /// <summary>A stanza with a full backup by pgBackRest, kept as a pristine copy that each run starts from.</summary>
    public sealed class SweepFixture : IAsyncLifetime
    {
        private Stack? _stack;
        private Dictionary<string, string> _pristine = [];

        private Stack Stack => _stack ?? throw new InvalidOperationException("fixture not initialized");

        private string PristinePath => Stack.Work.Combine("repo.pristine");

        private string Target => Stack.Work.Combine("target");

        private string Scratch => Stack.Work.Combine("scratch");

        private string LockPath => Stack.Work.Combine("lock");

        private string LatestLabel { get; set; } = "";

        public async Task InitializeAsync()
        {
            _stack = await Stack.CreateAsync(Archiver.Pgbackrest);
            (await Stack.PgbackrestAsync("stanza-create")).EnsureSuccess("stanza-create");
            (await Stack.PgbackrestAsync("--type=full", "backup")).EnsureSuccess("backup");
            // PostgreSQL archives the backup's history file after the backup has ended; let it land first.
            var archiveStatus = Path.Combine(Stack.Cluster.DataDirectory, "pg_wal", "archive_status");
            for (var wait = 0; wait < 100 && Directory.GetFiles(archiveStatus, "*.ready").Length > 0; wait++)
                await Task.Delay(100);
            LatestLabel = Path.GetFileName(Directory.GetDirectories(Path.Combine(Stack.RepoPath, "backup", Stack.Stanza), "*F").Single());
            (await ProcessRunner.RunAsync("cp", ["-a", Stack.RepoPath, PristinePath])).EnsureSuccess("copy of the pristine repository");
            _pristine = Fingerprint(Stack.RepoPath);
        }

        /// <summary>Restores the pristine state, applies the case's damage, runs the tool and says what changed.</summary>
        public async Task<(ProcessResult Result, string Changes)> RunAsync(string tool, SweepCase sweep)
        {
            await ResetAsync();
            if (sweep.Setup is not null)
                await sweep.Setup(this);
            var before = Fingerprint(Stack.RepoPath);
            var arguments = sweep.Arguments.Select(a => a.Replace("{target}", Target).Replace("{work}", Scratch).Replace("{latest}", LatestLabel));
            var result = await Stack.RunRawAsync(tool, [$"--config={Stack.ConfigPath}", .. sweep.WithStanza ? [$"--stanza={Stack.Stanza}"] : Array.Empty<string>(), .. arguments]);
            var after = Fingerprint(Stack.RepoPath);
            var changes = string.Join(", ", after.Where(f => !before.TryGetValue(f.Key, out var hash) || hash != f.Value).Select(f => "+" + f.Key)
                .Concat(before.Keys.Where(k => !after.ContainsKey(k)).Select(k => "-" + k)).Order(StringComparer.Ordinal));
            var left = string.Join(", ", Directory.GetFileSystemEntries(Target, "*", SearchOption.AllDirectories).Select(p => p[Target.Length..]).Order(StringComparer.Ordinal));
            var stopFiles = string.Join(", ", Directory.GetFiles(LockPath, "*.stop").Select(Path.GetFileName).Order(StringComparer.Ordinal));
            return (result, $"repository [{changes}] target [{left}] stop files [{stopFiles}]");
        }

        public Task PgbackrestAsync(string command, bool withStanza = true) =>
            Stack.RunRawAsync(Tools.Pgbackrest, [$"--config={Stack.ConfigPath}", .. withStanza ? [$"--stanza={Stack.Stanza}"] : Array.Empty<string>(), command]);

        public Task DeleteInfoAsync(string kind, string name)
        {
            foreach (var file in new[] { name, name + ".copy" })
                File.Delete(Path.Combine(Stack.RepoPath, kind, Stack.Stanza, file));
            return Task.CompletedTask;
        }

        public async Task WriteTargetFileAsync(string name, string content)
        {
            var path = Path.Combine(Target, name);
            await File.WriteAllTextAsync(path, content);
            TempDirectory.ChangeOwner(path, PgCluster.OsUser);
        }

        private async Task ResetAsync()
        {
            (await ProcessRunner.RunAsync("rm", ["-rf", Stack.RepoPath, Target, Scratch])).EnsureSuccess("removal of the last run");
            (await ProcessRunner.RunAsync("cp", ["-a", PristinePath, Stack.RepoPath])).EnsureSuccess("restore of the pristine repository");
            foreach (var file in Directory.GetFiles(LockPath))
                File.Delete(file);
            Stack.Work.CreateSubdirectory("target");
            Stack.Work.CreateSubdirectory("scratch");
            Assert.Equal(_pristine, Fingerprint(Stack.RepoPath));
        }

        private static Dictionary<string, string> Fingerprint(string root) =>
            Directory.GetFiles(root, "*", SearchOption.AllDirectories)
                .ToDictionary(f => f[root.Length..], f => Convert.ToHexStringLower(SHA1.HashData(File.ReadAllBytes(f))));

        public async Task DisposeAsync()
        {
            if (_stack is not null)
                await _stack.DisposeAsync();
        }
    }
}
