namespace PgRest.Commands.TargetFind;

/// <summary><c>target-find</c> (pgrest only): which committed transactions dropped, truncated or changed a table.</summary>
public static class TargetFindCommand
{
    public static Task RunAsync(CommandContext context) =>
        throw new Errors.PgRestException(Errors.ErrorCode.FeatureNotSupported, "command 'target-find' is not implemented by this version of pgrest");
}
