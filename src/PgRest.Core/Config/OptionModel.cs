namespace PgRest.Config;

/// <summary>Value type of an option; decides parsing, validation and how the value is shown.</summary>
public enum OptionType
{
    Boolean,
    Integer,

    /// <summary>Bytes, written with an optional binary unit (<c>128KiB</c>, <c>1m</c>).</summary>
    Size,

    /// <summary>Seconds, decimals allowed (<c>0.5</c>); stored in milliseconds.</summary>
    Time,
    String,

    /// <summary>Absolute path; a trailing <c>/</c> is removed.</summary>
    Path,

    /// <summary>One value of a fixed allow list.</summary>
    StringId,

    /// <summary>Repeatable; each occurrence adds a value.</summary>
    List,

    /// <summary>Repeatable <c>key=value</c> pairs split at the first <c>=</c>.</summary>
    Hash,
}

/// <summary>Where an option may be set besides the command line and the environment.</summary>
public enum OptionSection
{
    /// <summary>Command line or environment only; ignored with a warning in configuration files.</summary>
    CommandLine,

    /// <summary>Any configuration file section.</summary>
    Global,

    /// <summary>Stanza sections only (<c>[demo]</c>, <c>[demo:backup]</c>); ignored with a warning in global sections.</summary>
    Stanza,
}

/// <summary>Indexed option group: <c>pg1..pg256</c> or <c>repo1..repo256</c>.</summary>
public enum OptionGroup
{
    None,
    Pg,
    Repo,
}

/// <summary>Where the value of an option came from.</summary>
public enum OptionSource
{
    Default,
    Config,
    Environment,
    CommandLine,
}

/// <summary>Heading an option is listed under in command help.</summary>
public enum HelpSection
{
    Command,
    General,
    Log,
    Repository,
    Stanza,
}

/// <summary>The commands, in the order of <see cref="OptionTable.Commands"/> (pgBackRest's alphabetical order).</summary>
public enum CommandId
{
    Annotate,
    ArchiveGet,
    ArchivePush,
    Backup,
    Check,
    Expire,
    Help,
    Info,
    Rehearse,
    RepoGet,
    RepoLs,
    Restore,
    Server,
    ServerPing,
    StanzaCreate,
    StanzaDelete,
    StanzaRekey,
    StanzaUpgrade,
    Start,
    Stop,
    TargetFind,
    Verify,
    Version,
    Remote,
}

/// <summary>Lock a command takes when it starts.</summary>
public enum CommandLockType
{
    None,
    Archive,
    Backup,
    All,
}

/// <summary>Inclusive allowed range in the option's base unit (bytes for sizes, milliseconds for times).</summary>
public sealed record OptionRange(long Minimum, long Maximum);

/// <summary>
/// The option only applies when <see cref="Option"/> is set and, if <see cref="Values"/> is not empty, has one of those values
/// (booleans as <c>y</c>/<c>n</c>). When the dependency does not hold the option is unset, or
/// <see cref="DefaultWhenUnresolved"/> when given.
/// </summary>
public sealed record OptionDependency(string Option, IReadOnlyList<string> Values, bool? DefaultWhenUnresolved = null);

/// <summary>An older name still accepted for an option; <see cref="Indexed"/>/<see cref="Unindexed"/> say which forms.</summary>
public sealed record DeprecatedName(string Name, bool Indexed, bool Unindexed);

/// <summary>A user command as the parser and help see it; how it runs is its row in the command table (Commands/CommandTable.cs).</summary>
public sealed class CommandDefinition
{
    internal CommandDefinition(
        int id, string name, bool parametersAllowed, string summary, string description)
    {
        Id = (CommandId)id;
        Name = name;
        ParametersAllowed = parametersAllowed;
        Summary = summary;
        Description = description;
    }

    public CommandId Id { get; }

    internal uint Bit => 1u << (int)Id;

    public string Name { get; }

    /// <summary>Whether words after the command are accepted (<c>archive-push %p</c>).</summary>
    public bool ParametersAllowed { get; }

    public string Summary { get; }

    public string Description { get; }

    /// <summary>Started by pgrest itself (the remote): help and the documentation leave it out.</summary>
    public bool Internal { get; init; }

    public override string ToString() => Name;
}

/// <summary>What differs for one command: requirement, default, allowed values, dependency, visibility, help text.</summary>
public sealed class OptionCommandRule
{
    internal OptionCommandRule(CommandDefinition command) => Command = command;

    public CommandDefinition Command { get; }

    public bool? Required { get; internal set; }

    public string? Default { get; internal set; }

    public IReadOnlyList<string>? AllowList { get; internal set; }

    public OptionDependency? Depend { get; internal set; }

    public bool? Internal { get; internal set; }

    public string? Summary { get; internal set; }

    public string? Description { get; internal set; }
}

/// <summary>
/// One option as pgBackRest 2.45 defines it. Rules in <see cref="CommandRules"/> override the option-wide values for their command.
/// </summary>
public sealed class OptionDefinition
{
    private static readonly OptionCommandRule[] NoRules = [];
    private static readonly DeprecatedName[] NoDeprecations = [];

    private OptionCommandRule[] _rules = NoRules;
    private DeprecatedName[] _deprecations = NoDeprecations;
    private bool _negateAllowed;
    private string[]? _commandNames;

    internal OptionDefinition(string name, OptionType type, uint commandMask)
    {
        Name = name;
        Type = type;
        CommandMask = commandMask;
    }

    internal int Id { get; set; }

    /// <summary>Commands the option is valid for, one bit per <see cref="CommandDefinition.Id"/>.</summary>
    internal uint CommandMask { get; }

    /// <summary>Option name without index, e.g. <c>repo-path</c>.</summary>
    public string Name { get; }

    public OptionType Type { get; }

    public OptionSection Section { get; private set; } = OptionSection.CommandLine;

    public OptionGroup Group { get; private set; }

    /// <summary>Refused on the command line and redacted when shown.</summary>
    public bool Secure { get; private set; }

    /// <summary>Not meant for users: left out of help and the generated documentation.</summary>
    public bool Internal { get; private set; }

    /// <summary>Only accepted together with <c>--beta</c>.</summary>
    public bool Beta { get; private set; }

    /// <summary>Whether the option must end up with a value (from the user or a default) when its dependency holds.</summary>
    public bool Required { get; private set; } = true;

    /// <summary>Default as pgBackRest shows it (<c>y</c>, <c>60</c>, <c>1MiB</c>), or null when there is none.</summary>
    public string? Default { get; private set; }

    public IReadOnlyList<string>? AllowList { get; private set; }

    public OptionRange? Range { get; private set; }

    public OptionDependency? Depend { get; private set; }

    public HelpSection HelpSection { get; private set; }

    public string Summary { get; private set; } = "";

    public string Description { get; private set; } = "";

    public IReadOnlyList<OptionCommandRule> CommandRules => _rules;

    public IReadOnlyList<DeprecatedName> DeprecatedNames => _deprecations;

    /// <summary><c>--no-</c> form allowed: booleans outside command-line-only options, plus <c>config</c> and <c>online</c>.</summary>
    public bool Negatable => _negateAllowed || (Type == OptionType.Boolean && Section != OptionSection.CommandLine);

    /// <summary><c>--reset-</c> form allowed: every option that may appear in a configuration file.</summary>
    public bool Resettable => Section != OptionSection.CommandLine;

    /// <summary>May be given more than once (list and hash options).</summary>
    public bool Repeatable => Type is OptionType.List or OptionType.Hash;

    /// <summary>Names of the commands that accept the option.</summary>
    public IReadOnlyList<string> Commands => _commandNames ??= BuildCommandNames();

    /// <summary>Name for one index of a grouped option (<c>repo2-path</c>); the plain name for ungrouped options.</summary>
    public string IndexedName(int key)
    {
        if (Group == OptionGroup.None)
            return Name;

        var prefixLength = Group == OptionGroup.Pg ? 2 : 4;
        return string.Concat(Name.AsSpan(0, prefixLength), key.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Name.AsSpan(prefixLength));
    }

    /// <summary>Environment variable for one index, e.g. <c>PGBACKREST_REPO1_PATH</c>.</summary>
    public string EnvironmentName(int key = 1) =>
        "PGBACKREST_" + IndexedName(key).ToUpperInvariant().Replace('-', '_');

    public bool IsValidFor(CommandDefinition command) => (CommandMask & command.Bit) != 0;

    public string? DefaultFor(CommandDefinition command) => RuleFor(command)?.Default ?? Default;

    public bool IsRequiredFor(CommandDefinition command) => RuleFor(command)?.Required ?? Required;

    public IReadOnlyList<string>? AllowListFor(CommandDefinition command) => RuleFor(command)?.AllowList ?? AllowList;

    public OptionDependency? DependFor(CommandDefinition command) => RuleFor(command)?.Depend ?? Depend;

    public bool IsInternalFor(CommandDefinition command) => RuleFor(command)?.Internal ?? Internal;

    public string SummaryFor(CommandDefinition command) => RuleFor(command)?.Summary ?? Summary;

    public string DescriptionFor(CommandDefinition command) => RuleFor(command)?.Description ?? Description;

    /// <summary>Help section for a command: options with command-specific help text are listed as command options.</summary>
    public HelpSection HelpSectionFor(CommandDefinition command) =>
        RuleFor(command)?.Summary != null ? HelpSection.Command : HelpSection;

    public OptionCommandRule? RuleFor(CommandDefinition command)
    {
        foreach (var rule in _rules)
        {
            if (rule.Command.Id == command.Id)
                return rule;
        }

        return null;
    }

    public override string ToString() => Name;

    private string[] BuildCommandNames()
    {
        var names = new List<string>();

        foreach (var command in OptionTable.CommandArray)
        {
            if (IsValidFor(command) && !command.Internal)
                names.Add(command.Name);
        }

        return names.ToArray();
    }

    // Fluent setters used only while OptionTable builds its static array.

    internal OptionDefinition InGlobal()
    {
        Section = OptionSection.Global;
        return this;
    }

    internal OptionDefinition InStanza()
    {
        Section = OptionSection.Stanza;
        return this;
    }

    internal OptionDefinition InGroup(OptionGroup group)
    {
        Group = group;
        return this;
    }

    internal OptionDefinition Def(string value)
    {
        Default = value;
        return this;
    }

    internal OptionDefinition Optional()
    {
        Required = false;
        return this;
    }

    internal OptionDefinition Allow(params string[] values)
    {
        AllowList = values;
        return this;
    }

    internal OptionDefinition Between(long minimum, long maximum)
    {
        Range = new OptionRange(minimum, maximum);
        return this;
    }

    internal OptionDefinition DependsOn(string option, params string[] values)
    {
        Depend = new OptionDependency(option, values);
        return this;
    }

    internal OptionDefinition DependsOnOrDefault(bool defaultWhenUnresolved, string option, params string[] values)
    {
        Depend = new OptionDependency(option, values, defaultWhenUnresolved);
        return this;
    }

    internal OptionDefinition MarkSecure()
    {
        Secure = true;
        return this;
    }

    internal OptionDefinition MarkInternal()
    {
        Internal = true;
        return this;
    }

    internal OptionDefinition MarkBeta()
    {
        Beta = true;
        return this;
    }

    internal OptionDefinition AllowNegate()
    {
        _negateAllowed = true;
        return this;
    }

    internal OptionDefinition Deprecated(string name, bool indexed = false, bool unindexed = true)
    {
        _deprecations = [.. _deprecations, new DeprecatedName(name, indexed, unindexed)];
        return this;
    }

    internal OptionDefinition On(
        uint commandMask, bool? required = null, string? def = null, string[]? allow = null, OptionDependency? depend = null,
        bool? isInternal = null, string? summary = null, string? description = null)
    {
        var added = new List<OptionCommandRule>(_rules);

        foreach (var command in OptionTable.CommandArray)
        {
            if ((commandMask & command.Bit) == 0)
                continue;

            added.Add(new OptionCommandRule(command)
            {
                Required = required, Default = def, AllowList = allow, Depend = depend, Internal = isInternal, Summary = summary,
                Description = description,
            });
        }

        _rules = added.ToArray();
        return this;
    }

    internal OptionDefinition Help(HelpSection section, string summary, string description)
    {
        HelpSection = section;
        Summary = summary;
        Description = description;
        return this;
    }
}
