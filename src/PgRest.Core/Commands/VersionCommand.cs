using PgRest.Common;
using PgRest.Config;

namespace PgRest.Commands;

public static class VersionCommand
{
    public static Task RunAsync(CommandContext context)
    {
        StandardStreams.Out.Write($"{PgRestVersion.Name} {PgRestVersion.Version}\n");
        return Task.CompletedTask;
    }
}
