using PgRest.Filters;
using PgRest.Logging;
using PgRest.Postgres;
using PgRest.Config;

namespace PgRest.Commands.Archive;

/// <summary>
/// Fetches WAL files from the first repository that has them: archive.info and pg_control are read once, so the
/// async worker can fetch many segments with one instance.
/// </summary>
internal sealed class WalFetcher
{
    private readonly CommandContext _context;
    private readonly PgControl? _pgControl;
    private readonly ArchiveInfoLoader.Result _archiveInfos;

    private WalFetcher(CommandContext context, PgControl? pgControl, ArchiveInfoLoader.Result archiveInfos)
    {
        _context = context;
        _pgControl = pgControl;
        _archiveInfos = archiveInfos;
    }

    public static async Task<WalFetcher> CreateAsync(CommandContext context)
    {
        var pgControl = context.Config.IsSet(Options.PgPath, 1) ? ArchiveGetCommand.TryReadPgControl(context.PgPath) : null;
        var archiveInfos = await ArchiveInfoLoader.LoadValidAsync(context, context.Stanza).ConfigureAwait(false);
        foreach (var (repo, failure) in archiveInfos.Failed)
            Log.Warn($"{repo.Name}: [{failure.TypeName}] {failure.Message}");
        return new WalFetcher(context, pgControl, archiveInfos);
    }

    /// <summary>Copies <paramref name="walName"/> to <paramref name="destination"/>; false when no repository has it.</summary>
    public async Task<bool> FetchAsync(string walName, string destination, bool stopCheck)
    {
        var stanza = _context.Stanza;
        var isSegment = Wal.IsSegment(walName);
        foreach (var (repo, archiveInfo) in _archiveInfos.Valid)
        {
            foreach (var archiveId in ArchiveGetCommand.CandidateArchiveIds(archiveInfo, _pgControl))
            {
                var stored = await ArchiveGetCommand.FindAsync(repo, stanza, archiveId, walName, isSegment, _context.Cancellation).ConfigureAwait(false);
                if (stored is null)
                    continue;

                // 2.45 tests the stop file only once the file is found: a missing segment still answers 1.
                if (stopCheck)
                    Control.StopFile.ThrowIfStopped(_context.Config, stanza);

                var compressType = isSegment ? CompressTypes.FromExtension(stored) : CompressType.None;
                var expectedSha1 = isSegment ? Postgres.Wal.StoredChecksum(Path.GetFileName(stored), walName) : null;
                await Repository.RepoFiles.RestoreToFileAsync(repo, stored, destination, compressType, archiveInfo.CipherPass, expectedSha1, _context.Cancellation).ConfigureAwait(false);
                Log.Info($"found {walName} in the {repo.Name}: {archiveId} archive");
                return true;
            }
        }

        return false;
    }
}
