using PgRest.Config;
using PgRest.Errors;

namespace PgRest.Tests.Config;

/// <summary>
/// The pgbackrest.conf of the S3 point-in-time-recovery tutorial (shared seed 004_7c18106ab7dd6ac1, the block starting at
/// "repo1-type=s3"), loaded for the commands it is used with. Values were compared with `pgbackrest help <command> <option>`
/// of the real 2.45 binary on the same file.
/// </summary>
public sealed class PitrTutorialConfigTests : IDisposable
{
    private const string TutorialConfig = """
        [global]
        repo1-type=s3
        repo1-s3-endpoint=127.0.0.1:9000
        repo1-s3-bucket=pgbackrest
        repo1-s3-region=us-east-1
        repo1-s3-key=pgbackrest
        repo1-s3-key-secret=a-long-random-secret
        repo1-path=/orders
        repo1-s3-uri-style=path
        repo1-storage-verify-tls=n

        repo1-retention-full=2

        repo1-bundle=y
        repo1-block=y
        compress-type=zst
        compress-level=6
        repo1-cipher-type=aes-256-cbc
        repo1-cipher-pass=another-long-random-passphrase

        process-max=4
        log-level-console=info
        log-level-file=detail
        start-fast=y

        [global:archive-push]
        archive-async=y

        [orders]
        pg1-path=/var/lib/postgresql/16/main
        pg1-port=5432
        """;

    private readonly ConfigTestFiles files = new();

    public void Dispose() => files.Dispose();

    [Fact]
    public void ArchivePushFromArchiveCommand()
    {
        // archive_command = 'pgbackrest --stanza=orders archive-push %p'
        var configuration = files.Load(TutorialConfig, "--stanza=orders", "archive-push", "pg_wal/000000010000000000000001");

        Assert.Equal("archive-push", configuration.Command);
        Assert.Equal(["pg_wal/000000010000000000000001"], configuration.Parameters);
        Assert.Equal("orders", configuration.Stanza);
        Assert.Equal([1], configuration.RepoIndexes);
        Assert.Equal([1], configuration.PgIndexes);

        Assert.True(configuration.GetBool("archive-async"));
        Assert.Equal(OptionSource.Config, configuration.Source("archive-async"));
        Assert.Equal("/var/spool/pgbackrest", configuration.GetString("spool-path"));
        Assert.Equal("/var/lib/postgresql/16/main", configuration.GetString("pg1-path"));

        Assert.Equal("s3", configuration.GetString("repo1-type"));
        Assert.Equal("127.0.0.1:9000", configuration.GetString("repo1-s3-endpoint"));
        Assert.Equal("pgbackrest", configuration.GetString("repo1-s3-bucket"));
        Assert.Equal("us-east-1", configuration.GetString("repo1-s3-region"));
        Assert.Equal("pgbackrest", configuration.GetString("repo1-s3-key"));
        Assert.Equal("a-long-random-secret", configuration.GetString("repo1-s3-key-secret"));
        Assert.Equal("shared", configuration.GetString("repo1-s3-key-type"));
        Assert.Equal("/orders", configuration.GetString("repo1-path"));
        Assert.Equal("path", configuration.GetString("repo1-s3-uri-style"));
        Assert.False(configuration.GetBool("repo1-storage-verify-tls"));
        Assert.Equal(443, configuration.GetInteger("repo1-storage-port"));
        Assert.Equal("aes-256-cbc", configuration.GetString("repo1-cipher-type"));
        Assert.Equal("another-long-random-passphrase", configuration.GetString("repo1-cipher-pass"));

        Assert.Equal("zst", configuration.GetString("compress-type"));
        Assert.Equal(6, configuration.GetInteger("compress-level"));
        Assert.Equal(4, configuration.GetInteger("process-max"));
        Assert.Equal("info", configuration.GetString("log-level-console"));
        Assert.Equal("detail", configuration.GetString("log-level-file"));
        Assert.Equal(TimeSpan.FromSeconds(60), configuration.GetTime("archive-timeout"));

        // Backup-only settings in [global] are ignored without a warning; asking for them is a programming error.
        Assert.Empty(configuration.Warnings);
        Assert.Equal(ErrorCode.Assert, Assert.Throws<PgRestException>(() => configuration.GetBool("start-fast")).Code);
        Assert.Equal(ErrorCode.Assert, Assert.Throws<PgRestException>(() => configuration.GetInteger("pg1-port")).Code);
    }

    [Fact]
    public void BackupNeedsBetaForBlockIncrementalIn245()
    {
        // repo-block was a beta feature in 2.45: the tutorial file (written for 2.58) fails there without --beta.
        var error = Assert.Throws<PgRestException>(() => files.Load(TutorialConfig, "--stanza=orders", "backup"));

        Assert.Equal(ErrorCode.OptionInvalid, error.Code);
        Assert.Equal(
            "option 'repo1-block' is not valid without option 'beta'\n" +
            "HINT: beta features require the --beta option to prevent accidental usage.", error.Message);
    }

    [Fact]
    public void BackupWithBeta()
    {
        var configuration = files.Load(TutorialConfig, "--stanza=orders", "--beta", "--type=full", "backup");

        Assert.Equal("full", configuration.GetString("type"));
        Assert.True(configuration.GetBool("start-fast"));
        Assert.True(configuration.GetBool("repo1-bundle"));
        Assert.True(configuration.GetBool("repo1-block"));
        Assert.False(configuration.GetBool("repo1-hardlink"));
        Assert.Equal(20 * 1024 * 1024, configuration.GetSize("repo1-bundle-size"));
        Assert.Equal(2, configuration.GetInteger("repo1-retention-full"));
        Assert.Equal(2, configuration.GetInteger("repo1-retention-archive")); // follows repo1-retention-full
        Assert.Equal("count", configuration.GetString("repo1-retention-full-type"));
        Assert.Equal(4, configuration.GetInteger("process-max"));
        Assert.Equal(5432, configuration.GetInteger("pg1-port"));
        Assert.Equal("postgres", configuration.GetString("pg1-database"));
        Assert.Equal("/var/lib/postgresql/16/main", configuration.GetString("pg1-path"));
        Assert.Equal(5 * 1024 * 1024, configuration.GetSize("repo1-storage-upload-chunk-size"));
        Assert.True(configuration.GetBool("archive-check"));
        Assert.Throws<PgRestException>(() => configuration.IsSet("archive-async")); // not a backup option
        Assert.Empty(configuration.Warnings);
    }
}
