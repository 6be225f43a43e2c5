using PgRest.Config;
using PgRest.Commands.Annotate;
using PgRest.Commands.Control;
using PgRest.Commands.RepoBrowse;
using PgRest.Errors;
using PgRest.Info;
using PgRest.Repository;
using PgRest.Storage.Posix;
using PgRest.Tests.Config;

namespace PgRest.Tests.Commands;

public sealed class ControlTests
{
    [Fact]
    public void Lock_file_content_written_by_pgbackrest_is_understood()
    {
        var holder = LockHolder.Parse("{\"execId\":\"20190-6866c7e1\",\"pctCplt\":42,\"pid\":20190}");
        Assert.Equal(new LockHolder("20190-6866c7e1", 20190, 42), holder);
        Assert.Null(LockHolder.Parse(""));
        Assert.Null(LockHolder.Parse("{\"pid\":1}"));
        Assert.Null(LockHolder.Parse("not json"));
    }

    [Fact]
    public void A_held_lock_is_reported_with_its_pid_and_a_released_one_is_gone()
    {
        var lockPath = Path.Combine(Path.GetTempPath(), "pgrest-lock-" + Guid.NewGuid().ToString("N"));
        using var files = new ConfigTestFiles();
        var config = files.Load("[global]\n", "--stanza=demo", $"--lock-path={lockPath}", "expire");
        var path = Path.Combine(lockPath, "demo-backup.lock");
        try
        {
            using (LockFile.Acquire(config, "demo", CommandLockType.Backup))
            {
                Assert.Equal(Environment.ProcessId, LockFile.ReadHolder(path, remove: false)?.ProcessId);
                Assert.Null(LockFile.TryAcquire(config, "demo", CommandLockType.Backup));
                var second = Assert.Throws<PgRestException>(() => LockFile.Acquire(config, "demo", CommandLockType.Backup));
                Assert.Equal(ErrorCode.LockAcquire, second.Code);
                Assert.Contains("Resource temporarily unavailable\nHINT: is another pgBackRest process running?", second.Message);
            }

            Assert.False(File.Exists(path));
        }
        finally
        {
            Directory.Delete(lockPath, recursive: true);
        }
    }

    [Fact]
    public void Annotation_changes_merge_and_an_empty_value_removes_the_key()
    {
        var entry = new BackupInfoEntry
        {
            Label = "20240101-000000F",
            BackrestVersion = "2.45",
            Annotation = new Dictionary<string, string> { ["owner"] = "team", ["drop"] = "me" },
        };
        AnnotateCommand.Apply(entry, new Dictionary<string, string> { ["drop"] = "", ["ticket"] = "PG-42" });
        Assert.Equal(["owner", "ticket"], entry.Annotation!.Keys);
        AnnotateCommand.Apply(entry, new Dictionary<string, string> { ["owner"] = "", ["ticket"] = "" });
        Assert.Null(entry.Annotation);
    }

    [Theory]
    [InlineData("backup/demo", "backup/demo")]
    [InlineData("backup/demo/", "backup/demo")]
    [InlineData("/srv/repo", "")]
    [InlineData("/srv/repo/archive/demo", "archive/demo")]
    public void Repo_paths_are_relative_or_absolute_under_the_repository(string given, string expected)
    {
        var repo = new Repo(1, new PosixStorage("/srv/repo"), "/srv/repo", null);
        Assert.Equal(expected, RepoPath.Resolve(repo, given));
    }

    [Theory]
    [InlineData("/srv/repository/x", "absolute path '/srv/repository/x' is not in base path '/srv/repo'")]
    [InlineData("backup//demo", "path 'backup//demo' cannot contain //")]
    public void Repo_paths_outside_the_repository_are_refused(string given, string message)
    {
        var repo = new Repo(1, new PosixStorage("/srv/repo"), "/srv/repo", null);
        var error = Assert.Throws<PgRestException>(() => RepoPath.Resolve(repo, given));
        Assert.Equal((ErrorCode.ParamInvalid, message), (error.Code, error.Message));
    }
}
