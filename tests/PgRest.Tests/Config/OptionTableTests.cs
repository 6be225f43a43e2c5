using PgRest.Config;

namespace PgRest.Tests.Config;

public class OptionTableTests
{
    [Fact]
    public void OptionsAreSortedByName()
    {
        for (var index = 1; index < OptionTable.Options.Count; index++)
        {
            Assert.True(string.CompareOrdinal(OptionTable.Options[index - 1].Name, OptionTable.Options[index].Name) < 0,
                OptionTable.Options[index].Name);
        }
    }

    [Fact]
    public void EveryUserCommandOfPgBackRest245IsDefined()
    {
        string[] expected =
        [
            "annotate", "archive-get", "archive-push", "backup", "check", "expire", "help", "info", "rehearse", "repo-get", "repo-ls",
            "restore", "server", "server-ping", "stanza-create", "stanza-delete", "stanza-rekey", "stanza-upgrade", "start", "stop",
            "target-find", "verify", "version", "remote",
        ];

        // rehearse, stanza-rekey and target-find are pgrest's own; the others are 2.45's, in its (alphabetical) order;
        // remote (internal, what another host's pgrest starts over SSH) comes last.

        Assert.Equal(expected, OptionTable.Commands.Select(command => command.Name));
        Assert.All(OptionTable.Commands, command => Assert.False(string.IsNullOrWhiteSpace(command.Summary + command.Description)));
    }

    [Fact]
    public void EveryOptionIsDocumented() =>
        Assert.All(OptionTable.Options, option =>
        {
            Assert.False(string.IsNullOrWhiteSpace(option.Summary), option.Name);
            Assert.False(string.IsNullOrWhiteSpace(option.Description), option.Name);
        });

    [Fact]
    public void DependenciesReferToOptionsValidForTheSameCommands()
    {
        foreach (var option in OptionTable.Options)
        {
            foreach (var command in OptionTable.Commands)
            {
                if (!option.IsValidFor(command) || option.DependFor(command) is not { } depend)
                    continue;

                var target = OptionTable.FindOption(depend.Option);
                Assert.NotNull(target);
                Assert.True(target.IsValidFor(command), $"{option.Name} depends on {depend.Option} for {command.Name}");
                Assert.True(option.Group == target.Group || target.Group == OptionGroup.None, option.Name);
            }
        }
    }

    [Fact]
    public void DefaultsAreValidValues()
    {
        foreach (var option in OptionTable.Options)
        {
            foreach (var command in OptionTable.Commands)
            {
                if (!option.IsValidFor(command) || option.DefaultFor(command) is not { } value)
                    continue;

                var valid = option.Type switch
                {
                    OptionType.Boolean => value is "y" or "n",
                    OptionType.Integer => OptionValueParser.TryParseInteger(value, out _),
                    OptionType.Size => OptionValueParser.TryParseSize(value, out _),
                    OptionType.Time => OptionValueParser.TryParseTime(value, out _),
                    OptionType.StringId => option.AllowListFor(command)!.Contains(value),
                    _ => value.Length > 0,
                };

                Assert.True(valid, $"{option.Name} default '{value}' for {command.Name}");
            }
        }
    }

    [Fact]
    public void SecureOptionsAreTheSecretsOfPgbackrest()
    {
        // Those of 2.45, plus two from later releases that are secrets there too: repo-s3-sse-customer-key and
        // repo-sftp-private-key-passphrase (2.46); repo-cipher-pass-new (stanza-rekey) is pgrest's own.
        Assert.Equal(
        [
            "repo-azure-account", "repo-azure-endpoint", "repo-azure-key", "repo-cipher-pass", "repo-cipher-pass-new", "repo-gcs-key", "repo-s3-key",
            "repo-s3-key-secret", "repo-s3-sse-customer-key", "repo-s3-token", "repo-sftp-private-key-passphrase",
        ], OptionTable.Options.Where(option => option.Secure).Select(option => option.Name));
    }

    [Fact]
    public void FacetsOfSomeWellKnownOptions()
    {
        var repoPath = OptionTable.FindOption("repo-path")!;
        Assert.Equal(OptionGroup.Repo, repoPath.Group);
        Assert.Equal("repo2-path", repoPath.IndexedName(2));
        Assert.Equal("PGBACKREST_REPO1_PATH", repoPath.EnvironmentName());
        Assert.Equal("/var/lib/pgbackrest", repoPath.Default);

        var stanza = OptionTable.FindOption("stanza")!;
        Assert.Equal(OptionSection.CommandLine, stanza.Section);
        Assert.True(stanza.IsRequiredFor(OptionTable.FindCommand("backup")!));
        Assert.False(stanza.IsRequiredFor(OptionTable.FindCommand("info")!));

        var type = OptionTable.FindOption("type")!;
        Assert.Equal("incr", type.DefaultFor(OptionTable.FindCommand("backup")!));
        Assert.Equal("default", type.DefaultFor(OptionTable.FindCommand("restore")!));

        var pgPath = OptionTable.FindOption("pg-path")!;
        Assert.Equal(OptionSection.Stanza, pgPath.Section);
        Assert.Contains(pgPath.DeprecatedNames, name => name.Name == "db-path" && name.Indexed && name.Unindexed);
        Assert.True(OptionTable.FindOption("delta")!.Negatable);
        Assert.False(OptionTable.FindOption("stanza")!.Negatable);
        Assert.True(OptionTable.FindOption("online")!.Negatable);
    }
}
