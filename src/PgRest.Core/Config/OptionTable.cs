namespace PgRest.Config;

/// <summary>
/// The declarative definition of every user command and option of pgBackRest 2.45. Parsing, validation, help and the generated
/// documentation all read this table. Built once per process from static data (no parsing, no reflection).
/// </summary>
public static partial class OptionTable
{
    // Command bits, in the order of Commands below (pgBackRest's alphabetical command order).
    internal const uint Annotate = 1u << 0, ArchiveGet = 1u << 1, ArchivePush = 1u << 2, Backup = 1u << 3, Check = 1u << 4,
        Expire = 1u << 5, HelpCommand = 1u << 6, Info = 1u << 7, Rehearse = 1u << 8, RepoGet = 1u << 9, RepoLs = 1u << 10,
        Restore = 1u << 11, Server = 1u << 12, ServerPing = 1u << 13, StanzaCreate = 1u << 14, StanzaDelete = 1u << 15,
        StanzaRekey = 1u << 16, StanzaUpgrade = 1u << 17, Start = 1u << 18, Stop = 1u << 19, TargetFind = 1u << 20,
        Verify = 1u << 21, VersionCommand = 1u << 22, Remote = 1u << 23;

    // Arrays for allocation-free loops; initialized in this order because options refer to commands.
    internal static readonly CommandDefinition[] CommandArray = BuildCommands();
    internal static readonly OptionDefinition[] OptionArray = BuildOptions();

    public static IReadOnlyList<CommandDefinition> Commands => CommandArray;

    /// <summary>All options sorted by name (ordinal), internal ones included.</summary>
    public static IReadOnlyList<OptionDefinition> Options => OptionArray;

    private static readonly Dictionary<string, OptionDefinition> OptionsByName = IndexOptions();

    private static readonly Dictionary<string, DeprecationEntry> DeprecationsByName = IndexDeprecations();

    /// <summary>Options ordered so that each comes after the options it depends on (stanza first, then by name).</summary>
    internal static readonly OptionDefinition[] ResolveOrder = BuildResolveOrder();

    public static CommandDefinition Command(CommandId id) => CommandArray[(int)id];

    public static CommandDefinition? FindCommand(string name)
    {
        foreach (var command in CommandArray)
        {
            if (command.Name == name)
                return command;
        }

        return null;
    }

    /// <summary>Option by its unindexed name (<c>repo-path</c>, <c>stanza</c>); deprecated names are not resolved here.</summary>
    public static OptionDefinition? FindOption(string name) => OptionsByName.GetValueOrDefault(name);

    /// <summary>
    /// An option by its indexed or plain name (<c>repo2-path</c>, <c>stanza</c>) with its index (1 for ungrouped and for
    /// an unindexed grouped name); null when no option has that name.
    /// </summary>
    internal static IndexedOption? ResolveIndexedName(string name)
    {
        if (FindOption(name) is { } plain)
            return new IndexedOption(plain, 1);

        var dash = name.IndexOf('-');
        var digitStart = dash;
        while (digitStart > 0 && char.IsAsciiDigit(name[digitStart - 1]))
            digitStart--;

        if (digitStart > 0 && digitStart < dash &&
            FindOption(string.Concat(name.AsSpan(0, digitStart), name.AsSpan(dash))) is { Group: not OptionGroup.None } grouped &&
            int.TryParse(name.AsSpan(digitStart, dash - digitStart), out var key) && key is >= 1 and <= 256)
        {
            return new IndexedOption(grouped, key);
        }

        return null;
    }

    internal static bool TryFindDeprecation(string name, out OptionDefinition option, out DeprecatedName deprecation)
    {
        if (DeprecationsByName.TryGetValue(name, out var found))
        {
            option = found.Option;
            deprecation = found.Deprecation;
            return true;
        }

        option = null!;
        deprecation = null!;
        return false;
    }

    internal static IEnumerable<string> DeprecatedNames => DeprecationsByName.Keys;

    private static CommandDefinition[] BuildCommands() =>
    [
        new(0, "annotate", false,
            "Add, change or remove backup annotations.",
            "Annotations given to the backup command with --annotation can be changed afterwards: each "
            + "--annotation=key=value sets a key and --annotation=key= removes it. The backup to change is chosen with "
            + "--set; it is changed on every repository that holds it, or only on --repo."),
        new(1, "archive-get", true,
            "Fetch a WAL segment from the archive.",
            ArchiveGetHelp),
        new(2, "archive-push", true,
            "Store a WAL segment in the archive.",
            ArchivePushHelp),
        new(3, "backup", false,
            "Back up a PostgreSQL cluster.",
            BackupHelp),
        new(4, "check", false,
            "Verify the configuration and WAL archiving.",
            CheckHelp),
        new(5, "expire", false,
            "Remove backups and WAL that exceed the retention settings.",
            ExpireHelp),
        new(6, "help", true,
            "Show help.",
            "Without parameters lists the commands. 'help <command>' describes a command and lists its options with their "
            + "current and default values; 'help <command> <option>' describes one option."),
        new(7, "info", false,
            "Show backups and archive status.",
            InfoHelp),
        new(8, "rehearse", false,
            "Restore a backup into a scratch directory and start it, to prove it works.",
            RehearseHelp),
        new(9, "repo-get", true,
            "Print a file stored in a repository.",
            RepoGetHelp),
        new(10, "repo-ls", true,
            "List paths and files in a repository.",
            RepoLsHelp),
        new(11, "restore", false,
            "Restore a PostgreSQL cluster from a backup.",
            RestoreHelp),
        new(12, "server", false,
            "Run the TLS server for remote hosts.",
            "Accepts TLS connections (tls-server-address, tls-server-port) from other hosts, so they reach this host "
            + "without SSH: on a repository host, database hosts whose repoN-host-type=tls use its repositories; on a "
            + "database host, a repository host whose pgN-host-type=tls backs up its cluster (the stanza's pgN-path here; "
            + "nothing outside its data directories and tablespaces is served, and the database session goes only to a "
            + "server on this host). A client must present a certificate signed by tls-server-ca-file whose common name "
            + "tls-server-auth lets into the stanza it asks for; the configuration file is read again for every "
            + "connection. Runs until stopped (SIGTERM); samples/ has a systemd unit."),
        new(13, "server-ping", true,
            "Check that a TLS server answers.",
            "Connects to a pgrest server (the host given as parameter, else tls-server-address, on tls-server-port) and "
            + "exits 0 when it answers. It only shows that the server is alive: no certificate is shown or checked."),
        new(14, "stanza-create", false,
            "Create the stanza in the repositories.",
            "Writes the archive and backup information files of the stanza to each configured repository, from the "
            + "cluster in pg1-path. Run it once after configuring a new stanza; running it again on an existing, matching "
            + "stanza does nothing. A repository whose information files belong to another cluster is refused ([028])."),
        new(15, "stanza-delete", false,
            "Remove a stanza and everything stored for it.",
            StanzaDeleteHelp),
        new(16, "stanza-rekey", false,
            "Change the passphrase of an encrypted repository.",
            StanzaRekeyHelp),
        new(17, "stanza-upgrade", false,
            "Record a PostgreSQL major upgrade in the stanza.",
            "Run it right after upgrading PostgreSQL to a new major version (pg_upgrade), once pg-path points to the new "
            + "data directory. It records the new version and system identifier in the stanza's information files on every "
            + "configured repository, so that backup and archive-push accept the upgraded cluster; its WAL then goes to a "
            + "new archive id. Use --no-online when the cluster is not running. A stanza already up to date is left as it "
            + "is."),
        new(18, "start", false,
            "Allow pgRest processes to run again.",
            "Undoes the stop command: removes the stop file of the stanza (or, without --stanza, the one for all stanzas), "
            + "so that commands may run again. It starts nothing by itself. A stop file made by pgBackRest is removed just "
            + "the same; when there is none, a warning is printed."),
        new(19, "stop", false,
            "Prevent pgRest processes from running.",
            "Creates a stop file (<lock-path>/<stanza>.stop, or all.stop without --stanza) so that backup, expire, "
            + "archive-push, archive-get, stanza-create and stanza-upgrade fail with [062] instead of doing their work. "
            + "Processes already running finish normally; --force terminates them. The stop file is the one pgBackRest "
            + "uses, so each tool honours the other's. Undo it with start."),
        new(20, "target-find", false,
            "Find the transactions that dropped, truncated or changed a table.",
            TargetFindHelp),
        new(21, "verify", false,
            "Check the contents of a repository.",
            "Reads every backup file and archived WAL segment and verifies its size and checksum against the information "
            + "recorded in the repository. Works on one repository: --repo, or repo1."),
        new(22, "version", false,
            "Show the version.",
            "Prints the program name and version."),
        new(23, "remote", false,
            "Serve this host's repository to pgrest on another host.",
            "Started over SSH by pgrest on a database host whose repoN-host names this host; it serves the repository "
            + "--repo of this host's configuration over stdin and stdout. Not for users.") { Internal = true },
    ];

    private const string RehearseHelp =
        "pgrest only (pgBackRest has no such command). Proves that a backup restores and starts: restores it (--set, or "
        + "the one --type/--target need, as restore chooses) into a scratch directory (--rehearse-path, which must be "
        + "empty or absent, and is never pg1-path, lock-path, spool-path, log-path or a repository), with every tablespace inside it; starts PostgreSQL from the binaries "
        + "of the backup's major version (--rehearse-bin-path, else those of the running cluster or a usual place) on a "
        + "port nothing else uses, listening only on a socket in the scratch directory, with "
        + "archive_mode=off, hot_standby=off and a small shared_buffers, recovering to the target (default: the end of "
        + "the archive) and promoting there; waits up to db-timeout for recovery to end and connections to be accepted; "
        + "runs --rehearse-query (default: a row count of every table of the largest database) in the largest database; "
        + "stops the server and removes the directory. It reports the backup used, the seconds the restore and the "
        + "recovery took, how much WAL was replayed, the query's result and a verdict. When recovery ends before the end "
        + "of the archive (a segment missing or damaged) or before the target, the server does not start, or the query "
        + "fails, the verdict is failed, the reason is given, the server's log is kept as "
        + "<log-path>/<stanza>-rehearse-postgresql.log and the exit code is not zero. Safe to run from cron beside "
        + "the production cluster; it must run as the OS user that owns the cluster (not root).";

    private const string TargetFindHelp =
        "pgrest only (pgBackRest has no such command). Answers 'when exactly did it happen?' before a point-in-time "
        + "recovery: reads the WAL in the repository, from the backup before --from (without --from, the newest backup "
        + "that has the relation, or the newest backup when none has it: the table is then taken from the WAL that "
        + "creates it) to the end of the archive or --to, and lists every committed transaction that dropped "
        + "the table given in --relation, truncated it, rewrote it, or deleted or updated its rows: commit time, xid, "
        + "commit LSN, timeline, what it did, and the restore command that stops just before it. The table is found by "
        + "its name in the catalog (pg_class, pg_namespace) stored in that backup, so it works after the table has been "
        + "dropped; it is followed through renames, TRUNCATE and VACUUM FULL. Works on every repository type, compressed "
        + "or encrypted. WAL records are decoded by pgrest itself for PostgreSQL 12 to 18; records it does not need are "
        + "counted, never misread.";

    private const string StanzaRekeyHelp =
        "pgrest only (pgBackRest has no such command). Re-encrypts the stanza's archive.info and backup.info (and their "
        + ".copy) with a new passphrase: repoN-cipher-pass is the current one, repoN-cipher-pass-new the new one, both set "
        + "in the configuration file or the environment (PGBACKREST_REPO1_CIPHER_PASS_NEW), never on the command line. "
        + "Every other file is encrypted with keys stored inside those two files, which do not change, so the cost does "
        + "not depend on the size of the repository. Works on every repository that has repoN-cipher-pass-new, or only on "
        + "--repo. It takes the stanza's locks. Each file is replaced whole, the .copy first: after a crash at any moment "
        + "every file is readable with the old or the new passphrase, and running stanza-rekey again finishes the job (a "
        + "file already under the new passphrase is left as it is). Once it has succeeded, put the new passphrase in "
        + "repoN-cipher-pass and remove repoN-cipher-pass-new; until then commands that read the repository fail with the "
        + "wrong-passphrase error and change nothing (PostgreSQL retries a failed archive_command). A repository that is "
        + "not encrypted is refused: encryption cannot be turned on for an existing repository; start a new one with "
        + "repoN-cipher-type=aes-256-cbc.";

    private const string ArchiveGetHelp =
        "Fetches WAL for PostgreSQL during recovery: after a restore, for point-in-time recovery, and for standbys that "
        + "replay from the archive instead of (or besides) streaming. Restore writes restore_command = '<pgrest> "
        + "archive-get %f \"%p\"' for you: the first parameter is the WAL file name, the second where to write it.\n\n"
        + "The repositories are searched in order (repo1, repo2, ...) and the first that has the file serves it, so give "
        + "faster or cheaper storage the lower index; --repo searches only that repository. The SHA-1 in the stored name is "
        + "checked while the file is copied. When no repository has the file the command exits with 1, which tells "
        + "PostgreSQL that the archive has nothing more. With archive-async, segments are fetched ahead into spool-path.";

    private const string ArchivePushHelp =
        "Stores a WAL file handed over by PostgreSQL; set archive_command = '<pgrest> archive-push %p'. The segment is "
        + "written to every configured repository, in parallel. If any repository fails, the command fails, so PostgreSQL "
        + "keeps the segment and tries again later; the repositories that already have it accept the retry.\n\n"
        + "The segment's header is compared with the stanza first (archive-header-check). A segment that is already in "
        + "the archive with the same contents is accepted with a warning; with other contents it is refused ([045]). With "
        + "archive-async, the call only waits for a background process that pushes queued segments in batches (see "
        + "spool-path, process-max and archive-push-queue-max).";

    private const string BackupHelp =
        "Takes a full, differential or incremental backup (--type, incr by default) of the cluster in pg1-path and writes "
        + "it to one repository: repo1, or the one chosen with --repo. For several repositories, run it once for each.\n\n"
        + "* diff and incr need a full backup to build on: when the repository has none for the cluster, the backup is "
        + "taken as full and a warning says so. They keep the compression type of their full backup.\n"
        + "* An online backup (the default) checks right after it starts that the WAL segment before its start reaches "
        + "the archive within archive-timeout, and fails with [082] before copying anything when archiving is broken. At "
        + "the end it waits until the WAL needed for consistency is archived (archive-check).\n"
        + "* If the newest backup in the repository was interrupted and has the same type and base, it is resumed: stored "
        + "files that are still valid are kept and only the rest is copied (resume).\n"
        + "* Files are compared with the prior backup by size and time stamp, or by checksum with --delta; pgrest switches "
        + "to checksums by itself when time stamps cannot be trusted, e.g. after a timeline switch.\n"
        + "* The backup only becomes visible when its manifest is written at the end, so an interrupted backup never looks "
        + "complete. Afterwards expire runs, unless expire-auto is off.\n\n"
        + "There is no built-in scheduler; run backups from cron or a similar tool.";

    private const string CheckHelp =
        "Checks that the stanza is set up correctly for backups and WAL archiving, on every configured repository:\n\n"
        + "* the stanza's information files in each repository match the cluster (version and system identifier);\n"
        + "* archive_mode is on ([087] otherwise; always is refused with [067] unless --no-archive-mode-check) and "
        + "archive_command calls pgrest or pgbackrest ([068] otherwise);\n"
        + "* after a restore point named 'pgBackRest Archive Check', a switch to a new WAL segment is forced, and that "
        + "segment must reach every repository within archive-timeout ([082] otherwise).\n\n"
        + "This catches the most common cause of unusable backups: WAL that never reaches the archive. Run it on the "
        + "database host. On a standby, which cannot switch WAL segments, only the repository configuration is checked.";

    private const string ExpireHelp =
        "Removes backups and archived WAL that the retention settings no longer require, on each configured repository "
        + "(or only on --repo):\n\n"
        + "* repo-retention-full keeps a number of full backups, or with repo-retention-full-type=time a number of days; "
        + "older full backups go together with the differential and incremental backups that depend on them.\n"
        + "* repo-retention-diff keeps a number of differential backups, each expired with its incrementals. An "
        + "incremental backup is never expired on its own, only with the backup it depends on.\n"
        + "* repo-retention-archive and repo-retention-archive-type decide how much WAL stays for point-in-time recovery; "
        + "by default the WAL of every remaining backup is kept. The WAL a remaining backup needs to be consistent is never "
        + "removed.\n"
        + "* repo-retention-history removes old manifest copies from backup.history.\n\n"
        + "Expire runs after each successful backup (unless expire-auto is off) and can also be run by hand. --set "
        + "expires one backup and whatever depends on it, regardless of retention; without --repo every repository is "
        + "searched for it. WAL retention is applied on every run, with --set as well. --dry-run shows what would go. An "
        + "error on one repository does not stop the others; the command then fails with [104].";

    private const string InfoHelp =
        "Shows the stanzas in the repositories (or only --stanza) with their status, the WAL in the archive and every "
        + "backup, oldest first. The text output is a summary for people and may change between versions; --output=json "
        + "gives the complete information in a stable form for programs. --set shows one backup in more detail, --type "
        + "only backups of one type, --repo only one repository.\n\n"
        + "Text output, per stanza:\n\n"
        + "* status - ok when the stanza can be read and has at least one backup; otherwise error (<reason>): missing "
        + "stanza path, no valid backups, missing stanza data, requested backup not found (--set), or other with the error "
        + "below it. mixed means the repositories differ; a line per repository then gives its own status. (backup/expire "
        + "running) is added while a backup or expire holds the stanza's lock on this host.\n"
        + "* cipher - none or aes-256-cbc; mixed, with a line per repository, when they differ.\n"
        + "* db (current), db (prior) - the cluster now and, after a stanza-upgrade, before; each has its own WAL and "
        + "backups.\n"
        + "* wal archive min/max (<version>) - the oldest and newest WAL segment in the archive of that cluster, over all "
        + "repositories (or only --repo); none present when there is none. There may be gaps in "
        + "between, e.g. from retention.\n"
        + "* full/diff/incr backup: <label> - the label ends in F, D or I; that of a differential or incremental backup "
        + "starts with its full backup's. The oldest backup is always a full one.\n"
        + "* timestamp start/stop - when the backup started and ended, in local time; the stop time tells which backup a "
        + "point-in-time recovery to a given time starts from.\n"
        + "* wal start/stop - the WAL the backup needs to become consistent; the backup made sure it was archived.\n"
        + "* lsn start/stop - the same range as log sequence numbers (with --set).\n"
        + "* database size - the size of the cluster's files, uncompressed; database backup size - how much of that this "
        + "backup copied (the same for full backups).\n"
        + "* repoN: backup set size - what the backup takes in repository N together with the backups it refers to; "
        + "backup size - what it takes alone. Both are sizes as stored, i.e. compressed when compression is on; block "
        + "incremental backups show only the backup size.\n"
        + "* backup reference list - the earlier backups this one needs for a restore.\n"
        + "* with --set also database list (names and OIDs, template databases left out), symlinks and tablespaces with "
        + "the place restore puts them, annotation(s), and error list (files with page checksum errors). Without --set, "
        + "error(s) detected during backup marks a backup that found such errors.\n\n"
        + "JSON output is an array with an object per stanza: name; status with code (0 ok, 1 missing stanza path, 2 no "
        + "valid backups, 3 missing stanza data, 4 different across repos, 6 requested backup not found, 99 other), "
        + "message and lock.backup.held; cipher; repo (key, cipher and status of each repository); db (id, repo-key, "
        + "system-id and version of every cluster in the history); archive (id, min and max WAL of each archive id, with "
        + "its database); backup (for each backup label, type, prior, reference, timestamp start/stop in epoch seconds, "
        + "archive start/stop, lsn start/stop, info with size, delta and repository size/delta in bytes, database, error, "
        + "backrest format and version, annotation; with --set also database-ref, link, tablespace and error-list).";

    private const string RepoGetHelp =
        "Prints one file of a repository to standard output, like cat, for any repository type; meant for "
        + "administration, investigation and tests, not needed in normal operation. The parameter is the file's path, "
        + "relative to the repository path or absolute under repoN-path.\n\n"
        + "On an encrypted repository the file is decrypted, with the passphrase that belongs to its kind (info files, "
        + "WAL, manifests, backup files). It is not decompressed: pipe it through the matching tool, e.g. gzip -d. --raw "
        + "prints the bytes as stored. A missing file fails with [055], or with --ignore-missing exits with 1 and prints "
        + "nothing. Uses repo1 unless --repo names another.";

    private const string RepoLsHelp =
        "Lists the files, paths and links in a repository, like ls, for any repository type; meant for administration, "
        + "investigation and tests, not needed in normal operation. The optional parameter is a path relative to the "
        + "repository path, or absolute under repoN-path (outside it the command fails with [096]); without it the "
        + "repository root is listed.\n\n"
        + "Prints one name per line, or with --output=json the type, size, time and link destination of each entry. "
        + "--recurse lists the whole tree, --filter keeps matching names, --sort orders them. A missing path lists "
        + "nothing. Uses repo1 unless --repo names another.";

    private const string RestoreHelp =
        "Restores a backup into pg1-path (and its tablespaces) and writes the recovery settings, so that PostgreSQL "
        + "replays WAL from the archive when it is started; pgrest does not start it.\n\n"
        + "Which backup: --set names one. By default (latest) the repositories are asked in order (repo1, repo2, ...) and "
        + "the first that has a suitable backup of the current cluster is used; --repo asks only that one. A repository "
        + "that cannot be read is skipped with a warning.\n\n"
        + "* Without a target (--type default, immediate, standby, preserve, none) the newest backup is restored.\n"
        + "* --type=time or lsn needs --target; the newest backup that ended before that time (at or before that LSN) is "
        + "chosen. When no repository has one, the restore fails with [075].\n"
        + "* --type=xid or name needs --target too, but the backup cannot be derived from it: the newest is taken, so "
        + "give --set when the target is older.\n\n"
        + "The data directory must be empty unless --delta or --force is given, and PostgreSQL must not be running "
        + "(postmaster.pid). For PostgreSQL 12 and later the recovery settings go into postgresql.auto.conf, with "
        + "recovery.signal (standby.signal for --type=standby); older versions fail with [067] unless --type is none or "
        + "preserve. global/pg_control is written last, so an interrupted restore cannot be started by mistake. "
        + "Replication slots are not part of a backup, as PostgreSQL recommends.";

    private const string StanzaDeleteHelp =
        "Removes everything a repository holds for the stanza: all its backups and all its archived WAL. This cannot be "
        + "undone.\n\n"
        + "To delete a stanza:\n\n"
        + "* stop its PostgreSQL cluster (or give --force to delete while it runs);\n"
        + "* run the stop command for the stanza on this host: without the stop file stanza-delete fails with [055], "
        + "--force or not;\n"
        + "* run stanza-delete.\n\n"
        + "It works on one repository at a time: with several repositories configured --repo is required, so repeat the "
        + "command for each. The information files go first, then the manifests, then the rest, so an interrupted delete "
        + "never leaves anything that looks valid; at the end the stop file is removed. Removing the stanza from the "
        + "configuration files and the environment is then up to you.";

    private static Dictionary<string, OptionDefinition> IndexOptions()
    {
        var byName = new Dictionary<string, OptionDefinition>(OptionArray.Length, StringComparer.Ordinal);

        for (var index = 0; index < OptionArray.Length; index++)
        {
            var option = OptionArray[index];
            option.Id = index;
            byName.Add(option.Name, option);
        }

        return byName;
    }

    internal sealed record IndexedOption(OptionDefinition Option, int Index);

    private sealed record DeprecationEntry(OptionDefinition Option, DeprecatedName Deprecation);

    private static Dictionary<string, DeprecationEntry> IndexDeprecations()
    {
        var byName = new Dictionary<string, DeprecationEntry>(48, StringComparer.Ordinal);

        foreach (var option in OptionArray)
        {
            foreach (var deprecation in option.DeprecatedNames)
                byName.Add(deprecation.Name, new DeprecationEntry(option, deprecation));
        }

        return byName;
    }

    private static OptionDefinition[] BuildResolveOrder()
    {
        var order = new List<OptionDefinition>(OptionArray.Length);
        var placed = new bool[OptionArray.Length];
        var stanza = OptionsByName["stanza"];
        order.Add(stanza);
        placed[stanza.Id] = true;

        while (order.Count < OptionArray.Length)
        {
            var progress = false;

            foreach (var option in OptionArray)
            {
                if (placed[option.Id] || !DependenciesPlaced(option, placed))
                    continue;

                order.Add(option);
                placed[option.Id] = true;
                progress = true;
            }

            if (!progress)
                throw new InvalidOperationException("option dependencies form a cycle");
        }

        return order.ToArray();
    }

    private static bool DependenciesPlaced(OptionDefinition option, bool[] placed)
    {
        if (option.Depend is { } depend && !placed[OptionsByName[depend.Option].Id])
            return false;

        foreach (var rule in option.CommandRules)
        {
            if (rule.Depend is { } ruleDepend && !placed[OptionsByName[ruleDepend.Option].Id])
                return false;
        }

        return true;
    }
}
