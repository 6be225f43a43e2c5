using PgRest.Errors;

namespace PgRest.Config;

/// <summary>
/// The merged, validated options of one command invocation (see <see cref="ConfigurationLoader"/>). Option names may carry an
/// index (<c>repo2-path</c>, <c>pg1-port</c>); an unindexed name of a grouped option means index 1. Asking for an option the
/// command does not accept is a programming error and throws <see cref="ErrorCode.Assert"/>.
/// </summary>
public sealed class Configuration
{
    private static readonly int[] KeyOne = [1];

    private readonly OptionValue[]?[] _values;
    private readonly int[] _pgKeys;
    private readonly int[] _repoKeys;

    internal Configuration(
        CommandDefinition command, IReadOnlyList<string> parameters, CommandDefinition? helpTarget, OptionValue[]?[] values,
        int[] pgKeys, int[] repoKeys, IReadOnlyList<KeyValuePair<string, string>> commandLineOptions, IReadOnlyList<string> warnings)
    {
        Definition = command;
        Parameters = parameters;
        HelpTarget = helpTarget;
        _values = values;
        _pgKeys = pgKeys;
        _repoKeys = repoKeys;
        CommandLineOptions = commandLineOptions;
        Warnings = warnings;
    }

    /// <summary>The command name, e.g. <c>archive-push</c>; <c>help</c> when help was requested.</summary>
    public string Command => Definition.Name;

    public CommandDefinition Definition { get; }

    /// <summary>Words after the command (<c>%p</c>); for help: the command and option asked about.</summary>
    public IReadOnlyList<string> Parameters { get; }

    /// <summary>The stanza, when the command accepts one and it was given.</summary>
    public string? Stanza =>
        HelpTarget == null && _values[StanzaOption.Id] is { } stanza && stanza[0].IsSet ? stanza[0].Text : null;

    /// <summary>Configured repository indexes in ascending order; <c>[1]</c> when none is configured.</summary>
    public IReadOnlyList<int> RepoIndexes => _repoKeys.Length == 0 ? KeyOne : _repoKeys;

    /// <summary>Configured PostgreSQL indexes in ascending order; <c>[1]</c> when none is configured.</summary>
    public IReadOnlyList<int> PgIndexes => _pgKeys.Length == 0 ? KeyOne : _pgKeys;

    /// <summary>
    /// Options from the command line in the order given, keyed by canonical name (<c>repo1-path</c>, <c>no-online</c>,
    /// <c>reset-delta</c>) even when abbreviated or deprecated; the value is the argument, or empty when there was none.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> CommandLineOptions { get; }

    /// <summary>Warnings found while loading (unknown options, misplaced options, retention), for logging once logging is set up.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>For <c>help &lt;command&gt;</c>: the command whose options were loaded so help can show current values.</summary>
    internal CommandDefinition? HelpTarget { get; }

    private static OptionDefinition StanzaOption { get; } = OptionTable.FindOption("stanza")!;

    /// <summary>
    /// Whether the running command reads <paramref name="option"/>: valid for the command and loaded. After a backup has
    /// become its expire (<see cref="AsCommand"/>), options of the backup that expire does not take are not accepted.
    /// </summary>
    public bool Accepts(OptionHandle option) =>
        HelpTarget == null && _values[option.Definition.Id] is not null && option.Definition.IsValidFor(Definition);

    /// <summary>Whether the user (or a default) gave the option a value at <paramref name="index"/>.</summary>
    public bool IsSet(OptionHandle option, int index = 1) => Lookup(option, index).IsSet;

    public OptionSource Source(OptionHandle option, int index = 1) => Lookup(option, index).Source;

    public bool Get(BoolOption option, int index = 1) => Resolved(option, index).Boolean;

    /// <summary>Null when neither the user nor a default set it (a dependency not met).</summary>
    public bool? Find(BoolOption option, int index = 1) => Lookup(option, index) is { IsSet: true } value ? value.Boolean : null;

    public long Get(IntegerOption option, int index = 1) => Resolved(option, index).Number;

    public long? Find(IntegerOption option, int index = 1) => Lookup(option, index) is { IsSet: true } value ? value.Number : null;

    /// <summary>Bytes.</summary>
    public long Get(SizeOption option, int index = 1) => Resolved(option, index).Number;

    public TimeSpan Get(TimeOption option, int index = 1) => TimeSpan.FromMilliseconds(Resolved(option, index).Number);

    /// <summary>The value, or the table's default; a programming error (<see cref="ErrorCode.Assert"/>) when there is neither.</summary>
    public string Get(StringOption option, int index = 1) => Resolved(option, index).Text!;

    public string? Find(StringOption option, int index = 1) => Lookup(option, index) is { IsSet: true } value ? value.Text : null;

    public string Get(ChoiceOption option, int index = 1) => Resolved(option, index).Text!;

    public string? Find(ChoiceOption option, int index = 1) => Lookup(option, index) is { IsSet: true } value ? value.Text : null;

    /// <summary>Values in the order given; empty when not set.</summary>
    public IReadOnlyList<string> Get(ListOption option, int index = 1) => Lookup(option, index).List ?? [];

    /// <summary>Pairs in the order given (a repeated key keeps its first position); empty when not set.</summary>
    public IReadOnlyDictionary<string, string> Get(HashOption option, int index = 1) =>
        Lookup(option, index).Hash ?? (IReadOnlyDictionary<string, string>)EmptyHash.Instance;

    /// <summary>
    /// The same values seen by another command, as pgBackRest switches a finished backup to its expire: options the new
    /// command does not take are not accepted, and logging follows the new command's row.
    /// </summary>
    public Configuration AsCommand(CommandDefinition command) =>
        new(command, Parameters, null, _values, _pgKeys, _repoKeys, CommandLineOptions, []);

    /// <summary>
    /// Options given on the command line that <paramref name="command"/> also takes, by canonical name in the order given
    /// (restore writes them into <c>restore_command</c> for archive-get).
    /// </summary>
    public IEnumerable<KeyValuePair<string, string>> CommandLineOptionsValidFor(CommandDefinition command, IReadOnlyCollection<OptionHandle> except)
    {
        foreach (var pair in CommandLineOptions)
        {
            var name = pair.Key.StartsWith("no-", StringComparison.Ordinal) ? pair.Key[3..] : pair.Key;
            if (OptionTable.ResolveIndexedName(name) is { } resolved && resolved.Option.IsValidFor(command)
                && !except.Any(handle => handle.Definition == resolved.Option))
                yield return pair;
        }
    }

    /// <summary>
    /// Every option set from any source (not defaults), by indexed name in ascending order, as pgBackRest lists them on
    /// the <c>command begin</c> log line: (name, value or null for a bare boolean, secure). Negated booleans read
    /// <c>no-&lt;name&gt;</c>.
    /// </summary>
    public IReadOnlyList<SetOption> DescribeSetOptions()
    {
        var result = new List<SetOption>();
        foreach (var option in OptionTable.OptionArray)
        {
            // A backup that became its expire lists only what expire takes, as pgBackRest does.
            if (_values[option.Id] is not { } optionValues || !option.IsValidFor(Definition))
                continue;
            var keys = option.Group switch { OptionGroup.Pg => _pgKeys, OptionGroup.Repo => _repoKeys, _ => KeyOne };
            for (var i = 0; i < optionValues.Length && i < Math.Max(keys.Length, 1); i++)
            {
                var value = optionValues[i];
                if (!value.IsSet || value.Source == OptionSource.Default)
                    continue;
                var name = option.Group == OptionGroup.None ? option.Name : option.IndexedName(keys.Length == 0 ? 1 : keys[i]);
                if (option.Type == OptionType.Boolean)
                    result.Add(new SetOption(value.Boolean ? name : "no-" + name, null, option.Secure));
                else if (value.List is { } list)
                {
                    foreach (var item in list)
                        result.Add(new SetOption(name, item, option.Secure));
                }
                else if (value.Hash is { } hash)
                {
                    foreach (var pair in hash)
                        result.Add(new SetOption(name, pair.Key + "=" + pair.Value, option.Secure));
                }
                else
                    result.Add(new SetOption(name, value.Display ?? value.Text, option.Secure));
            }
        }

        SortByName(result);
        return result;
    }

    // Stable insertion sort by name, a negated boolean sorting under its plain name; the list is short.
    private static void SortByName(List<SetOption> options)
    {
        for (var next = 1; next < options.Count; next++)
        {
            var moving = options[next];
            var position = next;
            while (position > 0 && string.CompareOrdinal(SortKey(options[position - 1]), SortKey(moving)) > 0)
            {
                options[position] = options[position - 1];
                position--;
            }

            options[position] = moving;
        }

        static string SortKey(SetOption option) =>
            option.Name.StartsWith("no-", StringComparison.Ordinal) ? option.Name[3..] : option.Name;
    }

    /// <summary>The value of an option at the first configured index, for help output; null when the option is not valid.</summary>
    internal OptionValue? FirstValue(OptionDefinition option) => _values[option.Id]?[0];

    private OptionValue Lookup(OptionHandle handle, int index)
    {
        var option = handle.Definition;
        if (option.Group == OptionGroup.None && index != 1)
            throw new PgRestException(ErrorCode.Assert, $"option '{option.Name}' has no index {index}");

        var optionValues = (HelpTarget == null && option.IsValidFor(Definition) ? _values[option.Id] : null) ??
            throw new PgRestException(ErrorCode.Assert, $"option '{option.Name}' is not valid for command '{Command}'");

        if (option.Group == OptionGroup.None)
            return optionValues[0];

        var keys = option.Group == OptionGroup.Pg ? _pgKeys : _repoKeys;
        var position = PositionOf(keys, index);

        // An index nobody configured behaves like one with every option at its default (the last slot).
        return optionValues[position >= 0 ? position : optionValues.Length - 1];
    }

    /// <summary>The value, else the table's default for the command (a dependency not met leaves the value unset).</summary>
    private OptionValue Resolved(OptionHandle handle, int index)
    {
        var value = Lookup(handle, index);
        if (value.IsSet)
            return value;
        if (handle.Definition.DefaultFor(Definition) is { } text)
            return OptionValue.FromDefault(handle.Definition, text);
        throw new PgRestException(ErrorCode.Assert, $"option '{handle.IndexedName(index)}' is not set");
    }

    private static int PositionOf(int[] keys, int key)
    {
        for (var position = 0; position < keys.Length; position++)
        {
            if (keys[position] == key)
                return position;
        }

        return -1;
    }

    private static class EmptyHash
    {
        public static readonly Dictionary<string, string> Instance = new();
    }
}

/// <summary>One option as listed on the <c>command begin</c> line: value null for a bare boolean; secure values must be redacted.</summary>
public sealed record SetOption(string Name, string? Value, bool Secure);

/// <summary>Resolved value of one option at one index.</summary>
internal sealed class OptionValue
{
    public bool IsSet { get; set; }

    public OptionSource Source { get; set; }

    public bool Negated { get; set; }

    public bool Reset { get; set; }

    /// <summary>The value as given (before path clean-up or unit conversion); null for defaults, lists and hashes.</summary>
    public string? Display { get; set; }

    public bool Boolean { get; set; }

    /// <summary>Integer, size in bytes, or time in milliseconds.</summary>
    public long Number { get; set; }

    public string? Text { get; set; }

    public string[]? List { get; set; }

    public Dictionary<string, string>? Hash { get; set; }

    /// <summary>A default from the table, converted to the option's type.</summary>
    public static OptionValue FromDefault(OptionDefinition option, string text)
    {
        var value = new OptionValue();
        value.SetDefault(option, text);
        return value;
    }

    /// <summary>Sets this value to a default from the table (the loader's defaults and <see cref="FromDefault"/> alike).</summary>
    public void SetDefault(OptionDefinition option, string text)
    {
        IsSet = true;
        Source = OptionSource.Default;
        switch (option.Type)
        {
            case OptionType.Boolean:
                Boolean = text == "y";
                break;

            case OptionType.Integer:
                Number = OptionValueParser.TryParseInteger(text, out var integer) ? integer : throw InvalidDefault(option, text);
                break;

            case OptionType.Size:
                Number = OptionValueParser.TryParseSize(text, out var bytes) ? bytes : throw InvalidDefault(option, text);
                break;

            case OptionType.Time:
                Number = OptionValueParser.TryParseTime(text, out var milliseconds) ? milliseconds : throw InvalidDefault(option, text);
                break;

            default:
                Text = text;
                break;
        }
    }

    private static PgRestException InvalidDefault(OptionDefinition option, string text) =>
        new(ErrorCode.Assert, $"default '{text}' of option '{option.Name}' is not a valid {option.Type}");
}
