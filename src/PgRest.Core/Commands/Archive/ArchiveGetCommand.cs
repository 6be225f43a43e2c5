using PgRest.Errors;
using PgRest.Filters;
using PgRest.Info;
using PgRest.Logging;
using PgRest.Postgres;
using PgRest.Repository;

namespace PgRest.Commands.Archive;

/// <summary><c>archive-get %f "%p"</c> for <c>restore_command</c>: exit 0 when delivered, 1 when not in the archive.</summary>
public static class ArchiveGetCommand
{
    public const int NotFoundExitCode = 1;

    public static async Task<int> RunAsync(CommandContext context)
    {
        var config = context.Config;
        if (config.Parameters.Count < 1)
            throw new PgRestException(ErrorCode.ParamRequired, "WAL segment to get required");
        if (config.Parameters.Count < 2)
            throw new PgRestException(ErrorCode.ParamRequired, "path to copy WAL segment required");

        var walName = config.Parameters[0];
        var destination = ArchivePaths.Resolve(context, config.Parameters[1]);
        var stanza = context.Stanza;
        var pgControl = config.IsSet("pg1-path") ? TryReadPgControl(context.PgPath) : null;
        var isSegment = Wal.IsSegment(walName);

        var archiveInfos = await ArchiveInfoLoader.LoadValidAsync(context, stanza).ConfigureAwait(false);
        foreach (var (repo, failure) in archiveInfos.Failed)
            Log.Warn($"{repo.Name}: [{failure.TypeName}] {failure.Message}");
        foreach (var (repo, archiveInfo) in archiveInfos.Valid)
        {
            foreach (var archiveId in CandidateArchiveIds(archiveInfo, pgControl))
            {
                var stored = await FindAsync(repo, stanza, archiveId, walName, isSegment, context.Cancellation).ConfigureAwait(false);
                if (stored is null)
                    continue;

                // 2.45 tests the stop file only once the file is found: a missing segment still answers 1.
                Control.StopFile.ThrowIfStopped(config, stanza);

                var compressType = isSegment ? CompressTypes.FromExtension(stored) : CompressType.None;
                var expectedSha1 = isSegment ? WalArchive.ChecksumOf(Path.GetFileName(stored), walName) : null;
                await RepoFiles.RestoreToFileAsync(repo, stored, destination, compressType, archiveInfo.CipherPass, expectedSha1, context.Cancellation).ConfigureAwait(false);
                Log.Info($"found {walName} in the {repo.Name}: {archiveId} archive");
                return 0;
            }
        }

        Log.Info($"unable to find {walName} in the archive");
        return NotFoundExitCode;
    }

    private static PgControl? TryReadPgControl(string pgPath)
    {
        try
        {
            return PgControl.Read(pgPath);
        }
        catch (PgRestException)
        {
            // During a restore pg_control may not be in place yet; every archive id is then a candidate.
            return null;
        }
    }

    /// <summary>Archive ids whose version and system id match the cluster, newest first.</summary>
    private static IEnumerable<string> CandidateArchiveIds(ArchiveInfo info, PgControl? pgControl)
    {
        for (var i = info.History.Count - 1; i >= 0; i--)
        {
            var entry = info.History[i];
            if (pgControl is null || (entry.Version == pgControl.DbVersion && entry.SystemId == pgControl.SystemId))
                yield return entry.ArchiveId;
        }
    }

    private static async Task<string?> FindAsync(Repo repo, string stanza, string archiveId, string walName, bool isSegment, CancellationToken cancellation)
    {
        if (!isSegment)
        {
            var path = RepositoryLayout.ArchiveFilePath(stanza, archiveId, walName);
            return await repo.Storage.InfoAsync(path, cancellation).ConfigureAwait(false) is null ? null : path;
        }

        var found = await WalArchive.FindSegmentAsync(repo, stanza, archiveId, walName, cancellation).ConfigureAwait(false);
        if (found.Count == 0)
            return null;
        if (found.Select(name => WalArchive.ChecksumOf(name, walName)).Distinct().Count() > 1)
        {
            throw new PgRestException(ErrorCode.ArchiveDuplicate,
                $"duplicates found in the {repo.Name}:{archiveId} archive for WAL segment {walName}: {string.Join(", ", found)}" +
                "\nHINT: are multiple primaries archiving to this stanza?");
        }

        return RepositoryLayout.ArchiveSegmentDirectory(stanza, archiveId, walName) + "/" + found[0];
    }
}
