namespace PgRest.Config;

/// <summary>
/// The declarative definition of every user command and option of pgBackRest 2.45. Parsing, validation, help and the generated
/// documentation all read this table. Built once per process from static data (no parsing, no reflection).
/// </summary>
public static partial class OptionTable
{
    // Command bits, in the order of Commands below (pgBackRest's alphabetical command order).
    internal const uint Annotate = 1u << 0, ArchiveGet = 1u << 1, ArchivePush = 1u << 2, Backup = 1u << 3, Check = 1u << 4,
        Expire = 1u << 5, HelpCommand = 1u << 6, Info = 1u << 7, RepoGet = 1u << 8, RepoLs = 1u << 9, Restore = 1u << 10,
        Server = 1u << 11, ServerPing = 1u << 12, StanzaCreate = 1u << 13, StanzaDelete = 1u << 14, StanzaUpgrade = 1u << 15,
        Start = 1u << 16, Stop = 1u << 17, Verify = 1u << 18, VersionCommand = 1u << 19;

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
            "Annotations given to the backup command with --annotation can be changed afterwards: each --annotation=key=value "
            + "sets a key and --annotation=key= removes it. The backup to change is chosen with --set."),
        new(1, "archive-get", true,
            "Fetch a WAL segment from the archive.",
            "Meant to be used as restore_command: archive-get %f \"%p\". The first parameter is the WAL file name to fetch and "
            + "the second the path it must be written to. The command exits with 1 when the file is not in the archive so "
            + "that PostgreSQL knows to stop asking."),
        new(2, "archive-push", true,
            "Store a WAL segment in the archive.",
            "Meant to be used as archive_command: archive-push %p. The parameter is the path of the WAL segment to store. "
            + "With archive-async the segment is queued in the spool path and pushed in the background together with others."),
        new(3, "backup", false,
            "Back up a PostgreSQL cluster.",
            "Writes a full, differential or incremental backup to one repository: the first configured repository unless "
            + "--repo chooses another. There is no built-in scheduler; run the command from cron or a similar tool."),
        new(4, "check", false,
            "Verify the configuration and WAL archiving.",
            "Confirms that the stanza is set up on every repository, that archive_command is configured and that a freshly "
            + "switched WAL segment reaches the archive within archive-timeout. Works on a primary and on a standby."),
        new(5, "expire", false,
            "Remove backups and WAL that exceed the retention settings.",
            "Applies the repo-retention-* options to each repository, removing old backups and the WAL no longer needed by "
            + "the remaining ones. Runs automatically after a successful backup unless expire-auto is off. --set removes one "
            + "given backup instead."),
        new(6, "help", true,
            "Show help.",
            "Without parameters lists the commands. 'help <command>' describes a command and lists its options with their "
            + "current and default values; 'help <command> <option>' describes one option."),
        new(7, "info", false,
            "Show backups and archive status.",
            "Lists the backups and the WAL range of each stanza (or of --stanza only), in text or, with --output=json, as a "
            + "machine readable document. --set shows details of one backup."),
        new(8, "repo-get", true,
            "Print a file stored in a repository.",
            "Writes the file named by the parameter (relative to the repository path) to standard output, decrypted and "
            + "decompressed unless --raw is given."),
        new(9, "repo-ls", true,
            "List paths and files in a repository.",
            "Lists the path named by the optional parameter, relative to the repository path, in text or JSON."),
        new(10, "restore", false,
            "Restore a PostgreSQL cluster from a backup.",
            "Copies a backup into pg1-path and writes the recovery settings so that PostgreSQL replays WAL from the archive "
            + "on start. By default the latest backup is restored and recovery runs to the end of the archived WAL; --type, "
            + "--target and --set choose another point or backup."),
        new(11, "server", false,
            "Run the TLS server for remote hosts.",
            "Accepts TLS connections from other hosts so they can reach this host's repository or cluster without SSH. "
            + "Clients are authorized by certificate common name with tls-server-auth."),
        new(12, "server-ping", true,
            "Check that a TLS server answers.",
            "Connects to the server given as parameter (or tls-server-address) and reports an error if it does not respond."),
        new(13, "stanza-create", false,
            "Create the stanza in the repositories.",
            "Writes the archive and backup information files of the stanza to each repository. Run it once after configuring "
            + "a new stanza; running it again on an existing, matching stanza does nothing."),
        new(14, "stanza-delete", false,
            "Remove a stanza and everything stored for it.",
            "Deletes all backups and WAL of the stanza from one repository. The stanza must be stopped first with the stop "
            + "command and the cluster must not be running unless --force is given. This cannot be undone."),
        new(15, "stanza-upgrade", false,
            "Record a PostgreSQL major upgrade in the stanza.",
            "Adds the upgraded cluster's version and system identifier to the stanza's information files so that backups and "
            + "archiving can continue after pg_upgrade."),
        new(16, "start", false,
            "Allow pgRest processes to run again.",
            "Removes the stop file created by the stop command, for one stanza or for all stanzas."),
        new(17, "stop", false,
            "Prevent pgRest processes from running.",
            "Creates a stop file so that new processes refuse to start, for one stanza or for all stanzas. Running processes "
            + "finish normally unless --force is given, which terminates them."),
        new(18, "verify", false,
            "Check the contents of a repository.",
            "Reads every backup file and archived WAL segment and verifies its size and checksum against the information "
            + "recorded in the repository."),
        new(19, "version", false,
            "Show the version.",
            "Prints the program name and version."),
    ];

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
