using PgRest.Logging;

namespace PgRest.Commands.Control;

/// <summary><c>start</c>: removes the stop file of the stanza (or <c>all.stop</c>); warns when there is none.</summary>
public static class StartCommand
{
    public static Task<int> RunAsync(CommandContext context)
    {
        var stanza = context.Config.Stanza;
        var stopFile = StopFile.PathFor(context.Config, stanza);
        if (File.Exists(stopFile))
            File.Delete(stopFile);
        else
            Log.Warn("stop file does not exist" + (stanza is null ? "" : " for stanza " + stanza));
        return Task.FromResult(0);
    }
}
