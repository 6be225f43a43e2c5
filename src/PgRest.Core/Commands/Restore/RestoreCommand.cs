using System.Globalization;
using System.Text;
using PgRest.Common;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Filters;
using PgRest.Info;
using PgRest.Logging;
using PgRest.Postgres;
using PgRest.Repository;

namespace PgRest.Commands.Restore;

/// <summary>
/// <c>restore</c>: pick the backup set, write its files into PGDATA (in parallel, each verified against its SHA-1),
/// then the recovery settings; <c>global/pg_control</c> is put in place last so an interrupted restore cannot start.
/// </summary>
public static class RestoreCommand
{
    private const string ControlFile = "pg_data/global/pg_control";

    public static async Task RunAsync(CommandContext context)
    {
        var config = context.Config;
        var stanza = context.Stanza;
        var cancellation = context.Cancellation;
        var pgPath = Path.GetFullPath(context.PgPath).TrimEnd('/');

        if (File.Exists(Path.Combine(pgPath, "postmaster.pid")))
        {
            throw new PgRestException(ErrorCode.PgRunning,
                $"unable to restore while PostgreSQL is running\nHINT: presence of 'postmaster.pid' in '{pgPath}' indicates PostgreSQL is running." +
                "\nHINT: remove 'postmaster.pid' only if PostgreSQL is not running.");
        }

        var delta = config.Get(Options.Delta);
        var force = config.Get(Options.Force);
        if ((delta || force) && Directory.Exists(pgPath) && !File.Exists(Path.Combine(pgPath, "PG_VERSION")) && !File.Exists(Path.Combine(pgPath, "backup.manifest")))
        {
            Log.Warn($"--delta or --force specified but unable to find 'PG_VERSION' or 'backup.manifest' in '{pgPath}' to confirm that this is a valid $PGDATA directory." +
                " --delta and --force have been disabled and if any files exist in the destination directories the restore will be aborted.");
            delta = force = false;
        }

        if (!delta && !force && Directory.Exists(pgPath) && Directory.EnumerateFileSystemEntries(pgPath).Any())
        {
            throw new PgRestException(ErrorCode.PathNotEmpty,
                $"unable to restore to path '{pgPath}' because it contains files\nHINT: try using --delta if this is what you intended.");
        }

        var (repo, backupInfo, label) = await SelectBackupAsync(context, stanza).ConfigureAwait(false);
        var manifest = await BackupStore.LoadManifestAsync(repo, stanza, label, backupInfo, cancellation).ConfigureAwait(false);
        if (manifest.BlockIncr || manifest.Files.Any(f => f.BlockIncrSize > 0))
            throw new PgRestException(ErrorCode.FeatureNotSupported, $"backup set {label} uses block incremental, which this version of pgrest cannot restore yet\nHINT: restore it with pgBackRest.");
        Log.Info($"{repo.Name}: restore backup set {label}, recovery will start at {Format.LocalTime(manifest.TimestampStart)}");

        RestoreMapping.Apply(manifest, config, pgPath);

        // PostgreSQL would recreate the tablespace links from tablespace_map and undo a remapping; the links are made here.
        if (manifest.Files.RemoveAll(f => f.Name == "pg_data/tablespace_map") > 0)
            Log.Detail("skip 'tablespace_map' -- tablespace links will be created based on mappings");

        var selective = SelectiveRestore.Create(manifest, config);
        var layout = new RestoreLayout(manifest, pgPath);
        var writer = new RestoreFileWriter(context, repo, stanza, manifest, layout, delta, force, selective);
        await writer.PrepareDirectoriesAsync().ConfigureAwait(false);

        // The manifest sits in PGDATA while the restore runs so that an interrupted restore can be re-run with --delta.
        var manifestCopy = Path.Combine(pgPath, "backup.manifest");
        await File.WriteAllTextAsync(manifestCopy, manifest.Serialize(PgRestVersion.FormatVersion), cancellation).ConfigureAwait(false);

        await writer.RestoreFilesAsync(manifest.Files.Where(f => f.Name != ControlFile)).ConfigureAwait(false);
        if (delta || force)
            writer.RemoveUnknownEntries();

        WriteRecoverySettings(context, pgPath, manifest);

        Native.SyncFileSystem(pgPath);
        var control = manifest.Files.FirstOrDefault(f => f.Name == ControlFile);
        if (control is not null)
        {
            Log.Info("restore global/pg_control (performed last to ensure aborted restores cannot be started)");
            await writer.RestoreFilesAsync([control]).ConfigureAwait(false);
        }

        File.Delete(manifestCopy);
        Native.SyncFileSystem(pgPath);
        Log.Info($"restore size = {Format.Size(manifest.Files.Sum(f => (long)f.Size))}, file total = {manifest.Files.Count}");
    }

    /// <summary>
    /// <c>--set</c>, or for <c>--type=time</c> the newest backup that stopped before the target, for <c>--type=lsn</c>
    /// the newest that stopped at or before it, otherwise the newest; repositories are searched in order.
    /// </summary>
    private static async Task<(Repo Repo, BackupInfo Info, string Label)> SelectBackupAsync(CommandContext context, string stanza)
    {
        var config = context.Config;
        var set = config.Get(Options.Set);
        var type = config.Get(Options.Type);
        var target = config.Find(Options.Target);
        long? targetTime = set == "latest" && type == "time" && target is not null ? ParseTargetTime(target) : null;
        Lsn? targetLsn = set == "latest" && type == "lsn" && target is not null ? Lsn.Parse(target) : null;

        foreach (var repo in context.Repos)
        {
            BackupInfo info;
            try
            {
                info = await BackupStore.LoadInfoAsync(repo, stanza, context.Cancellation).ConfigureAwait(false);
            }
            catch (PgRestException e) when (context.Repos.Count > 1)
            {
                // One store down must not stop a restore that another repository can serve.
                Log.Warn($"{repo.Name}: [{e.TypeName}] {e.Message}");
                continue;
            }

            if (set != "latest")
            {
                if (info.Current.ContainsKey(set))
                    return (repo, info, set);
                continue;
            }

            var candidates = info.Current.Values.Where(b => b.DbId == info.DbId).OrderBy(b => b.Label, StringComparer.Ordinal).ToList();
            if (candidates.Count == 0)
                continue;
            BackupInfoEntry? chosen;
            if (targetTime is { } time)
            {
                chosen = candidates.LastOrDefault(b => b.TimestampStop < time);
                if (chosen is null)
                {
                    throw new PgRestException(ErrorCode.BackupSetInvalid,
                        $"unable to find backup set with stop time less than '{target}'\nHINT: the oldest backup on {repo.Name} stopped at {Format.LocalTime(candidates[0].TimestampStop)}; choose a later target or restore with --set.");
                }
            }
            else if (targetLsn is { } lsn)
            {
                chosen = candidates.LastOrDefault(b => b.LsnStop is not null && Lsn.Parse(b.LsnStop) <= lsn)
                    ?? throw new PgRestException(ErrorCode.BackupSetInvalid, $"unable to find backup set with lsn less than or equal to '{target}'");
            }
            else
            {
                chosen = candidates[^1];
            }

            return (repo, info, chosen.Label);
        }

        throw new PgRestException(ErrorCode.BackupSetInvalid, set == "latest" ? "no backup set found to restore" : $"backup set {set} is not valid");
    }

    /// <summary><c>YYYY-MM-DD HH:MM:SS[.fraction][±TZ]</c>; without a zone the time is local, as PostgreSQL reads it.</summary>
    internal static long ParseTargetTime(string target)
    {
        var text = target.Trim();
        string[] formats =
        [
            "yyyy-MM-dd HH:mm:ss.FFFFFFzzz", "yyyy-MM-dd HH:mm:ss.FFFFFFzz", "yyyy-MM-dd HH:mm:ss.FFFFFF zzz", "yyyy-MM-dd HH:mm:ss.FFFFFF zz",
            "yyyy-MM-dd HH:mm:sszzz", "yyyy-MM-dd HH:mm:sszz", "yyyy-MM-dd HH:mm:ss zzz", "yyyy-MM-dd HH:mm:ss zz",
        ];
        if (DateTimeOffset.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var withZone))
            return withZone.ToUnixTimeSeconds();
        if (DateTime.TryParseExact(text, ["yyyy-MM-dd HH:mm:ss.FFFFFF", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var local))
            return new DateTimeOffset(local).ToUnixTimeSeconds();
        if (text.EndsWith(" UTC", StringComparison.OrdinalIgnoreCase) || text.EndsWith(" GMT", StringComparison.OrdinalIgnoreCase))
            return ParseTargetTime(text[..^4] + "+00");
        throw new PgRestException(ErrorCode.Format,
            $"automatic backup set selection cannot be performed with provided time '{target}'\nHINT: time format must be YYYY-MM-DD HH:MM:SS with optional msec and optional timezone (+/- HH or HHMM or HH:MM) - if timezone is omitted, local time is assumed (for UTC use +00)");
    }

    private static void WriteRecoverySettings(CommandContext context, string pgPath, Manifest manifest)
    {
        var config = context.Config;
        var type = config.Get(Options.Type);
        if (type is "none" or "preserve")
        {
            if (type == "preserve" && !File.Exists(Path.Combine(pgPath, "recovery.signal")) && !File.Exists(Path.Combine(pgPath, "standby.signal")))
                Log.Warn($"type 'preserve' specified but no recovery signal file found in '{pgPath}'");
            return;
        }

        if (PgVersions.VersionNumFromVersion(manifest.DbVersion) < 120000)
            throw new PgRestException(ErrorCode.FeatureNotSupported, $"restore of PostgreSQL {manifest.DbVersion} (recovery.conf) is not supported by pgrest yet");

        var settings = RecoverySettings.Build(config, RestoreCommandLine(config));
        var autoConf = Path.Combine(pgPath, "postgresql.auto.conf");
        var existing = File.Exists(autoConf) ? File.ReadAllText(autoConf) : "";
        File.WriteAllText(autoConf, RecoverySettings.UpdateAutoConf(existing, settings, DateTime.Now));
        Log.Info($"write updated {autoConf}");

        var signal = Path.Combine(pgPath, type == "standby" ? "standby.signal" : "recovery.signal");
        File.WriteAllBytes(signal, []);
        File.SetUnixFileMode(signal, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        RestoreFileWriter.MatchOwner(signal, pgPath);
        RestoreFileWriter.MatchOwner(autoConf, pgPath);
    }

    /// <summary>
    /// <c>restore_command</c>: this binary with the command-line options that archive-get also takes (config-file and
    /// environment values are found again by archive-get itself), as pgBackRest builds it.
    /// </summary>
    internal static string RestoreCommandLine(Configuration config)
    {
        var builder = new StringBuilder(Environment.ProcessPath ?? PgRestVersion.Executable);
        var options = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in config.CommandLineOptionsValidFor(OptionTable.Command(CommandId.ArchiveGet)))
        {
            var baseName = name.StartsWith("no-", StringComparison.Ordinal) ? name[3..] : name;
            if (baseName.StartsWith("log-", StringComparison.Ordinal) || baseName is "exec-id" or "process-max" or "cmd" || baseName.StartsWith("job-retry", StringComparison.Ordinal))
                continue;
            options[name] = value;
        }

        foreach (var (name, value) in options)
            builder.Append(" --").Append(name).Append(value.Length == 0 ? "" : "=" + value);
        return builder.Append(" archive-get %f \"%p\"").ToString();
    }
}
