using PgRest.Commands.Stanza;

namespace PgRest.Tests.Commands;

/// <summary>stanza-rekey's decisions for one info file and its .copy, in every state a crash can leave them in.</summary>
public sealed class RekeyPlannerTests
{
    [Theory]
    // main,            copy,              read from copy, write copy, write main
    [InlineData(KeyState.Old, KeyState.Old, false, true, true)]          // not started
    [InlineData(KeyState.Old, KeyState.New, false, false, true)]         // killed after the copy
    [InlineData(KeyState.New, KeyState.New, false, false, false)]        // done
    [InlineData(KeyState.New, KeyState.Old, false, true, false)]         // main newer than its copy (written by hand)
    [InlineData(KeyState.Old, KeyState.Missing, false, true, true)]      // a lost copy is made again
    [InlineData(KeyState.Unreadable, KeyState.New, true, false, true)]   // a damaged main is made from its copy
    [InlineData(KeyState.Missing, KeyState.Old, true, true, true)]
    public void Writes_every_file_not_yet_under_the_new_passphrase_the_copy_first(KeyState main, KeyState copy, bool fromCopy, bool writeCopy, bool writeMain)
    {
        var plan = RekeyPlanner.Decide(main, copy);

        Assert.NotNull(plan);
        Assert.Equal(new RekeyPlanner.Plan(fromCopy, writeCopy, writeMain), plan);
    }

    [Theory]
    [InlineData(KeyState.Unreadable, KeyState.Unreadable)]
    [InlineData(KeyState.Missing, KeyState.Missing)]
    [InlineData(KeyState.Unreadable, KeyState.Missing)]
    public void Nothing_is_written_when_neither_file_can_be_read(KeyState main, KeyState copy) =>
        Assert.Null(RekeyPlanner.Decide(main, copy));
}
