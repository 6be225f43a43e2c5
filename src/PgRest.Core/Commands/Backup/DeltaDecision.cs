using PgRest.Info;
using PgRest.Logging;

namespace PgRest.Commands.Backup;

/// <summary>
/// Whether files are compared by checksum rather than size and timestamp (<c>--delta</c>). As in pgBackRest 2.45 it is
/// switched on by itself when timestamps cannot be trusted: a file dated after the copy start, a timeline switch or an
/// online/offline change since the prior backup (typical after a restore), a file older than in the prior backup, or
/// one whose size changed while its timestamp did not. Otherwise such a file could be wrongly referenced.
/// </summary>
internal static class DeltaDecision
{
    public static bool Resolve(bool requested, Manifest manifest, Manifest? prior)
    {
        var delta = requested;
        if (!delta)
        {
            var future = manifest.Files.FirstOrDefault(f => f.Timestamp > manifest.TimestampCopyStart);
            if (future is not null)
            {
                Log.Warn($"file '{PgRelative(future.Name)}' has timestamp ({future.Timestamp}) in the future (relative to copy start {manifest.TimestampCopyStart}), enabling delta checksum");
                delta = true;
            }
        }

        if (prior is null)
            return delta;

        if (manifest.ArchiveStart is { } start && prior.ArchiveStop is { } priorStop && start[..8] != priorStop[..8])
        {
            Log.Warn($"a timeline switch has occurred since the {prior.Label} backup, enabling delta checksum\nHINT: this is normal after restoring from backup or promoting a standby.");
            delta = true;
        }
        else if (prior.Options.Online != manifest.Options.Online)
        {
            Log.Warn($"the online option has changed since the {prior.Label} backup, enabling delta checksum");
            delta = true;
        }

        if (delta)
            return true;

        var priorFiles = prior.Files.ToDictionary(f => f.Name, StringComparer.Ordinal);
        foreach (var file in manifest.Files)
        {
            if (!priorFiles.TryGetValue(file.Name, out var priorFile))
                continue;
            if (file.Timestamp < priorFile.Timestamp)
            {
                Log.Warn($"file '{PgRelative(file.Name)}' has timestamp earlier than prior backup (prior {priorFile.Timestamp}, current {file.Timestamp}), enabling delta checksum");
                return true;
            }

            if (file.Size != priorFile.Size && file.Timestamp == priorFile.Timestamp)
            {
                Log.Warn($"file '{PgRelative(file.Name)}' has same timestamp ({file.Timestamp}) as prior but different size (prior {priorFile.Size}, current {file.Size}), enabling delta checksum");
                return true;
            }
        }

        return false;
    }

    private static string PgRelative(string name) => name.StartsWith("pg_data/", StringComparison.Ordinal) ? name[8..] : name;
}
