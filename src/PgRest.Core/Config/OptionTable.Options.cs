namespace PgRest.Config;

// Only constants here: static fields must live in OptionTable.cs, whose initializers run in a defined order.
public static partial class OptionTable
{
    private const long KiB = 1024, MiB = KiB * 1024, GiB = MiB * 1024, TiB = GiB * 1024, PiB = TiB * 1024;

    // Time options are held in milliseconds.
    private const long Seconds = 1000;

    private const uint AllCommands = (1u << 24) - 1;

    // Shapes shared by many options (main role of pgBackRest 2.45).
    private const uint Runnable = AllCommands & ~(HelpCommand | VersionCommand);
    private const uint Networked = Runnable & ~(Start | Stop);
    private const uint RepoCommands = Networked & ~(Server | ServerPing);
    private const uint RepoHostCommands = RepoCommands & ~Remote;
    private const uint RemoteCommands = ArchiveGet | ArchivePush | Backup | Check | Info | RepoGet | RepoLs | Restore
        | StanzaCreate | StanzaDelete | StanzaUpgrade | Verify;
    // Every command that opens repositories may reach one on a repository host (pgBackRest 2.55's role split).
    private const uint RepoClientCommands = RemoteCommands | Annotate | Expire | Rehearse | StanzaRekey | TargetFind;
    private const uint ProtocolCommands = RemoteCommands | Annotate;
    private const uint DbTimeoutCommands = ArchiveGet | ArchivePush | Backup | Check | RepoGet | RepoLs | StanzaCreate
        | StanzaDelete | StanzaUpgrade;
    private const uint LockCommands = Annotate | ArchiveGet | ArchivePush | Backup | Expire | Info | Restore | StanzaCreate
        | StanzaDelete | StanzaRekey | StanzaUpgrade | Start | Stop | Remote;
    private const uint PgCommands = ArchiveGet | ArchivePush | Backup | Check | Rehearse | Restore | StanzaCreate | StanzaDelete
        | StanzaUpgrade;
    private const uint PgDatabaseCommands = Backup | Check | StanzaCreate | StanzaDelete | StanzaUpgrade;
    private const uint RepoSelectCommands = Annotate | ArchiveGet | Backup | Expire | Info | Rehearse | RepoGet | RepoLs | Restore
        | StanzaDelete | StanzaRekey | TargetFind | Verify;
    private const uint StanzaCommands = Runnable & ~(Server | ServerPing);

    private const string ConfigFileDefault = "/etc/pgbackrest/pgbackrest.conf";
    private const string ConfigIncludePathDefault = "/etc/pgbackrest/conf.d";
    private const string ConfigPathDefault = "/etc/pgbackrest";

    private static OptionDefinition Opt(string name, OptionType type, uint commands) => new(name, type, commands);

    private static OptionDependency When(string option, params string[] values) => new(option, values);

    private static OptionDefinition RepoOpt(string name, OptionType type, uint commands = RepoCommands) =>
        new OptionDefinition(name, type, commands).InGlobal().InGroup(OptionGroup.Repo);

    private static OptionDefinition PgOpt(string name, OptionType type, uint commands) =>
        new OptionDefinition(name, type, commands).InStanza().InGroup(OptionGroup.Pg);

    private static OptionDefinition GlobalOpt(string name, OptionType type, uint commands) =>
        new OptionDefinition(name, type, commands).InGlobal();

    private static OptionDefinition LogLevel(string name, string def, string summary, string description) =>
        GlobalOpt(name, OptionType.StringId, Runnable).Def(def).Allow("off", "error", "warn", "info", "detail", "debug", "trace").Help(HelpSection.Log, summary,
            description + LogLevels);

    private const string LogLevels = "\n\nLevels, from quietest to most verbose; each one includes those listed before it:\n\n"
        + "* off - nothing at all (not recommended)\n"
        + "* error - errors only\n"
        + "* warn - warnings as well\n"
        + "* info - also what each step did\n"
        + "* detail - also details of each step, such as every file copied\n"
        + "* debug - also the internal steps, for debugging\n"
        + "* trace - everything the program does; very verbose";

    // What help says about the features pgrest accepts in the configuration but does not have yet.
    private const string PgHostMissing = "Backup, check and the stanza commands then run on this host (the repository host) "
        + "and start pgrest on the database host over SSH (cmd-ssh, pg-host-user, pg-host-cmd), or connect to its pgrest "
        + "server over TLS (pg-host-type=tls): pg_control is read, PGDATA scanned and each file read there, its pages "
        + "checked, hashed and compressed there; encryption is done here, where the passphrase is; the database session is "
        + "relayed to the cluster's socket there (pg-socket-path, pg-port, pg-user name that host's server). pg-path is the "
        + "data directory on the database host. archive-push, archive-get and restore must run on the database host: "
        + "with pg1-host set they fail with [072], as in pgBackRest.";

    private const string PgHostOnly = "Only used together with pgN-host (see pg-host).";

    private const string RepoHostMissing = "The command starts pgrest on that host over SSH (cmd-ssh, repo-host-user, "
        + "repo-host-cmd) and does every storage operation through it, on the repository that host's configuration file "
        + "names with the same index (repoN-path, repoN-type, ...). Compression and encryption stay on this host, so only "
        + "stored bytes cross the network. All commands can run this way, backup and expire included (pgBackRest 2.55's "
        + "rule; 2.45 ran those on the repository host only). Both hosts must run the same pgrest version. "
        + "repo-host-type=tls (the server command) is not implemented yet and fails with [067].";

    private const string RepoHostOnly = "Only used together with repoN-host.";

    private const string RepoHostTlsOnly = "Only used with repo-host-type=tls.";

    private const string ServerOnly = "Read by pgrest server (on a repository or database host); see docs/repository-host.md.";

    private const string HostTypes = "\n\n* ssh - start the program on the remote host over SSH (the default)\n"
        + "* tls - connect to the server command running on the remote host";

    private const string StorageTestOptions = " For test or custom setups, repo-storage-ca-file, repo-storage-ca-path, "
        + "repo-storage-host, repo-storage-port and repo-storage-verify-tls may help.";

    private const string BucketRoot = " The repository may sit at the root (repo-path=/), but a prefix such as /repo "
        + "leaves room for other content the service or other tools write there.";

    // The table in the sections of pgBackRest's config.yaml; BuildOptions sorts it by name.
    private static OptionDefinition[] BuildOptions()
    {
        OptionDefinition[] options =
        [
            .. CommandLineOptions(),
            .. CommandLineTargetOptions(),
            .. InternalOptions(),
            .. TargetOptions(),
            .. GeneralOptions(),
            .. LogOptions(),
            .. ArchiveOptions(),
            .. ArchiveQueueOptions(),
            .. BackupOptions(),
            .. RestoreOptions(),
            .. ForensicOptions(),
            .. OutputOptions(),
            .. RemoteOptions(),
            .. TlsServerOptions(),
            .. PgOptions(),
            .. PgHostOptions(),
            .. RepoOptions(),
            .. RepoRetentionOptions(),
            .. RepoBlockOptions(),
            .. RepoS3Options(),
            .. RepoStorageOptions(),
            .. RepoObjectStoreOptions(),
            .. RepoSftpOptions(),
            .. RepoHostOptions(),
        ];
        Array.Sort(options, static (left, right) => string.CompareOrdinal(left.Name, right.Name));
        return options;
    }

    /// <summary>Options given on the command line only (or in the environment).</summary>
    private static OptionDefinition[] CommandLineOptions() =>
    [
        Opt("config", OptionType.String, Runnable).Def(ConfigFileDefault).AllowNegate()
            .Help(HelpSection.General, "Configuration file.",
                "Main configuration file, read instead of the default. When the default file is missing, "
                + "/etc/pgbackrest.conf is tried as well; a file given explicitly must exist. --no-config reads no main "
                + "file (files in the include path are still read when config-include-path or config-path is given)."),

        Opt("config-include-path", OptionType.Path, Runnable).Def(ConfigIncludePathDefault)
            .Help(HelpSection.General, "Path of additional configuration files.",
                "Every *.conf file in this path is read after the main file, in name order, as if appended to it. A path "
                + "given explicitly must exist."),

        Opt("config-path", OptionType.Path, Runnable).Def(ConfigPathDefault)
            .Help(HelpSection.General, "Base path of the configuration files.",
                "Moves the default locations of config and config-include-path to another directory, for whichever of the "
                + "two is not set itself (on the command line or in the environment). For instance --config-path=/conf "
                + "alone makes the main file /conf/pgbackrest.conf and the include path /conf/conf.d."),

        Opt("dry-run", OptionType.Boolean, Expire).Def("n")
            .Help(HelpSection.General, "Report what would be done without doing it.",
                "A command-line option for seeing what a run would change before it does: expire then logs every backup "
                + "and WAL range it would remove, each line marked [DRY-RUN], and leaves the repository as it is."),

        Opt("filter", OptionType.String, RepoLs).Optional()
            .Help(HelpSection.Command, "Regular expression selecting the listed names.",
                "Only entries whose name matches the expression are listed; with --recurse the name is the path relative "
                + "to the listed path. The content of a directory is listed even when the directory itself does not match."),

        Opt("force", OptionType.Boolean, Backup | Restore | StanzaCreate | StanzaDelete | Stop).Def("n")
            .Help(HelpSection.Command, "Force the command despite a safety check.",
                "What is forced depends on the command.")
            .On(Backup, depend: When("online", "n"), summary: "Back up even though the cluster may be running.",
                description: "Only with --no-online. An offline backup normally refuses to run while postmaster.pid exists "
                + "in pg1-path, because files copied from a running cluster without the online backup functions do not "
                + "make a consistent backup; --force copies them anyway. Use it with great care: mostly the result is a "
                + "bad backup. It can still be worth it, e.g. for a crashed server whose data volume can only be mounted "
                + "read-only while postmaster.pid is left over: restoring the previous backup and replaying WAL is the "
                + "better way back, but a WAL segment that never reached the archive may hold something worth saving.")
            .On(Restore, summary: "Restore into a non-empty directory.",
                description: "Overwrites the data directory and the tablespaces: every file is written again and files "
                + "the backup does not have are removed. Together with --delta, a file is kept without reading it when its "
                + "size and modification time match the backup and predate the backup's copy start; this is faster than "
                + "comparing checksums but trusts the time stamps.")
            .On(StanzaCreate, isInternal: true, summary: "Create the stanza even if it looks inconsistent.",
                description: "Deprecated; no longer has any effect.")
            .On(StanzaDelete, summary: "Delete the stanza even though the cluster is running.",
                description: "Deletes the stanza even though postmaster.pid in pg1-path says that its cluster is running "
                + "(the command otherwise fails with [038]). The stop command must still have been run first.")
            .On(Stop, summary: "Also terminate running processes.",
                description: "Besides creating the stop file, sends SIGTERM to every process holding a lock of the stanza "
                + "(of every stanza without --stanza), pgBackRest processes using the same lock-path included, so that "
                + "they end promptly but cleanly; a backup stopped this way fails with [063] and can be resumed later. It "
                + "only acts when the stop file did not exist yet."),

        Opt("ignore-missing", OptionType.Boolean, RepoGet).Def("n")
            .Help(HelpSection.Command, "Succeed with exit code 1 when the file is missing.",
                "Instead of an error, a missing file makes the command exit with code 1 and no output."),

        Opt("progress", OptionType.Boolean, Backup | Restore | Verify).Def("y").AllowNegate()
            .Help(HelpSection.Command, "Show a live progress line on a terminal.",
                "pgrest only. When standard error is a terminal, one line on it shows the bytes done and the total, the "
                + "files, the rate and the time left, redrawn a few times a second and erased at the end; log lines are "
                + "unchanged. Nothing is shown when standard error is not a terminal (cron, a pipe, a file) or with "
                + "--no-progress."),

        Opt("online", OptionType.Boolean, Backup | StanzaCreate | StanzaUpgrade).Def("y").AllowNegate()
            .Help(HelpSection.Command, "Work with a running cluster.",
                "--no-online works from the files of a stopped cluster instead of connecting to it.")
            .On(Backup, summary: "Back up a running cluster.",
                description: "Uses the online backup functions of PostgreSQL. --no-online backs up a stopped cluster from "
                + "its files alone, without connecting; the command fails while the cluster appears to be running "
                + "(postmaster.pid exists) unless --force is given. pg_wal is then copied as it is and archive-check is "
                + "off, since no WAL has to be archived to make such a backup consistent.")
            .On(StanzaCreate, summary: "Read the cluster's settings from the running cluster.",
                description: "With --no-online the stanza is created without connecting to PostgreSQL: the settings are "
                + "read from the control file of the stopped cluster.")
            .On(StanzaUpgrade, summary: "Read the upgraded cluster's settings from the running cluster.",
                description: "With --no-online the stanza is upgraded without connecting to PostgreSQL: the settings are "
                + "read from the control file of the stopped cluster."),

    ];

    /// <summary>Command-line options of repo-get, repo-ls and verify, and the choice of the stanza and repository.</summary>
    private static OptionDefinition[] CommandLineTargetOptions() =>
    [
        Opt("pg", OptionType.Integer, 0).Optional().Between(1, 256).MarkInternal()
            .Help(HelpSection.Command, "PostgreSQL cluster index.", "Selects a pg index for internal commands."),

        Opt("raw", OptionType.Boolean, RepoGet).Def("n")
            .Help(HelpSection.General, "Do not decrypt or decompress.",
                "Outputs the file exactly as stored in the repository: still encrypted when the repository is, and "
                + "compressed as it was written."),

        Opt("recurse", OptionType.Boolean, RepoLs).Def("n")
            .Help(HelpSection.Command, "Include subpaths.",
                "Lists the whole tree below the path, each name relative to the listed path."),

        Opt("repo", OptionType.Integer, RepoSelectCommands | Remote).Optional().Between(1, 256)
            .Help(HelpSection.Repository, "Repository to use.",
                "Index of the repository a command works on (the N of repoN-*), e.g. to restore from repo2 instead of "
                + "letting the program choose. Without it, backup writes to repo1; restore and archive-get take the first "
                + "repository that has what they need; info, expire and annotate work on every repository; verify, "
                + "repo-ls and repo-get use repo1. stanza-delete requires it when several repositories are configured."),

        Opt("sort", OptionType.StringId, RepoLs).Def("asc").Allow("none", "asc", "desc")
            .Help(HelpSection.Command, "Order of the listing.",
                "How the names are ordered:\n\n"
                + "* asc - ascending byte order (the default); with --recurse a directory comes before its contents\n"
                + "* desc - descending byte order; a directory comes after its contents\n"
                + "* none - as the storage returns them, unsorted"),

        Opt("stanza", OptionType.String, StanzaCommands)
            .On(Info | RepoGet | RepoLs | Start | Stop | Remote, required: false)
            .Help(HelpSection.General, "Stanza to work on.",
                "A stanza is the configuration of one PostgreSQL cluster: where its data directory is, how to reach it, "
                + "and how it is backed up and archived. Its options go in a [name] section of the configuration file, and "
                + "the name is also the directory of the cluster's backups and WAL in every repository. A database host "
                + "usually has a single stanza; a backup host has one for each cluster it backs up.\n\n"
                + "Name it after what the cluster is for (app, dw) rather than after a host or the local cluster name "
                + "(main, prod): the primary and all its standbys share the stanza, and the name has to stay right "
                + "through failovers."),

        Opt("verbose", OptionType.Boolean, Verify).Def("n")
            .Help(HelpSection.Command, "Detailed output.",
                "Without it the verify report is short and only shows what is wrong in the repository. With it the "
                + "report also lists what was verified successfully: every archive id and backup with its counts."),
    ];

    /// <summary>Options pgBackRest passes to the processes it starts; not for users.</summary>
    private static OptionDefinition[] InternalOptions() =>
    [
        Opt("cipher-pass", OptionType.String, RepoGet).Optional().MarkInternal()
            .Help(HelpSection.General, "Passphrase for the current command.",
                "Passphrase used to decrypt data for this command only."),

        Opt("exec-id", OptionType.String, Runnable).Optional().MarkInternal()
            .Help(HelpSection.General, "Identifier of the process.",
                "Unique identifier shared by a command and its helper processes."),

        Opt("pg-version-force", OptionType.String, PgCommands | Verify).InStanza().Optional().MarkInternal()
            .Help(HelpSection.Stanza, "Force the PostgreSQL version.",
                "Uses this version instead of the one found in pg_control."),

        Opt("process", OptionType.Integer, 0).Optional().Between(0, 1024).MarkInternal()
            .Help(HelpSection.General, "Helper process number.", "Number of a helper process."),

        Opt("remote-type", OptionType.StringId, Remote).Optional().Allow("pg", "repo").MarkInternal()
            .Help(HelpSection.General, "Kind of remote process.", "Whether a remote serves a cluster or a repository."),
    ];

    /// <summary>Which backup and which point in time restore, info and expire work on.</summary>
    private static OptionDefinition[] TargetOptions() =>
    [
        Opt("set", OptionType.String, Annotate | Expire | Info | Rehearse | Restore | Verify).Optional()
            .Help(HelpSection.Command, "Backup set to work on.", "Label of a backup, e.g. 20240101-000000F.")
            .On(Annotate, required: true, summary: "Backup to annotate.", description: "Label of the backup to change.")
            .On(Expire, summary: "Backup to expire.",
                description: "Expires this backup and every backup that depends on it, whatever the retention settings "
                + "say, on every repository that holds it (or only on --repo). The newest full backup cannot be expired "
                + "while no other full backup of the cluster exists ([075]). Take great care: the backups are gone for "
                + "good, together with the WAL that no remaining backup needs for consistency, which can end point-in-time "
                + "recovery for that period. WAL retention is applied in the same run, so when repo-retention-full or "
                + "repo-retention-archive are set, consider raising them to the maximum for this run to avoid expiring "
                + "more WAL than intended.")
            .On(Info, depend: When("stanza"), summary: "Backup to show in detail.",
                description: "Shows one backup of --stanza in more detail: its LSN range, the databases it holds with their "
                + "OIDs (template databases left out), the tablespaces with their OIDs and the place restore puts them, "
                + "the symlinks with the place --link-all restores them to, its annotations and the files with page "
                + "checksum errors. A label that no repository has gives status 6 (requested backup not found).")
            .On(Restore, required: true, def: "latest", summary: "Backup to restore.",
                description: "Label of the backup to restore. latest (the default) takes the newest backup of the current "
                + "cluster from the first repository that has one; with --type=time, the newest that ended before the "
                + "target (for lsn, at or before it). A label that no repository has fails with [075].")
            .On(Rehearse, required: true, def: "latest", summary: "Backup to rehearse.",
                description: "Label of the backup to restore, chosen as restore chooses it: latest (the default) is the "
                + "newest, or with --type=time the newest that ended before the target.")
            .On(Verify, isInternal: true, summary: "Backup to verify.", description: "Verifies only this backup."),

        Opt("target", OptionType.String, Rehearse | Restore).DependsOn("type", "lsn", "name", "time", "xid")
            .Help(HelpSection.Command, "Recovery target.",
                "Where recovery stops, required with --type lsn, name, time or xid: an LSN (e.g. 0/3000060), the name of a "
                + "restore point, a time stamp (YYYY-MM-DD HH:MM:SS, optionally with fractions of a second and a time zone "
                + "such as +02; local time when the zone is left out) or a transaction id. For time and lsn the backup is "
                + "chosen to match the target; for name and xid the newest backup is used, so give --set when the target "
                + "is older than that."),

        Opt("target-action", OptionType.StringId, Restore).Def("pause").Allow("pause", "promote", "shutdown")
            .DependsOn("type", "immediate", "lsn", "name", "time", "xid")
            .Help(HelpSection.Command, "What PostgreSQL does at the target.",
                "What the cluster does once recovery reaches the target (written as recovery_target_action):\n\n"
                + "* pause - recovery holds there so the data can be inspected (the default); pg_wal_replay_resume() then "
                + "ends recovery\n"
                + "* promote - recovery ends and the cluster opens for writes on a new timeline\n"
                + "* shutdown - the server stops once the target is reached\n\n"
                + "This holds with hot_standby=on, the default since PostgreSQL 10. With hot_standby=off, pause behaves "
                + "like shutdown on PostgreSQL 12 and later."),

        Opt("target-exclusive", OptionType.Boolean, Rehearse | Restore).Def("n").DependsOn("type", "lsn", "time", "xid")
            .Help(HelpSection.Command, "Stop just before the target.",
                "By default the target itself is recovered: with --type=xid --target=1007, the changes of transaction 1007 "
                + "are replayed. --target-exclusive stops right before it instead, leaving them out (written as "
                + "recovery_target_inclusive=false). Only for --type lsn, time and xid; see recovery_target_inclusive in "
                + "the PostgreSQL documentation."),

        Opt("target-timeline", OptionType.String, Rehearse | Restore).Optional()
            .DependsOn("type", "default", "lsn", "name", "standby", "time", "xid")
            .Help(HelpSection.Command, "Timeline to recover along.",
                "current stays on the timeline of the backup, latest follows the newest timeline found in the archive, a "
                + "number picks that timeline (written as recovery_target_timeline). Without it PostgreSQL's own default "
                + "applies: latest since version 12."),

        Opt("type", OptionType.StringId, Backup | Info | Rehearse | Restore)
            .Help(HelpSection.Command, "Type of backup or recovery.",
                "How far recovery goes after the restore, i.e. which recovery settings restore writes:\n\n"
                + "* default - replay all the WAL the archive has (the default)\n"
                + "* immediate - stop as soon as the backup is consistent\n"
                + "* lsn - recover to the log sequence number given in --target\n"
                + "* name - recover to the restore point (made with pg_create_restore_point) named in --target\n"
                + "* time - recover to the time stamp given in --target\n"
                + "* xid - recover up to the transaction id given in --target\n"
                + "* standby - start as a standby that goes on replaying WAL (standby.signal)\n"
                + "* preserve - write no recovery settings and keep the ones the data directory already has; a warning is "
                + "logged when it has no signal file\n"
                + "* none - write no recovery settings: PostgreSQL only replays the WAL that is in pg_wal to become "
                + "consistent, so it must be there, e.g. from a backup taken with archive-copy\n\n"
                + "For PostgreSQL 12 and later the settings go into postgresql.auto.conf, together with recovery.signal "
                + "(standby.signal for standby). Earlier versions need recovery.conf, which pgrest does not write yet: "
                + "their restore fails with [067] unless the type is none or preserve.")
            .On(Backup, def: "incr", allow: ["full", "diff", "incr"], summary: "Backup type.",
                description: "full copies every file and needs no other backup; diff (differential) copies the files "
                + "changed since the last full backup, so restoring it also needs that full backup; incr (incremental) "
                + "copies the files changed since the last backup of any type and needs every backup back to the full "
                + "one. When the repository has no full backup to build on, diff and incr are taken as full, with a "
                + "warning.")
            .On(Info, required: false, allow: ["full", "diff", "incr"], summary: "Show only backups of this type.",
                description: "Lists only the backups of one type: full, diff (differential) or incr (incremental). Status "
                + "and WAL range are shown as usual.")
            .On(Restore, def: "default", allow: ["lsn", "name", "time", "xid", "preserve", "none", "immediate", "default", "standby"],
                summary: "Recovery type.")
            .On(Rehearse, def: "default", allow: ["lsn", "name", "time", "xid", "immediate", "default"], summary: "Recovery type.",
                description: "How far the rehearsal recovers, as for restore: default replays the whole archive, immediate "
                + "stops at the end of the backup, lsn, name, time and xid stop at --target. The server is promoted there."),
    ];

    /// <summary>The output format of the commands that print data.</summary>
    private static OptionDefinition[] OutputOptions() =>
    [
        Opt("output", OptionType.StringId, Info | Rehearse | RepoLs | TargetFind | Verify).Def("text").Allow("text", "json")
            .Help(HelpSection.Command, "Output format.", "Format of the command's output.")
            .On(Info, allow: ["text", "json", "prometheus"], summary: "Output format.",
                description: "text (the default) is a summary for people whose layout may change between versions; json "
                + "is complete, kept stable and meant for programs. 'help info' describes the fields of both. prometheus "
                + "(pgrest only) writes the Prometheus text exposition format: status of each stanza and repository, each "
                + "backup's sizes and duration, the time since the last full, diff and incr backup, backup counts, the "
                + "stored WAL's size and the age of its newest file, the repository size; names follow "
                + "pgbackrest_exporter's. For a node-exporter textfile collector, see docs/monitoring.md.")
            .On(Rehearse, summary: "Output format.",
                description: "text is a report for people; json is an array with one object per stanza: the backup used, "
                + "the timings in milliseconds, the WAL replayed, the query's columns and rows, the verdict and, when it "
                + "failed, the error.")
            .On(TargetFind, summary: "Output format.",
                description: "text lists the transactions with the restore command for each; json is one object per "
                + "stanza with the relation found (database, oid, relfilenode, backup) and an array of events (xid, time, "
                + "lsn, timeline, action, rows, restore options).")
            .On(RepoLs, summary: "Output format.",
                description: "text prints one name per line. json prints one object keyed by name (the path relative to "
                + "the listed one, \".\" for the listed path itself); each entry has a type (file, path or link), files "
                + "add size (bytes) and time (last modification, epoch seconds), links add destination.")
            .On(Verify, def: "none", allow: ["none", "text"], summary: "Output format.",
                description: "none (the default) only logs the result; text also prints a summary to standard output: "
                + "for each archive id and backup the counts of files checked and of those found missing or invalid "
                + "(every one with --verbose)."),
    ];

    /// <summary>Options of target-find and rehearse (pgrest only).</summary>
    private static OptionDefinition[] ForensicOptions() =>
    [
        Opt("from", OptionType.String, TargetFind).Optional()
            .Help(HelpSection.Command, "Start of the period searched.",
                "A time stamp (YYYY-MM-DD HH:MM:SS, optionally with fractions and a time zone such as +02; local time when "
                + "the zone is left out). The WAL is read from the newest backup that ended before it, and transactions "
                + "that committed before it are not listed. Without it the search starts at the newest backup whose "
                + "catalog has the relation, or at the newest backup when none has it."),
        Opt("relation", OptionType.String, TargetFind)
            .Help(HelpSection.Command, "Table to search for.",
                "SCHEMA.TABLE, or DATABASE.SCHEMA.TABLE when several databases have a table of that name (without the "
                + "database every database of the backup is searched). Names are matched exactly as stored, so give them "
                + "as PostgreSQL folds them (lower case unless created quoted). A schema-less name means public."),
        Opt("rehearse-bin-path", OptionType.Path, Rehearse).Optional()
            .Help(HelpSection.Command, "Directory of the PostgreSQL server binaries.",
                "Where the postgres binary of the backup's major version is. Without it the binary the cluster running at "
                + "pg1-path was started from is used, else the first of /usr/lib/postgresql/MAJOR/bin, /usr/pgsql-MAJOR/bin, "
                + "/usr/local/pgsql-MAJOR/bin, /usr/local/pgsql/bin and the directories of PATH whose postgres --version is "
                + "that major."),
        Opt("rehearse-path", OptionType.Path, Rehearse).Optional()
            .Help(HelpSection.Command, "Scratch directory of the rehearsal.",
                "Where the backup is restored and the server started; it must be absent or empty, and is removed at the "
                + "end (emptied when it existed). Without it a new directory is made in the system's temporary directory. "
                + "Every pgN-path, lock-path, spool-path, log-path and posix repository path, anything inside them and "
                + "their parents are refused; the file system must have room for the whole backup."),
        Opt("rehearse-query", OptionType.String, Rehearse).Optional()
            .Help(HelpSection.Command, "Query that proves the restore.",
                "SQL run in the largest database once recovery has ended; its result is reported and an error fails the "
                + "rehearsal. Without it every table of that database is counted (SELECT count(*) of each)."),
        Opt("to", OptionType.String, TargetFind).Optional()
            .Help(HelpSection.Command, "End of the period searched.",
                "A time stamp like --from: WAL is read up to the first transaction that committed after it. Without it, "
                + "to the end of the archive."),
    ];

    /// <summary>Options shared by most commands.</summary>
    private static OptionDefinition[] GeneralOptions() =>
    [
        GlobalOpt("beta", OptionType.Boolean, Runnable).Def("n").MarkInternal()
            .Help(HelpSection.General, "Allow beta features.",
                "Beta options are refused unless this option is given, so they cannot be used by accident."),

        GlobalOpt("buffer-size", OptionType.Size, Networked).Def("1MiB")
            .Allow("16KiB", "32KiB", "64KiB", "128KiB", "256KiB", "512KiB", "1MiB", "2MiB", "4MiB", "8MiB", "16MiB")
            .Help(HelpSection.General, "Size of I/O buffers.",
                "Buffer size for copying, compressing, encrypting and similar work. How many buffers an operation needs "
                + "depends on the options, and compressors may take memory of their own (gz about 256KiB more). Allowed "
                + "values: 16KiB, 32KiB, 64KiB, 128KiB, 256KiB, 512KiB, 1MiB, 2MiB, 4MiB, 8MiB and 16MiB.\n\n"
                + "pgrest records the value in the backup manifest, as pgBackRest does, but sizes its own buffers itself "
                + "(1MiB for file copies), so the option does not change how much memory pgrest uses."),

        GlobalOpt("compress", OptionType.Boolean, ArchivePush | Backup).Def("y")
            .Help(HelpSection.General, "Compress files (deprecated).",
                "Replaced by compress-type. Setting it to n is the same as compress-type=none; y keeps compress-type."),

        GlobalOpt("compress-level", OptionType.Integer, ArchivePush | Backup).Optional()
            .Help(HelpSection.General, "Compression level.",
                "Level used by compress-type (ignored with none): higher levels compress better and cost more CPU. When "
                + "not set, and the range allowed, per type:\n\n"
                + "* bz2 - 9 (1 to 9)\n"
                + "* gz - 6 (-1 to 9)\n"
                + "* lz4 - 1 (-5 to 12)\n"
                + "* zst - 3 (-7 to 22)\n\n"
                + "A level outside the range of the type is refused."),

        GlobalOpt("compress-type", OptionType.StringId, ArchivePush | Backup).Def("gz").Allow("none", "bz2", "gz", "lz4", "zst")
            .Help(HelpSection.General, "Compression algorithm.",
                "Algorithm for the files written to the repository, backups and WAL alike:\n\n"
                + "* none - stored uncompressed\n"
                + "* bz2 - bzip2: smallest output, slowest\n"
                + "* gz - gzip (the default)\n"
                + "* lz4 - LZ4: very fast, larger output\n"
                + "* zst - Zstandard: fast with a good ratio\n\n"
                + "pgrest has all of them built in. A diff or incr backup keeps the type of its full backup, whatever this "
                + "option says."),

        GlobalOpt("db-timeout", OptionType.Time, DbTimeoutCommands | Rehearse).Def("1800").Between(100, 604800 * Seconds)
            .Help(HelpSection.General, "Timeout for database queries.",
                "Seconds a query against PostgreSQL may take. That includes the calls that start and stop a backup, "
                + "which can each take a long time on a busy cluster (the start waits for a checkpoint unless start-fast "
                + "is set), so keep it generous unless you know both return quickly.\n\n"
                + "Must be lower than protocol-timeout. When only one of the two is set, the other is adjusted to stay "
                + "clear of it; when both are set and clash, the command fails."),

        GlobalOpt("delta", OptionType.Boolean, Backup | Restore).Def("n")
            .Help(HelpSection.General, "Compare files by checksum.",
                "Restore: normally the data directory and tablespaces must be empty. With --delta the files already there "
                + "are kept when their size and checksum match the backup, the others are written, and whatever the "
                + "backup does not have is removed.\n\n"
                + "Backup: decide which files changed by their checksum rather than by time stamp and size. Slower, but "
                + "independent of the time stamps; pgrest turns it on by itself when time stamps cannot be trusted."),

        GlobalOpt("io-timeout", OptionType.Time, Networked).Def("60").Between(100, 3600 * Seconds)
            .Help(HelpSection.General, "Timeout for a single read or write.",
                "Seconds a connection or a single network read or write to an object store (S3, Azure, GCS) may go "
                + "without progress. A whole transfer may take longer as long as some data keeps moving, even a single "
                + "byte. Repositories on a file system are not affected."),

        GlobalOpt("job-retry", OptionType.Integer, ArchiveGet | ArchivePush | Backup | Restore | Verify).Def("2")
            .Between(0, 360).MarkInternal()
            .On(ArchiveGet | ArchivePush, def: "1")
            .Help(HelpSection.General, "Retries of a failed job.",
                "Number of times a failed file job is retried before the command fails."),

        GlobalOpt("job-retry-interval", OptionType.Time, ArchiveGet | ArchivePush | Backup | Restore | Verify).Def("15")
            .Between(0, 900 * Seconds).MarkInternal()
            .On(ArchiveGet | ArchivePush, def: "1")
            .Help(HelpSection.General, "Pause before retrying a job.",
                "Seconds to wait before the second and later retries; the first retry happens at once."),

        GlobalOpt("lock-path", OptionType.Path, LockCommands).Def("/tmp/pgbackrest")
            .Help(HelpSection.General, "Path of the lock and stop files.",
                "Lock files keep conflicting commands from running together; stop files are created by the stop command. "
                + "All processes on a host must use the same path. pgrest and pgBackRest use the same files, so with the "
                + "same path they also keep each other out."),

        GlobalOpt("neutral-umask", OptionType.Boolean, Runnable & ~(Info | Server | ServerPing)).Def("y")
            .Help(HelpSection.General, "Use umask 0000.",
                "pgBackRest sets its umask to 0000, so that files and directories get exactly the modes it asks for "
                + "(0640 and 0750) whatever umask the caller has; --no-neutral-umask keeps the caller's umask.\n\n"
                + "pgrest does not change its umask: it sets the mode of every repository file (0640) and path (0750) it creates itself, "
                + "so the option is accepted but changes nothing."),

        GlobalOpt("process-max", OptionType.Integer, ArchiveGet | ArchivePush | Backup | Rehearse | Restore | Verify).Def("1")
            .Between(1, 999)
            .Help(HelpSection.General, "Parallel processes for compression and transfer.",
                "How many files are compressed, encrypted and transferred at the same time by backup, restore, verify and "
                + "asynchronous archiving; pgrest runs them as parallel jobs within one process. Higher values make the "
                + "command faster, but do not set it so high that the database host suffers."),
    ];

    /// <summary>log-*: where messages go and how much is said.</summary>
    private static OptionDefinition[] LogOptions() =>
    [
        LogLevel("log-level-console", "warn", "Log level of the console (stdout).",
            "Messages at or above this level are written to standard output, each with a time stamp (see "
            + "log-timestamp) and process number."),

        LogLevel("log-level-file", "info", "Log level of the log file.",
            "Messages at or above this level are written to the command's log file in log-path; off writes no file."),

        LogLevel("log-level-stderr", "warn", "Log level of standard error.",
            "Messages at or above this level are written to standard error instead of standard output (whose level is "
            + "log-level-console), as LEVEL: message, without time stamp or process number."),

        GlobalOpt("log-path", OptionType.Path, Runnable).Def("/var/log/pgbackrest")
            .Help(HelpSection.Log, "Path of the log files.",
                "Directory of the log files, named <stanza>-<command>.log; the background archiving processes write "
                + "<stanza>-archive-push-async.log and <stanza>-archive-get-async.log. Not needed with log-level-file=off."),

        GlobalOpt("log-subprocess", OptionType.Boolean, ProtocolCommands).Def("n")
            .Help(HelpSection.Log, "Log helper processes to files too.",
                "In pgBackRest, the helper processes a command starts then write log files of their own, at "
                + "log-level-file. pgrest does its parallel work inside the command's process and has no such helpers, "
                + "so the option changes nothing."),

        GlobalOpt("log-timestamp", OptionType.Boolean, Runnable).Def("y")
            .Help(HelpSection.Log, "Prefix log lines with a time stamp.",
                "Turning it off leaves the time stamp out of console lines, which is handy for output that is compared, "
                + "e.g. in tests or documentation."),
    ];

    /// <summary>WAL archiving: archive-push, archive-get and the archive checks of backup and check.</summary>
    private static OptionDefinition[] ArchiveOptions() =>
    [
        GlobalOpt("archive-async", OptionType.Boolean, ArchiveGet | ArchivePush).Def("n")
            .Help(HelpSection.Command, "Push and get WAL asynchronously.",
                "archive-push queues segments in spool-path and a background process pushes them in batches, using "
                + "process-max processes; archive-get prefetches segments into the spool path. This greatly raises the WAL "
                + "rate that can be archived or replayed. See spool-path, archive-get-queue-max and "
                + "archive-push-queue-max."),

        GlobalOpt("archive-check", OptionType.Boolean, ArchivePush | Backup | Check).Def("y")
            .On(Backup, depend: new OptionDependency("online", ["y"], false))
            .Help(HelpSection.Command, "Wait for the WAL needed by a backup to be archived.",
                "An online backup is only consistent together with the WAL written while it ran. When enabled, the backup "
                + "checks right after it starts that archiving works, and does not complete until the WAL from its start "
                + "to its stop segment is in the archive; it fails with [082] when that takes longer than archive-timeout. "
                + "Leave it on unless the WAL is archived by another mechanism. archive-copy requires it; offline backups "
                + "do without."),

        GlobalOpt("archive-copy", OptionType.Boolean, Backup).Def("n")
            .DependsOnOrDefault(false, "archive-check", "y")
            .Help(HelpSection.Command, "Store the WAL needed for consistency inside the backup.",
                "A safeguard against a damaged WAL archive: the segments from the backup's start to its stop segment are "
                + "copied from the archive into the backup itself, as pg_wal/<segment>. They stay in the archive as well, "
                + "so this takes extra space.\n\n"
                + "pgrest reads each segment back from the archive, checks it against the checksum in its name, and "
                + "compresses and encrypts it again like the backup's other files, even when archive-push used the same "
                + "compress-type; the CPU this costs grows with the WAL written during the backup.\n\n"
                + "After a restore the segments are in pg_wal, and PostgreSQL uses them before it calls restore_command, so "
                + "--type=immediate reaches consistency without the archive. Requires archive-check."),

        GlobalOpt("archive-header-check", OptionType.Boolean, ArchivePush).Def("y")
            .Help(HelpSection.Command, "Compare WAL headers with the stanza.",
                "Reads the PostgreSQL version and system identifier from the header of each pushed WAL segment and refuses "
                + "([044]) a segment that does not belong to the stanza's cluster. This comes on top of comparing the "
                + "pg_control of pg1-path with the stanza, so turning it off is fairly safe, but do so only when needed, "
                + "e.g. when the WAL is encrypted before archive-push gets it."),

        GlobalOpt("archive-missing-retry", OptionType.Boolean, ArchiveGet).Def("y")
            .Help(HelpSection.Command, "Look again for a segment found missing earlier.",
                "Only matters for asynchronous archive-get. Its background process leaves its answers in the spool path, "
                + "including \"this segment is not in the archive\". With the default y that answer is used once: when "
                + "PostgreSQL asks for the segment again, the archive is searched again, so an answer left over from an "
                + "earlier restore cannot end a recovery before it is consistent.\n\n"
                + "In pgBackRest, n keeps trusting the answer. PostgreSQL then notices the end of the archive at once and "
                + "can switch to streaming from the primary, whereas with retries a steady flow of WAL into the archive "
                + "keeps it replaying from there. With n the stanza's spool path must be empty when recovery starts; "
                + "pgBackRest's restore empties it when spool-path is configured.\n\n"
                + "pgrest always behaves as with y: n is accepted but changes nothing."),

        GlobalOpt("archive-mode", OptionType.StringId, Restore).Def("preserve").Allow("off", "preserve")
            .Help(HelpSection.Command, "Keep or turn off archiving on the restored cluster.",
                "Whether the restored cluster archives WAL:\n\n"
                + "* off - archive_mode=off is written with the recovery settings, so the cluster archives nothing\n"
                + "* preserve - the archive_mode of the restored configuration stays as it is (the default)\n\n"
                + "off suits a copy that gets promoted for a task of its own without taking over from the primary: its WAL "
                + "should not reach the repository of the original cluster. Requires PostgreSQL 12 or later."),

        GlobalOpt("archive-mode-check", OptionType.Boolean, ArchivePush | Backup | Check).Def("y")
            .DependsOnOrDefault(false, "archive-check", "y")
            .Help(HelpSection.Command, "Check that archive_mode is suitable.",
                "Refuses a cluster with archive_mode=always ([067]). A standby then archives too, and its segments can "
                + "carry the same names as the primary's with different checksums, which clash in the archive.\n\n"
                + "Disable it only when you make sure that a single archiver writes to the repository with archive-push, "
                + "e.g. when each cluster archives to a repository of its own. With the check off, archive-push also stays "
                + "silent when a segment already in the archive is pushed again with the same contents."),

        GlobalOpt("archive-timeout", OptionType.Time, ArchiveGet | ArchivePush | Backup | Check).Def("60")
            .Between(100, 86400 * Seconds)
            .Help(HelpSection.Command, "Time to wait for WAL to reach the archive.",
                "Seconds (decimals allowed) that check and backup wait for a WAL segment to appear in the archive, and that "
                + "asynchronous archive-push/archive-get wait for the background process."),
    ];

    /// <summary>The queues of asynchronous archiving.</summary>
    private static OptionDefinition[] ArchiveQueueOptions() =>
    [
        GlobalOpt("archive-get-queue-max", OptionType.Size, ArchiveGet).Def("128MiB").Between(0, 4 * PiB)
            .Help(HelpSection.Command, "Largest size of the asynchronous archive-get queue.",
                "Upper bound on the WAL that asynchronous archive-get prefetches into the spool path, from where it is "
                + "handed to PostgreSQL without waiting for the repository. Segments are fetched ahead while the queue is "
                + "below this size."),

        GlobalOpt("archive-push-queue-max", OptionType.Size, ArchivePush).Optional().Between(0, 4 * PiB)
            .Deprecated("archive-queue-max")
            .Help(HelpSection.Command, "Largest WAL backlog before segments are dropped.",
                "Protects the cluster when archiving stops working and unarchived WAL piles up in pg_wal. Once the WAL "
                + "waiting to be archived exceeds this size:\n\n"
                + "* archive-push tells PostgreSQL the segment was archived without storing it: the segment is DROPPED\n"
                + "* a warning is logged (and so reaches the PostgreSQL log)\n\n"
                + "The archive then has a gap: point-in-time recovery past it is impossible, and only a new backup restores "
                + "full recovery ability. In asynchronous mode the whole queue is dropped at once, so that bursts of WAL do "
                + "not slip through before the limit is hit again.\n\n"
                + "The point is to keep pg_wal from filling its volume, which would stop PostgreSQL altogether: losing "
                + "archived WAL is the lesser evil."),

        GlobalOpt("spool-path", OptionType.Path, ArchiveGet | ArchivePush | Restore).Def("/var/spool/pgbackrest")
            .On(ArchiveGet | ArchivePush, depend: When("archive-async", "y"))
            .On(Restore, isInternal: true)
            .Help(HelpSection.General, "Path of the asynchronous archiving queue.",
                "Where asynchronous archive-push and archive-get keep their data, below archive/<stanza>:\n\n"
                + "* out - archive-push's background process writes an acknowledgement for each segment it stored (empty, "
                + "or a warning) or an error file with code and message, so that the call from PostgreSQL can answer at "
                + "once\n"
                + "* in - archive-get's background process puts the segments it fetched ahead there, ready to be handed to "
                + "PostgreSQL; handing them over is cheapest when spool-path and pg_wal share a file system\n\n"
                + "The contents are not strictly temporary and may survive a reboot, but losing them does no harm: pushed "
                + "segments are simply checked again in the archive, and the prefetch queue is rebuilt.\n\n"
                + "Put the spool path on a local POSIX file system, not on NFS or CIFS, and do not share it between hosts."),
    ];

    /// <summary>What backup copies and how.</summary>
    private static OptionDefinition[] BackupOptions() =>
    [
        GlobalOpt("annotation", OptionType.Hash, Annotate | Backup).Optional()
            .On(Annotate, required: true)
            .Help(HelpSection.Command, "Attach key/value annotations to a backup.",
                "Each --annotation=key=value stores one pair with the backup, e.g. a ticket number or the reason for the "
                + "backup; repeat the option for several pairs. info shows them in its text output with --set and always "
                + "in its JSON output. With the annotate command an empty value (key=) removes the key."),

        GlobalOpt("backup-standby", OptionType.Boolean, Backup | Check).Def("n")
            .Help(HelpSection.Command, "Copy files from a standby.",
                "Most files are read from a standby (configured as another pg index) instead of the primary, which only "
                + "provides the backup start/stop calls and a few files. Reduces load on the primary; both hosts must be "
                + "configured in the stanza."),

        GlobalOpt("checksum-page", OptionType.Boolean, Backup).Optional()
            .Help(HelpSection.Command, "Verify data page checksums.",
                "Checks the checksum of every data page while the backup reads it. On by default when the cluster has "
                + "data checksums enabled; a diff or incr backup uses the setting of its full backup.\n\n"
                + "An invalid page does not stop the backup: the file is reported in a warning with the page numbers (in "
                + "the log, and on the console with the default settings), marked in the manifest, and listed by info "
                + "--set in its error list."),

        GlobalOpt("exclude", OptionType.List, Backup).Optional()
            .Help(HelpSection.Command, "Paths or files to leave out of the backup.",
                "A path relative to the data directory that the backup leaves out; repeat the option, on the command "
                + "line or in the configuration file, for several.\n\n"
                + "* With a trailing /, the files in that directory are left out but the directory itself is kept: "
                + "--exclude=junk/ backs up junk as an empty directory.\n"
                + "* Without it, the entry matches a file of that name, or a directory with everything below it: "
                + "--exclude=junk leaves junk out altogether.\n\n"
                + "This is easy to get wrong: leaving out something PostgreSQL needs makes the backup unusable, so test "
                + "the restores of such backups.\n\n"
                + "A delta restore removes what is in the data directory but not in the backup, so excluded files and "
                + "directories disappear there.\n\n"
                + "Do not use it to keep server logs out of the backup; move them out of the data directory with "
                + "PostgreSQL's log_directory instead, which also keeps them through a restore."),

        GlobalOpt("expire-auto", OptionType.Boolean, Backup).Def("y")
            .Help(HelpSection.Command, "Expire after every successful backup.",
                "After a successful backup the same process expires the repository according to the retention settings "
                + "(logged as its own expire command). With --no-expire-auto nothing is expired automatically, so backups "
                + "and WAL pile up until the repository is full unless expire is run regularly on its own."),

        GlobalOpt("manifest-save-threshold", OptionType.Size, Backup).Def("1GiB").Between(1, TiB)
            .Help(HelpSection.Command, "How often the manifest is saved during a backup.",
                "While it copies, the backup saves its manifest (backup.manifest.copy) with the checksums of the files "
                + "stored so far each time this much data has been copied, or 1% of the backup if that is more. A resumed "
                + "backup can keep every file the saved manifest lists, so saving more often loses less work."),

        GlobalOpt("resume", OptionType.Boolean, Backup).Def("y")
            .Help(HelpSection.Command, "Resume an interrupted backup.",
                "When the newest backup in the repository was interrupted and has the same type, prior backup and "
                + "compression, the next backup takes it over: stored files that are still valid are kept instead of "
                + "copied again, which can save most of the work after a failure. --no-resume removes the interrupted "
                + "backup and starts afresh, which is simpler where resuming is not needed."),

        GlobalOpt("start-fast", OptionType.Boolean, Backup).Def("n")
            .Help(HelpSection.Command, "Start the backup with an immediate checkpoint.",
                "Asks PostgreSQL for an immediate checkpoint (fast=true in the call that starts the backup), so the "
                + "backup begins right away. Without it the backup waits for the next regular checkpoint, which can take "
                + "up to checkpoint_timeout."),

        GlobalOpt("stop-auto", OptionType.Boolean, Backup).Def("n")
            .Help(HelpSection.Command, "Stop a leftover backup before starting.",
                "For PostgreSQL before 9.6 only: an exclusive backup left running by a failed backup would make the next "
                + "one fail, and this option calls pg_stop_backup() first to end it. pgBackRest does so only when it can "
                + "take an exclusive advisory lock, which shows the failed process is really gone. That lock is its own, "
                + "so the option may also end exclusive backups of other tools, which is why it is off by default; "
                + "pg_basebackup and pg_dump are not affected since they do not take exclusive backups.\n\n"
                + "From PostgreSQL 9.6 on, backups are non-exclusive and the option has no effect. pgrest only takes "
                + "non-exclusive backups, so it accepts the option but never uses it."),
    ];

    /// <summary>What restore writes and where.</summary>
    private static OptionDefinition[] RestoreOptions() =>
    [
        GlobalOpt("db-exclude", OptionType.List, Restore).Optional()
            .Help(HelpSection.Command, "Databases to leave out of a restore.",
                "A database (name or OID) to leave out; repeat for several. Its files are restored as sparse files full "
                + "of zeros, which take no space but let PostgreSQL replay WAL through them. After recovery the database "
                + "cannot be used and should be dropped.\n\n"
                + "Together with --db-include it only matters for the system databases (template0, template1, postgres), "
                + "which are otherwise always restored."),

        GlobalOpt("db-include", OptionType.List, Restore).Optional()
            .Help(HelpSection.Command, "Restore only these databases.",
                "A database (name or OID) to restore; repeat for several. Only the listed databases and the system "
                + "databases (template0, template1, postgres) are restored; the files of every other database become "
                + "sparse, zero-filled files, which take no space but let PostgreSQL replay WAL through them. After "
                + "recovery those databases cannot be used and should be dropped.\n\n"
                + "System databases are always restored unless left out with --db-exclude; naming one here is an error "
                + "([081]). See docs/backup-and-restore.md for details."),

        GlobalOpt("link-all", OptionType.Boolean, Restore).Def("n")
            .Help(HelpSection.Command, "Restore symlinks as symlinks.",
                "By default the symlinks of the backed up data directory (other than tablespaces, which are always links) "
                + "are restored as plain directories and files inside it, since their original destinations may not be a "
                + "safe place to write to on another host. --link-all recreates every link to the destination it had when "
                + "the backup was taken."),

        GlobalOpt("link-map", OptionType.Hash, Restore).Optional()
            .Help(HelpSection.Command, "Restore a symlink to another place.",
                "link=destination: restores the symlink link (relative to the data directory, e.g. pg_wal=/wal) pointing to "
                + "destination instead of its original place, for hosts whose storage is laid out differently. For a path "
                + "or file that was not a link, a link is created. Repeat for several links."),

        GlobalOpt("recovery-option", OptionType.Hash, Restore).Optional()
            .DependsOn("type", "default", "immediate", "lsn", "name", "time", "standby", "xid")
            .Help(HelpSection.Command, "Add a setting to the recovery configuration.",
                "key=value written to the recovery settings of the restored cluster, e.g. "
                + "primary_conninfo=host=primary user=replicator; repeat for several settings (a - in the key is written as "
                + "_). The PostgreSQL documentation of recovery settings lists the keys.\n\n"
                + "restore_command is generated unless given here; replacing it is rarely a good idea. Do not set the "
                + "recovery_target* settings this way: --type, --target and the target-* options write them. standby_mode "
                + "is refused; use --type=standby.\n\n"
                + "pgrest does not start PostgreSQL, so the settings can still be checked or changed before the first "
                + "start."),

        GlobalOpt("tablespace-map", OptionType.Hash, Restore).Optional()
            .Help(HelpSection.Command, "Restore a tablespace to another directory.",
                "name-or-oid=directory: restores that tablespace into directory instead of its recorded location, e.g. "
                + "when a standby or an upgraded host has other mount points; repeat for several. The pg_tblspc links "
                + "follow. PostgreSQL keeps tablespace locations in those links rather than in its catalog, so moving "
                + "them is safe, but do not put a tablespace inside the data directory. An unknown tablespace fails "
                + "with [076]."),

        GlobalOpt("tablespace-map-all", OptionType.String, Restore).Optional()
            .Help(HelpSection.Command, "Restore all tablespaces below a directory.",
                "By default each tablespace goes back to its recorded location, and tablespace-map moves single ones. "
                + "With this option every tablespace is restored into <directory>/<name> instead, all at once, which is "
                + "handy on development or staging hosts whose storage is laid out differently from the host the backup "
                + "was taken on. The directory becomes the parent of all tablespaces in the backup; tablespace-map entries "
                + "for single tablespaces take precedence."),
    ];

    /// <summary>Reaching other hosts: SSH, the protocol between processes, socket settings.</summary>
    private static OptionDefinition[] RemoteOptions() =>
    [
        GlobalOpt("cmd", OptionType.String, RemoteCommands).Optional().Def(PgRestVersion.Executable)
            .Help(HelpSection.General, "Program named in the commands pgrest writes.",
                "The program restore writes into restore_command. Defaults to the path pgrest was started by, as typed: a "
                + "symlink stays a symlink. pgrest's own background workers are started from the running binary."),

        GlobalOpt("cmd-ssh", OptionType.String, RepoClientCommands).Def("ssh")
            .Help(HelpSection.General, "SSH client.",
                "Client used to reach a repository host (repoN-host) over SSH, when ssh is not on the path or another "
                + "client is wanted. It is started as pgBackRest starts it: -o LogLevel=error -o Compression=no "
                + "-o PasswordAuthentication=no [-p port] user@host, then the remote command; keys, known hosts and other "
                + "settings come from the user's SSH configuration (~/.ssh/config)."),

        GlobalOpt("compress-level-network", OptionType.Integer, ProtocolCommands).Def("3").Between(0, 9)
            .Help(HelpSection.General, "Compression level for network transfer.",
                "In pgBackRest, the gz level for data exchanged with a remote host when the files themselves are stored "
                + "uncompressed (compress-type=none); 0 turns network compression off. With any other compress-type the "
                + "file is compressed once, at compress-level, and sent as it is.\n\n"
                + "pgrest sends files to and from a repository host as they are stored (compressed and encrypted on the "
                + "database host), so it does not compress again; it records the value in the backup manifest."),

        GlobalOpt("protocol-timeout", OptionType.Time, ProtocolCommands | Server).Def("1830").Between(100, 604800 * Seconds)
            .Help(HelpSection.General, "Timeout for replies from helper processes.",
                "How many seconds a command waits for the next message from pgrest on a repository host before it "
                + "gives up and ends that connection, so that a lost host cannot hang a command (archive_command "
                + "included). Must be greater than db-timeout."),

        GlobalOpt("sck-block", OptionType.Boolean, Networked).Def("n").MarkInternal()
            .Help(HelpSection.General, "Blocking sockets.", "Uses blocking socket operations."),

        GlobalOpt("sck-keep-alive", OptionType.Boolean, Networked).Def("y")
            .Help(HelpSection.General, "TCP keep-alive.",
                "Enables keep-alive probes on network connections, so that a dead peer is noticed. pgrest accepts this "
                + "and the tcp-keep-alive-* options but sets no keep-alive socket options itself."),

        GlobalOpt("tcp-keep-alive-count", OptionType.Integer, Networked).Optional().Between(1, 32)
            .DependsOn("sck-keep-alive", "y")
            .Help(HelpSection.General, "Keep-alive probes before the connection is dropped.",
                "How many keep-alive probes may go unanswered before a connection counts as dead (the TCP_KEEPCNT socket "
                + "option, where the system has it). pgrest accepts the option but does not set it."),

        GlobalOpt("tcp-keep-alive-idle", OptionType.Integer, Networked).Optional().Between(1, 3600)
            .DependsOn("sck-keep-alive", "y")
            .Help(HelpSection.General, "Idle seconds before keep-alive probes start.",
                "Seconds a connection may be idle before the system sends the first keep-alive probe (the TCP_KEEPIDLE "
                + "socket option, where the system has it). pgrest accepts the option but does not set it."),

        GlobalOpt("tcp-keep-alive-interval", OptionType.Integer, Networked).Optional().Between(1, 900)
            .DependsOn("sck-keep-alive", "y")
            .Help(HelpSection.General, "Seconds between keep-alive probes.",
                "Seconds after which an unanswered keep-alive probe is sent again (the TCP_KEEPINTVL socket option, where "
                + "the system has it). pgrest accepts the option but does not set it."),
    ];

    /// <summary>tls-server-*: pgBackRest's TLS server, which pgrest does not have yet.</summary>
    private static OptionDefinition[] TlsServerOptions() =>
    [
        GlobalOpt("tls-server-address", OptionType.String, Server | ServerPing).Def("localhost")
            .Help(HelpSection.Command, "Address of the TLS server.",
                "Address the server listens on (* for every address of the host; the default only serves clients on "
                + "the same host), or the server-ping target when no parameter is given. " + ServerOnly),

        GlobalOpt("tls-server-auth", OptionType.Hash, Server)
            .Help(HelpSection.Command, "Clients allowed to connect.",
                "client-cn=stanza-list: a client is let in when its certificate is valid and its common name (CN) is "
                + "listed here; it may then use the comma-separated stanzas, or every stanza with *. Repeat the option for "
                + "more clients, or for more stanzas of one client; the CN itself cannot be a wildcard. " + ServerOnly),

        GlobalOpt("tls-server-ca-file", OptionType.Path, Server)
            .Help(HelpSection.Command, "CA file for client certificates.",
                "Certificate authorities a client certificate must be signed by. " + ServerOnly),

        GlobalOpt("tls-server-cert-file", OptionType.Path, Server)
            .Help(HelpSection.Command, "Certificate of the server.",
                "Certificate the server shows clients to prove who it is. " + ServerOnly),

        GlobalOpt("tls-server-key-file", OptionType.Path, Server)
            .Help(HelpSection.Command, "Key of the server.",
                "Private key of tls-server-cert-file, which proves the server owns the certificate. " + ServerOnly),

        GlobalOpt("tls-server-port", OptionType.Integer, Server | ServerPing).Def("8432").Between(1, 65535)
            .Help(HelpSection.Command, "Port of the TLS server.",
                "Port the server listens on, and the port server-ping connects to. " + ServerOnly),
    ];

    /// <summary>pgN-*: the PostgreSQL clusters of a stanza.</summary>
    private static OptionDefinition[] PgOptions() =>
    [
        PgOpt("pg-database", OptionType.String, PgDatabaseCommands).Def("postgres").DependsOn("pg-path")
            .Help(HelpSection.Stanza, "Database to connect to.",
                "Database the backup, check and stanza commands connect to. The default suits most clusters, but the "
                + "database must exist. As in pgBackRest, the PGDATABASE environment variable is not used."),

        PgOpt("pg-local", OptionType.Boolean, PgCommands).Def("n").MarkInternal()
            .Help(HelpSection.Stanza, "The cluster is local.", "Forces the cluster to be treated as local."),

        PgOpt("pg-path", OptionType.Path, PgCommands | Remote).On(ArchivePush | Remote, required: false)
            .Deprecated("db-path", indexed: true)
            .Help(HelpSection.Stanza, "Data directory of the cluster.",
                "Same as data_directory in postgresql.conf. Set it even though the running server could tell: restores "
                + "and offline backups happen while the server is down.\n\n"
                + "Every online backup and check compares it with the data_directory of the server it connects to, and "
                + "fails when they differ, so a stale setting cannot go unnoticed."),

        PgOpt("pg-port", OptionType.Integer, PgDatabaseCommands | Remote).Def("5432").Between(0, 65535).DependsOn("pg-path")
            .Deprecated("db-port", indexed: true)
            .Help(HelpSection.Stanza, "Port of the cluster.",
                "Port PostgreSQL listens on, which also names its Unix socket file (.s.PGSQL.<port>). Only needed when the "
                + "cluster does not use the default port."),

        PgOpt("pg-socket-path", OptionType.Path, PgDatabaseCommands | Remote).Optional().DependsOn("pg-path")
            .Deprecated("db-socket-path", indexed: true)
            .Help(HelpSection.Stanza, "Unix socket directory of the cluster.",
                "Directory of the cluster's Unix socket (unix_socket_directories in postgresql.conf). When it is not set, "
                + "pgrest looks in /var/run/postgresql, the usual place on Debian and Ubuntu; set it when the cluster puts "
                + "its socket elsewhere, e.g. /tmp."),

        PgOpt("pg-user", OptionType.String, PgDatabaseCommands).Optional().DependsOn("pg-path")
            .Help(HelpSection.Stanza, "Database user.",
                "User for the connection; defaults to PGUSER, else the operating system user. Must be a superuser or have "
                + "the privileges needed for backups."),
    ];

    /// <summary>pgN-host-*: a cluster on another host, reached through pgrest there.</summary>
    private static OptionDefinition[] PgHostOptions() =>
    [
        PgOpt("pg-host", OptionType.String, PgCommands).Optional().DependsOn("pg-local", "n")
            .Deprecated("db-host", indexed: true)
            .On(ArchiveGet | ArchivePush | Restore, isInternal: true)
            .Help(HelpSection.Stanza, "Host of a remote PostgreSQL cluster.",
                "Set on a repository host to back up a cluster that runs on another host.\n\n" + PgHostMissing),

        PgOpt("pg-host-ca-file", OptionType.String, PgCommands).InGlobal().Optional().DependsOn("pg-host-type", "tls")
            .On(ArchiveGet | ArchivePush | Restore, isInternal: true)
            .Help(HelpSection.Stanza, "CA file for the PostgreSQL host's TLS certificate.",
                "Certificate authorities used to verify the TLS server of the PostgreSQL host, instead of the system's. "
                + PgHostOnly),

        PgOpt("pg-host-ca-path", OptionType.String, PgCommands).InGlobal().Optional().DependsOn("pg-host-type", "tls")
            .On(ArchiveGet | ArchivePush | Restore, isInternal: true)
            .Help(HelpSection.Stanza, "CA path for the PostgreSQL host's TLS certificate.",
                "Directory of certificate authorities used to verify the TLS server of the PostgreSQL host, instead of the "
                + "system's. " + PgHostOnly),

        PgOpt("pg-host-cert-file", OptionType.String, PgCommands).InGlobal().DependsOn("pg-host-type", "tls")
            .On(ArchiveGet | ArchivePush | Restore, isInternal: true)
            .Help(HelpSection.Stanza, "Client certificate for the PostgreSQL host.",
                "Certificate presented to the PostgreSQL host's TLS server to prove who the client is. " + PgHostOnly),

        PgOpt("pg-host-cmd", OptionType.String, PgDatabaseCommands).Optional().Def(PgRestVersion.Executable)
            .DependsOn("pg-host").Deprecated("db-cmd", indexed: true)
            .Help(HelpSection.Stanza, "Program run on the PostgreSQL host.",
                "Path of the program on the PostgreSQL host; only needed when it differs from the local one, which is "
                + "used otherwise. " + PgHostOnly),

        PgOpt("pg-host-config", OptionType.String, PgDatabaseCommands).Def(ConfigFileDefault).DependsOn("pg-host")
            .Deprecated("db-config", indexed: true)
            .Help(HelpSection.Stanza, "Configuration file on the PostgreSQL host.",
                "Passed to the program started on the PostgreSQL host; only needed when its configuration file is "
                + "somewhere else than the local one. " + PgHostOnly),

        PgOpt("pg-host-config-include-path", OptionType.Path, PgDatabaseCommands).Optional().Def(ConfigIncludePathDefault)
            .DependsOn("pg-host")
            .Help(HelpSection.Stanza, "Configuration include path on the PostgreSQL host.",
                "Passed to the program started on the PostgreSQL host; only needed when its include path is somewhere "
                + "else than the local one. " + PgHostOnly),

        PgOpt("pg-host-config-path", OptionType.Path, PgDatabaseCommands).Optional().Def(ConfigPathDefault)
            .DependsOn("pg-host")
            .Help(HelpSection.Stanza, "Configuration path on the PostgreSQL host.",
                "Passed to the program started on the PostgreSQL host; only needed when its configuration path is "
                + "somewhere else than the local one. " + PgHostOnly),

        PgOpt("pg-host-key-file", OptionType.String, PgCommands).InGlobal().DependsOn("pg-host-type", "tls")
            .On(ArchiveGet | ArchivePush | Restore, isInternal: true)
            .Help(HelpSection.Stanza, "Client key for the PostgreSQL host.",
                "Private key of pg-host-cert-file, proving the client owns the certificate. " + PgHostOnly),

        PgOpt("pg-host-port", OptionType.Integer, PgDatabaseCommands).Optional().Between(0, 65535).DependsOn("pg-host")
            .Deprecated("db-ssh-port", indexed: true)
            .Help(HelpSection.Stanza, "Port of the PostgreSQL host.",
                "SSH port, or TLS port (default 8432) when pg-host-type=tls, if the host does not use the default. "
                + PgHostOnly),

        PgOpt("pg-host-type", OptionType.StringId, PgCommands).InGlobal().Def("ssh").Allow("ssh", "tls")
            .DependsOn("pg-local", "n")
            .On(ArchiveGet | ArchivePush | Restore, isInternal: true)
            .Help(HelpSection.Stanza, "Protocol used to reach the PostgreSQL host.",
                "How the PostgreSQL host is reached:" + HostTypes + "\n\n" + PgHostOnly),

        PgOpt("pg-host-user", OptionType.String, PgDatabaseCommands).Optional().Def("postgres").DependsOn("pg-host")
            .Deprecated("db-user", indexed: true)
            .Help(HelpSection.Stanza, "User on the PostgreSQL host.",
                "Login on the PostgreSQL host. The program started there runs as this user and connects to PostgreSQL, "
                + "so it should be the owner of the cluster, usually postgres (the default). " + PgHostOnly),
    ];

    /// <summary>repoN-*: what is kept in each repository and how.</summary>
    private static OptionDefinition[] RepoOptions() =>
    [
        RepoOpt("repo-bundle", OptionType.Boolean, Backup).Def("n")
            .Help(HelpSection.Repository, "Bundle small files.",
                "Stores small files together in bundle files instead of one repository file each. Writing fewer files is "
                + "faster and cheaper, above all on object stores such as S3, and empty files are not stored at all (the "
                + "manifest lists them). Required for repo-block."),

        RepoOpt("repo-bundle-limit", OptionType.Size, Backup).Def("2MiB").Between(8 * KiB, PiB).DependsOn("repo-bundle", "y")
            .Help(HelpSection.Repository, "Largest file put in a bundle.",
                "Files up to this size go into bundles; larger ones are stored on their own. Bundled files cannot be kept "
                + "when an interrupted backup is resumed, so a higher limit leaves fewer files that a resume can reuse."),

        RepoOpt("repo-bundle-size", OptionType.Size, Backup).Def("20MiB").Between(MiB, PiB).DependsOn("repo-bundle", "y")
            .Help(HelpSection.Repository, "Target size of a bundle.",
                "Total size of the files that go into one bundle. Most bundles end up smaller, and some a little larger, "
                + "since files are never split; so do not set it to the largest file size the storage allows. Keep it "
                + "moderate, too: a bundle that fails is written again as a whole."),

        RepoOpt("repo-cipher-pass", OptionType.String).MarkSecure().DependsOn("repo-cipher-type", "aes-256-cbc")
            .Deprecated("repo-cipher-pass")
            .Help(HelpSection.Repository, "Repository passphrase.",
                "Passphrase that protects the repository's encryption keys. It is not stored anywhere else: losing it "
                + "makes the backups unreadable."),

        RepoOpt("repo-cipher-pass-new", OptionType.String, StanzaRekey).MarkSecure()
            .Help(HelpSection.Repository, "New repository passphrase (stanza-rekey).",
                "pgrest only. The passphrase stanza-rekey re-encrypts the repository's info files with; afterwards it "
                + "replaces repo-cipher-pass. Like every secret it is refused on the command line."),

        RepoOpt("repo-cipher-type", OptionType.StringId).Def("none").Allow("none", "aes-256-cbc")
            .Deprecated("repo-cipher-type")
            .Help(HelpSection.Repository, "Repository encryption.",
                "How the files in the repository are encrypted:\n\n"
                + "* none - not at all (the default)\n"
                + "* aes-256-cbc - AES with a 256-bit key in CBC mode; repo-cipher-pass is then required\n\n"
                + "Encryption is always done by pgrest before the data leaves the host, even when the storage (e.g. S3) can "
                + "encrypt by itself."),

        RepoOpt("repo-hardlink", OptionType.Boolean, Backup).Def("n").DependsOnOrDefault(false, "repo-bundle", "n")
            .Deprecated("hardlink")
            .Help(HelpSection.Repository, "Hard link unchanged files.",
                "In pgBackRest, unchanged files of a differential or incremental backup are hard linked to their copy in "
                + "the earlier backup, so that each backup directory looks like a full backup on the file system; changing "
                + "a linked file then changes it in every backup that shares it. Not possible with repo-bundle.\n\n"
                + "Not implemented in pgrest yet: a backup with repoN-hardlink=y fails with [067] FeatureNotSupported "
                + "before it copies anything. Set it to n (or remove it) to back up without hard links."),

        RepoOpt("repo-path", OptionType.Path).Def("/var/lib/pgbackrest").Deprecated("repo-path")
            .Help(HelpSection.Repository, "Path of the repository.",
                "Where backups and archived WAL are stored: a local or mounted directory (posix, cifs), or the path inside "
                + "the bucket or container of an object store. Two posix repositories cannot share a path.\n\n"
                + "The space needed is hard to know in advance. Take a few backups, note the size of full, diff and incr "
                + "backups and how much WAL a day brings, and plan from there, leaving room for growth."),

        RepoOpt("repo-type", OptionType.StringId).Def("posix").Allow("azure", "cifs", "gcs", "posix", "s3", "sftp")
            .Deprecated("repo-type")
            .Help(HelpSection.Repository, "Storage type of the repository.",
                "Where the repository lives:\n\n"
                + "* azure - Azure Blob Storage\n"
                + "* cifs - a CIFS/SMB mount; pgBackRest avoids links and directory syncs there, pgrest currently treats it "
                + "exactly like posix\n"
                + "* gcs - Google Cloud Storage\n"
                + "* posix - a local or mounted POSIX file system (the default)\n"
                + "* s3 - Amazon S3 or an S3-compatible object store\n"
                + "* sftp - a path on another host reached over SFTP (pgBackRest 2.46+; the repo-sftp-* options)\n\n"
                + "An NFS mount can be used as posix when it meets what PostgreSQL requires of file systems (see \"File "
                + "Systems\" under \"Creating a Database Cluster\" in its documentation)."),
    ];

    /// <summary>repoN-retention-*: what expire keeps.</summary>
    private static OptionDefinition[] RepoRetentionOptions() =>
    [
        RepoOpt("repo-retention-archive", OptionType.Integer, Backup | Expire).Optional().Between(1, 9999999)
            .Deprecated("retention-archive")
            .Help(HelpSection.Repository, "Backups whose WAL is kept.",
                "Number of backups, counted as repo-retention-archive-type says, whose WAL stays for point-in-time "
                + "recovery: the WAL from the start of the oldest of them onwards is kept. Older backups that remain keep "
                + "only the WAL that makes them consistent, so they can be restored but not rolled forward; that WAL is "
                + "always kept as long as the backup exists.\n\n"
                + "When not set: with repo-retention-archive-type=full and repo-retention-full-type=count it follows "
                + "repo-retention-full, and with type diff it follows repo-retention-diff, so WAL only goes with backups "
                + "that are expired anyway. With repo-retention-full-type=time, WAL older than the oldest full backup "
                + "kept is removed. With type incr it must be set, otherwise no WAL is expired (with a warning).\n\n"
                + "Low values save space by expiring WAL early, but the backups left without it cannot be recovered to a "
                + "point in time, so this is not recommended."),

        RepoOpt("repo-retention-archive-type", OptionType.StringId, Backup | Expire).Def("full").Allow("full", "diff", "incr")
            .Deprecated("retention-archive-type")
            .Help(HelpSection.Repository, "Backup type counted for WAL retention.",
                "Which backups repo-retention-archive counts:\n\n"
                + "* full - full backups only (the default)\n"
                + "* diff - full and differential backups; a full backup counts like a differential one\n"
                + "* incr - every backup, incremental ones included; repo-retention-archive must then be set\n\n"
                + "Best left at full, with which WAL is only expired together with full backups; the other types expire "
                + "WAL that older, still kept backups would need for point-in-time recovery."),

        RepoOpt("repo-retention-diff", OptionType.Integer, Backup | Expire).Optional().Between(1, 9999999)
            .Deprecated("retention-diff")
            .Help(HelpSection.Repository, "Differential backups to keep.",
                "When exceeded, the oldest differential backups are expired together with the incrementals that depend "
                + "on them (full backups count towards the number but are not expired by it). When not set, differential "
                + "backups stay until their full backup is expired."),

        RepoOpt("repo-retention-full", OptionType.Integer, Backup | Expire).Optional().Between(1, 9999999)
            .Deprecated("retention-full")
            .Help(HelpSection.Repository, "Full backups to keep.",
                "A count of full backups, or a number of days when repo-retention-full-type=time. Older full backups and "
                + "everything depending on them are expired. Without it nothing is expired and a warning is logged; to "
                + "keep everything without the warning, set the maximum (9999999)."),

        RepoOpt("repo-retention-full-type", OptionType.StringId, Backup | Expire).Def("count").Allow("count", "time")
            .Help(HelpSection.Repository, "Meaning of repo-retention-full.",
                "How repo-retention-full is read:\n\n"
                + "* count - the number of full backups to keep (the default)\n"
                + "* time - a number of days: going from the newest full backup back, the first one that ended more than "
                + "that many days ago is kept and every older one is expired, so the backups kept always reach back over "
                + "the whole period\n\n"
                + "For example, with time and 7, full backups taken 5 and 9 days ago are both kept: the 9-day-old one is "
                + "the only one that reaches back 7 days. With time, WAL older than the oldest full backup kept is expired "
                + "too, unless repo-retention-archive-type and repo-retention-archive are set."),

        RepoOpt("repo-retention-history", OptionType.Integer, Backup | Expire).Optional().Between(0, 9999999)
            .Help(HelpSection.Repository, "Days of backup history to keep.",
                "When a backup completes, a copy of its manifest goes into backup.history. By default these copies are "
                + "kept forever; they are small and show how backups and WAL grow over time.\n\n"
                + "Set a number of days to have expire remove the history manifests of expired backups once they are older "
                + "than that; 0 removes them as soon as the backup itself is expired. The history of a differential or "
                + "incremental backup is dated by its full backup and goes together with it."),
    ];

    /// <summary>repoN-block-*: block incremental backup.</summary>
    private static OptionDefinition[] RepoBlockOptions() =>
    [
        RepoOpt("repo-block", OptionType.Boolean, Backup).Def("n")
            .DependsOnOrDefault(false, "repo-bundle", "y")
            .Help(HelpSection.Repository, "Block incremental backup.",
                "Splits each file into blocks that are stored independently: a differential or incremental backup stores "
                + "only the blocks of a changed file that differ from the prior backup, with a map of where every block "
                + "is. The repository needs less space, and a delta restore fetches single blocks instead of whole "
                + "files. Requires repo-bundle.\n\n"
                + "The block size follows the file's size and age: larger and older files get larger blocks, and a file "
                + "unchanged for long enough is stored whole. It works best when enabled for every backup type, full "
                + "backups included: the full grows a little, but its maps let later backups store less.\n\n"
                + "pgrest writes the format of pgBackRest 2.46 and later, as a normal option (no --beta needed); pgBackRest "
                + "2.45 cannot read these backups, and restore refuses 2.45's own beta format with [067]. See "
                + "docs/block-incremental.md."),

        RepoOpt("repo-block-age-map", OptionType.Hash, Backup).Optional().MarkInternal().DependsOn("repo-block", "y")
            .Help(HelpSection.Repository, "Block size multiplier by file age.",
                "days=multiplier pairs: a file not modified for at least that many days gets blocks that many times "
                + "larger, since files left alone for long rarely change and larger blocks make smaller maps; 0 stores the "
                + "file whole. The default is 7=2, 14=4, 28=0; a value replaces it entirely."),

        RepoOpt("repo-block-checksum-size-map", OptionType.Hash, Backup).Optional().MarkInternal().DependsOn("repo-block", "y")
            .Help(HelpSection.Repository, "Block checksum size by block size.",
                "block-size=checksum-size pairs: how many bytes of each block's checksum the map keeps for blocks of at "
                + "least that size. Short checksums keep the map small but may miss a change. A value replaces the "
                + "default (6 bytes, up to 12 for 4MiB blocks) entirely."),

        RepoOpt("repo-block-size-map", OptionType.Hash, Backup).Optional().MarkInternal().DependsOn("repo-block", "y")
            .Help(HelpSection.Repository, "Block size by file size.",
                "file-size=block-size pairs: files of at least that size get that block size. The block is the smallest "
                + "unit stored, so small blocks make incremental backups finer but the maps larger. A value replaces the "
                + "default (8KiB blocks from 16KiB files up to 88KiB from 914MiB) entirely."),

        RepoOpt("repo-block-size-super", OptionType.Size, Backup).Def("256KiB").Between(32 * KiB, 16 * MiB).MarkInternal()
            .DependsOn("repo-block", "y")
            .Help(HelpSection.Repository, "Super block size.",
                "Blocks are stored in super blocks of about this size, compressed and encrypted together, which "
                + "compresses better; the cost is that reading a block means reading its super block from the start. Used "
                + "for differential and incremental backups."),

        RepoOpt("repo-block-size-super-full", OptionType.Size, Backup).Def("1MiB").Between(32 * KiB, 16 * MiB).MarkInternal()
            .DependsOn("repo-block", "y")
            .Help(HelpSection.Repository, "Super block size in full backups.",
                "Super block size used by full backups, which is normally larger than repo-block-size-super: a restore "
                + "usually needs most of the blocks of a full backup anyway, so having to read a large super block from its "
                + "start costs little there, while larger super blocks compress better."),
    ];

    /// <summary>repoN-s3-*: S3 repositories.</summary>
    private static OptionDefinition[] RepoS3Options() =>
    [
        RepoOpt("repo-s3-bucket", OptionType.String).DependsOn("repo-type", "s3").Deprecated("repo-s3-bucket")
            .Help(HelpSection.Repository, "S3 bucket.",
                "Bucket holding the repository." + BucketRoot + " While repo-storage-verify-tls is on, the name must not "
                + "contain dots, which the wildcard certificate of a host-style address cannot match."),

        RepoOpt("repo-s3-endpoint", OptionType.String).DependsOn("repo-type", "s3").Deprecated("repo-s3-endpoint")
            .Help(HelpSection.Repository, "S3 endpoint.",
                "Host of the S3 service, e.g. s3.amazonaws.com or s3.<region>.amazonaws.com; it has to suit "
                + "repo-s3-region. A port may follow a colon." + StorageTestOptions),

        RepoOpt("repo-s3-key", OptionType.String).MarkSecure().DependsOn("repo-s3-key-type", "shared")
            .Deprecated("repo-s3-key")
            .Help(HelpSection.Repository, "S3 access key.", "Access key id used with repo-s3-key-type=shared."),

        RepoOpt("repo-s3-key-secret", OptionType.String).MarkSecure().DependsOn("repo-s3-key-type", "shared")
            .Deprecated("repo-s3-key-secret")
            .Help(HelpSection.Repository, "S3 secret access key.",
                "Secret access key that belongs to repo-s3-key (repo-s3-key-type=shared)."),

        RepoOpt("repo-s3-key-type", OptionType.StringId).Def("shared").Allow("shared", "auto", "web-id")
            .DependsOn("repo-type", "s3")
            .Help(HelpSection.Repository, "S3 credential source.",
                "Where the S3 credentials come from:\n\n"
                + "* shared - fixed keys from repo-s3-key and repo-s3-key-secret, with repo-s3-token for temporary ones "
                + "(the default)\n"
                + "* auto - temporary credentials of the instance's IAM role (repo-s3-role, or the one attached), fetched "
                + "from the EC2 instance metadata service and renewed as needed\n"
                + "* web-id - temporary credentials from STS for the role in AWS_ROLE_ARN, using the web identity token in "
                + "the file AWS_WEB_IDENTITY_TOKEN_FILE, as Kubernetes (EKS) service accounts provide"),

        RepoOpt("repo-s3-kms-key-id", OptionType.String).Optional().DependsOn("repo-type", "s3")
            .Help(HelpSection.Repository, "S3 KMS key for server-side encryption.",
                "Objects are written with server-side encryption using this AWS KMS key."),

        RepoOpt("repo-s3-region", OptionType.String).DependsOn("repo-type", "s3").Deprecated("repo-s3-region")
            .Help(HelpSection.Repository, "S3 region.", "Region the bucket was created in, used for request signing."),

        RepoOpt("repo-s3-role", OptionType.String).Optional().DependsOn("repo-s3-key-type", "auto")
            .Help(HelpSection.Repository, "S3 IAM role.",
                "Name (not the full ARN) of the IAM role whose temporary credentials are requested with "
                + "repo-s3-key-type=auto. When not set, the role attached to the instance is used."),

        RepoOpt("repo-s3-sse-customer-key", OptionType.String).MarkSecure().Optional().DependsOn("repo-type", "s3")
            .Help(HelpSection.Repository, "S3 SSE-C customer key.",
                "Base64-encoded 256-bit key: objects are encrypted by S3 with this key (SSE-C), which is sent with every "
                + "request that writes or reads an object. From pgBackRest releases after 2.45."),

        RepoOpt("repo-s3-token", OptionType.String).MarkSecure().Optional().DependsOn("repo-s3-key-type", "shared")
            .Help(HelpSection.Repository, "S3 session token.", "Security token of temporary shared credentials."),

        RepoOpt("repo-s3-uri-style", OptionType.StringId).Def("host").Allow("host", "path").DependsOn("repo-type", "s3")
            .Help(HelpSection.Repository, "S3 URI style.",
                "How the bucket is addressed:\n\n"
                + "* host - in the host name, bucket.endpoint (the default)\n"
                + "* path - in the path, endpoint/bucket, which many S3-compatible servers need"),
    ];

    /// <summary>repoN-azure-* and repoN-gcs-*: the other object stores.</summary>
    private static OptionDefinition[] RepoStorageOptions() =>
    [
        RepoOpt("repo-azure-account", OptionType.String).MarkSecure().DependsOn("repo-type", "azure")
            .Help(HelpSection.Repository, "Azure storage account.", "Name of the storage account of the container."),

        RepoOpt("repo-azure-container", OptionType.String).DependsOn("repo-type", "azure")
            .Help(HelpSection.Repository, "Azure container.", "Container holding the repository." + BucketRoot),

        RepoOpt("repo-azure-endpoint", OptionType.String).MarkSecure().Def("blob.core.windows.net")
            .DependsOn("repo-type", "azure")
            .Help(HelpSection.Repository, "Azure endpoint.",
                "Host name of the blob service; the default suits the public Azure cloud, others such as Azure Government "
                + "have their own. The account name is prepended unless repo-azure-uri-style=path." + StorageTestOptions),

        RepoOpt("repo-azure-key", OptionType.String).MarkSecure().DependsOn("repo-type", "azure")
            .Help(HelpSection.Repository, "Azure key.", "Shared key or SAS token, depending on repo-azure-key-type."),

        RepoOpt("repo-azure-key-type", OptionType.StringId).Def("shared").Allow("shared", "sas")
            .DependsOn("repo-type", "azure")
            .Help(HelpSection.Repository, "Azure key type.",
                "What repo-azure-key holds:\n\n"
                + "* shared - the storage account's shared key (the default)\n"
                + "* sas - a shared access signature token"),

        RepoOpt("repo-azure-uri-style", OptionType.StringId).Def("host").Allow("host", "path")
            .DependsOn("repo-type", "azure")
            .Help(HelpSection.Repository, "Azure URI style.",
                "How the account is addressed:\n\n"
                + "* host - in the host name, account.endpoint (the default)\n"
                + "* path - in the path, endpoint/account, as emulators such as Azurite expect"),

        RepoOpt("repo-gcs-bucket", OptionType.String).DependsOn("repo-gcs-key-type")
            .Help(HelpSection.Repository, "GCS bucket.", "Bucket holding the repository." + BucketRoot),

        RepoOpt("repo-gcs-endpoint", OptionType.String).Def("storage.googleapis.com").DependsOn("repo-gcs-key-type")
            .Help(HelpSection.Repository, "GCS endpoint.",
                "Host of the storage API; a port may follow a colon. Point it at a local GCS server (an emulator) or "
                + "another endpoint when needed."),

        RepoOpt("repo-gcs-key", OptionType.String).MarkSecure().DependsOn("repo-gcs-key-type", "service", "token")
            .Help(HelpSection.Repository, "GCS key.", "Service account key file, or token, depending on repo-gcs-key-type."),

        RepoOpt("repo-gcs-key-type", OptionType.StringId).Def("service").Allow("auto", "service", "token")
            .DependsOn("repo-type", "gcs")
            .Help(HelpSection.Repository, "GCS key type.",
                "How requests are authorized:\n\n"
                + "* auto - as the instance's service account, with tokens from the instance metadata service\n"
                + "* service - with the service account key file (JSON) named by repo-gcs-key (the default)\n"
                + "* token - with the bearer token in repo-gcs-key, mainly for tests against an emulator such as "
                + "fake-gcs-server"),
    ];

    /// <summary>repoN-storage-*: what all object stores share.</summary>
    private static OptionDefinition[] RepoObjectStoreOptions() =>
    [
        RepoOpt("repo-storage-ca-file", OptionType.String).Optional().DependsOn("repo-type", "azure", "gcs", "s3")
            .Deprecated("repo-azure-ca-file", indexed: true, unindexed: false)
            .Deprecated("repo-s3-ca-file", indexed: true)
            .Help(HelpSection.Repository, "CA file for the storage service.",
                "Certificate authorities used to verify the object store; the system's are used by default."),

        RepoOpt("repo-storage-ca-path", OptionType.Path).Optional().DependsOn("repo-type", "azure", "gcs", "s3")
            .Deprecated("repo-azure-ca-path", indexed: true, unindexed: false)
            .Deprecated("repo-s3-ca-path", indexed: true)
            .Help(HelpSection.Repository, "CA path for the storage service.",
                "Directory of certificate authorities used to verify the object store, instead of the system's."),

        RepoOpt("repo-storage-host", OptionType.String).Optional().DependsOn("repo-type", "azure", "s3")
            .Deprecated("repo-azure-host", indexed: true, unindexed: false)
            .Deprecated("repo-s3-host", indexed: true)
            .Help(HelpSection.Repository, "Host to connect to instead of the endpoint.",
                "Connects to this host while still using the endpoint name in requests; mostly for testing."),

        RepoOpt("repo-storage-port", OptionType.Integer).Def("443").Between(1, 65535).DependsOn("repo-type", "azure", "s3")
            .Deprecated("repo-azure-port", indexed: true, unindexed: false)
            .Deprecated("repo-s3-port", indexed: true, unindexed: false)
            .Help(HelpSection.Repository, "Port of the storage service.",
                "TCP port of the object store's endpoint, or of repo-storage-host when that is set. A port given with the "
                + "endpoint itself (host:port) takes precedence."),

        RepoOpt("repo-storage-tag", OptionType.Hash).Optional().DependsOn("repo-type", "s3")
            .Help(HelpSection.Repository, "Tags set on every object written.",
                "key=value; may be repeated. S3 stores them as object tags (x-amz-tagging). From pgBackRest 2.48."),

        RepoOpt("repo-storage-upload-chunk-size", OptionType.Size).Optional().Between(64 * KiB, TiB)
            .DependsOn("repo-type", "azure", "gcs", "s3")
            .Help(HelpSection.Repository, "Part size of multi-part uploads.",
                "Object stores accept a large file in parts, so that it never has to be held in memory whole; pgrest "
                + "uploads in parts of this size. Even a file that would fit in memory is sent in parts, which bounds the "
                + "memory an upload needs.\n\n"
                + "Larger parts mean fewer requests and usually faster uploads (a file that fits in one part goes in a "
                + "single request), but more memory: every parallel job holds a part buffer, so the total grows with "
                + "process-max.\n\n"
                + "Default by repository type:\n\n"
                + "* azure - 4MiB\n"
                + "* gcs - 4MiB\n"
                + "* s3 - 5MiB\n\n"
                + "The sizes a service accepts differ: AWS S3 wants at least 5MiB, S3-compatible servers may take less. "
                + "The services call it differently, too: part size (S3), chunk size (GCS), block size (Azure). pgrest "
                + "only checks that it lies between 64KiB and 1TiB, not the service's limits, so an unsuitable size shows "
                + "up as an error from the service."),

        RepoOpt("repo-storage-verify-tls", OptionType.Boolean).Def("y").DependsOn("repo-type", "azure", "gcs", "s3")
            .Deprecated("repo-azure-verify-tls", indexed: true, unindexed: false)
            .Deprecated("repo-s3-verify-ssl", indexed: true)
            .Deprecated("repo-s3-verify-tls", indexed: true, unindexed: false)
            .Help(HelpSection.Repository, "Verify the storage service's certificate.",
                "Checks the TLS certificate of the object store against the certificate authorities (the system's, or "
                + "repo-storage-ca-file/repo-storage-ca-path). Disable it only for testing or for a self-signed "
                + "certificate, since without the check anyone in between can pose as the service."),
    ];

    /// <summary>repoN-host-*: a repository reached through another host, which pgrest does not implement yet.</summary>
    private const string SftpTilde = " A leading ~/ stands for the home directory of the user running the command.";

    /// <summary>repoN-sftp-*: a repository on another host reached over SFTP (pgBackRest 2.46+, known hosts 2.48+).</summary>
    private static OptionDefinition[] RepoSftpOptions() =>
    [
        RepoOpt("repo-sftp-host", OptionType.String).DependsOn("repo-type", "sftp")
            .Help(HelpSection.Repository, "SFTP repository host.",
                "Host name or address of the SSH server holding the repository; repo-path is the repository's path on that "
                + "server."),

        RepoOpt("repo-sftp-host-fingerprint", OptionType.String).Optional().DependsOn("repo-sftp-host-key-check-type", "fingerprint", "strict")
            .Help(HelpSection.Repository, "SFTP server host key fingerprint.",
                "Lowercase hex of the repo-sftp-host-key-hash-type hash of the server's host key, e.g. from\n"
                + "awk '{print $2}' /etc/ssh/ssh_host_ed25519_key.pub | base64 -d | sha256sum\n"
                + "Required by repo-sftp-host-key-check-type=fingerprint; accepted and ignored with strict, as in pgBackRest."),

        RepoOpt("repo-sftp-host-key-check-type", OptionType.StringId).Def("strict").Allow("accept-new", "fingerprint", "none", "strict")
            .DependsOn("repo-sftp-host")
            .Help(HelpSection.Repository, "SFTP host key check type.",
                "How the server's host key is checked:\n\n"
                + "* strict - it must be in the known hosts files (the default)\n"
                + "* accept-new - as strict, but a host not in them yet is added to ~/.ssh/known_hosts; a changed key is "
                + "still refused\n"
                + "* fingerprint - it must hash to repo-sftp-host-fingerprint\n"
                + "* none - no check (not recommended: anyone in between can pose as the server)"),

        RepoOpt("repo-sftp-host-key-hash-type", OptionType.StringId).Allow("md5", "sha1", "sha256").DependsOn("repo-sftp-host")
            .Help(HelpSection.Repository, "SFTP host key hash type.",
                "Hash of the host key that repo-sftp-host-fingerprint holds. Required, as in pgBackRest, whatever the "
                + "check type."),

        RepoOpt("repo-sftp-host-port", OptionType.Integer).Def("22").Between(1, 65535).DependsOn("repo-sftp-host")
            .Help(HelpSection.Repository, "SFTP repository host port.", "TCP port of the SSH server."),

        RepoOpt("repo-sftp-host-user", OptionType.String).DependsOn("repo-sftp-host")
            .Help(HelpSection.Repository, "SFTP repository host user.", "User to log in as on the SSH server."),

        RepoOpt("repo-sftp-known-host", OptionType.List).Optional().DependsOn("repo-sftp-host-key-check-type", "accept-new", "strict")
            .Help(HelpSection.Repository, "SFTP known hosts file.",
                "A known_hosts file (OpenSSH format, hashed names included) to look the server's key up in; may be "
                + "repeated. When none is given: ~/.ssh/known_hosts, ~/.ssh/known_hosts2, /etc/ssh/ssh_known_hosts and "
                + "/etc/ssh/ssh_known_hosts2." + SftpTilde),

        RepoOpt("repo-sftp-private-key-file", OptionType.String).DependsOn("repo-sftp-host")
            .Help(HelpSection.Repository, "SFTP private key file.",
                "Private key to authenticate with (OpenSSH, PEM or PuTTY format; RSA, ECDSA or Ed25519). Public key "
                + "authentication is the only method, as in pgBackRest." + SftpTilde),

        RepoOpt("repo-sftp-private-key-passphrase", OptionType.String).MarkSecure().Optional().DependsOn("repo-sftp-host")
            .Help(HelpSection.Repository, "SFTP private key passphrase.",
                "Passphrase of repo-sftp-private-key-file when it is encrypted."),

        RepoOpt("repo-sftp-public-key-file", OptionType.String).Optional().DependsOn("repo-sftp-host")
            .Help(HelpSection.Repository, "SFTP public key file.",
                "Accepted for pgBackRest's configurations; pgrest derives the public key from the private key file."
                + SftpTilde),
    ];

    private static OptionDefinition[] RepoHostOptions() =>
    [
        RepoOpt("repo-host", OptionType.String).Optional().DependsOn("repo-local", "n").Deprecated("backup-host")
            .Help(HelpSection.Repository, "Host of a remote repository.",
                "Set on a database host to use a repository that lives on another host, a dedicated backup host. Not "
                + "needed for a repository on a local or mounted file system or in an object store.\n\n" + RepoHostMissing),

        RepoOpt("repo-host-ca-file", OptionType.String).Optional().DependsOn("repo-host-type", "tls")
            .Help(HelpSection.Repository, "CA file for the repository host's TLS certificate.",
                "Certificate authorities used to verify the TLS server of the repository host, instead of the system's. "
                + RepoHostTlsOnly),

        RepoOpt("repo-host-ca-path", OptionType.String).Optional().DependsOn("repo-host-type", "tls")
            .Help(HelpSection.Repository, "CA path for the repository host's TLS certificate.",
                "Directory of certificate authorities used to verify the TLS server of the repository host, instead of the "
                + "system's. " + RepoHostTlsOnly),

        RepoOpt("repo-host-cert-file", OptionType.String).DependsOn("repo-host-type", "tls")
            .Help(HelpSection.Repository, "Client certificate for the repository host.",
                "Certificate presented to the repository host's TLS server to prove who the client is. " + RepoHostTlsOnly),

        RepoOpt("repo-host-cmd", OptionType.String, RepoHostCommands).Optional().Def(PgRestVersion.Executable)
            .DependsOn("repo-host").Deprecated("backup-cmd")
            .Help(HelpSection.Repository, "Program run on the repository host.",
                "Path of the program on the repository host; only needed when it differs from the local one, which is "
                + "used otherwise. " + RepoHostOnly),

        RepoOpt("repo-host-config", OptionType.String, RepoHostCommands).Def(ConfigFileDefault).DependsOn("repo-host")
            .Deprecated("backup-config")
            .Help(HelpSection.Repository, "Configuration file on the repository host.",
                "Passed to the program started on the repository host; only needed when its configuration file is "
                + "somewhere else than the local one. " + RepoHostOnly),

        RepoOpt("repo-host-config-include-path", OptionType.Path, RepoHostCommands).Def(ConfigIncludePathDefault)
            .DependsOn("repo-host")
            .Help(HelpSection.Repository, "Configuration include path on the repository host.",
                "Passed to the program started on the repository host; only needed when its include path is somewhere "
                + "else than the local one. " + RepoHostOnly),

        RepoOpt("repo-host-config-path", OptionType.Path, RepoHostCommands).Def(ConfigPathDefault).DependsOn("repo-host")
            .Help(HelpSection.Repository, "Configuration path on the repository host.",
                "Passed to the program started on the repository host; only needed when its configuration path is "
                + "somewhere else than the local one. " + RepoHostOnly),

        RepoOpt("repo-host-key-file", OptionType.String).DependsOn("repo-host-type", "tls")
            .Help(HelpSection.Repository, "Client key for the repository host.",
                "Private key of repo-host-cert-file, proving the client owns the certificate. " + RepoHostTlsOnly),

        RepoOpt("repo-host-port", OptionType.Integer, RepoHostCommands).Optional().Between(0, 65535).DependsOn("repo-host")
            .Deprecated("backup-ssh-port")
            .Help(HelpSection.Repository, "Port of the repository host.",
                "SSH port, or TLS port (default 8432) when repo-host-type=tls, if the host does not use the default. "
                + RepoHostOnly),

        RepoOpt("repo-host-type", OptionType.StringId).Def("ssh").Allow("ssh", "tls").DependsOn("repo-local", "n")
            .Help(HelpSection.Repository, "Protocol used to reach the repository host.",
                "How the repository host is reached:" + HostTypes + "\n\n" + RepoHostOnly),

        RepoOpt("repo-host-user", OptionType.String, RepoHostCommands).Optional().Def("pgbackrest").DependsOn("repo-host")
            .Deprecated("backup-user")
            .Help(HelpSection.Repository, "User on the repository host.",
                "Login on the repository host, which owns the repository there. Better a user of its own, such as "
                + "pgbackrest, than postgres; if PostgreSQL runs on that host too, putting postgres in the pgbackrest "
                + "group gives it read access to the repository but no way to harm it. " + RepoHostOnly),

        RepoOpt("repo-local", OptionType.Boolean).Def("n").MarkInternal()
            .Help(HelpSection.Repository, "The repository is local.", "Forces the repository to be treated as local."),
    ];
}
