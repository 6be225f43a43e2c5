using PgRest.Config;
using PgRest.Errors;

namespace PgRest.Tests.Config;

// Unless noted otherwise, every expected value and error message here was checked against the real pgBackRest 2.45 binary
// (same arguments, environment and configuration file).
public sealed class ConfigurationLoaderTests : IDisposable
{
    private const string Repo = "[global]\nrepo1-path=/var/lib/pgbackrest\n";

    private readonly ConfigTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static Dictionary<string, string> Env(params string[] pairs)
    {
        var environment = new Dictionary<string, string>();

        for (var index = 0; index < pairs.Length; index += 2)
            environment[pairs[index]] = pairs[index + 1];

        return environment;
    }

    private static void AssertError(ErrorCode code, string message, Func<object> action)
    {
        var error = Assert.Throws<PgRestException>(action);
        Assert.Equal(message, error.Message);
        Assert.Equal(code, error.Code);
    }

    // ---- precedence ------------------------------------------------------------------------------------------------------

    private const string Layers =
        "[global]\nprocess-max=1\n[global:backup]\nprocess-max=2\n[demo]\nprocess-max=3\n[demo:backup]\nprocess-max=4\n";

    [Fact]
    public void CommandLineBeatsEnvironmentBeatsEveryFileSection()
    {
        var environment = Env("PGBACKREST_PROCESS_MAX", "5");

        var fromCommandLine = _files.Load(Layers, environment, "--stanza=demo", "--pg1-path=/pg", "--process-max=6", "backup");
        Assert.Equal(6, fromCommandLine.Get(Options.ProcessMax));
        Assert.Equal(OptionSource.CommandLine, fromCommandLine.Source(Options.ProcessMax));

        var fromEnvironment = _files.Load(Layers, environment, "--stanza=demo", "--pg1-path=/pg", "backup");
        Assert.Equal(5, fromEnvironment.Get(Options.ProcessMax));
        Assert.Equal(OptionSource.Environment, fromEnvironment.Source(Options.ProcessMax));
    }

    [Theory]
    [InlineData("demo", "backup", 4)] // [demo:backup]
    [InlineData("demo", "restore", 3)] // [demo] (no [demo:restore])
    [InlineData("other", "backup", 2)] // [global:backup]
    [InlineData("other", "restore", 1)] // [global]
    public void FileSectionsAreSearchedFromMostToLeastSpecific(string stanza, string command, long expected)
    {
        var configuration = _files.Load(Layers, "--stanza=" + stanza, "--pg1-path=/pg", command);

        Assert.Equal(expected, configuration.Get(Options.ProcessMax));
        Assert.Equal(OptionSource.Config, configuration.Source(Options.ProcessMax));
    }

    [Fact]
    public void DefaultAppliesWhenNoSourceSetsTheOption()
    {
        var configuration = _files.Load(Repo, "--stanza=demo", "--pg1-path=/pg", "backup");

        Assert.Equal(1, configuration.Get(Options.ProcessMax));
        Assert.Equal(OptionSource.Default, configuration.Source(Options.ProcessMax));
        Assert.Equal("incr", configuration.Find(Options.Type));
        Assert.Equal(TimeSpan.FromSeconds(60), configuration.Get(Options.ArchiveTimeout));
        Assert.Equal(1024 * 1024, configuration.Get(Options.BufferSize));
        Assert.True(configuration.Get(Options.ArchiveCheck));
        Assert.False(configuration.Get(Options.ArchiveCopy));
        Assert.False(configuration.IsSet(Options.ChecksumPage));
    }

    [Fact]
    public void StanzaFromEnvironmentSelectsTheStanzaSections()
    {
        var configuration = _files.Load("[env]\nrepo1-path=/from-stanza\n", Env("PGBACKREST_STANZA", "env"), "info");

        Assert.Equal("env", configuration.Stanza);
        Assert.Equal("/from-stanza", configuration.Find(Options.RepoPath, 1));
    }

    [Fact]
    public void ListsAreNotMergedAcrossSectionsOrSources()
    {
        const string config = "[global]\nexclude=a\nexclude=b\n[global:backup]\nexclude=c\n";

        var fromFile = _files.Load(config, "--stanza=demo", "--pg1-path=/pg", "backup");
        Assert.Equal(["c"], fromFile.Get(Options.Exclude));

        var fromEnvironment = _files.Load(config, Env("PGBACKREST_EXCLUDE", "x:y"), "--stanza=demo", "--pg1-path=/pg", "backup");
        Assert.Equal(["x", "y"], fromEnvironment.Get(Options.Exclude));

        var fromCommandLine = _files.Load(config, "--stanza=demo", "--pg1-path=/pg", "--exclude=q", "--exclude=r", "backup");
        Assert.Equal(["q", "r"], fromCommandLine.Get(Options.Exclude));
    }

    // ---- negate / reset / booleans ------------------------------------------------------------------------------------

    [Fact]
    public void NegateAndResetOnTheCommandLine()
    {
        const string config = "[global]\ndelta=y\nstart-fast=y\n";

        var configuration = _files.Load(config, "--stanza=demo", "--pg1-path=/pg", "--no-delta", "--reset-start-fast", "backup");

        Assert.False(configuration.Get(Options.Delta));
        Assert.Equal(OptionSource.CommandLine, configuration.Source(Options.Delta));
        Assert.False(configuration.Get(Options.StartFast)); // back to the default, the file is ignored
        Assert.Equal(OptionSource.Default, configuration.Source(Options.StartFast));
        Assert.Equal(
            [new KeyValuePair<string, string>("config", _files.ConfigFile), new("stanza", "demo"), new("pg1-path", "/pg"),
                new("no-delta", ""), new("reset-start-fast", "")],
            configuration.CommandLineOptions);
    }

    [Theory]
    [InlineData("--delta", true)]
    [InlineData("--delta=y", true)]
    [InlineData("--delta=n", false)]
    [InlineData("--no-delta", false)]
    public void BooleanCommandLineForms(string argument, bool expected)
    {
        var configuration = _files.Load(Repo, "--stanza=demo", "--pg1-path=/pg", argument, "backup");

        Assert.Equal(expected, configuration.Get(Options.Delta));
    }

    [Theory]
    [InlineData("--delta=x", ErrorCode.OptionInvalidValue, "boolean option '--delta' argument must be 'y' or 'n'")]
    [InlineData("--no-delta=n", ErrorCode.OptionInvalid, "option 'no-delta' does not allow an argument")]
    [InlineData("--no-stanza", ErrorCode.OptionInvalid, "option 'no-stanza' cannot be negated")]
    [InlineData("--reset-config", ErrorCode.OptionInvalid, "option 'reset-config' cannot be reset")]
    public void InvalidNegateResetAndBooleanArguments(string argument, ErrorCode code, string message) =>
        AssertError(code, message, () => _files.Load(Repo, "--stanza=demo", "--pg1-path=/pg", argument, "backup"));

    [Theory]
    [InlineData("--no-delta", "--delta", "option 'delta' cannot be set and negated")]
    [InlineData("--no-delta", "--no-delta", "option 'delta' is negated multiple times")]
    [InlineData("--reset-delta", "--reset-delta", "option 'delta' is reset multiple times")]
    [InlineData("--reset-delta", "--no-delta", "option 'delta' cannot be negated and reset")]
    [InlineData("--delta", "--reset-delta", "option 'delta' cannot be set and reset")]
    [InlineData("--type=full", "--type=diff", "option 'type' cannot be set multiple times")]
    [InlineData("--repo1-path=/a", "--repo-path=/b", "option 'repo1-path' cannot be set multiple times")]
    public void NonRepeatableOptionGivenTwice(string first, string second, string message) =>
        AssertError(ErrorCode.OptionInvalid, message,
            () => _files.Load(Repo, "--stanza=demo", "--pg1-path=/pg", first, second, "backup"));

    [Theory]
    [InlineData("delta=yes\n", "boolean option 'delta' must be 'y' or 'n'")]
    [InlineData("delta=Y\n", "boolean option 'delta' must be 'y' or 'n'")]
    public void BooleanInFileMustBeYOrN(string line, string message) =>
        AssertError(ErrorCode.OptionInvalidValue, message,
            () => _files.Load(Repo + line, "--stanza=demo", "--pg1-path=/pg", "backup"));

    [Fact]
    public void BooleanInEnvironmentMustBeYOrN()
    {
        var yes = _files.Load(Repo, Env("PGBACKREST_DELTA", "y"), "--stanza=demo", "--pg1-path=/pg", "backup");
        Assert.True(yes.Get(Options.Delta));
        Assert.Equal(OptionSource.Environment, yes.Source(Options.Delta));

        AssertError(ErrorCode.OptionInvalidValue, "environment boolean option 'delta' must be 'y' or 'n'",
            () => _files.Load(Repo, Env("PGBACKREST_DELTA", "yes"), "--stanza=demo", "--pg1-path=/pg", "backup"));
    }

    // ---- values ---------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("64KiB", 65536)]
    [InlineData("64kb", 65536)]
    [InlineData("64KB", 65536)]
    [InlineData("65536", 65536)]
    [InlineData("2MiB", 2 * 1024 * 1024)]
    public void SizesUseBinaryUnitsInAnyCase(string text, long bytes)
    {
        var configuration = _files.Load(Repo, "--stanza=demo", "--pg1-path=/pg", "--buffer-size=" + text, "backup");

        Assert.Equal(bytes, configuration.Get(Options.BufferSize));
    }

    [Theory]
    [InlineData("--buffer-size=65k", "'65k' is not allowed for 'buffer-size' option")]
    [InlineData("--manifest-save-threshold=1.5m", "'1.5m' is not valid for 'manifest-save-threshold' option")]
    [InlineData("--manifest-save-threshold=0", "'0' is out of range for 'manifest-save-threshold' option")]
    [InlineData("--process-max=0", "'0' is out of range for 'process-max' option")]
    [InlineData("--process-max=5x", "'5x' is not valid for 'process-max' option")]
    [InlineData("--archive-timeout=0.0", "'0.0' is not valid for 'archive-timeout' option")]
    [InlineData("--archive-timeout=0.05", "'0.05' is out of range for 'archive-timeout' option")]
    [InlineData("--compress-type=xz", "'xz' is not allowed for 'compress-type' option")]
    [InlineData("--log-level-console=INFO", "'INFO' is not allowed for 'log-level-console' option")]
    [InlineData("--pg1-socket-path=relative", "'relative' must begin with / for 'pg1-socket-path' option")]
    [InlineData("--pg1-socket-path=/a//b", "'/a//b' cannot contain // for 'pg1-socket-path' option")]
    public void InvalidValues(string argument, string message) =>
        AssertError(ErrorCode.OptionInvalidValue, message,
            () => _files.Load(Repo, "--stanza=demo", "--pg1-path=/pg", argument, "backup"));

    [Fact]
    public void TimesAreDecimalSecondsAndPathsLoseTheirTrailingSlash()
    {
        var configuration = _files.Load(Repo, "--stanza=demo", "--pg1-path=/pg/data/", "--archive-timeout=1.5", "backup");

        Assert.Equal(TimeSpan.FromMilliseconds(1500), configuration.Get(Options.ArchiveTimeout));
        Assert.Equal("/pg/data", configuration.Find(Options.PgPath, 1));
    }

    [Fact]
    public void HashValuesSplitAtTheFirstEqualsSign()
    {
        var configuration = _files.Load(Repo, "--stanza=demo", "--pg1-path=/pg",
            "--recovery-option=primary_conninfo=host=primary user=replicator", "--recovery-option=recovery_min_apply_delay=5min",
            "restore");

        var options = configuration.Get(Options.RecoveryOption);
        Assert.Equal("host=primary user=replicator", options["primary_conninfo"]);
        Assert.Equal("5min", options["recovery_min_apply_delay"]);

        AssertError(ErrorCode.OptionInvalid, "key/value 'nokey' not valid for 'recovery-option' option",
            () => _files.Load(Repo, "--stanza=demo", "--pg1-path=/pg", "--recovery-option=nokey", "restore"));
    }

    [Fact]
    public void RepeatedKeysInAFileFormAListOnlyForRepeatableOptions()
    {
        var configuration = _files.Load(Repo + "tablespace-map=ts1=/a\ntablespace-map=ts2=/b\n", "--stanza=demo",
            "--pg1-path=/pg", "restore");
        Assert.Equal(2, configuration.Get(Options.TablespaceMap).Count);

        AssertError(ErrorCode.OptionInvalid, "option 'repo1-retention-full' cannot be set multiple times",
            () => _files.Load(Repo + "repo1-retention-full=1\nrepo1-retention-full=2\n", "--stanza=demo", "expire"));
    }

    // ---- indexed options ------------------------------------------------------------------------------------------------

    [Fact]
    public void IndexedOptionsAndTheirUnindexedAliases()
    {
        const string config = "[global]\nrepo-path=/first\nrepo2-path=/second\nrepo2-type=posix\n";

        var configuration = _files.Load(config, "--stanza=demo", "info");

        Assert.Equal([1, 2], configuration.RepoIndexes);
        Assert.Equal("/first", configuration.Find(Options.RepoPath, 1));
        Assert.Equal("/first", configuration.Find(Options.RepoPath)); // unindexed name = index 1
        Assert.Equal("/second", configuration.Find(Options.RepoPath, 2));
        Assert.Equal("/var/lib/pgbackrest", configuration.Find(Options.RepoPath, 7)); // unconfigured index: defaults
        Assert.False(configuration.IsSet(Options.RepoS3Bucket, 7));
        Assert.Equal([1], configuration.PgIndexes);
    }

    [Fact]
    public void DeprecatedNamesStillWork()
    {
        var configuration = _files.Load(Repo + "retention-full=3\n", "--stanza=demo", "--db-path=/pg", "backup");

        Assert.Equal("/pg", configuration.Find(Options.PgPath, 1));
        Assert.Equal(3, configuration.Get(Options.RepoRetentionFull, 1));
        Assert.Empty(configuration.Warnings);
    }

    [Theory]
    [InlineData("--pg-path=/x", "option 'pg-path' requires an index\nHINT: add the required index, e.g. pg1-path.")]
    [InlineData("--repo-bundle", "option 'repo-bundle' requires an index\nHINT: add the required index, e.g. repo1-bundle.")]
    [InlineData("--repo-s3-port=5",
        "deprecated option 'repo-s3-port' requires an index\nHINT: add the required index, e.g. repo1-s3-port.\n" +
        "HINT: consider using the non-deprecated name, e.g. repo1-storage-port.")]
    [InlineData("--pg257-path=/a", "option 'pg257-path' key exceeds maximum of 256")]
    [InlineData("--stanza1=x", "invalid option '--stanza1=x'")]
    public void IndexRules(string argument, string message) =>
        AssertError(ErrorCode.OptionInvalid, message, () => _files.Load(Repo, "--stanza=demo", argument, "backup"));

    [Fact]
    public void OnlyConfiguredRepoIndexesMayBeSelected()
    {
        Assert.Equal(1, _files.Load(Repo, "--stanza=demo", "--repo=1", "info").Get(Options.Repo));

        AssertError(ErrorCode.OptionInvalidValue, "key '2' is not valid for 'repo' option",
            () => _files.Load(Repo, "--stanza=demo", "--repo=2", "info"));
    }

    [Fact]
    public void SecondPgIndexAloneIsIgnoredLikePgBackRest245()
    {
        // 2.45 always reserves pg1 and keeps only as many pg indexes as were given, so a lone pg2 is lost.
        var configuration = _files.Load("[demo]\npg2-path=/p2\n", "--stanza=demo", "archive-push", "/wal");

        Assert.Equal([1], configuration.PgIndexes);
        Assert.False(configuration.IsSet(Options.PgPath, 1));
    }

    // ---- command line structure ---------------------------------------------------------------------------------------

    [Fact]
    public void CommandMayComeBeforeOrAfterOptionsAndParametersFollowIt()
    {
        var configuration = _files.Load(Repo, "archive-get", "--stanza=demo", "000000010000000000000001", "--pg1-path=/pg",
            "pg_wal/RECOVERYXLOG");

        Assert.Equal("archive-get", configuration.Command);
        Assert.Equal(["000000010000000000000001", "pg_wal/RECOVERYXLOG"], configuration.Parameters);
        Assert.Equal("demo", configuration.Stanza);
    }

    [Fact]
    public void OptionValueMayBeTheNextArgument()
    {
        var configuration = _files.Load(Repo, "--stanza", "demo", "--set", "20240101-000000F", "info");

        Assert.Equal("20240101-000000F", configuration.Find(Options.Set));
        AssertError(ErrorCode.OptionInvalid, "option '--stanza' requires an argument", () => _files.Load(Repo, "--stanza"));
    }

    [Fact]
    public void UniquePrefixOfAnOptionIsAcceptedOnTheCommandLine()
    {
        Assert.Equal("demo", _files.Load(Repo, "--stanz=demo", "info").Stanza);
        AssertError(ErrorCode.OptionInvalid, "invalid option '--sta=demo'", () => _files.Load(Repo, "--sta=demo", "info"));
    }

    [Theory]
    [InlineData(new[] { "--foo=bar", "info" }, ErrorCode.OptionInvalid, "invalid option '--foo=bar'")]
    [InlineData(new[] { "-x", "info" }, ErrorCode.OptionInvalid, "option '-x' must begin with --")]
    [InlineData(new[] { "foo" }, ErrorCode.CommandInvalid, "invalid command 'foo'")]
    [InlineData(new[] { "--stanza=demo" }, ErrorCode.CommandRequired, "no command found")]
    [InlineData(new[] { "check", "extra" }, ErrorCode.ParamInvalid, "command does not allow parameters")]
    [InlineData(new[] { "--stanza=demo", "--pg1-path=/pg", "--repo=1", "check" }, ErrorCode.OptionInvalid,
        "option 'repo' not valid for command 'check'")]
    [InlineData(new[] { "--stanza=demo", "--pg1-path=/pg", "--online", "check" }, ErrorCode.OptionInvalid,
        "option 'online' not valid for command 'check'")]
    public void CommandLineErrors(string[] args, ErrorCode code, string message) =>
        AssertError(code, message, () => _files.Load(Repo, args));

    [Fact]
    public void SecureOptionIsRefusedOnTheCommandLineButAcceptedFromEnvironmentAndFiles()
    {
        AssertError(ErrorCode.OptionInvalid,
            "option 'repo1-cipher-pass' is not allowed on the command-line\n" +
            "HINT: this option could expose secrets in the process list.\n" +
            "HINT: specify the option in a configuration file or an environment variable instead.",
            () => _files.Load(Repo, "--stanza=demo", "--repo1-cipher-type=aes-256-cbc", "--repo1-cipher-pass=secret", "info"));

        var configuration = _files.Load(Repo + "repo1-cipher-type=aes-256-cbc\n", Env("PGBACKREST_REPO1_CIPHER_PASS", "secret"),
            "--stanza=demo", "info");
        Assert.Equal("secret", configuration.Find(Options.RepoCipherPass, 1));
    }

    [Fact]
    public void RequiredStanzaAndPgPath()
    {
        AssertError(ErrorCode.OptionRequired, "backup command requires option: stanza", () => _files.Load(Repo, "backup"));
        AssertError(ErrorCode.OptionRequired, "backup command requires option: pg1-path\nHINT: does this stanza exist?",
            () => _files.Load(Repo, "--stanza=demo", "backup"));

        // archive-push works without pg1-path; info without a stanza.
        Assert.False(_files.Load(Repo, "--stanza=demo", "archive-push", "/wal").IsSet(Options.PgPath, 1));
        Assert.Null(_files.Load(Repo, "info").Stanza);
    }

    [Theory]
    [InlineData("help")]
    [InlineData("version")]
    public void HelpAndVersionNeedNoStanzaOrConfig(string command)
    {
        var configuration = ConfigurationLoader.Load(["--config=/does/not/exist.conf", "--stanza=x", command],
            ConfigTestFiles.NoEnvironment);

        Assert.Equal(command, configuration.Command);
        Assert.Null(configuration.Stanza);
    }

    [Fact]
    public void NoArgumentsMeansHelp() =>
        Assert.Equal("help", ConfigurationLoader.Load([], ConfigTestFiles.NoEnvironment).Command);

    [Fact]
    public void HelpForACommandKeepsTheCommandAndOptionAsParameters()
    {
        var configuration = _files.Load(Repo, "help", "backup", "type");

        Assert.Equal("help", configuration.Command);
        Assert.Equal(["backup", "type"], configuration.Parameters);
    }

    [Fact]
    public void DependentOptionsOnTheCommandLineNeedTheirDependency()
    {
        AssertError(ErrorCode.OptionInvalid, "option 'force' not valid without option 'no-online'",
            () => _files.Load(Repo, "--stanza=demo", "--pg1-path=/pg", "--force", "backup"));
        AssertError(ErrorCode.OptionInvalid, "option 'target' not valid without option 'type' in ('lsn', 'name', 'time', 'xid')",
            () => _files.Load(Repo, "--stanza=demo", "--pg1-path=/pg", "--target=x", "restore"));
        AssertError(ErrorCode.OptionInvalid, "option 'repo2-s3-bucket' not valid without option 'repo2-type' = 's3'",
            () => _files.Load(Repo, "--repo2-s3-bucket=b", "info"));

        // The same options in a file are silently unset: they may be meant for another command or repository type.
        var configuration = _files.Load(Repo + "repo1-s3-bucket=b\ntarget=x\n", "--stanza=demo", "--pg1-path=/pg", "restore");
        Assert.False(configuration.IsSet(Options.RepoS3Bucket, 1));
    }

    [Fact]
    public void BlockIncrementalNeedsNoBetaAsIn246()
    {
        // repo-block was beta in 2.45 and is a normal option from 2.46 on, as in pgrest; --beta is still accepted.
        const string config = "[global]\nrepo1-bundle=y\nrepo1-block=y\n";

        Assert.True(_files.Load(config, "--stanza=demo", "--pg1-path=/pg", "backup").Get(Options.RepoBlock, 1));
        Assert.True(_files.Load(config, "--stanza=demo", "--pg1-path=/pg", "--beta", "backup").Get(Options.RepoBlock, 1));
    }

    // ---- environment ----------------------------------------------------------------------------------------------------

    [Fact]
    public void EnvironmentWarningsAndSilentlyIgnoredVariables()
    {
        var configuration = _files.Load(Repo,
            Env("PGBACKREST_FOO", "1", "PGBACKREST_NO_DELTA", "y", "PGBACKREST_START_FAST", "y", "PATH", "/bin"),
            "--stanza=demo", "info");

        // start-fast is not an info option: ignored without a word; PATH is not ours.
        Assert.Equal(
            ["environment contains invalid option 'foo'", "environment contains invalid negate option 'no-delta'"],
            configuration.Warnings);
    }

    [Fact]
    public void EmptyEnvironmentValueIsAnError() =>
        AssertError(ErrorCode.OptionInvalidValue, "environment variable 'repo1-path' must have a value",
            () => _files.Load(Repo, Env("PGBACKREST_REPO1_PATH", ""), "--stanza=demo", "info"));

    // ---- configuration files ----------------------------------------------------------------------------------------

    [Fact]
    public void MisplacedOptionsInFilesAreWarnings()
    {
        const string config = Repo + "foo=bar\nstanza=x\nno-delta=y\npg1-path=/global\n" +
            "[global:check]\nstart-fast=y\n[demo]\nstart-fast=y\n";

        var configuration = _files.Load(config, "--stanza=demo", "--pg1-path=/pg", "check");

        // Sections are read from the most specific one ([demo:check] … [global]); start-fast in [demo] is silently ignored
        // because [demo] is not a command section.
        Assert.Equal(
        [
            "configuration file contains option 'start-fast' invalid for section 'global:check'",
            "configuration file contains invalid option 'foo'",
            "configuration file contains command-line only option 'stanza'",
            "configuration file contains negate option 'no-delta'",
            "configuration file contains stanza-only option 'pg1-path' in global section 'global'",
        ], configuration.Warnings);
    }

    [Fact]
    public void SameOptionUnderTwoNamesInOneSectionIsAnError() =>
        AssertError(ErrorCode.OptionInvalid,
            "configuration file contains duplicate options ('repo-path', 'repo1-path') in section '[global]'",
            () => _files.Load(Repo + "repo-path=/b\n", "--stanza=demo", "info"));

    [Theory]
    [InlineData("[global]\nrepo1-path\n", "missing '=' in key/value at line 2: repo1-path")]
    [InlineData("repo1-path=/a\n", "key/value found outside of section at line 1: repo1-path=/a")]
    [InlineData("# comment\n[global\n", "ini section should end with ] at line 2: [global")]
    [InlineData("[global]\n=x\n", "key is zero-length at line 2: =x")]
    [InlineData("[]\n", "invalid empty section at line 1: []")]
    public void MalformedConfigLines(string config, string message) =>
        AssertError(ErrorCode.Format, message, () => _files.Load(config, "--stanza=demo", "info"));

    [Fact]
    public void FileSyntaxTrimsAndHasNoEndOfLineComments()
    {
        var configuration = _files.Load("# comment\n  [global]  \n  repo1-path  =  /a # not a comment  \r\n\n",
            "--stanza=demo", "info");

        Assert.Equal("/a # not a comment", configuration.Find(Options.RepoPath, 1));
        AssertError(ErrorCode.OptionInvalidValue, "section 'global', key 'repo1-path' must have a value",
            () => _files.Load("[global]\nrepo1-path=\n", "--stanza=demo", "info"));
    }

    [Fact]
    public void ExplicitConfigFileMustExist() =>
        AssertError(ErrorCode.FileMissing, "unable to open missing file '/does/not/exist.conf' for read",
            () => ConfigurationLoader.Load(["--config=/does/not/exist.conf", "info"], ConfigTestFiles.NoEnvironment));

    [Fact]
    public void ExplicitIncludePathMustExist() =>
        AssertError(ErrorCode.PathMissing, "unable to list file info for missing path '/does/not/exist'",
            () => _files.LoadWithDefaults(null, "--config-include-path=/does/not/exist", "info"));

    [Fact]
    public void IncludeFilesAreAppendedInNameOrder()
    {
        _files.WriteConfig("[global]\nlog-path=/from-main\nrepo1-path=/from-main\n");
        _files.WriteInclude("b.conf", "[global]\nrepo1-retention-full=2\n");
        _files.WriteInclude("a.conf", "[demo]\npg1-path=/from-a\n");
        _files.WriteInclude("ignored.txt", "[global]\nprocess-max=9\n");

        var configuration = _files.LoadWithDefaults(null, "--stanza=demo", "backup");

        Assert.Equal("/from-main", configuration.Find(Options.RepoPath, 1));
        Assert.Equal("/from-a", configuration.Find(Options.PgPath, 1));
        Assert.Equal(2, configuration.Get(Options.RepoRetentionFull, 1));
        Assert.Equal(1, configuration.Get(Options.ProcessMax));
    }

    [Fact]
    public void RepeatedKeysAcrossIncludeFilesBecomeALoneList()
    {
        // Files are concatenated, so the same key in two of them is "set multiple times".
        _files.WriteInclude("a.conf", "[global]\nrepo1-path=/a");
        _files.WriteInclude("b.conf", "[global]\nrepo1-path=/b");

        AssertError(ErrorCode.OptionInvalid, "option 'repo1-path' cannot be set multiple times",
            () => _files.LoadWithDefaults(null, "info"));
    }

    [Fact]
    public void MalformedIncludeFileIsReportedWithItsOwnLineNumber()
    {
        _files.WriteConfig("[global]\nrepo1-path=/a\n");
        _files.WriteInclude("a.conf", "[global]\nbroken\n");

        AssertError(ErrorCode.Format, "missing '=' in key/value at line 2: broken", () => _files.LoadWithDefaults(null, "info"));
    }

    [Fact]
    public void ExplicitConfigDisablesTheDefaultIncludePath()
    {
        _files.WriteInclude("a.conf", "[global]\nrepo1-path=/from-include\n");
        var main = _files.Write("main.conf", "[global]\nlog-path=/x\n");

        Assert.Equal("/var/lib/pgbackrest", _files.LoadWithDefaults(null, "--config=" + main, "info").Find(Options.RepoPath, 1));
        Assert.Equal("/from-include",
            _files.LoadWithDefaults(null, "--config=" + main, "--config-include-path=" + _files.IncludePath, "info")
                .Find(Options.RepoPath, 1));
    }

    [Fact]
    public void NoConfigSkipsTheMainFile()
    {
        _files.WriteConfig("[global]\nrepo1-path=/from-main\n");

        Assert.Equal("/var/lib/pgbackrest", _files.LoadWithDefaults(null, "--no-config", "info").Find(Options.RepoPath, 1));
    }

    [Fact]
    public void ConfigPathMovesBothDefaults()
    {
        var other = _files.Write("other/pgbackrest.conf", "[global]\nlog-path=/x\n");
        _files.Write("other/conf.d/a.conf", "[global]\nrepo1-path=/from-other\n");

        var configuration = _files.LoadWithDefaults(null, "--config-path=" + Path.GetDirectoryName(other), "info");

        Assert.Equal("/from-other", configuration.Find(Options.RepoPath, 1));
        Assert.Equal("/x", configuration.Find(Options.LogPath));
    }

    [Fact]
    public void MissingDefaultFileFallsBackToTheLegacyLocation()
    {
        _files.Write("legacy.conf", "[global]\nrepo1-path=/legacy\n");

        Assert.Equal("/legacy", _files.LoadWithDefaults(null, "info").Find(Options.RepoPath, 1));
    }

    // ---- rules spanning options -------------------------------------------------------------------------------------

    [Fact]
    public void RetentionWarningsAndDerivedArchiveRetention()
    {
        var configuration = _files.Load(Repo + "repo2-path=/r2\nrepo2-retention-full=4\n", "--stanza=demo", "expire");

        Assert.Equal(
        [
            "option 'repo1-retention-full' is not set for 'repo1-retention-full-type=count', the repository may run out of " +
            "space\nHINT: to retain full backups indefinitely (without warning), set option 'repo1-retention-full' to the maximum.",
        ], configuration.Warnings);
        Assert.Equal(4, configuration.Get(Options.RepoRetentionArchive, 2));
        Assert.Equal(OptionSource.Default, configuration.Source(Options.RepoRetentionArchive, 2));
    }

    [Fact]
    public void TwoLocalReposMayNotShareAPath() =>
        AssertError(ErrorCode.OptionInvalidValue, "local repo1 and repo2 paths are both '/same' but must be different",
            () => _files.Load("[global]\nrepo1-path=/same\nrepo2-path=/same\n", "--stanza=demo", "info"));

    [Fact]
    public void DerivedDefaults()
    {
        // Defaults computed after parsing (cfgLoadUpdateOption in the 2.45 source); help does not show them as current.
        var configuration = _files.Load(Repo, "--stanza=demo", "--pg1-path=/pg", "--compress-type=zst",
            "--protocol-timeout=40", "backup");

        Assert.Equal(3, configuration.Get(Options.CompressLevel));
        Assert.Equal(TimeSpan.FromSeconds(20), configuration.Get(Options.DbTimeout)); // half of protocol-timeout when 40 - 30 < 15

        AssertError(ErrorCode.OptionInvalidValue,
            "'30' is out of range for 'compress-level' option when 'compress-type' option = 'zst'",
            () => _files.Load(Repo, "--stanza=demo", "--pg1-path=/pg", "--compress-type=zst", "--compress-level=30", "backup"));
    }

    [Fact]
    public void DeprecatedCompressOptionMapsToCompressTypeNone()
    {
        var configuration = _files.Load(Repo, "--stanza=demo", "--pg1-path=/pg", "--no-compress", "backup");

        Assert.Equal("none", configuration.Find(Options.CompressType));
        Assert.Throws<PgRestException>(() => configuration.Get(Options.Compress));
    }

    // ---- API contract ---------------------------------------------------------------------------------------------------

    [Fact]
    public void AskingForAnOptionTheCommandDoesNotTakeIsAProgrammingError()
    {
        var configuration = _files.Load(Repo, "--stanza=demo", "archive-push", "/wal");

        Assert.Equal(ErrorCode.Assert, Assert.Throws<PgRestException>(() => configuration.Get(Options.StartFast)).Code);
        Assert.Equal(ErrorCode.Assert, Assert.Throws<PgRestException>(() => configuration.Get(Options.ChecksumPage)).Code);
        Assert.Equal(ErrorCode.Assert, Assert.Throws<PgRestException>(() => configuration.Get(Options.Stanza, 2)).Code);
        Assert.False(configuration.Accepts(Options.StartFast));
    }

    [Fact]
    public void AHandleMustNameAnOptionOfItsType()
    {
        Assert.Throws<InvalidOperationException>(() => new StringOption("no-such-option"));
        Assert.Throws<InvalidOperationException>(() => new IntegerOption("repo-path"));
    }
}
