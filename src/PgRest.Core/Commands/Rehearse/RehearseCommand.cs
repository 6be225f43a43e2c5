namespace PgRest.Commands.Rehearse;

/// <summary><c>rehearse</c> (pgrest only): restore a backup into a scratch directory, start it, query it, remove it.</summary>
public static class RehearseCommand
{
    public static Task<int> RunAsync(CommandContext context) =>
        throw new Errors.PgRestException(Errors.ErrorCode.FeatureNotSupported, "command 'rehearse' is not implemented by this version of pgrest");
}
