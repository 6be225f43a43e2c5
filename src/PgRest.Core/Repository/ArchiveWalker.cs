using PgRest.Postgres;
using PgRest.Storage;

namespace PgRest.Repository;

/// <summary>
/// Lists a stanza's WAL archive level by level: archive ids, their segment directories, the files in each. One walker
/// for expire, verify and info, so the three agree on what a WAL file of the archive is. Every list is sorted.
/// </summary>
public sealed class ArchiveWalker(Repo repo, string stanza, CancellationToken cancellation)
{
    /// <summary>Archive id directories (<c>15-1</c>), by history id then name.</summary>
    public async Task<List<string>> ArchiveIdsAsync()
    {
        var ids = await NamesAsync(RepositoryLayout.ArchivePath(stanza), StorageEntryType.Path, RepositoryLayout.IsArchiveId).ConfigureAwait(false);
        ids.Sort((left, right) =>
        {
            var order = RepositoryLayout.HistoryIdOf(left).CompareTo(RepositoryLayout.HistoryIdOf(right));
            return order != 0 ? order : string.CompareOrdinal(left, right);
        });
        return ids;
    }

    /// <summary>The segment directories of an archive id (<c>0000000100000000</c>).</summary>
    public Task<List<string>> SegmentDirectoriesAsync(string archiveId) =>
        NamesAsync(RepositoryLayout.ArchiveIdPath(stanza, archiveId), StorageEntryType.Path, name => Wal.IsSegmentDirectory(name));

    /// <summary>Every file of a segment directory whose name starts with a segment name (segments, partials, backup history).</summary>
    public Task<List<string>> WalFilesAsync(string archiveId, string segmentDirectory) =>
        NamesAsync(SegmentDirectoryPath(archiveId, segmentDirectory), StorageEntryType.File, name => Wal.HasSegmentPrefix(name));

    /// <summary>The stored segments of a segment directory (<c>&lt;segment&gt;-&lt;sha1&gt;[.ext]</c>).</summary>
    public Task<List<string>> SegmentsAsync(string archiveId, string segmentDirectory) =>
        NamesAsync(SegmentDirectoryPath(archiveId, segmentDirectory), StorageEntryType.File, Wal.IsStoredSegment);

    /// <summary>Timeline history files of an archive id (<c>00000002.history</c>).</summary>
    public Task<List<string>> HistoryFilesAsync(string archiveId) =>
        NamesAsync(RepositoryLayout.ArchiveIdPath(stanza, archiveId), StorageEntryType.File, name => Wal.IsHistory(name));

    public string SegmentDirectoryPath(string archiveId, string segmentDirectory) =>
        RepositoryLayout.ArchiveSegmentDirectory(stanza, archiveId, segmentDirectory);

    /// <summary>The oldest and newest stored segment of an archive id; nulls when it holds none.</summary>
    public async Task<(string? Min, string? Max)> SegmentRangeAsync(string archiveId)
    {
        string? min = null, max = null;
        foreach (var directory in await SegmentDirectoriesAsync(archiveId).ConfigureAwait(false))
        {
            var segments = await SegmentsAsync(archiveId, directory).ConfigureAwait(false);
            if (segments.Count == 0)
                continue;
            min ??= segments[0][..WalSegmentName.Length];
            max = segments[^1][..WalSegmentName.Length];
        }

        return (min, max);
    }

    private Task<List<string>> NamesAsync(string path, StorageEntryType type, Func<string, bool> match) =>
        repo.Storage.NamesAsync(path, type, match, cancellation);
}
