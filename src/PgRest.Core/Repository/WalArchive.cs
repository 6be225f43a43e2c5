using PgRest.Errors;
using PgRest.Info;
using PgRest.Postgres;
using PgRest.Storage;

namespace PgRest.Repository;

/// <summary>The archive side of a repository: archive.info and locating WAL files by name.</summary>
public static class WalArchive
{
    public static async Task<ArchiveInfo> LoadInfoAsync(Repo repo, string stanza, CancellationToken cancellationToken)
    {
        try
        {
            var info = await InfoStore.LoadAsync(repo, RepositoryLayout.ArchiveInfoPath(stanza), repo.CipherPass, ArchiveInfo.Parse, ignoreMissing: false, cancellationToken).ConfigureAwait(false);
            return info!;
        }
        catch (PgRestException e)
        {
            throw InfoLoadError(e);
        }
    }

    /// <summary>An archive.info that cannot be loaded (missing, corrupt, undecryptable), with pgBackRest's hints.</summary>
    public static PgRestException InfoLoadError(PgRestException e) => e.Reaching ? e : new(e.Code, e.Message +
        "\nHINT: archive.info cannot be opened but is required to push/get WAL segments." +
        "\nHINT: is archive_command configured correctly in postgresql.conf?" +
        "\nHINT: has a stanza-create been performed?" +
        "\nHINT: use --no-archive-check to disable archive checks during backup if you have an alternate archiving scheme.", e);

    public static Task SaveInfoAsync(Repo repo, string stanza, ArchiveInfo info, CancellationToken cancellationToken) =>
        InfoStore.SaveAsync(repo, RepositoryLayout.ArchiveInfoPath(stanza), info.Serialize(Config.PgRestVersion.FormatVersion), repo.CipherPass, cancellationToken);

    /// <summary>The archive id of one cluster: the newest archive.info entry with its system id and version.</summary>
    public static string ArchiveIdOf(ArchiveInfo info, ulong systemId, string version) =>
        info.History.LastOrDefault(entry => entry.SystemId == systemId && entry.Version == version)?.ArchiveId
        ?? throw new PgRestException(ErrorCode.ArchiveMismatch, $"archive.info has no archive for PostgreSQL {version}, system id {systemId}");

    /// <summary>The archive id's timeline history files, by timeline (<see cref="TimelineHistory.Path"/> reads them).</summary>
    public static async Task<Dictionary<uint, string>> LoadHistoriesAsync(Repo repo, string stanza, string archiveId, string? cipherPass, CancellationToken cancellationToken)
    {
        Dictionary<uint, string> histories = [];
        foreach (var name in await new ArchiveWalker(repo, stanza, cancellationToken).HistoryFilesAsync(archiveId).ConfigureAwait(false))
        {
            var bytes = await RepoFiles.ReadAllAsync(repo, RepositoryLayout.ArchiveFilePath(stanza, archiveId, name), Filters.CompressType.None, cipherPass, cancellationToken)
                .ConfigureAwait(false);
            histories[Wal.TimelineOf(name)] = System.Text.Encoding.UTF8.GetString(bytes);
        }

        return histories;
    }

    /// <summary>Stored names of segment <paramref name="walName"/>: <c>&lt;name&gt;-&lt;sha1&gt;[.ext]</c>.</summary>
    public static async Task<List<string>> FindSegmentAsync(Repo repo, string stanza, string archiveId, string walName, CancellationToken cancellationToken)
    {
        var found = new List<string>(1);
        await foreach (var entry in repo.Storage.ListAsync(RepositoryLayout.ArchiveSegmentDirectory(stanza, archiveId, walName), cancellationToken).ConfigureAwait(false))
        {
            if (entry.Type == StorageEntryType.File && Wal.IsStoredSegmentOf(entry.Name, walName))
                found.Add(entry.Name);
        }

        found.Sort(StringComparer.Ordinal);
        return found;
    }

    /// <summary>Polls until segment <paramref name="walName"/> is in the archive; returns its stored path, or null on timeout.</summary>
    public static async Task<string?> WaitForSegmentAsync(Repo repo, string stanza, string archiveId, string walName, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            var found = await FindSegmentAsync(repo, stanza, archiveId, walName, cancellationToken).ConfigureAwait(false);
            if (found.Count > 0)
                return RepositoryLayout.ArchiveFilePath(stanza, archiveId, found[0]);
            if (DateTime.UtcNow >= deadline)
                return null;
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1000));
        }
    }

    public static PgRestException ArchiveTimeout(string walName, TimeSpan timeout) => new(ErrorCode.ArchiveTimeout,
        $"WAL segment {walName} was not archived before the {(long)timeout.TotalMilliseconds}ms timeout" +
        "\nHINT: check the archive_command to ensure that all options are correct (especially --stanza)." +
        "\nHINT: check the PostgreSQL server log for errors." +
        "\nHINT: run the 'start' command if the stanza was previously stopped.");
}
