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

    private readonly ConfigTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void ArchivePushFromArchiveCommand()
    {
        // archive_command = 'pgbackrest --stanza=orders archive-push %p'
        var configuration = _files.Load(TutorialConfig, "--stanza=orders", "archive-push", "pg_wal/000000010000000000000001");

        Assert.Equal("archive-push", configuration.Command);
        Assert.Equal(["pg_wal/000000010000000000000001"], configuration.Parameters);
        Assert.Equal("orders", configuration.Stanza);
        Assert.Equal([1], configuration.RepoIndexes);
        Assert.Equal([1], configuration.PgIndexes);

        Assert.True(configuration.Get(Options.ArchiveAsync));
        Assert.Equal(OptionSource.Config, configuration.Source(Options.ArchiveAsync));
        Assert.Equal("/var/spool/pgbackrest", configuration.Find(Options.SpoolPath));
        Assert.Equal("/var/lib/postgresql/16/main", configuration.Find(Options.PgPath, 1));

        Assert.Equal("s3", configuration.Find(Options.RepoType, 1));
        Assert.Equal("127.0.0.1:9000", configuration.Find(Options.RepoS3Endpoint, 1));
        Assert.Equal("pgbackrest", configuration.Find(Options.RepoS3Bucket, 1));
        Assert.Equal("us-east-1", configuration.Find(Options.RepoS3Region, 1));
        Assert.Equal("pgbackrest", configuration.Find(Options.RepoS3Key, 1));
        Assert.Equal("a-long-random-secret", configuration.Find(Options.RepoS3KeySecret, 1));
        Assert.Equal("shared", configuration.Find(Options.RepoS3KeyType, 1));
        Assert.Equal("/orders", configuration.Find(Options.RepoPath, 1));
        Assert.Equal("path", configuration.Find(Options.RepoS3UriStyle, 1));
        Assert.False(configuration.Get(Options.RepoStorageVerifyTls, 1));
        Assert.Equal(443, configuration.Get(Options.RepoStoragePort, 1));
        Assert.Equal("aes-256-cbc", configuration.Find(Options.RepoCipherType, 1));
        Assert.Equal("another-long-random-passphrase", configuration.Find(Options.RepoCipherPass, 1));

        Assert.Equal("zst", configuration.Find(Options.CompressType));
        Assert.Equal(6, configuration.Get(Options.CompressLevel));
        Assert.Equal(4, configuration.Get(Options.ProcessMax));
        Assert.Equal("info", configuration.Find(Options.LogLevelConsole));
        Assert.Equal("detail", configuration.Find(Options.LogLevelFile));
        Assert.Equal(TimeSpan.FromSeconds(60), configuration.Get(Options.ArchiveTimeout));

        // Backup-only settings in [global] are ignored without a warning; asking for them is a programming error.
        Assert.Empty(configuration.Warnings);
        Assert.Equal(ErrorCode.Assert, Assert.Throws<PgRestException>(() => configuration.Get(Options.StartFast)).Code);
        Assert.Equal(ErrorCode.Assert, Assert.Throws<PgRestException>(() => configuration.Get(Options.PgPort, 1)).Code);
    }

    [Fact]
    public void BackupTakesTheTutorialsBlockIncrementalWithoutBeta()
    {
        // The tutorial file was written for 2.58, where repo-block is no longer beta (it was in 2.45).
        var configuration = _files.Load(TutorialConfig, "--stanza=orders", "--type=full", "backup");

        Assert.True(configuration.Get(Options.RepoBlock, 1));
    }

    [Fact]
    public void BackupWithBeta()
    {
        var configuration = _files.Load(TutorialConfig, "--stanza=orders", "--beta", "--type=full", "backup");

        Assert.Equal("full", configuration.Find(Options.Type));
        Assert.True(configuration.Get(Options.StartFast));
        Assert.True(configuration.Get(Options.RepoBundle, 1));
        Assert.True(configuration.Get(Options.RepoBlock, 1));
        Assert.False(configuration.Get(Options.RepoHardlink, 1));
        Assert.Equal(20 * 1024 * 1024, configuration.Get(Options.RepoBundleSize, 1));
        Assert.Equal(2, configuration.Get(Options.RepoRetentionFull, 1));
        Assert.Equal(2, configuration.Get(Options.RepoRetentionArchive, 1)); // follows repo1-retention-full
        Assert.Equal("count", configuration.Find(Options.RepoRetentionFullType, 1));
        Assert.Equal(4, configuration.Get(Options.ProcessMax));
        Assert.Equal(5432, configuration.Get(Options.PgPort, 1));
        Assert.Equal("postgres", configuration.Find(Options.PgDatabase, 1));
        Assert.Equal("/var/lib/postgresql/16/main", configuration.Find(Options.PgPath, 1));
        Assert.Equal(5 * 1024 * 1024, configuration.Get(Options.RepoStorageUploadChunkSize, 1));
        Assert.True(configuration.Get(Options.ArchiveCheck));
        Assert.Throws<PgRestException>(() => configuration.IsSet(Options.ArchiveAsync)); // not a backup option
        Assert.Empty(configuration.Warnings);
    }
}
