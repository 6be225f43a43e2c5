using PgRest.Common;
using PgRest.Logging;
using PgRest.Config;

namespace PgRest.Commands.Verify;

/// <summary>
/// <c>verify</c>: checks that the backups and WAL archive of a stanza in one repository (<c>--repo</c>, else the first)
/// are intact. Like pgBackRest 2.45 it exits 0 once the checks have run, whatever they found: the report's
/// <c>status:</c> line (and the log) says whether anything is invalid.
/// </summary>
public static class VerifyCommand
{
    public static async Task<int> RunAsync(CommandContext context)
    {
        var config = context.Config;
        var verifier = new RepositoryVerifier(context.TargetRepo, context.Stanza, (int)config.Get(Options.ProcessMax), config.Get(Options.Progress), context.Cancellation);
        var report = await verifier.RunAsync(config.Get(Options.Verbose)).ConfigureAwait(false);
        if (report.Length > 0)
        {
            Log.Info(report);
            if (config.Find(Options.Output) == "text")
                StandardStreams.Out.Write(report + "\n");
        }

        return 0;
    }
}
