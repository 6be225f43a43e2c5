using PgRest.Errors;
using PgRest.Info;
using PgRest.Repository;

namespace PgRest.Commands.Archive;

/// <summary>
/// archive.info of every repository; when none can be read the command fails as pgBackRest's does (RepoInvalidError).
/// archive-push names each repository's cause in the error; archive-get warns about each and fails with the bare error.
/// </summary>
internal static class ArchiveInfoLoader
{
    public sealed record Result(List<(Repo Repo, ArchiveInfo Info)> Valid, List<(Repo Repo, PgRestException Error)> Failed);

    public static async Task<Result> LoadValidAsync(CommandContext context, string stanza, bool warnFailures = false)
    {
        var result = new Result([], []);
        var repos = context.Repos;
        // All at once: with repositories in several object stores the round trips add up otherwise.
        var loads = new Task<ArchiveInfo>[repos.Count];
        for (var index = 0; index < loads.Length; index++)
            loads[index] = WalArchive.LoadInfoAsync(repos[index], stanza, context.Cancellation);
        for (var index = 0; index < loads.Length; index++)
        {
            try
            {
                result.Valid.Add((repos[index], await loads[index].ConfigureAwait(false)));
            }
            catch (PgRestException e)
            {
                result.Failed.Add((repos[index], e));
            }
        }

        if (warnFailures)
        {
            foreach (var (repo, failure) in result.Failed)
                Logging.Log.Warn($"{repo.Name}: [{failure.TypeName}] {failure.Message}");
            if (result.Valid.Count == 0)
                throw new PgRestException(ErrorCode.RepoInvalid, "unable to find a valid repository");
        }

        if (result.Valid.Count == 0)
        {
            throw new PgRestException(ErrorCode.RepoInvalid,
                "unable to find a valid repository:\n" + string.Join("\n", result.Failed.Select(f => $"{f.Repo.Name}: [{f.Error.TypeName}] {f.Error.Message}")));
        }

        return result;
    }
}
