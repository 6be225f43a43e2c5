using PgRest.Errors;
using PgRest.Filters;
using PgRest.Logging;
using PgRest.Postgres;
using PgRest.Postgres.WalRecords;
using PgRest.Repository;

namespace PgRest.Commands.TargetFind;

/// <summary>How far the WAL was read, and why it ended there.</summary>
public sealed record WalReadSummary(string FirstSegment, string? LastSegment, int Segments, long Records, Lsn End, string EndReason, bool Damaged);

/// <summary>
/// Reads the archived segments of one archive id in order from a backup's start, each from the timeline the newest
/// branch through the backup had at that point (<see cref="TimelineHistory.TimelineOf"/>), the next one fetched while
/// the current one is decoded.
/// </summary>
internal sealed class ArchiveSegmentSource(Repo repo, string stanza, string archiveId, string? cipherPass, CancellationToken cancellation)
{
    private readonly ArchiveWalker _walker = new(repo, stanza, cancellation);
    private readonly Dictionary<string, List<string>> _directories = [];

    public async Task<WalReadSummary> ReadAsync(WalSegmentName first, Lsn start, int versionNum, Func<WalRecord, bool> onRecord)
    {
        var firstBytes = await FetchAsync(first).ConfigureAwait(false)
            ?? throw new PgRestException(ErrorCode.FileMissing, $"WAL segment {first} of the backup is not in the {repo.Name} archive {archiveId}");
        var header = WalHeader.Read(firstBytes);
        var segmentSize = header.SegmentSize;
        var path = TimelineHistory.Path(first.Timeline, start, await WalArchive.LoadHistoriesAsync(repo, stanza, archiveId, cipherPass, cancellation).ConfigureAwait(false));
        using var reader = new WalStreamReader(header.Version, segmentSize, start);

        var number = first.SegmentNumber(segmentSize);
        var current = (Name: first, Bytes: (byte[]?)firstBytes);
        string? last = null, failure = null;
        var count = 0;
        while (current.Bytes is not null)
        {
            var next = WalSegmentName.FromSegmentNumber(TimelineHistory.TimelineOf(path, number + 1, segmentSize), number + 1, segmentSize);
            var prefetch = FetchAsync(next);
            if (!reader.Feed(current.Bytes, number, current.Name.Timeline, onRecord))
            {
                await IgnoreAsync(prefetch).ConfigureAwait(false);
                last = current.Name.ToString();
                count++;
                break;
            }

            last = current.Name.ToString();
            count++;
            Log.Detail($"read WAL segment {current.Name}");
            try
            {
                current = (next, await prefetch.ConfigureAwait(false));
            }
            catch (PgRestException e) when (e.Code is not ErrorCode.Term)
            {
                failure = e.Message;
                break;
            }

            number++;
        }

        var damaged = failure is not null || (reader.Stopped && !reader.EndOfWal && !reader.StoppedByCaller);
        var reason = failure ?? (reader.StoppedByCaller ? "nothing more to find"
            : reader.Stopped ? reader.StopReason!
            : $"the archive has no segment after {last}");
        if (damaged)
            Log.Warn($"WAL after {reader.EndOfValidWal} cannot be read: {reason}");
        return new WalReadSummary(first.ToString(), last, count, reader.Records, reader.EndOfValidWal, reason, damaged);
    }

    /// <summary>A segment's bytes, decrypted and decompressed; null when the archive does not have it.</summary>
    private async Task<byte[]?> FetchAsync(WalSegmentName segment)
    {
        var directory = segment.Directory;
        if (!_directories.TryGetValue(directory, out var names))
            _directories[directory] = names = await _walker.SegmentsAsync(archiveId, directory).ConfigureAwait(false);
        var name = segment.ToString();
        var stored = names.FirstOrDefault(file => Wal.IsStoredSegmentOf(file, name));
        if (stored is null)
            return null;
        var (bytes, sha1) = await RepoFiles.ReadAllWithSha1Async(repo, _walker.SegmentDirectoryPath(archiveId, directory) + "/" + stored,
            CompressTypes.FromExtension(stored), cipherPass, cancellation).ConfigureAwait(false);
        if (sha1 != Wal.StoredChecksum(stored, name))
            throw new PgRestException(ErrorCode.Checksum, $"WAL segment {name} in the {repo.Name} archive has checksum {sha1}, not the {Wal.StoredChecksum(stored, name)} of its name");
        return bytes;
    }

    private static async Task IgnoreAsync(Task<byte[]?> prefetch)
    {
        try
        {
            await prefetch.ConfigureAwait(false);
        }
        catch (PgRestException)
        {
            // The search is over; a segment it will not read does not matter.
        }
    }
}
