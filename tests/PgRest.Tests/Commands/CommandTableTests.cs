using PgRest.Commands;
using PgRest.Config;
using PgRest.Logging;

namespace PgRest.Tests.Commands;

public class CommandTableTests
{
    [Fact]
    public void Every_command_of_the_option_table_has_one_row_in_the_same_order() =>
        Assert.Equal(OptionTable.Commands.Select(command => command.Id), CommandTable.All.Select(row => row.Id));

    /// <summary>pgBackRest 2.45's config.yaml: lock-type, lock-required, log-file and log-level-default of each command.</summary>
    [Theory]
    [InlineData(CommandId.Annotate, CommandLockType.Backup, true, false, LogLevel.Info)]
    [InlineData(CommandId.ArchiveGet, CommandLockType.Archive, false, false, LogLevel.Info)]
    [InlineData(CommandId.ArchivePush, CommandLockType.Archive, false, false, LogLevel.Info)]
    [InlineData(CommandId.Backup, CommandLockType.Backup, true, true, LogLevel.Info)]
    [InlineData(CommandId.Check, CommandLockType.None, false, false, LogLevel.Info)]
    [InlineData(CommandId.Expire, CommandLockType.Backup, true, true, LogLevel.Info)]
    [InlineData(CommandId.Help, CommandLockType.None, false, false, LogLevel.Debug)]
    [InlineData(CommandId.Info, CommandLockType.None, false, false, LogLevel.Debug)]
    [InlineData(CommandId.RepoGet, CommandLockType.None, false, false, LogLevel.Debug)]
    [InlineData(CommandId.RepoLs, CommandLockType.None, false, false, LogLevel.Debug)]
    [InlineData(CommandId.Restore, CommandLockType.None, false, true, LogLevel.Info)]
    [InlineData(CommandId.StanzaCreate, CommandLockType.All, true, true, LogLevel.Info)]
    [InlineData(CommandId.StanzaDelete, CommandLockType.All, true, true, LogLevel.Info)]
    [InlineData(CommandId.StanzaUpgrade, CommandLockType.All, true, true, LogLevel.Info)]
    [InlineData(CommandId.Start, CommandLockType.None, false, true, LogLevel.Info)]
    [InlineData(CommandId.Stop, CommandLockType.None, false, true, LogLevel.Info)]
    [InlineData(CommandId.Verify, CommandLockType.None, false, true, LogLevel.Info)]
    [InlineData(CommandId.Version, CommandLockType.None, false, false, LogLevel.Debug)]
    public void Rows_say_what_pgbackrest_says(CommandId id, CommandLockType lockType, bool lockRequired, bool logFile, LogLevel logLevel)
    {
        var row = CommandTable.Row(id);

        Assert.Equal((lockType, lockRequired, logFile, logLevel), (row.Lock, row.LockRequired, row.LogFile, row.LogLevelDefault));
    }

    [Fact]
    public void Only_archive_push_and_archive_get_have_a_background_role() =>
        Assert.Equal([CommandId.ArchiveGet, CommandId.ArchivePush], CommandTable.All.Where(row => row.Async is not null).Select(row => row.Id));

    [Fact]
    public void A_backup_goes_on_to_expire_when_expire_auto_is_set()
    {
        var row = CommandTable.Row(CommandId.Backup);

        Assert.Equal(CommandId.Expire, row.Then);
        Assert.Same(Options.ExpireAuto, row.ThenWhen);
    }
}
