using System.Globalization;
using System.Text;
using PgRest.Config;

namespace PgRest.Tests.Config;

/// <summary>
/// <c>src/PgRest.Core/Config/Options.cs</c> is generated from the option table: one typed handle per option. Run the
/// unit tests with PGREST_UPDATE_DOCS=1 to rewrite it after changing the table.
/// </summary>
public class OptionHandleSourceTests
{
    [Fact]
    public void OptionsSourceIsGeneratedFromTheTable()
    {
        var path = Path.Combine(RepositoryFiles.Root(), "src", "PgRest.Core", "Config", "Options.cs");
        var expected = Render();

        if (Environment.GetEnvironmentVariable("PGREST_UPDATE_DOCS") == "1")
            File.WriteAllText(path, expected);

        Assert.True(File.Exists(path), $"{path} is missing; run the tests with PGREST_UPDATE_DOCS=1");
        Assert.True(File.ReadAllText(path) == expected, $"{path} is out of date; run the tests with PGREST_UPDATE_DOCS=1 to regenerate it");
    }

    [Fact]
    public void EveryHandleNamesItsOptionWithTheTablesType()
    {
        var handles = typeof(Options).GetFields().Select(field => (OptionHandle)field.GetValue(null)!).ToList();

        Assert.Equal(OptionTable.Options.Select(option => option.Name), handles.Select(handle => handle.Name));
        Assert.All(handles, handle => Assert.Equal(HandleType(handle.Definition.Type), handle.GetType().Name));
    }

    /// <summary><c>repo-s3-key-secret</c> → <c>RepoS3KeySecret</c>.</summary>
    internal static string FieldName(string optionName) =>
        string.Concat(optionName.Split('-').Select(word => char.ToUpperInvariant(word[0]) + word[1..]));

    private static string HandleType(OptionType type) => type switch
    {
        OptionType.Boolean => nameof(BoolOption),
        OptionType.Integer => nameof(IntegerOption),
        OptionType.Size => nameof(SizeOption),
        OptionType.Time => nameof(TimeOption),
        OptionType.String or OptionType.Path => nameof(StringOption),
        OptionType.StringId => nameof(ChoiceOption),
        OptionType.List => nameof(ListOption),
        _ => nameof(HashOption),
    };

    private static string Render()
    {
        var text = new StringBuilder();
        text.Append("// Generated from the option table (OptionTable*.cs) by tests/PgRest.Tests/Config/OptionHandleSourceTests.cs.\n")
            .Append("// Do not edit: run the unit tests with PGREST_UPDATE_DOCS=1 to regenerate.\n")
            .Append("namespace PgRest.Config;\n\n")
            .Append("/// <summary>One typed handle per option of <see cref=\"OptionTable\"/>, the only way code outside Config/ reads options.</summary>\n")
            .Append("public static class Options\n{\n");
        var first = true;
        foreach (var option in OptionTable.Options)
        {
            if (!first)
                text.Append('\n');
            first = false;
            text.Append("    /// <summary><c>").Append(Display(option)).Append("</c>").Append(Describe(option)).Append("</summary>\n")
                .Append("    public static readonly ").Append(HandleType(option.Type)).Append(' ').Append(FieldName(option.Name))
                .Append(" = new(\"").Append(option.Name).Append("\");\n");
        }

        return text.Append("}\n").ToString();
    }

    private static string Display(OptionDefinition option) => option.Group switch
    {
        OptionGroup.Pg => "pgN" + option.Name[2..],
        OptionGroup.Repo => "repoN" + option.Name[4..],
        _ => option.Name,
    };

    private static string Describe(OptionDefinition option)
    {
        var text = new StringBuilder(": ").Append(Escape(option.Summary.TrimEnd('.')));
        if (option.Default is { } def)
            text.Append(string.Create(CultureInfo.InvariantCulture, $" (default {Escape(def)})"));
        return text.Append('.').ToString();
    }

    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
