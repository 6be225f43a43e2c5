using PgRest.Errors;

namespace PgRest.Commands.Verify;

public static class VerifyCommand
{
    public static Task<int> RunAsync(CommandContext context) =>
        throw new PgRestException(ErrorCode.FeatureNotSupported, $"command '{context.Config.Command}' is not implemented by this version of pgrest");
}
