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
        var archiveInfos = await ArchiveInfoLoader.LoadValidAsync(context, context.Stanza, warnFailures: true).ConfigureAwait(false);
        return new WalFetcher(context, pgControl, archiveInfos);
    }

    /// <summary>Copies <paramref name="walName"/> to <paramref name="destination"/>; false when no repository has it.</summary>
    /// <param name="durable">Flush the file and its directory: for the spool, which is read later; not for
    /// restore_command's file, which PostgreSQL reads at once and makes durable itself when it keeps it.</param>
    public async Task<bool> FetchAsync(string walName, string destination, bool stopCheck, bool durable)
    {
        var stanza = _context.Stanza;
        var isSegment = Wal.IsSegment(walName);
        List<string> failures = [];
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
                try
                {
                    await Repository.RepoFiles.RestoreToFileAsync(repo, stored, destination, compressType, archiveInfo.CipherPass, expectedSha1, _context.Cancellation,
                        durable).ConfigureAwait(false);
                }
                catch (Errors.PgRestException e) when (e.Code is not Errors.ErrorCode.Stop)
                {
                    // As pgBackRest: a copy that fails is tried in the next repository, and all failures are named.
                    failures.Add($"{repo.Name}: {stored[(Repository.RepositoryLayout.ArchivePath(stanza).Length + 1)..]} [{e.TypeName}] {e.Message}");
                    break;
                }

                foreach (var failure in failures)
                    Log.Warn(failure);
                Log.Info($"found {walName} in the {repo.Name}: {archiveId} archive");
                return true;
            }
        }

        if (failures.Count > 0)
            throw new Errors.PgRestException(Errors.ErrorCode.FileRead, $"unable to get {walName}:\n" + string.Join('\n', failures));
        return false;
    }
}
