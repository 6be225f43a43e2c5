using PgRest.Config;
using PgRest.Errors;

namespace PgRest.Tests.Config;

// The layout (title line, sections, 80 columns, current/default values, redaction, errors) follows pgBackRest 2.45's help; the
// option lists per command and section were compared with the real binary's `help <command>` output.
public sealed class HelpRendererTests : IDisposable
{
    private readonly ConfigTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void GeneralHelpListsEveryCommand()
    {
        var text = new HelpRenderer().Render([]);

        Assert.StartsWith("pgRest 0.1.0 - General help\n\nUsage:\n    pgrest [options] [command]\n\nCommands:\n", text);
        Assert.Contains("\n    archive-push    Store a WAL segment in the archive.\n", text);
        Assert.EndsWith("\nUse 'pgrest help [command]' for more information.\n", text);
        Assert.All(text.Split('\n'), line => Assert.True(line.Length <= 80, line));
    }

    [Fact]
    public void CommandHelpGroupsOptionsBySection()
    {
        var text = new HelpRenderer().Render(["backup"]);
        var lines = text.Split('\n');

        Assert.StartsWith("pgRest 0.1.0 - 'backup' command help\n\nBack up a PostgreSQL cluster.\n\n", text);
        Assert.Equal(
            ["Command Options:", "General Options:", "Log Options:", "Repository Options:", "Stanza Options:"],
            lines.Where(line => line.EndsWith(" Options:")));
        Assert.Contains(lines, line => line.StartsWith("  --type ") && line.EndsWith("[default=incr]"));
        Assert.DoesNotContain(lines, line => line.StartsWith("  --job-retry")); // internal
        Assert.DoesNotContain(lines, line => line.StartsWith("  --set ")); // not a backup option
        Assert.EndsWith("\nUse 'pgrest help backup [option]' for more information.\n", text);
        Assert.All(lines, line => Assert.True(line.Length <= 80, line));
    }

    [Fact]
    public void CommandWithoutOptionsHasNoMoreHelpLine()
    {
        var text = new HelpRenderer().Render(["version"]);

        Assert.Equal("pgRest 0.1.0 - 'version' command help\n\nShow the version.\n\nPrints the program name and version.\n", text);
    }

    [Fact]
    public void OptionHelpShowsCurrentAndDefault()
    {
        var configuration = _files.Load("[global]\nrepo1-path=/backups\n", "help", "backup", "repo-path");

        var text = new HelpRenderer(configuration).Render(configuration.Parameters);

        Assert.StartsWith("pgRest 0.1.0 - 'backup' command - 'repo-path' option help\n\nPath of the repository.\n\n", text);
        Assert.EndsWith("\ncurrent: /backups\ndefault: /var/lib/pgbackrest\n", text);
    }

    [Fact]
    public void OptionHelpListsDeprecatedNamesAndAcceptsAnIndexedName()
    {
        var text = new HelpRenderer().Render(["backup", "pg1-path"]);

        Assert.Contains("'pg-path' option help", text);
        Assert.EndsWith("\ndeprecated name: db-path\n", text);
    }

    [Fact]
    public void SecureValuesAreRedacted()
    {
        var configuration = _files.Load("[global]\nrepo1-type=s3\nrepo1-s3-key=AKIA-SECRET\n", "help", "backup");

        var text = new HelpRenderer(configuration).Render(configuration.Parameters);

        Assert.Contains("current=<redacted>", text);
        Assert.DoesNotContain("AKIA-SECRET", text);
    }

    [Fact]
    public void CommandHelpShowsValuesThatAreNotDefaults()
    {
        var configuration = _files.Load("[global]\nprocess-max=4\n", "help", "backup");

        var text = new HelpRenderer(configuration).Render(configuration.Parameters);

        Assert.Contains("[current=4, default=1]", text);
    }

    [Theory]
    [InlineData(new[] { "nope" }, ErrorCode.CommandInvalid, "invalid command 'nope'")]
    [InlineData(new[] { "backup", "foo" }, ErrorCode.OptionInvalid, "option 'foo' is not valid for command 'backup'")]
    [InlineData(new[] { "backup", "set" }, ErrorCode.OptionInvalid, "option 'set' is not valid for command 'backup'")]
    [InlineData(new[] { "backup", "type", "extra" }, ErrorCode.ParamInvalid, "only one option allowed for option help")]
    public void Errors(string[] parameters, ErrorCode code, string message)
    {
        var error = Assert.Throws<PgRestException>(() => new HelpRenderer().Render(parameters));

        Assert.Equal(code, error.Code);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void WrapsAtEightyColumns()
    {
        var text = HelpRenderer.Wrap(string.Join(' ', Enumerable.Repeat("word", 40)), 4, indentFirst: true);

        Assert.All(text.Split('\n'), line => Assert.True(line.Length <= 80 && line.StartsWith("    word"), line));
    }
}
