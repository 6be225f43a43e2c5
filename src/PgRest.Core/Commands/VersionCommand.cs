using PgRest.Config;

namespace PgRest.Commands;

public static class VersionCommand
{
    public static Task RunAsync(CommandContext context)
    {
        Console.Out.Write($"{PgRestVersion.Name} {PgRestVersion.Version}\n");
        return Task.CompletedTask;
    }
}
