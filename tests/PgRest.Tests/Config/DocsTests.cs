using PgRest.Config;

namespace PgRest.Tests.Config;

public class DocsTests
{
    /// <summary>
    /// docs/configuration.md must be what DocsGenerator renders from the option table. Run the tests with
    /// PGREST_UPDATE_DOCS=1 to rewrite the file after changing the table.
    /// </summary>
    [Fact]
    public void ConfigurationReferenceIsUpToDate()
    {
        var path = Path.Combine(RepositoryFiles.Root(), "docs", "configuration.md");
        var expected = DocsGenerator.RenderMarkdown();

        if (Environment.GetEnvironmentVariable("PGREST_UPDATE_DOCS") == "1")
            File.WriteAllText(path, expected);

        Assert.True(File.Exists(path), $"{path} is missing; run the tests with PGREST_UPDATE_DOCS=1");
        Assert.True(File.ReadAllText(path) == expected,
            $"{path} is out of date; run the tests with PGREST_UPDATE_DOCS=1 to regenerate it");
    }

    [Fact]
    public void ReferenceDocumentsEveryUserOption()
    {
        var markdown = DocsGenerator.RenderMarkdown();

        foreach (var option in OptionTable.Options)
            Assert.Equal(!option.Internal, markdown.Contains($"\n### {option.Name}\n", StringComparison.Ordinal));

        foreach (var command in OptionTable.Commands)
            Assert.Equal(!command.Internal, markdown.Contains($"\n### {command.Name}\n", StringComparison.Ordinal));

        Assert.Contains("`PGBACKREST_REPO1_CIPHER_PASS`", markdown, StringComparison.Ordinal);
    }
}
