using PgRest.Config;
using PgRest.Errors;
using PgRest.Remote;

namespace PgRest.Commands.Server;

/// <summary>
/// <c>pgrest server-ping [host]</c>: whether a pgrest server answers (TLS, the greeting, a noop). No certificate is
/// shown or checked, as pgBackRest's: it proves the server is alive, nothing more.
/// </summary>
internal static class ServerPingCommand
{
    public static async Task RunAsync(CommandContext context)
    {
        var config = context.Config;
        if (config.Parameters.Count > 1)
            throw new PgRestException(ErrorCode.ParamInvalid, "extra parameters found");
        var host = config.Parameters.Count == 1 ? config.Parameters[0] : config.Get(Options.TlsServerAddress);
        var port = (int)config.Get(Options.TlsServerPort);
        var timeout = Storage.StorageFactory.IoTimeout(config);
        var stream = await TlsTransport.ConnectAsync(host, port, null, null, null, timeout, context.Cancellation, verifyServer: false).ConfigureAwait(false);
        await using var connection = new RemoteConnection($"server on '{host}:{port}'", stream, stream, timeout);
        await connection.GreetAsync(context.Cancellation).ConfigureAwait(false);
        connection.Frame.Start(FrameKind.Request).Byte((byte)RemoteOperation.Noop);
        await connection.SendAsync(context.Cancellation).ConfigureAwait(false);
        await connection.ReplyAsync(context.Cancellation).ConfigureAwait(false);
    }
}
