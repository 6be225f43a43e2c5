using PgRest.Errors;
using PgRest.Filters;
using PgRest.Info;
using PgRest.Logging;
using PgRest.Postgres;
using PgRest.Repository;
using PgRest.Config;

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
        if (config.Parameters.Count > 2)
            throw new PgRestException(ErrorCode.ParamInvalid, "extra parameters found");

        var walName = config.Parameters[0];
        var destination = ArchivePaths.Resolve(context, config.Parameters[1]);
        if (config.Get(Options.ArchiveAsync) && Wal.IsSegment(walName) && !Wal.IsPartial(walName))
            return await AsyncArchiveGet.ForegroundAsync(context, walName, destination).ConfigureAwait(false);

        var fetcher = await WalFetcher.CreateAsync(context).ConfigureAwait(false);
        if (await fetcher.FetchAsync(walName, destination, stopCheck: true, durable: false).ConfigureAwait(false))
            return 0;

        Log.Info($"unable to find {walName} in the archive");
        return NotFoundExitCode;
    }

    internal static PgControl? TryReadPgControl(string pgPath)
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
    internal static IEnumerable<string> CandidateArchiveIds(ArchiveInfo info, PgControl? pgControl)
    {
        for (var i = info.History.Count - 1; i >= 0; i--)
        {
            var entry = info.History[i];
            if (pgControl is null || (entry.Version == pgControl.DbVersion && entry.SystemId == pgControl.SystemId))
                yield return entry.ArchiveId;
        }
    }

    internal static async Task<string?> FindAsync(Repo repo, string stanza, string archiveId, string walName, bool isSegment, CancellationToken cancellation)
    {
        if (!isSegment)
        {
            var path = RepositoryLayout.ArchiveFilePath(stanza, archiveId, walName);
            return await repo.Storage.InfoAsync(path, cancellation).ConfigureAwait(false) is null ? null : path;
        }

        var found = await WalArchive.FindSegmentAsync(repo, stanza, archiveId, walName, cancellation).ConfigureAwait(false);
        if (found.Count == 0)
            return null;
        if (found.Select(name => Wal.StoredChecksum(name, walName)).Distinct().Count() > 1)
        {
            throw new PgRestException(ErrorCode.ArchiveDuplicate,
                $"duplicates found in the {repo.Name}:{archiveId} archive for WAL segment {walName}: {string.Join(", ", found)}" +
                "\nHINT: are multiple primaries archiving to this stanza?");
        }

        return RepositoryLayout.ArchiveFilePath(stanza, archiveId, found[0]);
    }
}
