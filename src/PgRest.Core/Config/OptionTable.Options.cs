namespace PgRest.Config;

// Only constants here: static fields must live in OptionTable.cs, whose initializers run in a defined order.
public static partial class OptionTable
{
    private const long KiB = 1024, MiB = KiB * 1024, GiB = MiB * 1024, TiB = GiB * 1024, PiB = TiB * 1024;

    // Time options are held in milliseconds.
    private const long Seconds = 1000;

    private const uint AllCommands = (1u << 20) - 1;

    // Shapes shared by many options (main role of pgBackRest 2.45).
    private const uint Runnable = AllCommands & ~(HelpCommand | VersionCommand);
    private const uint Networked = Runnable & ~(Start | Stop);
    private const uint RepoCommands = Networked & ~(Server | ServerPing);
    private const uint RepoHostCommands = RepoCommands & ~(Backup | Expire);
    private const uint RemoteCommands = ArchiveGet | ArchivePush | Backup | Check | Info | RepoGet | RepoLs | Restore
        | StanzaCreate | StanzaDelete | StanzaUpgrade | Verify;
    private const uint ProtocolCommands = RemoteCommands | Annotate;
    private const uint DbTimeoutCommands = ArchiveGet | ArchivePush | Backup | Check | RepoGet | RepoLs | StanzaCreate
        | StanzaDelete | StanzaUpgrade;
    private const uint LockCommands = Annotate | ArchiveGet | ArchivePush | Backup | Expire | Info | Restore | StanzaCreate
        | StanzaDelete | StanzaUpgrade | Start | Stop;
    private const uint PgCommands = ArchiveGet | ArchivePush | Backup | Check | Restore | StanzaCreate | StanzaDelete | StanzaUpgrade;
    private const uint PgDatabaseCommands = Backup | Check | StanzaCreate | StanzaDelete | StanzaUpgrade;
    private const uint RepoSelectCommands = Annotate | ArchiveGet | Backup | Expire | Info | RepoGet | RepoLs | Restore
        | StanzaDelete | Verify;
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
            description + " Levels from quietest to most verbose: off, error, warn, info, detail, debug, trace. Each level "
            + "includes the ones before it; trace output may contain secrets.");

    // The table in the sections of pgBackRest's config.yaml; BuildOptions sorts it by name.
    private static OptionDefinition[] BuildOptions()
    {
        OptionDefinition[] options =
        [
            .. CommandLineOptions(),
            .. InternalOptions(),
            .. TargetOptions(),
            .. GeneralOptions(),
            .. LogOptions(),
            .. ArchiveOptions(),
            .. BackupOptions(),
            .. RestoreOptions(),
            .. RemoteOptions(),
            .. PgOptions(),
            .. RepoOptions(),
            .. RepoBlockOptions(),
            .. RepoS3Options(),
            .. RepoStorageOptions(),
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
                "Main configuration file. A file given explicitly must exist. --no-config reads no main file (files in the "
                + "include path are still read when config-include-path or config-path is given)."),

        Opt("config-include-path", OptionType.Path, Runnable).Def(ConfigIncludePathDefault)
            .Help(HelpSection.General, "Path of additional configuration files.",
                "Every *.conf file in this path is read after the main file, in name order, as if appended to it. A path "
                + "given explicitly must exist."),

        Opt("config-path", OptionType.Path, Runnable).Def(ConfigPathDefault)
            .Help(HelpSection.General, "Base path of the configuration files.",
                "Changes the defaults of config (<path>/pgbackrest.conf) and config-include-path (<path>/conf.d)."),

        Opt("dry-run", OptionType.Boolean, Expire).Def("n")
            .Help(HelpSection.General, "Report what would be done without doing it.",
                "Logs the backups and WAL that would be removed but changes nothing."),

        Opt("filter", OptionType.String, RepoLs).Optional()
            .Help(HelpSection.Command, "Regular expression selecting the listed names.",
                "Only entries whose name matches the expression are listed."),

        Opt("force", OptionType.Boolean, Backup | Restore | StanzaCreate | StanzaDelete | Stop).Def("n")
            .Help(HelpSection.Command, "Force the command despite a safety check.",
                "What is forced depends on the command.")
            .On(Backup, depend: When("online", "n"), summary: "Back up even though the cluster may be running.",
                description: "With --no-online the backup normally refuses to run while a postmaster.pid exists; --force "
                + "ignores it. The result is inconsistent if the cluster really is running.")
            .On(Restore, summary: "Restore into a non-empty directory.",
                description: "Overwrites existing files in the target directory without comparing them; with --delta, files "
                + "are compared by size and time stamp instead of checksum.")
            .On(StanzaCreate, isInternal: true, summary: "Create the stanza even if it looks inconsistent.",
                description: "Deprecated; no longer has any effect.")
            .On(StanzaDelete, summary: "Delete the stanza even though the cluster is running.",
                description: "Allows deleting a stanza whose cluster appears to be running.")
            .On(Stop, summary: "Also terminate running processes.",
                description: "Besides creating the stop file, terminates running processes of the stanza (or all stanzas)."),

        Opt("ignore-missing", OptionType.Boolean, RepoGet).Def("n")
            .Help(HelpSection.Command, "Succeed with exit code 1 when the file is missing.",
                "Instead of an error, a missing file makes the command exit with code 1 and no output."),

        Opt("online", OptionType.Boolean, Backup | StanzaCreate | StanzaUpgrade).Def("y").AllowNegate()
            .Help(HelpSection.Command, "Work with a running cluster.",
                "--no-online works from the files of a stopped cluster instead of connecting to it.")
            .On(Backup, summary: "Back up a running cluster.",
                description: "Uses the online backup functions of PostgreSQL. --no-online backs up a stopped cluster; the "
                + "command refuses to run while the cluster appears to be running unless --force is given.")
            .On(StanzaCreate, summary: "Read the cluster's settings from the running cluster.",
                description: "With --no-online the settings are read from the control file of a stopped cluster.")
            .On(StanzaUpgrade, summary: "Read the upgraded cluster's settings from the running cluster.",
                description: "With --no-online the settings are read from the control file of a stopped cluster."),

        Opt("output", OptionType.StringId, Info | RepoLs | Verify).Def("text").Allow("text", "json")
            .Help(HelpSection.Command, "Output format.", "Format of the command's output.")
            .On(Info, summary: "Output format.", description: "text is meant for people; json for programs.")
            .On(RepoLs, summary: "Output format.",
                description: "text prints one name per line; json prints type, size and time of each entry.")
            .On(Verify, def: "none", allow: ["none", "text"], summary: "Output format.",
                description: "none only logs; text prints a summary of the checks (more with --verbose)."),

        Opt("pg", OptionType.Integer, 0).Optional().Between(1, 256).MarkInternal()
            .Help(HelpSection.Command, "PostgreSQL cluster index.", "Selects a pg index for internal commands."),

        Opt("raw", OptionType.Boolean, RepoGet).Def("n")
            .Help(HelpSection.General, "Do not decrypt or decompress.",
                "Outputs the file exactly as stored in the repository."),

        Opt("recurse", OptionType.Boolean, RepoLs).Def("n")
            .Help(HelpSection.Command, "Include subpaths.", "Lists the whole tree below the path."),

        Opt("repo", OptionType.Integer, RepoSelectCommands).Optional().Between(1, 256)
            .Help(HelpSection.Repository, "Repository to use.",
                "Index of the repository a command works on, e.g. to restore from repo2 instead of letting the program "
                + "choose."),

        Opt("sort", OptionType.StringId, RepoLs).Def("asc").Allow("none", "asc", "desc")
            .Help(HelpSection.Command, "Order of the listing.", "asc, desc or none (storage order)."),

        Opt("stanza", OptionType.String, StanzaCommands)
            .On(Info | RepoGet | RepoLs | Start | Stop, required: false)
            .Help(HelpSection.General, "Stanza to work on.",
                "A stanza names the configuration of one PostgreSQL cluster: where it runs, how it is backed up and "
                + "archived. A descriptive name (app, dw) ages better than a host name because the cluster keeps the name "
                + "across failovers."),

        Opt("verbose", OptionType.Boolean, Verify).Def("n")
            .Help(HelpSection.Command, "Detailed output.", "Lists the checks of each backup and archive, not only failures."),
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

        Opt("remote-type", OptionType.StringId, 0).Optional().Allow("pg", "repo").MarkInternal()
            .Help(HelpSection.General, "Kind of remote process.", "Whether a remote serves a cluster or a repository."),
    ];

    /// <summary>Which backup and which point in time restore, info and expire work on.</summary>
    private static OptionDefinition[] TargetOptions() =>
    [
        Opt("set", OptionType.String, Annotate | Expire | Info | Restore | Verify).Optional()
            .Help(HelpSection.Command, "Backup set to work on.", "Label of a backup, e.g. 20240101-000000F.")
            .On(Annotate, required: true, summary: "Backup to annotate.", description: "Label of the backup to change.")
            .On(Expire, summary: "Backup to expire.",
                description: "Removes this backup and the backups that depend on it, whatever the retention settings say. "
                + "The latest backup cannot be removed this way.")
            .On(Info, depend: When("stanza"), summary: "Backup to show in detail.",
                description: "Shows the databases, tablespaces and links of one backup of --stanza.")
            .On(Restore, required: true, def: "latest", summary: "Backup to restore.",
                description: "Label of the backup to restore; latest picks the newest backup that allows reaching the "
                + "requested target.")
            .On(Verify, isInternal: true, summary: "Backup to verify.", description: "Verifies only this backup."),

        Opt("target", OptionType.String, Restore).DependsOn("type", "lsn", "name", "time", "xid")
            .Help(HelpSection.Command, "Recovery target.",
                "LSN, restore point name, time stamp or transaction id to recover to, depending on --type. Use --set when the "
                + "target lies before the latest backup and cannot be found automatically."),

        Opt("target-action", OptionType.StringId, Restore).Def("pause").Allow("pause", "promote", "shutdown")
            .DependsOn("type", "immediate", "lsn", "name", "time", "xid")
            .Help(HelpSection.Command, "What PostgreSQL does at the target.",
                "pause waits for a manual decision, promote opens the cluster for writes, shutdown stops it."),

        Opt("target-exclusive", OptionType.Boolean, Restore).Def("n").DependsOn("type", "lsn", "time", "xid")
            .Help(HelpSection.Command, "Stop just before the target.",
                "Recovery stops right before the target instead of right after it."),

        Opt("target-timeline", OptionType.String, Restore).Optional()
            .DependsOn("type", "default", "lsn", "name", "standby", "time", "xid")
            .Help(HelpSection.Command, "Timeline to recover along.",
                "current, latest or a timeline number; by default PostgreSQL's own default (latest since version 12)."),

        Opt("type", OptionType.StringId, Backup | Info | Restore)
            .Help(HelpSection.Command, "Type of backup or recovery.", "Meaning and values depend on the command.")
            .On(Backup, def: "incr", allow: ["full", "diff", "incr"], summary: "Backup type.",
                description: "full copies everything; diff copies what changed since the last full backup; incr copies "
                + "what changed since the last backup of any type. diff and incr become full when there is no full backup "
                + "to build on.")
            .On(Info, required: false, allow: ["full", "diff", "incr"], summary: "Show only backups of this type.",
                description: "full, diff or incr.")
            .On(Restore, def: "default", allow: ["lsn", "name", "time", "xid", "preserve", "none", "immediate", "default", "standby"],
                summary: "Recovery type.",
                description: "default recovers to the end of the archived WAL; immediate stops as soon as the backup is "
                + "consistent; lsn, name, time and xid recover to --target; standby makes the cluster a standby; preserve "
                + "keeps the backed up recovery settings; none writes no recovery settings."),
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
                "Buffer size for copying, compressing and encrypting. Some operations use several buffers, and compressors "
                + "may add memory of their own."),

        GlobalOpt("compress", OptionType.Boolean, ArchivePush | Backup).Def("y")
            .Help(HelpSection.General, "Compress files (deprecated).",
                "Replaced by compress-type. Setting it to n is the same as compress-type=none."),

        GlobalOpt("compress-level", OptionType.Integer, ArchivePush | Backup).Optional()
            .Help(HelpSection.General, "Compression level.",
                "Level for compress-type. Defaults and ranges per type: gz 6 (-1 to 9), bz2 9 (1 to 9), lz4 1 (-5 to 12), "
                + "zst 3 (-7 to 22)."),

        GlobalOpt("compress-type", OptionType.StringId, ArchivePush | Backup).Def("gz").Allow("none", "bz2", "gz", "lz4", "zst")
            .Help(HelpSection.General, "Compression algorithm.",
                "Algorithm for files written to the repository: none, bz2, gz, lz4 or zst. lz4 and zst are much faster than "
                + "gz; bz2 compresses best and slowest."),

        GlobalOpt("db-timeout", OptionType.Time, DbTimeoutCommands).Def("1800").Between(100, 604800 * Seconds)
            .Help(HelpSection.General, "Timeout for database queries.",
                "Seconds to wait for a query, including the backup start and stop calls. Must be lower than "
                + "protocol-timeout."),

        GlobalOpt("delta", OptionType.Boolean, Backup | Restore).Def("n")
            .Help(HelpSection.General, "Compare files by checksum.",
                "Restore: keep files of the target directory that already match the backup and only copy the others. "
                + "Backup: decide what changed by checksum rather than by time stamp and size."),

        GlobalOpt("io-timeout", OptionType.Time, Networked).Def("60").Between(100, 3600 * Seconds)
            .Help(HelpSection.General, "Timeout for a single read or write.",
                "Seconds a network or storage read/write may take before it fails; the whole transfer may take longer."),

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
                + "All processes on a host must use the same path."),

        GlobalOpt("neutral-umask", OptionType.Boolean, Runnable & ~(Info | Server | ServerPing)).Def("y")
            .Help(HelpSection.General, "Use umask 0000.",
                "Makes file modes depend only on what the program requests (0640/0750) and not on the caller's umask."),

        GlobalOpt("process-max", OptionType.Integer, ArchiveGet | ArchivePush | Backup | Restore | Verify).Def("1")
            .Between(1, 999)
            .Help(HelpSection.General, "Parallel processes for compression and transfer.",
                "Higher values make the command faster but load the database host more."),
    ];

    /// <summary>log-*: where messages go and how much is said.</summary>
    private static OptionDefinition[] LogOptions() =>
    [
        LogLevel("log-level-console", "warn", "Log level of the console (stdout).",
            "Messages at or above this level are written to standard output."),

        LogLevel("log-level-file", "info", "Log level of the log file.",
            "Messages at or above this level are written to the command's log file in log-path."),

        LogLevel("log-level-stderr", "warn", "Log level of standard error.",
            "Messages at or above this level are written to standard error rather than standard output."),

        GlobalOpt("log-path", OptionType.Path, Runnable).Def("/var/log/pgbackrest")
            .Help(HelpSection.Log, "Path of the log files.",
                "Log files are named <stanza>-<command>.log."),

        GlobalOpt("log-subprocess", OptionType.Boolean, ProtocolCommands).Def("n")
            .Help(HelpSection.Log, "Log helper processes to files too.",
                "Helper processes write their own log files at log-level-file."),

        GlobalOpt("log-timestamp", OptionType.Boolean, Runnable).Def("y")
            .Help(HelpSection.Log, "Prefix log lines with a time stamp.",
                "Turning it off gives output that is easier to compare, e.g. in tests."),
    ];

    /// <summary>WAL archiving: archive-push, archive-get and their asynchronous mode.</summary>
    private static OptionDefinition[] ArchiveOptions() =>
    [
        GlobalOpt("archive-async", OptionType.Boolean, ArchiveGet | ArchivePush).Def("n")
            .Help(HelpSection.Command, "Push and get WAL asynchronously.",
                "archive-push queues segments in spool-path and a background process pushes them in batches, using "
                + "process-max processes; archive-get prefetches segments into the spool path. This greatly raises the WAL "
                + "rate that can be archived or replayed."),

        GlobalOpt("archive-check", OptionType.Boolean, ArchivePush | Backup | Check).Def("y")
            .On(Backup, depend: new OptionDependency("online", ["y"], false))
            .Help(HelpSection.Command, "Wait for the WAL needed by a backup to be archived.",
                "An online backup is only consistent together with the WAL written while it ran. When enabled, the backup "
                + "does not complete until those segments are in the archive. Only disable it when the WAL is archived by "
                + "another mechanism."),

        GlobalOpt("archive-copy", OptionType.Boolean, Backup).Def("n")
            .DependsOnOrDefault(false, "archive-check", "y")
            .Help(HelpSection.Command, "Store the WAL needed for consistency inside the backup.",
                "Copies the WAL segments needed to make the backup consistent into the backup itself, so it can be restored "
                + "even if the archive is lost. The segments are still kept in the archive as well."),

        GlobalOpt("archive-get-queue-max", OptionType.Size, ArchiveGet).Def("128MiB").Between(0, 4 * PiB)
            .Help(HelpSection.Command, "Largest size of the asynchronous archive-get queue.",
                "Upper bound on the WAL that asynchronous archive-get prefetches into the spool path. Segments are "
                + "fetched ahead while the queue is below this size."),

        GlobalOpt("archive-header-check", OptionType.Boolean, ArchivePush).Def("y")
            .Help(HelpSection.Command, "Compare WAL headers with the stanza.",
                "Reads the PostgreSQL version and system identifier from each pushed WAL segment and refuses segments that "
                + "do not belong to the stanza's cluster."),

        GlobalOpt("archive-missing-retry", OptionType.Boolean, ArchiveGet).Def("y")
            .Help(HelpSection.Command, "Look again for a segment found missing earlier.",
                "With asynchronous archive-get, a segment already reported missing is looked up in the archive again "
                + "instead of trusting the earlier answer. Disabling it lets recovery notice the end of the archive sooner "
                + "and switch to streaming replication."),

        GlobalOpt("archive-mode", OptionType.StringId, Restore).Def("preserve").Allow("off", "preserve")
            .Help(HelpSection.Command, "Keep or turn off archiving on the restored cluster.",
                "preserve keeps the archive_mode setting of the backup; off sets archive_mode=off so that a restored copy "
                + "cannot push WAL into the original cluster's archive."),

        GlobalOpt("archive-mode-check", OptionType.Boolean, ArchivePush | Backup | Check).Def("y")
            .DependsOnOrDefault(false, "archive-check", "y")
            .Help(HelpSection.Command, "Check that archive_mode is suitable.",
                "Refuses archive_mode=always, with which primary and standby would both push the same WAL. Disable only "
                + "when each cluster archives to its own repository."),

        GlobalOpt("archive-push-queue-max", OptionType.Size, ArchivePush).Optional().Between(0, 4 * PiB)
            .Deprecated("archive-queue-max")
            .Help(HelpSection.Command, "Largest WAL backlog before segments are dropped.",
                "Protects the cluster from filling pg_wal when archiving stops working: once the unarchived WAL exceeds this "
                + "size, archive-push reports success without storing the segments and logs a warning. Point-in-time "
                + "recovery through the dropped WAL becomes impossible."),

        GlobalOpt("archive-timeout", OptionType.Time, ArchiveGet | ArchivePush | Backup | Check).Def("60")
            .Between(100, 86400 * Seconds)
            .Help(HelpSection.Command, "Time to wait for WAL to reach the archive.",
                "Seconds (decimals allowed) that check and backup wait for a WAL segment to appear in the archive, and that "
                + "asynchronous archive-push/archive-get wait for the background process."),

        GlobalOpt("spool-path", OptionType.Path, ArchiveGet | ArchivePush | Restore).Def("/var/spool/pgbackrest")
            .On(ArchiveGet | ArchivePush, depend: When("archive-async", "y"))
            .On(Restore, isInternal: true)
            .Help(HelpSection.General, "Path of the asynchronous archiving queue.",
                "Holds the status of asynchronous archive-push and the WAL prefetched by asynchronous archive-get. Must be "
                + "on a local file system and must not be shared."),
    ];

    /// <summary>What backup copies and how.</summary>
    private static OptionDefinition[] BackupOptions() =>
    [
        GlobalOpt("annotation", OptionType.Hash, Annotate | Backup).Optional()
            .On(Annotate, required: true)
            .Help(HelpSection.Command, "Attach key/value annotations to a backup.",
                "Each --annotation=key=value stores one pair with the backup; info shows them with --set. Repeat the option "
                + "for several pairs. With the annotate command an empty value (key=) removes the key."),

        GlobalOpt("backup-standby", OptionType.Boolean, Backup | Check).Def("n")
            .Help(HelpSection.Command, "Copy files from a standby.",
                "Most files are read from a standby (configured as another pg index) instead of the primary, which only "
                + "provides the backup start/stop calls and a few files. Reduces load on the primary."),

        GlobalOpt("checksum-page", OptionType.Boolean, Backup).Optional()
            .Help(HelpSection.Command, "Verify data page checksums.",
                "Checks the checksum of every data page while backing up and reports invalid pages. Enabled automatically "
                + "when the cluster has data checksums."),

        GlobalOpt("exclude", OptionType.List, Backup).Optional()
            .Help(HelpSection.Command, "Paths or files to leave out of the backup.",
                "Relative to pg1-path. A name ending in / excludes the files of that directory but keeps the directory; "
                + "otherwise the name matches a file, or a directory with everything in it. Repeat for several entries. "
                + "Excluding files PostgreSQL needs makes the backup unusable."),

        GlobalOpt("expire-auto", OptionType.Boolean, Backup).Def("y")
            .Help(HelpSection.Command, "Expire after every successful backup.",
                "Runs expire when a backup succeeds. When disabled, expire has to be scheduled separately."),

        GlobalOpt("manifest-save-threshold", OptionType.Size, Backup).Def("1GiB").Between(1, TiB)
            .Help(HelpSection.Command, "How often the manifest is saved during a backup.",
                "The manifest is saved after this much data (or 1% of the backup, whichever is larger) has been copied, "
                + "so that an interrupted backup can be resumed efficiently."),

        GlobalOpt("resume", OptionType.Boolean, Backup).Def("y")
            .Help(HelpSection.Command, "Resume an interrupted backup.",
                "Files of an interrupted backup of the same type that are still valid are kept instead of copied again."),

        GlobalOpt("start-fast", OptionType.Boolean, Backup).Def("n")
            .Help(HelpSection.Command, "Start the backup with an immediate checkpoint.",
                "Without it the backup waits for the next regular checkpoint, which can take up to checkpoint_timeout."),

        GlobalOpt("stop-auto", OptionType.Boolean, Backup).Def("n")
            .Help(HelpSection.Command, "Stop a leftover backup before starting.",
                "Calls pg_stop_backup() first if an earlier exclusive backup was left running (PostgreSQL before 9.6)."),
    ];

    /// <summary>What restore writes and where.</summary>
    private static OptionDefinition[] RestoreOptions() =>
    [
        GlobalOpt("db-exclude", OptionType.List, Restore).Optional()
            .Help(HelpSection.Command, "Databases to leave out of a restore.",
                "Restores the cluster without the named databases: their files are replaced by sparse zeroed files and the "
                + "databases must be dropped after recovery. Repeat for several databases."),

        GlobalOpt("db-include", OptionType.List, Restore).Optional()
            .Help(HelpSection.Command, "Restore only these databases.",
                "Restores the system databases plus the named ones; the others are zeroed and must be dropped after "
                + "recovery. Repeat for several databases."),

        GlobalOpt("link-all", OptionType.Boolean, Restore).Def("n")
            .Help(HelpSection.Command, "Restore symlinks as symlinks.",
                "Restores the symlinks of the backed up data directory as links to their original places instead of "
                + "as plain directories and files."),

        GlobalOpt("link-map", OptionType.Hash, Restore).Optional()
            .Help(HelpSection.Command, "Restore a symlink to another place.",
                "link=destination; the link name is relative to the data directory (e.g. pg_wal=/wal). Repeat for "
                + "several links."),

        GlobalOpt("recovery-option", OptionType.Hash, Restore).Optional()
            .DependsOn("type", "default", "immediate", "lsn", "name", "time", "standby", "xid")
            .Help(HelpSection.Command, "Add a setting to the recovery configuration.",
                "key=value written to the recovery settings of the restored cluster, e.g. "
                + "primary_conninfo=host=primary user=replicator. restore_command is generated unless given here. Repeat "
                + "for several settings."),

        GlobalOpt("tablespace-map", OptionType.Hash, Restore).Optional()
            .Help(HelpSection.Command, "Restore a tablespace to another directory.",
                "name-or-oid=directory. Repeat for several tablespaces."),

        GlobalOpt("tablespace-map-all", OptionType.String, Restore).Optional()
            .Help(HelpSection.Command, "Restore all tablespaces below a directory.",
                "The directory becomes the parent of every restored tablespace; tablespace-map entries take precedence."),
    ];

    /// <summary>Reaching other hosts: SSH, the TLS server, the protocol between processes.</summary>
    private static OptionDefinition[] RemoteOptions() =>
    [
        GlobalOpt("cmd", OptionType.String, RemoteCommands).Optional().Def(PgRestVersion.Executable)
            .Help(HelpSection.General, "Program named in the commands pgrest writes.",
                "The program restore writes into restore_command. Defaults to the path pgrest was started by, as typed: a "
                + "symlink stays a symlink. pgrest's own background workers are started from the running binary."),

        GlobalOpt("cmd-ssh", OptionType.String, RemoteCommands).Def("ssh")
            .Help(HelpSection.General, "SSH client.",
                "Client used to reach remote hosts over SSH, when ssh is not on the path or another client is wanted."),

        GlobalOpt("compress-level-network", OptionType.Integer, ProtocolCommands).Def("3").Between(0, 9)
            .Help(HelpSection.General, "Compression level for network transfer.",
                "gz level used for data sent to or from a remote host when the file itself is not compressed."),

        GlobalOpt("protocol-timeout", OptionType.Time, ProtocolCommands | Server).Def("1830").Between(100, 604800 * Seconds)
            .Help(HelpSection.General, "Timeout for replies from helper processes.",
                "Seconds to wait for a reply from a local or remote helper process. Must be greater than db-timeout."),

        GlobalOpt("sck-block", OptionType.Boolean, Networked).Def("n").MarkInternal()
            .Help(HelpSection.General, "Blocking sockets.", "Uses blocking socket operations."),

        GlobalOpt("sck-keep-alive", OptionType.Boolean, Networked).Def("y")
            .Help(HelpSection.General, "TCP keep-alive.", "Enables keep-alive probes on network connections."),

        GlobalOpt("tcp-keep-alive-count", OptionType.Integer, Networked).Optional().Between(1, 32)
            .DependsOn("sck-keep-alive", "y")
            .Help(HelpSection.General, "Keep-alive probes before the connection is dropped.", "Sets TCP_KEEPCNT."),

        GlobalOpt("tcp-keep-alive-idle", OptionType.Integer, Networked).Optional().Between(1, 3600)
            .DependsOn("sck-keep-alive", "y")
            .Help(HelpSection.General, "Idle seconds before keep-alive probes start.", "Sets TCP_KEEPIDLE."),

        GlobalOpt("tcp-keep-alive-interval", OptionType.Integer, Networked).Optional().Between(1, 900)
            .DependsOn("sck-keep-alive", "y")
            .Help(HelpSection.General, "Seconds between keep-alive probes.", "Sets TCP_KEEPINTVL."),

        GlobalOpt("tls-server-address", OptionType.String, Server | ServerPing).Def("localhost")
            .Help(HelpSection.Command, "Address of the TLS server.",
                "Address the server listens on, or the server-ping target when no parameter is given."),

        GlobalOpt("tls-server-auth", OptionType.Hash, Server)
            .Help(HelpSection.Command, "Clients allowed to connect.",
                "client-cn=stanza-list: the certificate common name of a client and the comma-separated stanzas it may "
                + "use, or * for all. Repeat for several clients."),

        GlobalOpt("tls-server-ca-file", OptionType.Path, Server)
            .Help(HelpSection.Command, "CA file for client certificates.", "Certificate authorities accepted for clients."),

        GlobalOpt("tls-server-cert-file", OptionType.Path, Server)
            .Help(HelpSection.Command, "Certificate of the server.", "Certificate presented to clients."),

        GlobalOpt("tls-server-key-file", OptionType.Path, Server)
            .Help(HelpSection.Command, "Key of the server.", "Private key of tls-server-cert-file."),

        GlobalOpt("tls-server-port", OptionType.Integer, Server | ServerPing).Def("8432").Between(1, 65535)
            .Help(HelpSection.Command, "Port of the TLS server.", "Port the server listens on."),
    ];

    /// <summary>pgN-*: the PostgreSQL clusters of a stanza.</summary>
    private static OptionDefinition[] PgOptions() =>
    [
        PgOpt("pg-database", OptionType.String, PgDatabaseCommands).Def("postgres").DependsOn("pg-path")
            .Help(HelpSection.Stanza, "Database to connect to.",
                "Database used for the backup and archive queries; it must exist."),

        PgOpt("pg-host", OptionType.String, PgCommands).Optional().DependsOn("pg-local", "n")
            .Deprecated("db-host", indexed: true)
            .On(ArchiveGet | ArchivePush | Restore, isInternal: true)
            .Help(HelpSection.Stanza, "Host of a remote PostgreSQL cluster.",
                "Set on a repository host to reach a cluster running elsewhere."),

        PgOpt("pg-host-ca-file", OptionType.String, PgCommands).InGlobal().Optional().DependsOn("pg-host-type", "tls")
            .On(ArchiveGet | ArchivePush | Restore, isInternal: true)
            .Help(HelpSection.Stanza, "CA file for the PostgreSQL host's TLS certificate.",
                "Certificate authorities used to verify the remote TLS server."),

        PgOpt("pg-host-ca-path", OptionType.String, PgCommands).InGlobal().Optional().DependsOn("pg-host-type", "tls")
            .On(ArchiveGet | ArchivePush | Restore, isInternal: true)
            .Help(HelpSection.Stanza, "CA path for the PostgreSQL host's TLS certificate.",
                "Directory of certificate authorities used to verify the remote TLS server."),

        PgOpt("pg-host-cert-file", OptionType.String, PgCommands).InGlobal().DependsOn("pg-host-type", "tls")
            .On(ArchiveGet | ArchivePush | Restore, isInternal: true)
            .Help(HelpSection.Stanza, "Client certificate for the PostgreSQL host.",
                "Certificate presented to the remote TLS server."),

        PgOpt("pg-host-cmd", OptionType.String, PgDatabaseCommands).Optional().Def(PgRestVersion.Executable)
            .DependsOn("pg-host").Deprecated("db-cmd", indexed: true)
            .Help(HelpSection.Stanza, "Program run on the PostgreSQL host.",
                "Needed when the program is installed elsewhere on the remote host."),

        PgOpt("pg-host-config", OptionType.String, PgDatabaseCommands).Def(ConfigFileDefault).DependsOn("pg-host")
            .Deprecated("db-config", indexed: true)
            .Help(HelpSection.Stanza, "Configuration file on the PostgreSQL host.",
                "Passed to the program started on the remote host."),

        PgOpt("pg-host-config-include-path", OptionType.Path, PgDatabaseCommands).Optional().Def(ConfigIncludePathDefault)
            .DependsOn("pg-host")
            .Help(HelpSection.Stanza, "Configuration include path on the PostgreSQL host.",
                "Passed to the program started on the remote host."),

        PgOpt("pg-host-config-path", OptionType.Path, PgDatabaseCommands).Optional().Def(ConfigPathDefault)
            .DependsOn("pg-host")
            .Help(HelpSection.Stanza, "Configuration path on the PostgreSQL host.",
                "Passed to the program started on the remote host."),

        PgOpt("pg-host-key-file", OptionType.String, PgCommands).InGlobal().DependsOn("pg-host-type", "tls")
            .On(ArchiveGet | ArchivePush | Restore, isInternal: true)
            .Help(HelpSection.Stanza, "Client key for the PostgreSQL host.",
                "Private key of pg-host-cert-file."),

        PgOpt("pg-host-port", OptionType.Integer, PgDatabaseCommands).Optional().Between(0, 65535).DependsOn("pg-host")
            .Deprecated("db-ssh-port", indexed: true)
            .Help(HelpSection.Stanza, "Port of the PostgreSQL host.",
                "SSH port, or TLS port (default 8432) when pg-host-type=tls."),

        PgOpt("pg-host-type", OptionType.StringId, PgCommands).InGlobal().Def("ssh").Allow("ssh", "tls")
            .DependsOn("pg-local", "n")
            .On(ArchiveGet | ArchivePush | Restore, isInternal: true)
            .Help(HelpSection.Stanza, "Protocol used to reach the PostgreSQL host.",
                "ssh starts the program on the remote host over SSH; tls connects to its server command."),

        PgOpt("pg-host-user", OptionType.String, PgDatabaseCommands).Optional().Def("postgres").DependsOn("pg-host")
            .Deprecated("db-user", indexed: true)
            .Help(HelpSection.Stanza, "User on the PostgreSQL host.",
                "SSH login; should be the user that owns the cluster."),

        PgOpt("pg-local", OptionType.Boolean, PgCommands).Def("n").MarkInternal()
            .Help(HelpSection.Stanza, "The cluster is local.", "Forces the cluster to be treated as local."),

        PgOpt("pg-path", OptionType.Path, PgCommands).On(ArchivePush, required: false)
            .Deprecated("db-path", indexed: true)
            .Help(HelpSection.Stanza, "Data directory of the cluster.",
                "Same as data_directory in postgresql.conf. Checked against the running cluster on every online backup."),

        PgOpt("pg-port", OptionType.Integer, PgDatabaseCommands).Def("5432").Between(0, 65535).DependsOn("pg-path")
            .Deprecated("db-port", indexed: true)
            .Help(HelpSection.Stanza, "Port of the cluster.", "Port PostgreSQL listens on."),

        PgOpt("pg-socket-path", OptionType.Path, PgDatabaseCommands).Optional().DependsOn("pg-path")
            .Deprecated("db-socket-path", indexed: true)
            .Help(HelpSection.Stanza, "Unix socket directory of the cluster.",
                "Only needed when it differs from the client library's default."),

        PgOpt("pg-user", OptionType.String, PgDatabaseCommands).Optional().DependsOn("pg-path")
            .Help(HelpSection.Stanza, "Database user.",
                "User for the connection; defaults to the operating system user. Must be a superuser or have the "
                + "replication privileges needed for backups."),
    ];

    /// <summary>repoN-*: what is kept in each repository and how.</summary>
    private static OptionDefinition[] RepoOptions() =>
    [
        RepoOpt("repo-bundle", OptionType.Boolean, Backup).Def("n")
            .Help(HelpSection.Repository, "Bundle small files.",
                "Stores small files together in bundle files, which saves space and many requests on object stores."),

        RepoOpt("repo-bundle-limit", OptionType.Size, Backup).Def("2MiB").Between(8 * KiB, PiB).DependsOn("repo-bundle", "y")
            .Help(HelpSection.Repository, "Largest file put in a bundle.", "Larger files are stored on their own."),

        RepoOpt("repo-bundle-size", OptionType.Size, Backup).Def("20MiB").Between(MiB, PiB).DependsOn("repo-bundle", "y")
            .Help(HelpSection.Repository, "Target size of a bundle.",
                "A bundle is closed once it reaches about this size; files are never split."),

        RepoOpt("repo-cipher-pass", OptionType.String).MarkSecure().DependsOn("repo-cipher-type", "aes-256-cbc")
            .Deprecated("repo-cipher-pass")
            .Help(HelpSection.Repository, "Repository passphrase.",
                "Passphrase that protects the repository's encryption keys. It is not stored anywhere else: losing it "
                + "makes the backups unreadable."),

        RepoOpt("repo-cipher-type", OptionType.StringId).Def("none").Allow("none", "aes-256-cbc")
            .Deprecated("repo-cipher-type")
            .Help(HelpSection.Repository, "Repository encryption.",
                "aes-256-cbc encrypts every file written to the repository on the client side; repo-cipher-pass is then "
                + "required."),

        RepoOpt("repo-hardlink", OptionType.Boolean, Backup).Def("n").DependsOnOrDefault(false, "repo-bundle", "n")
            .Deprecated("hardlink")
            .Help(HelpSection.Repository, "Hard link unchanged files.",
                "Unchanged files of a differential or incremental backup are hard linked to the earlier copy, so each "
                + "backup directory looks complete. Not possible with repo-bundle."),

        RepoOpt("repo-path", OptionType.Path).Def("/var/lib/pgbackrest").Deprecated("repo-path")
            .Help(HelpSection.Repository, "Path of the repository.",
                "Where backups and archived WAL are stored: a local directory, or the path inside the bucket or container "
                + "of an object store."),

        RepoOpt("repo-retention-archive", OptionType.Integer, Backup | Expire).Optional().Between(1, 9999999)
            .Deprecated("retention-archive")
            .Help(HelpSection.Repository, "Backups whose WAL is kept.",
                "Number of backups (of repo-retention-archive-type) for which the WAL needed for point-in-time recovery is "
                + "kept. By default equal to repo-retention-full. Lower values expire WAL early and shorten the time range "
                + "that can be recovered."),

        RepoOpt("repo-retention-archive-type", OptionType.StringId, Backup | Expire).Def("full").Allow("full", "diff", "incr")
            .Deprecated("retention-archive-type")
            .Help(HelpSection.Repository, "Backup type counted for WAL retention.",
                "Which backups repo-retention-archive counts: full, diff (full and differential) or incr (all)."),

        RepoOpt("repo-retention-diff", OptionType.Integer, Backup | Expire).Optional().Between(1, 9999999)
            .Deprecated("retention-diff")
            .Help(HelpSection.Repository, "Differential backups to keep.",
                "When exceeded, the oldest differential backups are expired together with the incrementals that depend "
                + "on them."),

        RepoOpt("repo-retention-full", OptionType.Integer, Backup | Expire).Optional().Between(1, 9999999)
            .Deprecated("retention-full")
            .Help(HelpSection.Repository, "Full backups to keep.",
                "A count of full backups, or a number of days when repo-retention-full-type=time. Older full backups and "
                + "everything depending on them are expired. Without it nothing is expired and a warning is logged."),

        RepoOpt("repo-retention-full-type", OptionType.StringId, Backup | Expire).Def("count").Allow("count", "time")
            .Help(HelpSection.Repository, "Meaning of repo-retention-full.",
                "count keeps that many full backups; time keeps full backups for that many days, plus the newest one "
                + "older than that so the whole period can be recovered."),

        RepoOpt("repo-retention-history", OptionType.Integer, Backup | Expire).Optional().Between(0, 9999999)
            .Help(HelpSection.Repository, "Days of backup history to keep.",
                "Copies of expired backups' manifests in backup.history are removed after this many days; by default they "
                + "are kept."),

        RepoOpt("repo-type", OptionType.StringId).Def("posix").Allow("azure", "cifs", "gcs", "posix", "s3")
            .Deprecated("repo-type")
            .Help(HelpSection.Repository, "Storage type of the repository.",
                "posix for a local or mounted file system, cifs for CIFS mounts (no links, no directory sync), or an object "
                + "store: azure, gcs, s3."),
    ];

    /// <summary>repoN-block-*: block incremental backup.</summary>
    private static OptionDefinition[] RepoBlockOptions() =>
    [
        RepoOpt("repo-block", OptionType.Boolean, Backup).Def("n")
            .DependsOnOrDefault(false, "repo-bundle", "y")
            .Help(HelpSection.Repository, "Block incremental backup.",
                "Stores only the changed blocks of a changed file in incremental and differential backups, in the "
                + "format of pgBackRest 2.46 and later (which read it; 2.45 does not). Requires repo-bundle. The block "
                + "size follows the file's size and age; see docs/block-incremental.md."),

        RepoOpt("repo-block-age-map", OptionType.Hash, Backup).Optional().MarkInternal().DependsOn("repo-block", "y")
            .Help(HelpSection.Repository, "Block size multiplier by file age.",
                "age=multiplier pairs making the blocks of older files larger."),

        RepoOpt("repo-block-checksum-size-map", OptionType.Hash, Backup).Optional().MarkInternal().DependsOn("repo-block", "y")
            .Help(HelpSection.Repository, "Block checksum size by block size.",
                "block-size=checksum-size pairs choosing the checksum size stored for each block size."),

        RepoOpt("repo-block-size-map", OptionType.Hash, Backup).Optional().MarkInternal().DependsOn("repo-block", "y")
            .Help(HelpSection.Repository, "Block size by file size.",
                "file-size=block-size pairs choosing the block size used for files of a given size."),

        RepoOpt("repo-block-size-super", OptionType.Size, Backup).Def("256KiB").Between(32 * KiB, 16 * MiB).MarkInternal()
            .DependsOn("repo-block", "y")
            .Help(HelpSection.Repository, "Super block size.",
                "Blocks are stored in compressed super blocks of about this size."),

        RepoOpt("repo-block-size-super-full", OptionType.Size, Backup).Def("1MiB").Between(32 * KiB, 16 * MiB).MarkInternal()
            .DependsOn("repo-block", "y")
            .Help(HelpSection.Repository, "Super block size in full backups.",
                "Super block size used when a file is stored in full."),
    ];

    /// <summary>repoN-s3-*: S3 repositories.</summary>
    private static OptionDefinition[] RepoS3Options() =>
    [
        RepoOpt("repo-s3-bucket", OptionType.String).DependsOn("repo-type", "s3").Deprecated("repo-s3-bucket")
            .Help(HelpSection.Repository, "S3 bucket.", "Bucket holding the repository."),

        RepoOpt("repo-s3-endpoint", OptionType.String).DependsOn("repo-type", "s3").Deprecated("repo-s3-endpoint")
            .Help(HelpSection.Repository, "S3 endpoint.",
                "Host of the S3 service, e.g. s3.amazonaws.com; a port may follow a colon."),

        RepoOpt("repo-s3-key", OptionType.String).MarkSecure().DependsOn("repo-s3-key-type", "shared")
            .Deprecated("repo-s3-key")
            .Help(HelpSection.Repository, "S3 access key.", "Access key id used with repo-s3-key-type=shared."),

        RepoOpt("repo-s3-key-secret", OptionType.String).MarkSecure().DependsOn("repo-s3-key-type", "shared")
            .Deprecated("repo-s3-key-secret")
            .Help(HelpSection.Repository, "S3 secret access key.", "Secret of repo-s3-key."),

        RepoOpt("repo-s3-key-type", OptionType.StringId).Def("shared").Allow("shared", "auto", "web-id")
            .DependsOn("repo-type", "s3")
            .Help(HelpSection.Repository, "S3 credential source.",
                "shared uses repo-s3-key and repo-s3-key-secret; auto takes temporary credentials from the instance "
                + "metadata service; web-id uses a web identity token (e.g. Kubernetes service accounts)."),

        RepoOpt("repo-s3-kms-key-id", OptionType.String).Optional().DependsOn("repo-type", "s3")
            .Help(HelpSection.Repository, "S3 KMS key for server-side encryption.",
                "Objects are written with server-side encryption using this KMS key."),

        RepoOpt("repo-s3-region", OptionType.String).DependsOn("repo-type", "s3").Deprecated("repo-s3-region")
            .Help(HelpSection.Repository, "S3 region.", "Region of the bucket, used for request signing."),

        RepoOpt("repo-s3-role", OptionType.String).Optional().DependsOn("repo-s3-key-type", "auto")
            .Help(HelpSection.Repository, "S3 IAM role.", "Role whose credentials are requested with repo-s3-key-type=auto."),

        RepoOpt("repo-s3-sse-customer-key", OptionType.String).MarkSecure().Optional().DependsOn("repo-type", "s3")
            .Help(HelpSection.Repository, "S3 SSE-C customer key.",
                "Base64-encoded 256-bit key: objects are encrypted by S3 with this key (SSE-C), which is sent with every "
                + "request that writes or reads an object. From pgBackRest releases after 2.45."),

        RepoOpt("repo-s3-token", OptionType.String).MarkSecure().Optional().DependsOn("repo-s3-key-type", "shared")
            .Help(HelpSection.Repository, "S3 session token.", "Token of temporary shared credentials."),

        RepoOpt("repo-s3-uri-style", OptionType.StringId).Def("host").Allow("host", "path").DependsOn("repo-type", "s3")
            .Help(HelpSection.Repository, "S3 URI style.",
                "host puts the bucket in the host name (bucket.endpoint); path puts it in the path (endpoint/bucket), "
                + "which most S3-compatible servers need."),
    ];

    /// <summary>repoN-azure/gcs/storage-*: the other object stores and what all of them share.</summary>
    private static OptionDefinition[] RepoStorageOptions() =>
    [
        RepoOpt("repo-azure-account", OptionType.String).MarkSecure().DependsOn("repo-type", "azure")
            .Help(HelpSection.Repository, "Azure storage account.", "Name of the storage account of the container."),

        RepoOpt("repo-azure-container", OptionType.String).DependsOn("repo-type", "azure")
            .Help(HelpSection.Repository, "Azure container.", "Container holding the repository."),

        RepoOpt("repo-azure-endpoint", OptionType.String).MarkSecure().Def("blob.core.windows.net")
            .DependsOn("repo-type", "azure")
            .Help(HelpSection.Repository, "Azure endpoint.",
                "Host name of the blob service; the account name is prepended unless repo-azure-uri-style=path."),

        RepoOpt("repo-azure-key", OptionType.String).MarkSecure().DependsOn("repo-type", "azure")
            .Help(HelpSection.Repository, "Azure key.", "Shared key or SAS token, depending on repo-azure-key-type."),

        RepoOpt("repo-azure-key-type", OptionType.StringId).Def("shared").Allow("shared", "sas")
            .DependsOn("repo-type", "azure")
            .Help(HelpSection.Repository, "Azure key type.", "shared for an account key, sas for a shared access signature."),

        RepoOpt("repo-azure-uri-style", OptionType.StringId).Def("host").Allow("host", "path")
            .DependsOn("repo-type", "azure")
            .Help(HelpSection.Repository, "Azure URI style.",
                "host puts the account in the host name (account.endpoint); path puts it in the path (endpoint/account)."),

        RepoOpt("repo-gcs-bucket", OptionType.String).DependsOn("repo-gcs-key-type")
            .Help(HelpSection.Repository, "GCS bucket.", "Bucket holding the repository."),

        RepoOpt("repo-gcs-endpoint", OptionType.String).Def("storage.googleapis.com").DependsOn("repo-gcs-key-type")
            .Help(HelpSection.Repository, "GCS endpoint.", "Host of the storage API; a port may follow a colon."),

        RepoOpt("repo-gcs-key", OptionType.String).MarkSecure().DependsOn("repo-gcs-key-type", "service", "token")
            .Help(HelpSection.Repository, "GCS key.", "Service account key file, or token, depending on repo-gcs-key-type."),

        RepoOpt("repo-gcs-key-type", OptionType.StringId).Def("service").Allow("auto", "service", "token")
            .DependsOn("repo-type", "gcs")
            .Help(HelpSection.Repository, "GCS key type.",
                "service reads a service account key file; token uses a bearer token; auto asks the instance metadata "
                + "service."),

        RepoOpt("repo-storage-ca-file", OptionType.String).Optional().DependsOn("repo-type", "azure", "gcs", "s3")
            .Deprecated("repo-azure-ca-file", indexed: true, unindexed: false)
            .Deprecated("repo-s3-ca-file", indexed: true)
            .Help(HelpSection.Repository, "CA file for the storage service.",
                "Certificate authorities used to verify the object store; the system's are used by default."),

        RepoOpt("repo-storage-ca-path", OptionType.Path).Optional().DependsOn("repo-type", "azure", "gcs", "s3")
            .Deprecated("repo-azure-ca-path", indexed: true, unindexed: false)
            .Deprecated("repo-s3-ca-path", indexed: true)
            .Help(HelpSection.Repository, "CA path for the storage service.",
                "Directory of certificate authorities used to verify the object store."),

        RepoOpt("repo-storage-host", OptionType.String).Optional().DependsOn("repo-type", "azure", "s3")
            .Deprecated("repo-azure-host", indexed: true, unindexed: false)
            .Deprecated("repo-s3-host", indexed: true)
            .Help(HelpSection.Repository, "Host to connect to instead of the endpoint.",
                "Connects to this host while still using the endpoint name in requests; mostly for testing."),

        RepoOpt("repo-storage-port", OptionType.Integer).Def("443").Between(1, 65535).DependsOn("repo-type", "azure", "s3")
            .Deprecated("repo-azure-port", indexed: true, unindexed: false)
            .Deprecated("repo-s3-port", indexed: true, unindexed: false)
            .Help(HelpSection.Repository, "Port of the storage service.", "TCP port of the object store."),

        RepoOpt("repo-storage-tag", OptionType.Hash).Optional().DependsOn("repo-type", "s3")
            .Help(HelpSection.Repository, "Tags set on every object written.",
                "key=value; may be repeated. S3 stores them as object tags (x-amz-tagging). From pgBackRest 2.48."),

        RepoOpt("repo-storage-upload-chunk-size", OptionType.Size).Optional().Between(64 * KiB, TiB)
            .DependsOn("repo-type", "azure", "gcs", "s3")
            .Help(HelpSection.Repository, "Part size of multi-part uploads.",
                "Larger parts use more memory but fewer requests. Defaults to 5MiB for S3 and 4MiB otherwise."),

        RepoOpt("repo-storage-verify-tls", OptionType.Boolean).Def("y").DependsOn("repo-type", "azure", "gcs", "s3")
            .Deprecated("repo-azure-verify-tls", indexed: true, unindexed: false)
            .Deprecated("repo-s3-verify-ssl", indexed: true)
            .Deprecated("repo-s3-verify-tls", indexed: true, unindexed: false)
            .Help(HelpSection.Repository, "Verify the storage service's certificate.",
                "Only disable for testing, e.g. with a self-signed certificate."),
    ];

    /// <summary>repoN-host-*: a repository reached through another host.</summary>
    private static OptionDefinition[] RepoHostOptions() =>
    [
        RepoOpt("repo-host", OptionType.String).Optional().DependsOn("repo-local", "n").Deprecated("backup-host")
            .On(Backup | Expire, isInternal: true)
            .Help(HelpSection.Repository, "Host of a remote repository.",
                "Set on a database host to use a repository that lives on another host."),

        RepoOpt("repo-host-ca-file", OptionType.String).Optional().DependsOn("repo-host-type", "tls")
            .On(Backup | Expire, isInternal: true)
            .Help(HelpSection.Repository, "CA file for the repository host's TLS certificate.",
                "Certificate authorities used to verify the remote TLS server."),

        RepoOpt("repo-host-ca-path", OptionType.String).Optional().DependsOn("repo-host-type", "tls")
            .On(Backup | Expire, isInternal: true)
            .Help(HelpSection.Repository, "CA path for the repository host's TLS certificate.",
                "Directory of certificate authorities used to verify the remote TLS server."),

        RepoOpt("repo-host-cert-file", OptionType.String).DependsOn("repo-host-type", "tls")
            .On(Backup | Expire, isInternal: true)
            .Help(HelpSection.Repository, "Client certificate for the repository host.",
                "Certificate presented to the remote TLS server."),

        RepoOpt("repo-host-cmd", OptionType.String, RepoHostCommands).Optional().Def(PgRestVersion.Executable)
            .DependsOn("repo-host").Deprecated("backup-cmd")
            .Help(HelpSection.Repository, "Program run on the repository host.",
                "Needed when the program is installed elsewhere on the remote host."),

        RepoOpt("repo-host-config", OptionType.String, RepoHostCommands).Def(ConfigFileDefault).DependsOn("repo-host")
            .Deprecated("backup-config")
            .Help(HelpSection.Repository, "Configuration file on the repository host.",
                "Passed to the program started on the remote host."),

        RepoOpt("repo-host-config-include-path", OptionType.Path, RepoHostCommands).Def(ConfigIncludePathDefault)
            .DependsOn("repo-host")
            .Help(HelpSection.Repository, "Configuration include path on the repository host.",
                "Passed to the program started on the remote host."),

        RepoOpt("repo-host-config-path", OptionType.Path, RepoHostCommands).Def(ConfigPathDefault).DependsOn("repo-host")
            .Help(HelpSection.Repository, "Configuration path on the repository host.",
                "Passed to the program started on the remote host."),

        RepoOpt("repo-host-key-file", OptionType.String).DependsOn("repo-host-type", "tls")
            .On(Backup | Expire, isInternal: true)
            .Help(HelpSection.Repository, "Client key for the repository host.", "Private key of repo-host-cert-file."),

        RepoOpt("repo-host-port", OptionType.Integer, RepoHostCommands).Optional().Between(0, 65535).DependsOn("repo-host")
            .Deprecated("backup-ssh-port")
            .Help(HelpSection.Repository, "Port of the repository host.",
                "SSH port, or TLS port (default 8432) when repo-host-type=tls."),

        RepoOpt("repo-host-type", OptionType.StringId).Def("ssh").Allow("ssh", "tls").DependsOn("repo-local", "n")
            .On(Backup | Expire, isInternal: true)
            .Help(HelpSection.Repository, "Protocol used to reach the repository host.",
                "ssh starts the program on the remote host over SSH; tls connects to its server command."),

        RepoOpt("repo-host-user", OptionType.String, RepoHostCommands).Optional().Def("pgbackrest").DependsOn("repo-host")
            .Deprecated("backup-user")
            .Help(HelpSection.Repository, "User on the repository host.", "SSH login on the repository host."),

        RepoOpt("repo-local", OptionType.Boolean).Def("n").MarkInternal()
            .Help(HelpSection.Repository, "The repository is local.", "Forces the repository to be treated as local."),
    ];
}
