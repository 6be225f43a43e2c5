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
        // As pgBackRest: run from anywhere else, pg1-path is probably not the cluster that asked.
        var pgPath = context.PgPath.Length > 1 ? context.PgPath.TrimEnd('/') : context.PgPath;
        var workingDirectory = Environment.CurrentDirectory;
        if (workingDirectory != pgPath)
        {
            throw new PgRestException(ErrorCode.OptionInvalidValue,
                $"PostgreSQL working directory '{workingDirectory}' is not the same as option pg1-path '{pgPath}'\nHINT: is the PostgreSQL data_directory configured the same as the pg1-path option?");
        }

        return Path.Combine(pgPath, path);
    }
}
