// Generated from the option table (OptionTable*.cs) by tests/PgRest.Tests/Config/OptionHandleSourceTests.cs.
// Do not edit: run the unit tests with PGREST_UPDATE_DOCS=1 to regenerate.
namespace PgRest.Config;

/// <summary>One typed handle per option of <see cref="OptionTable"/>, the only way code outside Config/ reads options.</summary>
public static class Options
{
    /// <summary><c>annotation</c>: Attach key/value annotations to a backup.</summary>
    public static readonly HashOption Annotation = new("annotation");

    /// <summary><c>archive-async</c>: Push and get WAL asynchronously (default n).</summary>
    public static readonly BoolOption ArchiveAsync = new("archive-async");

    /// <summary><c>archive-check</c>: Wait for the WAL needed by a backup to be archived (default y).</summary>
    public static readonly BoolOption ArchiveCheck = new("archive-check");

    /// <summary><c>archive-copy</c>: Store the WAL needed for consistency inside the backup (default n).</summary>
    public static readonly BoolOption ArchiveCopy = new("archive-copy");

    /// <summary><c>archive-get-queue-max</c>: Largest size of the asynchronous archive-get queue (default 128MiB).</summary>
    public static readonly SizeOption ArchiveGetQueueMax = new("archive-get-queue-max");

    /// <summary><c>archive-header-check</c>: Compare WAL headers with the stanza (default y).</summary>
    public static readonly BoolOption ArchiveHeaderCheck = new("archive-header-check");

    /// <summary><c>archive-missing-retry</c>: Look again for a segment found missing earlier (default y).</summary>
    public static readonly BoolOption ArchiveMissingRetry = new("archive-missing-retry");

    /// <summary><c>archive-mode</c>: Keep or turn off archiving on the restored cluster (default preserve).</summary>
    public static readonly ChoiceOption ArchiveMode = new("archive-mode");

    /// <summary><c>archive-mode-check</c>: Check that archive_mode is suitable (default y).</summary>
    public static readonly BoolOption ArchiveModeCheck = new("archive-mode-check");

    /// <summary><c>archive-push-queue-max</c>: Largest WAL backlog before segments are dropped.</summary>
    public static readonly SizeOption ArchivePushQueueMax = new("archive-push-queue-max");

    /// <summary><c>archive-timeout</c>: Time to wait for WAL to reach the archive (default 60).</summary>
    public static readonly TimeOption ArchiveTimeout = new("archive-timeout");

    /// <summary><c>backup-standby</c>: Copy files from a standby (default n).</summary>
    public static readonly BoolOption BackupStandby = new("backup-standby");

    /// <summary><c>beta</c>: Allow beta features (default n).</summary>
    public static readonly BoolOption Beta = new("beta");

    /// <summary><c>buffer-size</c>: Size of I/O buffers (default 1MiB).</summary>
    public static readonly SizeOption BufferSize = new("buffer-size");

    /// <summary><c>checksum-page</c>: Verify data page checksums.</summary>
    public static readonly BoolOption ChecksumPage = new("checksum-page");

    /// <summary><c>cipher-pass</c>: Passphrase for the current command.</summary>
    public static readonly StringOption CipherPass = new("cipher-pass");

    /// <summary><c>cmd</c>: Program named in the commands pgrest writes (default pgrest).</summary>
    public static readonly StringOption Cmd = new("cmd");

    /// <summary><c>cmd-ssh</c>: SSH client (default ssh).</summary>
    public static readonly StringOption CmdSsh = new("cmd-ssh");

    /// <summary><c>compress</c>: Compress files (deprecated) (default y).</summary>
    public static readonly BoolOption Compress = new("compress");

    /// <summary><c>compress-level</c>: Compression level.</summary>
    public static readonly IntegerOption CompressLevel = new("compress-level");

    /// <summary><c>compress-level-network</c>: Compression level for network transfer (default 3).</summary>
    public static readonly IntegerOption CompressLevelNetwork = new("compress-level-network");

    /// <summary><c>compress-type</c>: Compression algorithm (default gz).</summary>
    public static readonly ChoiceOption CompressType = new("compress-type");

    /// <summary><c>config</c>: Configuration file (default /etc/pgbackrest/pgbackrest.conf).</summary>
    public static readonly StringOption Config = new("config");

    /// <summary><c>config-include-path</c>: Path of additional configuration files (default /etc/pgbackrest/conf.d).</summary>
    public static readonly StringOption ConfigIncludePath = new("config-include-path");

    /// <summary><c>config-path</c>: Base path of the configuration files (default /etc/pgbackrest).</summary>
    public static readonly StringOption ConfigPath = new("config-path");

    /// <summary><c>db-exclude</c>: Databases to leave out of a restore.</summary>
    public static readonly ListOption DbExclude = new("db-exclude");

    /// <summary><c>db-include</c>: Restore only these databases.</summary>
    public static readonly ListOption DbInclude = new("db-include");

    /// <summary><c>db-timeout</c>: Timeout for database queries (default 1800).</summary>
    public static readonly TimeOption DbTimeout = new("db-timeout");

    /// <summary><c>delta</c>: Compare files by checksum (default n).</summary>
    public static readonly BoolOption Delta = new("delta");

    /// <summary><c>dry-run</c>: Report what would be done without doing it (default n).</summary>
    public static readonly BoolOption DryRun = new("dry-run");

    /// <summary><c>exclude</c>: Paths or files to leave out of the backup.</summary>
    public static readonly ListOption Exclude = new("exclude");

    /// <summary><c>exec-id</c>: Identifier of the process.</summary>
    public static readonly StringOption ExecId = new("exec-id");

    /// <summary><c>expire-auto</c>: Expire after every successful backup (default y).</summary>
    public static readonly BoolOption ExpireAuto = new("expire-auto");

    /// <summary><c>filter</c>: Regular expression selecting the listed names.</summary>
    public static readonly StringOption Filter = new("filter");

    /// <summary><c>force</c>: Force the command despite a safety check (default n).</summary>
    public static readonly BoolOption Force = new("force");

    /// <summary><c>from</c>: Start of the period searched.</summary>
    public static readonly StringOption From = new("from");

    /// <summary><c>ignore-missing</c>: Succeed with exit code 1 when the file is missing (default n).</summary>
    public static readonly BoolOption IgnoreMissing = new("ignore-missing");

    /// <summary><c>io-timeout</c>: Timeout for a single read or write (default 60).</summary>
    public static readonly TimeOption IoTimeout = new("io-timeout");

    /// <summary><c>job-retry</c>: Retries of a failed job (default 2).</summary>
    public static readonly IntegerOption JobRetry = new("job-retry");

    /// <summary><c>job-retry-interval</c>: Pause before retrying a job (default 15).</summary>
    public static readonly TimeOption JobRetryInterval = new("job-retry-interval");

    /// <summary><c>link-all</c>: Restore symlinks as symlinks (default n).</summary>
    public static readonly BoolOption LinkAll = new("link-all");

    /// <summary><c>link-map</c>: Restore a symlink to another place.</summary>
    public static readonly HashOption LinkMap = new("link-map");

    /// <summary><c>lock-path</c>: Path of the lock and stop files (default /tmp/pgbackrest).</summary>
    public static readonly StringOption LockPath = new("lock-path");

    /// <summary><c>log-level-console</c>: Log level of the console (stdout) (default warn).</summary>
    public static readonly ChoiceOption LogLevelConsole = new("log-level-console");

    /// <summary><c>log-level-file</c>: Log level of the log file (default info).</summary>
    public static readonly ChoiceOption LogLevelFile = new("log-level-file");

    /// <summary><c>log-level-stderr</c>: Log level of standard error (default warn).</summary>
    public static readonly ChoiceOption LogLevelStderr = new("log-level-stderr");

    /// <summary><c>log-path</c>: Path of the log files (default /var/log/pgbackrest).</summary>
    public static readonly StringOption LogPath = new("log-path");

    /// <summary><c>log-subprocess</c>: Log helper processes to files too (default n).</summary>
    public static readonly BoolOption LogSubprocess = new("log-subprocess");

    /// <summary><c>log-timestamp</c>: Prefix log lines with a time stamp (default y).</summary>
    public static readonly BoolOption LogTimestamp = new("log-timestamp");

    /// <summary><c>manifest-save-threshold</c>: How often the manifest is saved during a backup (default 1GiB).</summary>
    public static readonly SizeOption ManifestSaveThreshold = new("manifest-save-threshold");

    /// <summary><c>neutral-umask</c>: Use umask 0000 (default y).</summary>
    public static readonly BoolOption NeutralUmask = new("neutral-umask");

    /// <summary><c>online</c>: Work with a running cluster (default y).</summary>
    public static readonly BoolOption Online = new("online");

    /// <summary><c>output</c>: Output format (default text).</summary>
    public static readonly ChoiceOption Output = new("output");

    /// <summary><c>pg</c>: PostgreSQL cluster index.</summary>
    public static readonly IntegerOption Pg = new("pg");

    /// <summary><c>pgN-database</c>: Database to connect to (default postgres).</summary>
    public static readonly StringOption PgDatabase = new("pg-database");

    /// <summary><c>pgN-host</c>: Host of a remote PostgreSQL cluster.</summary>
    public static readonly StringOption PgHost = new("pg-host");

    /// <summary><c>pgN-host-ca-file</c>: CA file for the PostgreSQL host's TLS certificate.</summary>
    public static readonly StringOption PgHostCaFile = new("pg-host-ca-file");

    /// <summary><c>pgN-host-ca-path</c>: CA path for the PostgreSQL host's TLS certificate.</summary>
    public static readonly StringOption PgHostCaPath = new("pg-host-ca-path");

    /// <summary><c>pgN-host-cert-file</c>: Client certificate for the PostgreSQL host.</summary>
    public static readonly StringOption PgHostCertFile = new("pg-host-cert-file");

    /// <summary><c>pgN-host-cmd</c>: Program run on the PostgreSQL host (default pgrest).</summary>
    public static readonly StringOption PgHostCmd = new("pg-host-cmd");

    /// <summary><c>pgN-host-config</c>: Configuration file on the PostgreSQL host (default /etc/pgbackrest/pgbackrest.conf).</summary>
    public static readonly StringOption PgHostConfig = new("pg-host-config");

    /// <summary><c>pgN-host-config-include-path</c>: Configuration include path on the PostgreSQL host (default /etc/pgbackrest/conf.d).</summary>
    public static readonly StringOption PgHostConfigIncludePath = new("pg-host-config-include-path");

    /// <summary><c>pgN-host-config-path</c>: Configuration path on the PostgreSQL host (default /etc/pgbackrest).</summary>
    public static readonly StringOption PgHostConfigPath = new("pg-host-config-path");

    /// <summary><c>pgN-host-key-file</c>: Client key for the PostgreSQL host.</summary>
    public static readonly StringOption PgHostKeyFile = new("pg-host-key-file");

    /// <summary><c>pgN-host-port</c>: Port of the PostgreSQL host.</summary>
    public static readonly IntegerOption PgHostPort = new("pg-host-port");

    /// <summary><c>pgN-host-type</c>: Protocol used to reach the PostgreSQL host (default ssh).</summary>
    public static readonly ChoiceOption PgHostType = new("pg-host-type");

    /// <summary><c>pgN-host-user</c>: User on the PostgreSQL host (default postgres).</summary>
    public static readonly StringOption PgHostUser = new("pg-host-user");

    /// <summary><c>pgN-local</c>: The cluster is local (default n).</summary>
    public static readonly BoolOption PgLocal = new("pg-local");

    /// <summary><c>pgN-path</c>: Data directory of the cluster.</summary>
    public static readonly StringOption PgPath = new("pg-path");

    /// <summary><c>pgN-port</c>: Port of the cluster (default 5432).</summary>
    public static readonly IntegerOption PgPort = new("pg-port");

    /// <summary><c>pgN-socket-path</c>: Unix socket directory of the cluster.</summary>
    public static readonly StringOption PgSocketPath = new("pg-socket-path");

    /// <summary><c>pgN-user</c>: Database user.</summary>
    public static readonly StringOption PgUser = new("pg-user");

    /// <summary><c>pg-version-force</c>: Force the PostgreSQL version.</summary>
    public static readonly StringOption PgVersionForce = new("pg-version-force");

    /// <summary><c>process</c>: Helper process number.</summary>
    public static readonly IntegerOption Process = new("process");

    /// <summary><c>process-max</c>: Parallel processes for compression and transfer (default 1).</summary>
    public static readonly IntegerOption ProcessMax = new("process-max");

    /// <summary><c>progress</c>: Show a live progress line on a terminal (default y).</summary>
    public static readonly BoolOption Progress = new("progress");

    /// <summary><c>protocol-timeout</c>: Timeout for replies from helper processes (default 1830).</summary>
    public static readonly TimeOption ProtocolTimeout = new("protocol-timeout");

    /// <summary><c>raw</c>: Do not decrypt or decompress (default n).</summary>
    public static readonly BoolOption Raw = new("raw");

    /// <summary><c>recovery-option</c>: Add a setting to the recovery configuration.</summary>
    public static readonly HashOption RecoveryOption = new("recovery-option");

    /// <summary><c>recurse</c>: Include subpaths (default n).</summary>
    public static readonly BoolOption Recurse = new("recurse");

    /// <summary><c>rehearse-bin-path</c>: Directory of the PostgreSQL server binaries.</summary>
    public static readonly StringOption RehearseBinPath = new("rehearse-bin-path");

    /// <summary><c>rehearse-path</c>: Scratch directory of the rehearsal.</summary>
    public static readonly StringOption RehearsePath = new("rehearse-path");

    /// <summary><c>rehearse-query</c>: Query that proves the restore.</summary>
    public static readonly StringOption RehearseQuery = new("rehearse-query");

    /// <summary><c>relation</c>: Table to search for.</summary>
    public static readonly StringOption Relation = new("relation");

    /// <summary><c>remote-type</c>: Kind of remote process.</summary>
    public static readonly ChoiceOption RemoteType = new("remote-type");

    /// <summary><c>repo</c>: Repository to use.</summary>
    public static readonly IntegerOption Repo = new("repo");

    /// <summary><c>repoN-azure-account</c>: Azure storage account.</summary>
    public static readonly StringOption RepoAzureAccount = new("repo-azure-account");

    /// <summary><c>repoN-azure-container</c>: Azure container.</summary>
    public static readonly StringOption RepoAzureContainer = new("repo-azure-container");

    /// <summary><c>repoN-azure-endpoint</c>: Azure endpoint (default blob.core.windows.net).</summary>
    public static readonly StringOption RepoAzureEndpoint = new("repo-azure-endpoint");

    /// <summary><c>repoN-azure-key</c>: Azure key.</summary>
    public static readonly StringOption RepoAzureKey = new("repo-azure-key");

    /// <summary><c>repoN-azure-key-type</c>: Azure key type (default shared).</summary>
    public static readonly ChoiceOption RepoAzureKeyType = new("repo-azure-key-type");

    /// <summary><c>repoN-azure-uri-style</c>: Azure URI style (default host).</summary>
    public static readonly ChoiceOption RepoAzureUriStyle = new("repo-azure-uri-style");

    /// <summary><c>repoN-block</c>: Block incremental backup (default n).</summary>
    public static readonly BoolOption RepoBlock = new("repo-block");

    /// <summary><c>repoN-block-age-map</c>: Block size multiplier by file age.</summary>
    public static readonly HashOption RepoBlockAgeMap = new("repo-block-age-map");

    /// <summary><c>repoN-block-checksum-size-map</c>: Block checksum size by block size.</summary>
    public static readonly HashOption RepoBlockChecksumSizeMap = new("repo-block-checksum-size-map");

    /// <summary><c>repoN-block-size-map</c>: Block size by file size.</summary>
    public static readonly HashOption RepoBlockSizeMap = new("repo-block-size-map");

    /// <summary><c>repoN-block-size-super</c>: Super block size (default 256KiB).</summary>
    public static readonly SizeOption RepoBlockSizeSuper = new("repo-block-size-super");

    /// <summary><c>repoN-block-size-super-full</c>: Super block size in full backups (default 1MiB).</summary>
    public static readonly SizeOption RepoBlockSizeSuperFull = new("repo-block-size-super-full");

    /// <summary><c>repoN-bundle</c>: Bundle small files (default n).</summary>
    public static readonly BoolOption RepoBundle = new("repo-bundle");

    /// <summary><c>repoN-bundle-limit</c>: Largest file put in a bundle (default 2MiB).</summary>
    public static readonly SizeOption RepoBundleLimit = new("repo-bundle-limit");

    /// <summary><c>repoN-bundle-size</c>: Target size of a bundle (default 20MiB).</summary>
    public static readonly SizeOption RepoBundleSize = new("repo-bundle-size");

    /// <summary><c>repoN-cipher-pass</c>: Repository passphrase.</summary>
    public static readonly StringOption RepoCipherPass = new("repo-cipher-pass");

    /// <summary><c>repoN-cipher-pass-new</c>: New repository passphrase (stanza-rekey).</summary>
    public static readonly StringOption RepoCipherPassNew = new("repo-cipher-pass-new");

    /// <summary><c>repoN-cipher-type</c>: Repository encryption (default none).</summary>
    public static readonly ChoiceOption RepoCipherType = new("repo-cipher-type");

    /// <summary><c>repoN-gcs-bucket</c>: GCS bucket.</summary>
    public static readonly StringOption RepoGcsBucket = new("repo-gcs-bucket");

    /// <summary><c>repoN-gcs-endpoint</c>: GCS endpoint (default storage.googleapis.com).</summary>
    public static readonly StringOption RepoGcsEndpoint = new("repo-gcs-endpoint");

    /// <summary><c>repoN-gcs-key</c>: GCS key.</summary>
    public static readonly StringOption RepoGcsKey = new("repo-gcs-key");

    /// <summary><c>repoN-gcs-key-type</c>: GCS key type (default service).</summary>
    public static readonly ChoiceOption RepoGcsKeyType = new("repo-gcs-key-type");

    /// <summary><c>repoN-hardlink</c>: Hard link unchanged files (default n).</summary>
    public static readonly BoolOption RepoHardlink = new("repo-hardlink");

    /// <summary><c>repoN-host</c>: Host of a remote repository.</summary>
    public static readonly StringOption RepoHost = new("repo-host");

    /// <summary><c>repoN-host-ca-file</c>: CA file for the repository host's TLS certificate.</summary>
    public static readonly StringOption RepoHostCaFile = new("repo-host-ca-file");

    /// <summary><c>repoN-host-ca-path</c>: CA path for the repository host's TLS certificate.</summary>
    public static readonly StringOption RepoHostCaPath = new("repo-host-ca-path");

    /// <summary><c>repoN-host-cert-file</c>: Client certificate for the repository host.</summary>
    public static readonly StringOption RepoHostCertFile = new("repo-host-cert-file");

    /// <summary><c>repoN-host-cmd</c>: Program run on the repository host (default pgrest).</summary>
    public static readonly StringOption RepoHostCmd = new("repo-host-cmd");

    /// <summary><c>repoN-host-config</c>: Configuration file on the repository host (default /etc/pgbackrest/pgbackrest.conf).</summary>
    public static readonly StringOption RepoHostConfig = new("repo-host-config");

    /// <summary><c>repoN-host-config-include-path</c>: Configuration include path on the repository host (default /etc/pgbackrest/conf.d).</summary>
    public static readonly StringOption RepoHostConfigIncludePath = new("repo-host-config-include-path");

    /// <summary><c>repoN-host-config-path</c>: Configuration path on the repository host (default /etc/pgbackrest).</summary>
    public static readonly StringOption RepoHostConfigPath = new("repo-host-config-path");

    /// <summary><c>repoN-host-key-file</c>: Client key for the repository host.</summary>
    public static readonly StringOption RepoHostKeyFile = new("repo-host-key-file");

    /// <summary><c>repoN-host-port</c>: Port of the repository host.</summary>
    public static readonly IntegerOption RepoHostPort = new("repo-host-port");

    /// <summary><c>repoN-host-type</c>: Protocol used to reach the repository host (default ssh).</summary>
    public static readonly ChoiceOption RepoHostType = new("repo-host-type");

    /// <summary><c>repoN-host-user</c>: User on the repository host (default pgbackrest).</summary>
    public static readonly StringOption RepoHostUser = new("repo-host-user");

    /// <summary><c>repoN-local</c>: The repository is local (default n).</summary>
    public static readonly BoolOption RepoLocal = new("repo-local");

    /// <summary><c>repoN-path</c>: Path of the repository (default /var/lib/pgbackrest).</summary>
    public static readonly StringOption RepoPath = new("repo-path");

    /// <summary><c>repoN-retention-archive</c>: Backups whose WAL is kept.</summary>
    public static readonly IntegerOption RepoRetentionArchive = new("repo-retention-archive");

    /// <summary><c>repoN-retention-archive-type</c>: Backup type counted for WAL retention (default full).</summary>
    public static readonly ChoiceOption RepoRetentionArchiveType = new("repo-retention-archive-type");

    /// <summary><c>repoN-retention-diff</c>: Differential backups to keep.</summary>
    public static readonly IntegerOption RepoRetentionDiff = new("repo-retention-diff");

    /// <summary><c>repoN-retention-full</c>: Full backups to keep.</summary>
    public static readonly IntegerOption RepoRetentionFull = new("repo-retention-full");

    /// <summary><c>repoN-retention-full-type</c>: Meaning of repo-retention-full (default count).</summary>
    public static readonly ChoiceOption RepoRetentionFullType = new("repo-retention-full-type");

    /// <summary><c>repoN-retention-history</c>: Days of backup history to keep.</summary>
    public static readonly IntegerOption RepoRetentionHistory = new("repo-retention-history");

    /// <summary><c>repoN-s3-bucket</c>: S3 bucket.</summary>
    public static readonly StringOption RepoS3Bucket = new("repo-s3-bucket");

    /// <summary><c>repoN-s3-endpoint</c>: S3 endpoint.</summary>
    public static readonly StringOption RepoS3Endpoint = new("repo-s3-endpoint");

    /// <summary><c>repoN-s3-key</c>: S3 access key.</summary>
    public static readonly StringOption RepoS3Key = new("repo-s3-key");

    /// <summary><c>repoN-s3-key-secret</c>: S3 secret access key.</summary>
    public static readonly StringOption RepoS3KeySecret = new("repo-s3-key-secret");

    /// <summary><c>repoN-s3-key-type</c>: S3 credential source (default shared).</summary>
    public static readonly ChoiceOption RepoS3KeyType = new("repo-s3-key-type");

    /// <summary><c>repoN-s3-kms-key-id</c>: S3 KMS key for server-side encryption.</summary>
    public static readonly StringOption RepoS3KmsKeyId = new("repo-s3-kms-key-id");

    /// <summary><c>repoN-s3-region</c>: S3 region.</summary>
    public static readonly StringOption RepoS3Region = new("repo-s3-region");

    /// <summary><c>repoN-s3-role</c>: S3 IAM role.</summary>
    public static readonly StringOption RepoS3Role = new("repo-s3-role");

    /// <summary><c>repoN-s3-sse-customer-key</c>: S3 SSE-C customer key.</summary>
    public static readonly StringOption RepoS3SseCustomerKey = new("repo-s3-sse-customer-key");

    /// <summary><c>repoN-s3-token</c>: S3 session token.</summary>
    public static readonly StringOption RepoS3Token = new("repo-s3-token");

    /// <summary><c>repoN-s3-uri-style</c>: S3 URI style (default host).</summary>
    public static readonly ChoiceOption RepoS3UriStyle = new("repo-s3-uri-style");

    /// <summary><c>repoN-sftp-host</c>: SFTP repository host.</summary>
    public static readonly StringOption RepoSftpHost = new("repo-sftp-host");

    /// <summary><c>repoN-sftp-host-fingerprint</c>: SFTP server host key fingerprint.</summary>
    public static readonly StringOption RepoSftpHostFingerprint = new("repo-sftp-host-fingerprint");

    /// <summary><c>repoN-sftp-host-key-check-type</c>: SFTP host key check type (default strict).</summary>
    public static readonly ChoiceOption RepoSftpHostKeyCheckType = new("repo-sftp-host-key-check-type");

    /// <summary><c>repoN-sftp-host-key-hash-type</c>: SFTP host key hash type.</summary>
    public static readonly ChoiceOption RepoSftpHostKeyHashType = new("repo-sftp-host-key-hash-type");

    /// <summary><c>repoN-sftp-host-port</c>: SFTP repository host port (default 22).</summary>
    public static readonly IntegerOption RepoSftpHostPort = new("repo-sftp-host-port");

    /// <summary><c>repoN-sftp-host-user</c>: SFTP repository host user.</summary>
    public static readonly StringOption RepoSftpHostUser = new("repo-sftp-host-user");

    /// <summary><c>repoN-sftp-known-host</c>: SFTP known hosts file.</summary>
    public static readonly ListOption RepoSftpKnownHost = new("repo-sftp-known-host");

    /// <summary><c>repoN-sftp-private-key-file</c>: SFTP private key file.</summary>
    public static readonly StringOption RepoSftpPrivateKeyFile = new("repo-sftp-private-key-file");

    /// <summary><c>repoN-sftp-private-key-passphrase</c>: SFTP private key passphrase.</summary>
    public static readonly StringOption RepoSftpPrivateKeyPassphrase = new("repo-sftp-private-key-passphrase");

    /// <summary><c>repoN-sftp-public-key-file</c>: SFTP public key file.</summary>
    public static readonly StringOption RepoSftpPublicKeyFile = new("repo-sftp-public-key-file");

    /// <summary><c>repoN-storage-ca-file</c>: CA file for the storage service.</summary>
    public static readonly StringOption RepoStorageCaFile = new("repo-storage-ca-file");

    /// <summary><c>repoN-storage-ca-path</c>: CA path for the storage service.</summary>
    public static readonly StringOption RepoStorageCaPath = new("repo-storage-ca-path");

    /// <summary><c>repoN-storage-host</c>: Host to connect to instead of the endpoint.</summary>
    public static readonly StringOption RepoStorageHost = new("repo-storage-host");

    /// <summary><c>repoN-storage-port</c>: Port of the storage service (default 443).</summary>
    public static readonly IntegerOption RepoStoragePort = new("repo-storage-port");

    /// <summary><c>repoN-storage-tag</c>: Tags set on every object written.</summary>
    public static readonly HashOption RepoStorageTag = new("repo-storage-tag");

    /// <summary><c>repoN-storage-upload-chunk-size</c>: Part size of multi-part uploads.</summary>
    public static readonly SizeOption RepoStorageUploadChunkSize = new("repo-storage-upload-chunk-size");

    /// <summary><c>repoN-storage-verify-tls</c>: Verify the storage service's certificate (default y).</summary>
    public static readonly BoolOption RepoStorageVerifyTls = new("repo-storage-verify-tls");

    /// <summary><c>repoN-type</c>: Storage type of the repository (default posix).</summary>
    public static readonly ChoiceOption RepoType = new("repo-type");

    /// <summary><c>resume</c>: Resume an interrupted backup (default y).</summary>
    public static readonly BoolOption Resume = new("resume");

    /// <summary><c>sck-block</c>: Blocking sockets (default n).</summary>
    public static readonly BoolOption SckBlock = new("sck-block");

    /// <summary><c>sck-keep-alive</c>: TCP keep-alive (default y).</summary>
    public static readonly BoolOption SckKeepAlive = new("sck-keep-alive");

    /// <summary><c>set</c>: Backup set to work on.</summary>
    public static readonly StringOption Set = new("set");

    /// <summary><c>sort</c>: Order of the listing (default asc).</summary>
    public static readonly ChoiceOption Sort = new("sort");

    /// <summary><c>spool-path</c>: Path of the asynchronous archiving queue (default /var/spool/pgbackrest).</summary>
    public static readonly StringOption SpoolPath = new("spool-path");

    /// <summary><c>stanza</c>: Stanza to work on.</summary>
    public static readonly StringOption Stanza = new("stanza");

    /// <summary><c>start-fast</c>: Start the backup with an immediate checkpoint (default n).</summary>
    public static readonly BoolOption StartFast = new("start-fast");

    /// <summary><c>stop-auto</c>: Stop a leftover backup before starting (default n).</summary>
    public static readonly BoolOption StopAuto = new("stop-auto");

    /// <summary><c>tablespace-map</c>: Restore a tablespace to another directory.</summary>
    public static readonly HashOption TablespaceMap = new("tablespace-map");

    /// <summary><c>tablespace-map-all</c>: Restore all tablespaces below a directory.</summary>
    public static readonly StringOption TablespaceMapAll = new("tablespace-map-all");

    /// <summary><c>target</c>: Recovery target.</summary>
    public static readonly StringOption Target = new("target");

    /// <summary><c>target-action</c>: What PostgreSQL does at the target (default pause).</summary>
    public static readonly ChoiceOption TargetAction = new("target-action");

    /// <summary><c>target-exclusive</c>: Stop just before the target (default n).</summary>
    public static readonly BoolOption TargetExclusive = new("target-exclusive");

    /// <summary><c>target-timeline</c>: Timeline to recover along.</summary>
    public static readonly StringOption TargetTimeline = new("target-timeline");

    /// <summary><c>tcp-keep-alive-count</c>: Keep-alive probes before the connection is dropped.</summary>
    public static readonly IntegerOption TcpKeepAliveCount = new("tcp-keep-alive-count");

    /// <summary><c>tcp-keep-alive-idle</c>: Idle seconds before keep-alive probes start.</summary>
    public static readonly IntegerOption TcpKeepAliveIdle = new("tcp-keep-alive-idle");

    /// <summary><c>tcp-keep-alive-interval</c>: Seconds between keep-alive probes.</summary>
    public static readonly IntegerOption TcpKeepAliveInterval = new("tcp-keep-alive-interval");

    /// <summary><c>tls-server-address</c>: Address of the TLS server (default localhost).</summary>
    public static readonly StringOption TlsServerAddress = new("tls-server-address");

    /// <summary><c>tls-server-auth</c>: Clients allowed to connect.</summary>
    public static readonly HashOption TlsServerAuth = new("tls-server-auth");

    /// <summary><c>tls-server-ca-file</c>: CA file for client certificates.</summary>
    public static readonly StringOption TlsServerCaFile = new("tls-server-ca-file");

    /// <summary><c>tls-server-cert-file</c>: Certificate of the server.</summary>
    public static readonly StringOption TlsServerCertFile = new("tls-server-cert-file");

    /// <summary><c>tls-server-key-file</c>: Key of the server.</summary>
    public static readonly StringOption TlsServerKeyFile = new("tls-server-key-file");

    /// <summary><c>tls-server-port</c>: Port of the TLS server (default 8432).</summary>
    public static readonly IntegerOption TlsServerPort = new("tls-server-port");

    /// <summary><c>to</c>: End of the period searched.</summary>
    public static readonly StringOption To = new("to");

    /// <summary><c>type</c>: Type of backup or recovery.</summary>
    public static readonly ChoiceOption Type = new("type");

    /// <summary><c>verbose</c>: Detailed output (default n).</summary>
    public static readonly BoolOption Verbose = new("verbose");
}
