using System.Text;
using PgRest.Common;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Info;
using PgRest.Logging;
using PgRest.Postgres;
using PgRest.Repository;

namespace PgRest.Commands.Restore;

/// <summary>
/// <c>restore</c>, in steps: check the destination, select the backup set, map it onto this host, prepare the
/// directories, write the files (in parallel, each verified against its SHA-1), write the recovery settings, and put
/// <c>global/pg_control</c> in place last so an interrupted restore cannot start.
/// </summary>
public static class RestoreCommand
{
    private const string ControlFile = "pg_data/global/pg_control";

    /// <summary>What the steps of one restore share.</summary>
    private sealed class RestoreState(CommandContext context, string pgPath, IReadOnlyList<string> archiveGetOptions)
    {
        /// <summary>The backup set when the caller chose it (rehearse checks it before restoring).</summary>
        public (Repo Repo, BackupInfo Info, string Label)? Chosen { get; init; }

        /// <summary>Options added to archive-get's command line in restore_command (rehearse's own).</summary>
        public IReadOnlyList<string> ArchiveGetOptions { get; } = archiveGetOptions;

        public CommandContext Context { get; } = context;

        public Configuration Config => Context.Config;

        public string PgPath { get; } = pgPath;

        public bool Delta { get; set; }

        public bool Force { get; set; }

        public Repo Repo { get; set; } = null!;

        public Manifest Manifest { get; set; } = null!;

        public RestoreFileWriter Writer { get; set; } = null!;

        public string ManifestCopy => Path.Combine(PgPath, RepositoryLayout.ManifestFile);
    }

    public static Task RunAsync(CommandContext context) => RestoreAsync(context, [], null);

    /// <summary>
    /// The restore, returning the manifest of the backup set restored (rehearse reports it);
    /// <paramref name="archiveGetOptions"/> go on archive-get's command line in restore_command; <paramref name="chosen"/>,
    /// when given, is the set to restore (from <see cref="FindBackupAsync"/>).
    /// </summary>
    internal static async Task<Manifest> RestoreAsync(CommandContext context, IReadOnlyList<string> archiveGetOptions,
        (Repo Repo, BackupInfo Info, string Label)? chosen)
    {
        var restore = new RestoreState(context, Path.GetFullPath(context.PgPath).TrimEnd('/'), archiveGetOptions) { Chosen = chosen };
        CheckDestination(restore);
        await SelectBackupAsync(restore).ConfigureAwait(false);
        await PrepareAsync(restore).ConfigureAwait(false);
        await WriteFilesAsync(restore).ConfigureAwait(false);
        WriteRecoverySettings(restore);
        await FinishAsync(restore).ConfigureAwait(false);
        return restore.Manifest;
    }

    /// <summary>The destination: PostgreSQL not running, and empty unless <c>--delta</c>/<c>--force</c> find a data directory there.</summary>
    private static void CheckDestination(RestoreState restore)
    {
        var pgPath = restore.PgPath;
        if (File.Exists(Path.Combine(pgPath, "postmaster.pid")))
        {
            throw new PgRestException(ErrorCode.PgRunning,
                $"unable to restore while PostgreSQL is running\nHINT: presence of 'postmaster.pid' in '{pgPath}' indicates PostgreSQL is running." +
                "\nHINT: remove 'postmaster.pid' only if PostgreSQL is not running.");
        }

        restore.Delta = restore.Config.Get(Options.Delta);
        restore.Force = restore.Config.Get(Options.Force);
        if ((restore.Delta || restore.Force) && Directory.Exists(pgPath) && !File.Exists(Path.Combine(pgPath, "PG_VERSION")) && !File.Exists(restore.ManifestCopy))
        {
            Log.Warn($"--delta or --force specified but unable to find 'PG_VERSION' or 'backup.manifest' in '{pgPath}' to confirm that this is a valid $PGDATA directory." +
                " --delta and --force have been disabled and if any files exist in the destination directories the restore will be aborted.");
            restore.Delta = restore.Force = false;
        }

        if (!restore.Delta && !restore.Force && Directory.Exists(pgPath) && Directory.EnumerateFileSystemEntries(pgPath).Any())
        {
            throw new PgRestException(ErrorCode.PathNotEmpty,
                $"unable to restore to path '{pgPath}' because it contains files\nHINT: try using --delta if this is what you intended.");
        }
    }

    /// <summary>The backup set chosen (<see cref="FindBackupAsync"/>, unless the caller chose it) and its manifest.</summary>
    private static async Task SelectBackupAsync(RestoreState restore)
    {
        var context = restore.Context;
        var (repo, info, label) = restore.Chosen ?? await FindBackupAsync(context).ConfigureAwait(false);
        restore.Repo = repo;
        restore.Manifest = await BackupStore.LoadManifestAsync(repo, context.Stanza, label, info, context.Cancellation).ConfigureAwait(false);
    }

    /// <summary>The backup set (<see cref="RestorePlanner.SelectBackup"/>) from the first repository that has one.</summary>
    internal static async Task<(Repo Repo, BackupInfo Info, string Label)> FindBackupAsync(CommandContext context)
    {
        var config = context.Config;
        var set = config.Get(Options.Set);
        var type = config.Get(Options.Type);
        var target = config.Find(Options.Target);
        // A target that cannot be read is an error before any repository is asked.
        if (set == "latest" && target is not null && type == "time")
            RestorePlanner.ParseTargetTime(target);
        else if (set == "latest" && target is not null && type == "lsn")
            Lsn.Parse(target);

        foreach (var repo in context.Repos)
        {
            BackupInfo info;
            try
            {
                info = await BackupStore.LoadInfoAsync(repo, context.Stanza, context.Cancellation).ConfigureAwait(false);
            }
            catch (PgRestException e)
            {
                // One store down must not stop a restore that another repository can serve; none left is "no backup set".
                Log.Warn($"{repo.Name}: [{e.TypeName}] {e.Message}");
                continue;
            }

            if (RestorePlanner.SelectBackup(info, set, type, target) is not { } label)
            {
                if (info.Current.Count == 0)
                    Log.Warn($"{repo.Name}: [BackupSetInvalidError] no backup sets to restore");
                continue;
            }

            return (repo, info, label);
        }

        throw RestorePlanner.NoBackupFound(set, type, target);
    }

    /// <summary>Map the set onto this host, create its directories and links, and leave the manifest in PGDATA while restoring.</summary>
    private static async Task PrepareAsync(RestoreState restore)
    {
        var manifest = restore.Manifest;
        BlockIncrStore.RefuseBetaFormat(manifest);
        Log.Info($"{restore.Repo.Name}: restore backup set {manifest.Label}, recovery will start at {Format.LocalTime(manifest.TimestampStart)}");

        RestoreMapping.Apply(manifest, restore.Config, restore.PgPath);

        // PostgreSQL would recreate the tablespace links from tablespace_map and undo a remapping; the links are made here.
        if (manifest.Files.RemoveAll(f => f.Name == "pg_data/tablespace_map") > 0)
            Log.Detail("skip 'tablespace_map' -- tablespace links will be created based on mappings");

        var selective = SelectiveRestore.Create(manifest, restore.Config);
        var layout = new RestoreLayout(manifest, restore.PgPath);
        restore.Writer = new RestoreFileWriter(restore.Context, restore.Repo, restore.Context.Stanza, manifest, layout, restore.Delta, restore.Force, selective);
        await restore.Writer.PrepareDirectoriesAsync().ConfigureAwait(false);

        // An interrupted restore can be re-run with --delta: the manifest in PGDATA says what it was restoring.
        await File.WriteAllTextAsync(restore.ManifestCopy, manifest.Serialize(manifest.BackrestVersion ?? PgRestVersion.FormatVersion), restore.Context.Cancellation).ConfigureAwait(false);
    }

    /// <summary>Every file but pg_control; with <c>--delta</c>/<c>--force</c> whatever the set does not have is removed.</summary>
    private static async Task WriteFilesAsync(RestoreState restore)
    {
        await restore.Writer.RestoreFilesAsync(restore.Manifest.Files.Where(f => f.Name != ControlFile)).ConfigureAwait(false);
        if (restore.Delta || restore.Force)
            restore.Writer.RemoveUnknownEntries();
    }

    /// <summary>The recovery settings (<see cref="RecoverySettings"/>) and the signal file of the recovery type.</summary>
    private static void WriteRecoverySettings(RestoreState restore)
    {
        var (config, pgPath) = (restore.Config, restore.PgPath);
        var type = RestorePlanner.RecoveryType(config.Get(Options.Type), config.Source(Options.Type) != OptionSource.Default, restore.Manifest.Options.Online);
        if (type is "none" or "preserve")
        {
            if (type == "preserve" && !File.Exists(Path.Combine(pgPath, "recovery.signal")) && !File.Exists(Path.Combine(pgPath, "standby.signal")))
                Log.Warn($"type 'preserve' specified but no recovery signal file found in '{pgPath}'");
            return;
        }

        if (PgVersions.VersionNumFromVersion(restore.Manifest.DbVersion) < 120000)
            throw new PgRestException(ErrorCode.FeatureNotSupported, $"restore of PostgreSQL {restore.Manifest.DbVersion} (recovery.conf) is not supported by pgrest yet");

        var settings = RecoverySettings.Build(config, RestoreCommandLine(config, restore.ArchiveGetOptions));
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

    /// <summary>Everything durable, then pg_control last; the manifest copy goes once the restore is whole.</summary>
    private static async Task FinishAsync(RestoreState restore)
    {
        Native.SyncFileSystem(restore.PgPath);
        var control = restore.Manifest.Files.FirstOrDefault(f => f.Name == ControlFile);
        if (control is not null)
        {
            Log.Info("restore global/pg_control (performed last to ensure aborted restores cannot be started)");
            await restore.Writer.RestoreFilesAsync([control]).ConfigureAwait(false);
        }

        File.Delete(restore.ManifestCopy);
        Native.SyncFileSystem(restore.PgPath);
        Log.Info($"restore size = {Format.Size(restore.Manifest.Files.Sum(f => (long)f.Size))}, file total = {restore.Manifest.Files.Count}");
    }

    /// <summary>Command-line options restore does not pass on to archive-get: logging, process and retry settings of its own.</summary>
    private static readonly OptionHandle[] NotPassedToArchiveGet =
    [
        Options.Cmd, Options.ExecId, Options.JobRetry, Options.JobRetryInterval, Options.LogLevelConsole, Options.LogLevelFile,
        Options.LogLevelStderr, Options.LogPath, Options.LogSubprocess, Options.LogTimestamp, Options.ProcessMax,
    ];

    /// <summary>
    /// <c>restore_command</c>: this binary with the command-line options that archive-get also takes (config-file and
    /// environment values are found again by archive-get itself), as pgBackRest builds it.
    /// </summary>
    internal static string RestoreCommandLine(Configuration config, IReadOnlyList<string> extraOptions)
    {
        // cmd, else the path pgrest was started by (the table's default only names the program).
        var program = config.Source(Options.Cmd) == OptionSource.Default ? CommandLine.StartedAs() : config.Get(Options.Cmd);
        var builder = new StringBuilder(program);
        var options = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in config.CommandLineOptionsValidFor(OptionTable.Command(CommandId.ArchiveGet), except: NotPassedToArchiveGet))
            options[name] = value;

        foreach (var (name, value) in options)
            builder.Append(" --").Append(name).Append(value.Length == 0 ? "" : "=" + value);
        foreach (var option in extraOptions)
            builder.Append(' ').Append(option);
        return builder.Append(" archive-get %f \"%p\"").ToString();
    }
}
