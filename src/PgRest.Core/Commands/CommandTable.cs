using PgRest.Commands.Annotate;
using PgRest.Commands.Archive;
using PgRest.Commands.Backup;
using PgRest.Commands.Check;
using PgRest.Commands.Control;
using PgRest.Commands.Expire;
using PgRest.Commands.RepoBrowse;
using PgRest.Commands.Report;
using PgRest.Commands.Restore;
using PgRest.Commands.Stanza;
using PgRest.Commands.Verify;
using PgRest.Config;
using PgRest.Logging;

namespace PgRest.Commands;

/// <summary>
/// The background role of archive-push and archive-get (pgBackRest's <c>async</c> command role): started by the
/// foreground command with <paramref name="Variable"/> set in its environment.
/// </summary>
internal sealed record AsyncRole(string Variable, Func<CommandContext, Task<int>> Run)
{
    public bool IsThisProcess => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 };
}

/// <summary>
/// How <see cref="CommandRunner"/> starts one command: what runs it, the lock it takes, whether it writes a log file and
/// at which level its begin and end lines are logged (pgBackRest's command table, <c>src/build/config/config.yaml</c>).
/// </summary>
internal sealed record CommandRow(CommandId Id, Func<CommandContext, Task<int>> Run)
{
    public AsyncRole? Async { get; init; }

    public CommandLockType Lock { get; init; }

    /// <summary>
    /// The runner takes <see cref="Lock"/> before the main role starts (pgBackRest's lock-required); without it the
    /// lock type is only taken by the command's background role.
    /// </summary>
    public bool LockRequired { get; init; }

    public bool LogFile { get; init; } = true;

    /// <summary>Level of the <c>command begin</c>/<c>command end</c> lines: debug for commands whose output is data.</summary>
    public LogLevel LogLevelDefault { get; init; } = LogLevel.Info;

    /// <summary>The command that runs next in the same process when <see cref="ThenWhen"/> is set (backup, then expire).</summary>
    public CommandId? Then { get; init; }

    public BoolOption? ThenWhen { get; init; }

    /// <summary>Works on the cluster's own files, so it runs on the database host, never with a pg1-host set.</summary>
    public bool OnDatabaseHost { get; init; }
}

/// <summary>One row per command of <see cref="OptionTable.Commands"/>, in the same order.</summary>
internal static class CommandTable
{
    private static readonly CommandRow[] Rows =
    [
        new(CommandId.Annotate, Completed(AnnotateCommand.RunAsync)) { Lock = CommandLockType.Backup, LockRequired = true, LogFile = false },
        new(CommandId.ArchiveGet, ArchiveGetCommand.RunAsync)
        {
            Async = new(AsyncArchiveGet.WorkerVariable, Completed(AsyncArchiveGet.WorkerAsync)), Lock = CommandLockType.Archive, LogFile = false, OnDatabaseHost = true,
        },
        new(CommandId.ArchivePush, Completed(ArchivePushCommand.RunAsync))
        {
            Async = new(AsyncArchivePush.WorkerVariable, Completed(AsyncArchivePush.WorkerAsync)), Lock = CommandLockType.Archive, LogFile = false, OnDatabaseHost = true,
        },
        new(CommandId.Backup, Completed(BackupCommand.RunAsync))
        {
            Lock = CommandLockType.Backup, LockRequired = true, Then = CommandId.Expire, ThenWhen = Options.ExpireAuto,
        },
        new(CommandId.Check, Completed(CheckCommand.RunAsync)) { LogFile = false },
        new(CommandId.Expire, Completed(ExpireCommand.RunAsync)) { Lock = CommandLockType.Backup, LockRequired = true },
        new(CommandId.Help, Completed(HelpCommand.RunAsync)) { LogFile = false, LogLevelDefault = LogLevel.Debug },
        new(CommandId.Info, Completed(InfoCommand.RunAsync)) { LogFile = false, LogLevelDefault = LogLevel.Debug },
        new(CommandId.Rehearse, Rehearse.RehearseCommand.RunAsync) { OnDatabaseHost = true },
        new(CommandId.RepoGet, RepoGetCommand.RunAsync) { LogFile = false, LogLevelDefault = LogLevel.Debug },
        new(CommandId.RepoLs, RepoLsCommand.RunAsync) { LogFile = false, LogLevelDefault = LogLevel.Debug },
        new(CommandId.Restore, Completed(RestoreCommand.RunAsync)) { OnDatabaseHost = true },
        new(CommandId.Server, Server.ServerCommand.RunAsync),
        new(CommandId.ServerPing, Completed(Server.ServerPingCommand.RunAsync)) { LogFile = false },
        new(CommandId.StanzaCreate, Completed(StanzaCreateCommand.RunAsync)) { Lock = CommandLockType.All, LockRequired = true },
        new(CommandId.StanzaDelete, StanzaDeleteCommand.RunAsync) { Lock = CommandLockType.All, LockRequired = true },
        new(CommandId.StanzaRekey, Completed(StanzaRekeyCommand.RunAsync)) { Lock = CommandLockType.All, LockRequired = true },
        new(CommandId.StanzaUpgrade, StanzaUpgradeCommand.RunAsync) { Lock = CommandLockType.All, LockRequired = true },
        new(CommandId.Start, StartCommand.RunAsync),
        new(CommandId.Stop, StopCommand.RunAsync),
        new(CommandId.TargetFind, Completed(TargetFind.TargetFindCommand.RunAsync)) { LogFile = false, LogLevelDefault = LogLevel.Debug },
        new(CommandId.Verify, VerifyCommand.RunAsync),
        new(CommandId.Version, Completed(VersionCommand.RunAsync)) { LogFile = false, LogLevelDefault = LogLevel.Debug },
        new(CommandId.Remote, Remote.RemoteCommand.RunAsync) { LogFile = false, LogLevelDefault = LogLevel.Debug },
    ];

    public static IReadOnlyList<CommandRow> All => Rows;

    public static CommandRow Row(CommandId id) => Rows[(int)id];

    private static Func<CommandContext, Task<int>> Completed(Func<CommandContext, Task> run) => async context =>
    {
        await run(context).ConfigureAwait(false);
        return 0;
    };

    private static Func<CommandContext, Task<int>> NotBuilt(CommandId id) => _ => throw new Errors.PgRestException(
        Errors.ErrorCode.FeatureNotSupported, $"command '{OptionTable.Command(id).Name}' is not implemented by this version of pgrest");
}
