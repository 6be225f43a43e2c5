using System.Globalization;
using System.Text;
using PgRest.Errors;

namespace PgRest.Config;

/// <summary>
/// Text of <c>pgrest help</c>, <c>pgrest help &lt;command&gt;</c> and <c>pgrest help &lt;command&gt; &lt;option&gt;</c>, laid out
/// like pgBackRest 2.45 (80 columns). When given the configuration loaded for the help request, option values that differ
/// from the default are shown as <c>current</c>.
/// </summary>
public sealed class HelpRenderer(Configuration? configuration = null)
{
    private const int ConsoleWidth = 80;

    private static readonly string Title = $"{PgRestVersion.Name} {PgRestVersion.Version}";

    public string Render(IReadOnlyList<string> parameters)
    {
        if (parameters.Count == 0 || parameters[0] == "help")
            return RenderGeneral();

        var command = OptionTable.FindCommand(parameters[0]) ??
            throw new PgRestException(ErrorCode.CommandInvalid, $"invalid command '{parameters[0]}'");

        if (parameters.Count == 1)
            return RenderCommand(command);

        if (parameters.Count > 2)
            throw new PgRestException(ErrorCode.ParamInvalid, "only one option allowed for option help");

        return RenderOption(command, parameters[1]);
    }

    private static string RenderGeneral()
    {
        var text = new StringBuilder();
        text.Append(Title).Append(" - General help\n\nUsage:\n    ").Append(PgRestVersion.Executable)
            .Append(" [options] [command]\n\nCommands:\n");

        var width = 0;

        foreach (var command in OptionTable.CommandArray)
            width = Math.Max(width, command.Name.Length);

        foreach (var command in OptionTable.CommandArray)
        {
            if (command.Internal)
                continue;
            text.Append("    ").Append(command.Name).Append(' ', width - command.Name.Length + 2)
                .Append(Wrap(command.Summary, width + 6, indentFirst: false)).Append('\n');
        }

        text.Append("\nUse '").Append(PgRestVersion.Executable).Append(" help [command]' for more information.\n");
        return text.ToString();
    }

    private string RenderCommand(CommandDefinition command)
    {
        var text = new StringBuilder();
        text.Append(Title).Append(" - '").Append(command.Name).Append("' command help\n\n")
            .Append(Wrap(command.Summary, 0, indentFirst: true)).Append("\n\n")
            .Append(Wrap(command.Description, 0, indentFirst: true)).Append('\n');

        var width = 0;
        var sections = new List<OptionDefinition>[Enum.GetValues<HelpSection>().Length];

        foreach (var option in OptionTable.OptionArray)
        {
            if (!option.IsValidFor(command) || option.IsInternalFor(command))
                continue;

            (sections[(int)option.HelpSectionFor(command)] ??= []).Add(option);
            width = Math.Max(width, option.Name.Length);
        }

        for (var section = 0; section < sections.Length; section++)
        {
            if (sections[section] is not { } options)
                continue;

            text.Append('\n').Append(SectionTitle((HelpSection)section)).Append(" Options:\n\n");

            foreach (var option in options)
            {
                var summary = new StringBuilder(ShortSummary(option.SummaryFor(command)));
                var current = CurrentValue(command, option);
                var defaultValue = option.DefaultFor(command);

                if (current != null || defaultValue != null)
                {
                    summary.Append(" [");

                    if (current != null)
                        summary.Append("current=").Append(current);

                    if (defaultValue != null)
                        summary.Append(current != null ? ", " : "").Append("default=").Append(defaultValue);

                    summary.Append(']');
                }

                text.Append("  --").Append(option.Name).Append(' ', width - option.Name.Length + 2)
                    .Append(Wrap(summary.ToString(), width + 6, indentFirst: false)).Append('\n');
            }
        }

        if (width > 0)
        {
            text.Append("\nUse '").Append(PgRestVersion.Executable).Append(" help ").Append(command.Name)
                .Append(" [option]' for more information.\n");
        }

        return text.ToString();
    }

    private string RenderOption(CommandDefinition command, string optionName)
    {
        if (!OptionName.TryParse(optionName, prefixMatch: false, ignoreMissingIndex: true, out var name) ||
            !name.Option.IsValidFor(command))
        {
            throw new PgRestException(
                ErrorCode.OptionInvalid, $"option '{optionName}' is not valid for command '{command.Name}'");
        }

        var option = name.Option;
        var description = option.DescriptionFor(command);

        if (option.Beta)
            description += "\n\nFOR BETA TESTING ONLY. DO NOT USE IN PRODUCTION.";
        else if (option.IsInternalFor(command))
            description += "\n\nFOR INTERNAL USE ONLY. DO NOT USE IN PRODUCTION.";

        var text = new StringBuilder();
        text.Append(Title).Append(" - '").Append(command.Name).Append("' command - '").Append(option.Name)
            .Append("' option help\n\n")
            .Append(Wrap(option.SummaryFor(command), 0, indentFirst: true)).Append("\n\n")
            .Append(Wrap(description, 0, indentFirst: true)).Append('\n');

        var current = CurrentValue(command, option);
        var defaultValue = option.DefaultFor(command);

        if (current != null || defaultValue != null)
        {
            text.Append('\n');

            if (current != null)
                text.Append("current: ").Append(current).Append('\n');

            if (defaultValue != null)
                text.Append("default: ").Append(defaultValue).Append('\n');
        }

        var deprecated = DeprecatedNames(option);

        if (deprecated.Count > 0)
        {
            text.Append("\ndeprecated name").Append(deprecated.Count > 1 ? "s" : "").Append(": ")
                .Append(string.Join(", ", deprecated)).Append('\n');
        }

        return text.ToString();
    }

    internal static string SectionTitle(HelpSection section) => section switch
    {
        HelpSection.Command => "Command",
        HelpSection.General => "General",
        HelpSection.Log => "Log",
        HelpSection.Repository => "Repository",
        _ => "Stanza",
    };

    /// <summary>Older names users may still meet, without the option's own unindexed name.</summary>
    internal static List<string> DeprecatedNames(OptionDefinition option)
    {
        var names = new List<string>();

        foreach (var deprecation in option.DeprecatedNames)
        {
            if (deprecation.Name != option.Name)
                names.Add(deprecation.Name);
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    // The value at the first index when it did not come from the default.
    private string? CurrentValue(CommandDefinition command, OptionDefinition option)
    {
        if (configuration?.HelpTarget != command || configuration.FirstValue(option) is not { IsSet: true } value ||
            value.Source == OptionSource.Default)
        {
            return null;
        }

        if (option.Secure)
            return "<redacted>";

        return option.Type switch
        {
            OptionType.List => string.Join(", ", value.List!),
            OptionType.Hash => string.Join(", ", value.Hash!.Select(pair => pair.Key + "=" + pair.Value)),
            OptionType.Boolean => value.Boolean ? "true" : "false",
            _ => value.Display ?? value.Text ?? value.Number.ToString(CultureInfo.InvariantCulture),
        };
    }

    // Summary without the final period; the first letter is lowered unless it starts an acronym (e.g. "TLS").
    private static string ShortSummary(string summary)
    {
        var text = summary.EndsWith('.') ? summary[..^1] : summary;

        if (text.Length > 1 && char.IsLetter(text[1]) && !char.IsUpper(text[1]))
            text = char.ToLowerInvariant(text[0]) + text[1..];

        return text;
    }

    /// <summary>Wraps each paragraph to the console width, indenting continuation lines (and the first if asked).</summary>
    internal static string Wrap(string text, int indent, bool indentFirst, int width = ConsoleWidth)
    {
        var result = new StringBuilder();
        var paragraphs = text.Split('\n');

        for (var index = 0; index < paragraphs.Length; index++)
        {
            if (index > 0)
                result.Append('\n');

            var lines = SplitToWidth(paragraphs[index], width - indent);

            for (var line = 0; line < lines.Count; line++)
            {
                if (line > 0)
                    result.Append('\n');

                if ((line > 0 || indentFirst) && lines[line].Length > 0)
                    result.Append(' ', indent);

                result.Append(lines[line]);
            }
        }

        return result.ToString();
    }

    // Greedy word wrap: lines stay shorter than the width, except that the last line may use the full width.
    private static List<string> SplitToWidth(string paragraph, int width)
    {
        var words = paragraph.Split(' ');
        var lines = new List<string>();
        var line = new StringBuilder(words[0]);

        for (var index = 1; index < words.Length; index++)
        {
            var length = line.Length + 1 + words[index].Length;
            var fits = index == words.Length - 1 ? length <= width : length < width;

            if (fits)
                line.Append(' ').Append(words[index]);
            else
            {
                lines.Add(line.ToString());
                line.Clear().Append(words[index]);
            }
        }

        lines.Add(line.ToString());
        return lines;
    }
}
