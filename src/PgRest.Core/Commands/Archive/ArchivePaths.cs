using PgRest.Errors;
using PgRest.Config;

namespace PgRest.Commands.Archive;

internal static class ArchivePaths
{
    /// <summary>PostgreSQL passes <c>%p</c> relative to the data directory, which is its working directory.</summary>
    public static string Resolve(CommandContext context, string path)
    {
        if (Path.IsPathRooted(path))
            return path;
        if (!context.Config.IsSet(Options.PgPath, 1))
            throw new PgRestException(ErrorCode.OptionRequired, $"option 'pg1-path' must be specified when relative wal paths are used");
        return Path.Combine(context.PgPath, path);
    }
}
