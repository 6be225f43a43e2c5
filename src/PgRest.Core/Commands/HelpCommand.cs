using PgRest.Common;
using PgRest.Config;

namespace PgRest.Commands;

public static class HelpCommand
{
    public static Task RunAsync(CommandContext context)
    {
        StandardStreams.Out.Write(new HelpRenderer(context.Config).Render(context.Config.Parameters));
        return Task.CompletedTask;
    }
}
