using PgRest.Errors;

namespace PgRest.Config;

/// <summary>
/// Builds a <see cref="Configuration"/> from the command line, <c>PGBACKREST_*</c> environment variables and configuration files
/// with pgBackRest 2.45's rules. Precedence: command line, environment, <c>[stanza:command]</c>, <c>[stanza]</c>,
/// <c>[global:command]</c>, <c>[global]</c>, default. The first source that sets an option wins; list and hash values are not
/// merged across sources.
/// </summary>
public static class ConfigurationLoader
{
    private const string EnvironmentPrefix = "PGBACKREST_";
    private const string GlobalSection = "global";

    // Highest pg/repo index (pg256, repo256).
    private const int MaxGroupKey = 256;

    /// <summary>The environment as the configuration sees it: only <c>PGBACKREST_*</c> variables matter.</summary>
    public static Dictionary<string, string> ReadEnvironment()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && key.StartsWith("PGBACKREST_", StringComparison.Ordinal) && entry.Value is string value)
                result[key] = value;
        }

        return result;
    }

    /// <summary>Loads the configuration; <paramref name="args"/> excludes the program name.</summary>
    public static Configuration Load(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment) =>
        Load(args, environment, ConfigFileDefaults.Standard);

    internal static Configuration Load(
        IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment, ConfigFileDefaults fileDefaults) =>
        new Loader(args, environment, fileDefaults).Run();

    /// <summary>Default configuration locations; tests substitute temporary ones.</summary>
    internal sealed record ConfigFileDefaults(string ConfigFile, string ConfigIncludePath, string LegacyConfigFile)
    {
        public static readonly ConfigFileDefaults Standard =
            new("/etc/pgbackrest/pgbackrest.conf", "/etc/pgbackrest/conf.d", "/etc/pgbackrest.conf");
    }

    /// <summary>What one source said about one option at one index, before validation.</summary>
    private sealed class ParsedValue
    {
        public bool Found;
        public bool Negate;
        public bool Reset;
        public OptionSource Source;
        public List<string>? Values;
    }

    private sealed class Loader(
        IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment, ConfigFileDefaults fileDefaults)
    {
        private readonly ParsedValue?[]?[] _parsed = new ParsedValue?[]?[OptionTable.OptionArray.Length];
        private readonly OptionValue[]?[] _values = new OptionValue[]?[OptionTable.OptionArray.Length];
        private readonly List<string> _warnings = [];
        private readonly List<KeyValuePair<string, string>> _commandLineOptions = [];
        private readonly List<string> _parameters = [];
        private CommandDefinition? _command;
        private bool _help;
        private int[] _pgKeys = [];
        private int[] _repoKeys = [];

        public Configuration Run()
        {
            var commandSet = ParseCommandLine();

            if (!commandSet && !_help)
            {
                if (args.Count > 0)
                    throw new PgRestException(ErrorCode.CommandRequired, "no command found");

                _help = true;
            }

            _command ??= OptionTable.FindCommand("help")!;

            if (_parameters.Count > 0 && !_help && !_command.ParametersAllowed)
                throw new PgRestException(ErrorCode.ParamInvalid, "command does not allow parameters");

            // help and version need no options; help for a command loads that command's options to show current values.
            if (_command.Name is not ("help" or "version"))
            {
                ParseEnvironment();
                ParseConfigFiles();
                CheckCommandLineValidity();
                BuildGroupKeys();
                ResolveValues();
                DropDefaultGroupKeys();
                CheckGroupSelection();
                ConfigurationRules.Apply(_command, _help, _values, _repoKeys, _pgKeys, _warnings);
            }

            var helpCommand = OptionTable.FindCommand("help")!;

            if (_help)
            {
                var helpParameters = new List<string>(_parameters.Count + 1);

                if (_command != helpCommand)
                    helpParameters.Add(_command.Name);

                helpParameters.AddRange(_parameters);
                return new Configuration(helpCommand, helpParameters, _command == helpCommand ? null : _command, _values, _pgKeys,
                    _repoKeys, _commandLineOptions, _warnings);
            }

            return new Configuration(_command, _parameters, null, _values, _pgKeys, _repoKeys, _commandLineOptions, _warnings);
        }

        // Phase 1: options may come before or after the command; the first other word is the command (after an optional
        // 'help'), the rest are parameters.
        private bool ParseCommandLine()
        {
            var commandSet = false;

            for (var index = 0; index < args.Count; index++)
            {
                var arg = args[index];

                if (arg.Length > 0 && arg[0] == '-')
                {
                    index = ParseCommandLineOption(index);
                    continue;
                }

                if (commandSet)
                {
                    _parameters.Add(arg);
                    continue;
                }

                _command = OptionTable.FindCommand(arg) ?? throw new PgRestException(ErrorCode.CommandInvalid, $"invalid command '{arg}'");

                if (_command.Name == "help")
                    _help = true;
                else
                    commandSet = true;
            }

            return commandSet;
        }

        private int ParseCommandLineOption(int index)
        {
            var arg = args[index];

            if (arg.Length < 2 || arg[1] != '-')
                throw new PgRestException(ErrorCode.OptionInvalid, $"option '{arg}' must begin with --");

            var body = arg[2..];
            var equal = body.IndexOf('=');
            var name = equal >= 0 ? body[..equal] : body;
            var argument = equal >= 0 ? body[(equal + 1)..] : null;

            if (!OptionName.TryParse(name, prefixMatch: true, ignoreMissingIndex: false, out var option))
                throw new PgRestException(ErrorCode.OptionInvalid, $"invalid option '--{body}'");

            var negate = option.Negate;

            if (!option.Negate && !option.Reset)
            {
                if (option.Option.Type == OptionType.Boolean)
                {
                    if (argument == "n")
                        negate = true;
                    else if (argument != null && argument != "y")
                    {
                        throw new PgRestException(
                            ErrorCode.OptionInvalidValue, $"boolean option '--{name}' argument must be 'y' or 'n'");
                    }
                }
                else if (argument == null)
                {
                    if (index == args.Count - 1)
                        throw new PgRestException(ErrorCode.OptionInvalid, $"option '--{name}' requires an argument");

                    argument = args[++index];
                }
            }
            else if (argument != null)
                throw new PgRestException(ErrorCode.OptionInvalid, $"option '{name}' does not allow an argument");

            var keyName = option.KeyName;

            if (option.Option.Secure)
            {
                throw new PgRestException(
                    ErrorCode.OptionInvalid,
                    $"option '{keyName}' is not allowed on the command-line\n" +
                    "HINT: this option could expose secrets in the process list.\n" +
                    "HINT: specify the option in a configuration file or an environment variable instead.");
            }

            var slot = Slot(option.Option, option.Key);

            if (!slot.Found)
            {
                slot.Found = true;
                slot.Negate = negate;
                slot.Reset = option.Reset;
                slot.Source = OptionSource.CommandLine;

                if (argument != null)
                    slot.Values = [argument];
            }
            else
            {
                if (slot.Negate && negate)
                    throw Invalid($"option '{keyName}' is negated multiple times");

                if (slot.Reset && option.Reset)
                    throw Invalid($"option '{keyName}' is reset multiple times");

                if ((slot.Reset && negate) || (slot.Negate && option.Reset))
                    throw Invalid($"option '{keyName}' cannot be negated and reset");

                if (slot.Negate != negate)
                    throw Invalid($"option '{keyName}' cannot be set and negated");

                if (slot.Reset != option.Reset)
                    throw Invalid($"option '{keyName}' cannot be set and reset");

                if (argument == null || !option.Option.Repeatable)
                    throw Invalid($"option '{keyName}' cannot be set multiple times");

                slot.Values!.Add(argument);
            }

            var prefix = option.Negate ? "no-" : option.Reset ? "reset-" : "";
            _commandLineOptions.Add(new KeyValuePair<string, string>(prefix + keyName, argument ?? ""));
            return index;
        }

        // Phase 2: PGBACKREST_<NAME> variables, used when the command line did not set the option.
        private void ParseEnvironment()
        {
            var names = new List<string>();

            foreach (var variable in environment.Keys)
            {
                if (variable.StartsWith(EnvironmentPrefix, StringComparison.Ordinal))
                    names.Add(variable);
            }

            names.Sort(StringComparer.Ordinal);

            foreach (var variable in names)
            {
                var key = variable[EnvironmentPrefix.Length..].ToLowerInvariant().Replace('_', '-');
                var value = environment[variable];

                if (!OptionName.TryParse(key, prefixMatch: false, ignoreMissingIndex: false, out var option))
                {
                    _warnings.Add($"environment contains invalid option '{key}'");
                    continue;
                }

                if (option.Negate)
                {
                    _warnings.Add($"environment contains invalid negate option '{key}'");
                    continue;
                }

                if (option.Reset)
                {
                    _warnings.Add($"environment contains invalid reset option '{key}'");
                    continue;
                }

                if (!option.Option.IsValidFor(_command!))
                    continue;

                if (value.Length == 0)
                    throw new PgRestException(ErrorCode.OptionInvalidValue, $"environment variable '{key}' must have a value");

                var slot = Slot(option.Option, option.Key);

                if (slot.Found)
                    continue;

                slot.Found = true;
                slot.Source = OptionSource.Environment;

                if (option.Option.Type == OptionType.Boolean)
                {
                    if (value == "n")
                        slot.Negate = true;
                    else if (value != "y")
                    {
                        throw new PgRestException(
                            ErrorCode.OptionInvalidValue, $"environment boolean option '{key}' must be 'y' or 'n'");
                    }
                }
                else if (option.Option.Repeatable)
                    slot.Values = [.. value.Split(':')];
                else
                    slot.Values = [value];
            }
        }

        // Phase 3: configuration files, searched section by section for options not set yet.
        private void ParseConfigFiles()
        {
            var text = ConfigFiles.Load(Given("config"), Given("config-path"), Given("config-include-path"), fileDefaults);

            if (text == null)
                return;

            var ini = ConfigIni.Parse(text);
            var stanza = Found("stanza") is { Values: [var stanzaName, ..] } ? stanzaName : null;
            var sections = stanza != null
                ? new[] { $"{stanza}:{_command!.Name}", stanza, $"{GlobalSection}:{_command.Name}", GlobalSection }
                : [$"{GlobalSection}:{_command!.Name}", GlobalSection];

            for (var sectionIndex = 0; sectionIndex < sections.Length; sectionIndex++)
            {
                var section = sections[sectionIndex];
                var isGlobalSection = section == GlobalSection || section.StartsWith(GlobalSection + ":", StringComparison.Ordinal);
                ReadSection(ini, section, isCommandSection: sectionIndex % 2 == 0, isGlobalSection);
            }
        }

        private void ReadSection(ConfigIni ini, string section, bool isCommandSection, bool isGlobalSection)
        {
            // Keyed by canonical indexed name: a deprecated and a current name of the same option collide here.
            var namesInSection = new Dictionary<string, string>(StringComparer.Ordinal);

            foreach (var key in ini.Keys(section))
            {
                if (FileOption(key, section) is not { } option)
                    continue;

                var definition = option.Option;
                var canonicalName = definition.IndexedName(option.Key);
                if (namesInSection.TryGetValue(canonicalName, out var otherName))
                    throw Invalid($"configuration file contains duplicate options ('{key}', '{otherName}') in section '[{section}]'");
                namesInSection.Add(canonicalName, key);

                if (!definition.IsValidFor(_command!))
                {
                    if (isCommandSection)
                        _warnings.Add($"configuration file contains option '{key}' invalid for section '{section}'");
                    continue;
                }

                if (definition.Section == OptionSection.Stanza && isGlobalSection)
                {
                    _warnings.Add($"configuration file contains stanza-only option '{key}' in global section '{section}'");
                    continue;
                }

                var slot = Slot(definition, option.Key);
                if (!slot.Found)
                    StoreFileValue(slot, option, ini.Values(section, key), section, key);
            }
        }

        /// <summary>The option a configuration file key names; null (with a warning) for keys a file may not hold.</summary>
        private OptionName? FileOption(string key, string section)
        {
            string? problem = null;
            if (!OptionName.TryParse(key, prefixMatch: false, ignoreMissingIndex: false, out var option))
                problem = "invalid option";
            else if (option.Negate)
                problem = "negate option";
            else if (option.Reset)
                problem = "reset option";
            else if (option.Option.Section == OptionSection.CommandLine)
                problem = "command-line only option";

            if (problem is null)
                return option;
            _warnings.Add($"configuration file contains {problem} '{key}'");
            return null;
        }

        private static void StoreFileValue(ParsedValue slot, OptionName option, IReadOnlyList<string> fileValues, string section, string key)
        {
            var definition = option.Option;
            slot.Found = true;
            slot.Source = OptionSource.Config;
            if (fileValues.Count > 1)
            {
                if (!definition.Repeatable)
                    throw Invalid($"option '{option.KeyName}' cannot be set multiple times");
                slot.Values = [.. fileValues];
                return;
            }

            var value = fileValues[0];
            if (value.Length == 0)
                throw new PgRestException(ErrorCode.OptionInvalidValue, $"section '{section}', key '{key}' must have a value");

            if (definition.Type != OptionType.Boolean)
                slot.Values = [value];
            else if (value == "n")
                slot.Negate = true;
            else if (value != "y")
                throw new PgRestException(ErrorCode.OptionInvalidValue, $"boolean option '{key}' must be 'y' or 'n'");
        }

        // Phase 4a: an option the command does not take is an error only when given on the command line.
        private void CheckCommandLineValidity()
        {
            foreach (var option in OptionTable.OptionArray)
            {
                if (_parsed[option.Id] != null && !option.IsValidFor(_command!))
                    throw Invalid($"option '{option.Name}' not valid for command '{_command!.Name}'");
            }
        }

        // Phase 4b: which indexes of pg/repo are in use (a flag per index, read in ascending order).
        private void BuildGroupKeys()
        {
            var used = new bool[3][];
            var groupValid = new bool[3];

            foreach (var option in OptionTable.OptionArray)
            {
                if (option.Group == OptionGroup.None || !option.IsValidFor(_command!))
                    continue;

                var group = (int)option.Group;
                groupValid[group] = true;

                if (_parsed[option.Id] is not { } slots)
                    continue;

                for (var key = 1; key < slots.Length; key++)
                {
                    if (slots[key] is { Found: true, Reset: false })
                    {
                        var flags = used[group] ??= new bool[MaxGroupKey + 1];
                        flags[key] = true;
                    }
                }
            }

            _pgKeys = GroupKeys(groupValid[(int)OptionGroup.Pg], used[(int)OptionGroup.Pg], pgGroup: true);
            _repoKeys = GroupKeys(groupValid[(int)OptionGroup.Repo], used[(int)OptionGroup.Repo], pgGroup: false);
        }

        private static int[] GroupKeys(bool valid, bool[]? used, bool pgGroup)
        {
            if (!valid)
                return [];

            var count = 0;

            if (used != null)
            {
                foreach (var isUsed in used)
                {
                    if (isUsed)
                        count++;
                }
            }

            if (count == 0)
                return [1];

            // pg1 always comes first, but 2.45 keeps only as many pg indexes as were given, so the highest one is lost:
            // with only pg2-path set, pg2 is ignored; with pg2 and pg3, pg3 is (verified with the 2.45 binary).
            var keys = new int[count];
            var position = 0;

            if (pgGroup && !used![1])
                keys[position++] = 1;

            for (var key = 1; key < used!.Length && position < keys.Length; key++)
            {
                if (used[key])
                    keys[position++] = key;
            }

            return keys;
        }

        // Phase 5: validate and convert every option valid for the command, dependencies first.
        private void ResolveValues()
        {
            foreach (var option in OptionTable.ResolveOrder)
            {
                if (!option.IsValidFor(_command!))
                    continue;

                var keys = option.Group switch
                {
                    OptionGroup.Pg => _pgKeys,
                    OptionGroup.Repo => _repoKeys,
                    _ => [1],
                };

                // Grouped options get one extra slot: the value an unconfigured index would have.
                var count = option.Group == OptionGroup.None ? 1 : keys.Length + 1;
                var optionValues = new OptionValue[count];
                _values[option.Id] = optionValues;

                for (var position = 0; position < count; position++)
                {
                    var phantom = position == keys.Length && option.Group != OptionGroup.None;
                    var key = phantom ? 0 : keys[position];
                    var slot = phantom ? null : FoundAt(option, key);
                    optionValues[position] = Resolve(option, key, position, slot);
                }
            }
        }

        private OptionValue Resolve(OptionDefinition option, int key, int position, ParsedValue? slot)
        {
            var isSet = slot is { Found: true, Reset: false } && (option.Type == OptionType.Boolean || !slot.Negate);
            var value = new OptionValue { Negated = slot?.Negate ?? false, Reset = slot?.Reset ?? false };
            var depend = option.DependFor(_command!);

            if (depend != null && !DependencyHolds(depend, position))
            {
                if (isSet && slot!.Source == OptionSource.CommandLine)
                    throw DependencyError(option, key, depend, position);

                if (depend.DefaultWhenUnresolved is { } dependDefault)
                {
                    value.IsSet = true;
                    value.Boolean = dependDefault;
                }

                return value;
            }

            if (isSet)
            {
                value.IsSet = true;
                value.Source = slot!.Source;
                CheckBeta(option, key);
                Convert(option, key, slot, value);
            }
            else if (slot is { Negate: true })
                value.Source = slot.Source;
            else if (option.DefaultFor(_command!) is { } def)
                value.SetDefault(option, def);
            else if (option.IsRequiredFor(_command!) && !_help && key != 0)
            {
                var hint = option.Section == OptionSection.Stanza ? "\nHINT: does this stanza exist?" : "";
                throw new PgRestException(
                    ErrorCode.OptionRequired, $"{_command!.Name} command requires option: {option.IndexedName(key)}{hint}");
            }

            return value;
        }

        private bool DependencyHolds(OptionDependency depend, int position)
        {
            var dependOption = OptionTable.FindOption(depend.Option)!;

            if (_values[dependOption.Id] is not { } dependValues)
                return false;

            var dependValue = dependOption.Group == OptionGroup.None ? dependValues[0] : dependValues[position];

            if (!dependValue.IsSet)
                return false;

            if (depend.Values.Count == 0)
                return true;

            var actual = dependOption.Type == OptionType.Boolean ? (dependValue.Boolean ? "y" : "n") : dependValue.Text;

            foreach (var allowed in depend.Values)
            {
                if (allowed == actual)
                    return true;
            }

            return false;
        }

        private PgRestException DependencyError(OptionDefinition option, int key, OptionDependency depend, int position)
        {
            var dependOption = OptionTable.FindOption(depend.Option)!;
            var dependName = dependOption.IndexedName(key);
            var dependValues = _values[dependOption.Id];
            var dependValue = dependValues == null
                ? null
                : dependOption.Group == OptionGroup.None ? dependValues[0] : dependValues[position];

            if (dependValue is not { IsSet: true } || depend.Values.Count == 0)
                return Invalid($"option '{option.IndexedName(key)}' not valid without option '{dependName}'");

            string condition;

            if (dependOption.Type == OptionType.Boolean)
            {
                condition = "";

                if (depend.Values[0] == "n")
                    dependName = "no-" + dependName;
            }
            else if (depend.Values.Count == 1)
                condition = $" = '{depend.Values[0]}'";
            else
                condition = $" in ('{string.Join("', '", depend.Values)}')";

            return Invalid($"option '{option.IndexedName(key)}' not valid without option '{dependName}'{condition}");
        }

        private void CheckBeta(OptionDefinition option, int key)
        {
            if (!option.Beta)
                return;

            var beta = FoundAt(OptionTable.FindOption("beta")!, 1);

            if (beta == null || beta.Negate)
            {
                throw Invalid(
                    $"option '{option.IndexedName(key)}' is not valid without option 'beta'\n" +
                    "HINT: beta features require the --beta option to prevent accidental usage.");
            }
        }

        private void Convert(OptionDefinition option, int key, ParsedValue slot, OptionValue value)
        {
            var name = option.IndexedName(key);

            switch (option.Type)
            {
                case OptionType.Boolean:
                    value.Boolean = !slot.Negate;
                    return;

                case OptionType.List:
                    value.List = [.. slot.Values!];
                    return;

                case OptionType.Hash:
                    var hash = new Dictionary<string, string>(StringComparer.Ordinal);

                    foreach (var pair in slot.Values!)
                    {
                        var equal = pair.IndexOf('=');

                        if (equal < 0)
                            throw Invalid($"key/value '{pair}' not valid for '{name}' option");

                        hash[pair[..equal]] = pair[(equal + 1)..];
                    }

                    value.Hash = hash;
                    return;
            }

            var text = slot.Values![0];
            value.Display = text;

            switch (option.Type)
            {
                case OptionType.Integer or OptionType.Size or OptionType.Time:
                {
                    if (!ParseNumber(option.Type, text, out var number))
                        throw InvalidValue($"'{text}' is not valid for '{name}' option");

                    if (option.Range is { } range && (number < range.Minimum || number > range.Maximum))
                        throw InvalidValue($"'{text}' is out of range for '{name}' option");

                    value.Number = number;
                    break;
                }

                case OptionType.StringId:
                    value.Text = text;
                    break;

                default:
                    if (text.Length == 0)
                        throw InvalidValue($"'{text}' must be >= 1 character for '{name}' option");

                    if (option.Type == OptionType.Path)
                    {
                        if (text[0] != '/')
                            throw InvalidValue($"'{text}' must begin with / for '{name}' option");

                        if (text.Contains("//", StringComparison.Ordinal))
                            throw InvalidValue($"'{text}' cannot contain // for '{name}' option");

                        if (text.Length > 1 && text[^1] == '/')
                            text = text[..^1];
                    }

                    value.Text = text;
                    break;
            }

            if (option.AllowListFor(_command!) is { } allowList && !IsAllowed(option, allowList, value))
                throw InvalidValue($"'{slot.Values![0]}' is not allowed for '{name}' option");
        }

        private static bool IsAllowed(OptionDefinition option, IReadOnlyList<string> allowList, OptionValue value)
        {
            foreach (var allowed in allowList)
            {
                if (option.Type == OptionType.Size)
                {
                    if (OptionValueParser.TryParseSize(allowed, out var bytes) && bytes == value.Number)
                        return true;
                }
                else if (allowed == value.Text)
                    return true;
            }

            return false;
        }

        private static bool ParseNumber(OptionType type, string text, out long number) => type switch
        {
            OptionType.Integer => OptionValueParser.TryParseInteger(text, out number),
            OptionType.Size => OptionValueParser.TryParseSize(text, out number),
            _ => OptionValueParser.TryParseTime(text, out number),
        };

        // Phase 6: an index whose options all ended up at defaults (e.g. only an option whose dependency failed was given)
        // is dropped, unless it is the only one; a lone all-default index becomes index 1.
        private void DropDefaultGroupKeys()
        {
            _pgKeys = DropDefaultKeys(OptionGroup.Pg, _pgKeys);
            _repoKeys = DropDefaultKeys(OptionGroup.Repo, _repoKeys);
        }

        private int[] DropDefaultKeys(OptionGroup group, int[] keys)
        {
            if (keys.Length == 0)
                return keys;

            var keep = new bool[keys.Length];

            foreach (var option in OptionTable.OptionArray)
            {
                if (option.Group != group || _values[option.Id] is not { } optionValues)
                    continue;

                for (var position = 0; position < keys.Length; position++)
                {
                    if (optionValues[position].Source != OptionSource.Default)
                        keep[position] = true;
                }
            }

            var kept = new List<int>(keys.Length);

            for (var position = keys.Length - 1; position >= 0; position--)
            {
                if (keep[position] || (kept.Count == 0 && position == 0))
                    kept.Insert(0, position);
            }

            if (kept.Count == keys.Length)
                return keys.Length == 1 && !keep[0] && keys[0] != 1 ? [1] : keys;

            var newKeys = new int[kept.Count];

            for (var index = 0; index < kept.Count; index++)
                newKeys[index] = keys[kept[index]];

            // A lone remaining index becomes index 1 when the first original index had only defaults (2.45 checks the first
            // original slot, so pg2 of "pg2-path, pg3-path" ends up as pg1 — verified with the 2.45 binary).
            if (newKeys.Length == 1 && !keep[0])
                newKeys[0] = 1;

            foreach (var option in OptionTable.OptionArray)
            {
                if (option.Group != group || _values[option.Id] is not { } optionValues)
                    continue;

                var compacted = new OptionValue[newKeys.Length + 1];

                for (var index = 0; index < kept.Count; index++)
                    compacted[index] = optionValues[kept[index]];

                compacted[^1] = optionValues[^1];
                _values[option.Id] = compacted;
            }

            return newKeys;
        }

        // --repo=N (and the internal --pg=N) must name a configured index.
        private void CheckGroupSelection()
        {
            CheckGroupSelection("pg", _pgKeys);
            CheckGroupSelection("repo", _repoKeys);
        }

        private void CheckGroupSelection(string name, int[] keys)
        {
            var option = OptionTable.FindOption(name)!;

            if (_values[option.Id] is not [{ IsSet: true } selected])
                return;

            foreach (var key in keys)
            {
                if (key == selected.Number)
                    return;
            }

            throw InvalidValue($"key '{selected.Display}' is not valid for '{name}' option");
        }

        // Slots are indexed by key (0 for ungrouped options) and grow as higher keys appear.
        private ParsedValue Slot(OptionDefinition option, int key)
        {
            var index = option.Group == OptionGroup.None ? 0 : key;
            var slots = _parsed[option.Id] ??= new ParsedValue?[index + 1];

            if (index >= slots.Length)
            {
                Array.Resize(ref slots, index + 1);
                _parsed[option.Id] = slots;
            }

            return slots[index] ??= new ParsedValue();
        }

        private ParsedValue? FoundAt(OptionDefinition option, int key)
        {
            var slots = _parsed[option.Id];
            var index = option.Group == OptionGroup.None ? 0 : key;
            return slots != null && index < slots.Length && slots[index] is { Found: true } slot ? slot : null;
        }

        private ParsedValue? Found(string optionName) => FoundAt(OptionTable.FindOption(optionName)!, 1);

        private ConfigFiles.Given Given(string optionName) =>
            Found(optionName) is { } slot ? new(true, slot.Negate, slot.Values?[0]) : new(false, false, null);

        private static PgRestException Invalid(string message) => new(ErrorCode.OptionInvalid, message);

        private static PgRestException InvalidValue(string message) => new(ErrorCode.OptionInvalidValue, message);
    }
}
