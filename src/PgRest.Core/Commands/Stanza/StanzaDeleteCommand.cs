using PgRest.Errors;

namespace PgRest.Commands.Stanza;

public static class StanzaDeleteCommand
{
    public static Task<int> RunAsync(CommandContext context) =>
        throw new PgRestException(ErrorCode.FeatureNotSupported, $"command '{context.Config.Command}' is not implemented by this version of pgrest");
}
