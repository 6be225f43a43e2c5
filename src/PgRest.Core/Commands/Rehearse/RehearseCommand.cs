using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using PgRest.Common;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Info;
using PgRest.Logging;
using PgRest.Postgres;
using PgRest.Repository;

namespace PgRest.Commands.Rehearse;

/// <summary>
/// <c>rehearse</c> (pgrest only), in steps: check the request, make the scratch directory, restore into it (as restore
/// would, every tablespace inside it), find the server binaries, note where the archive ends, start PostgreSQL on a
/// private socket, wait for recovery to end, judge how far it went, run the query, stop the server and remove the
/// directory, report. Whatever fails after the restore is the rehearsal's verdict: reported, then the exit code.
/// </summary>
public static class RehearseCommand
{
    /// <summary>What the steps of one rehearsal share.</summary>
    internal sealed class RehearseState(CommandContext context)
    {
        public CommandContext Context { get; } = context;

        public Configuration Config => Context.Config;

        /// <summary>The restore's own configuration and context (<see cref="LoadRestoreConfiguration"/>).</summary>
        public Configuration RestoreConfig { get; set; } = null!;

        public CommandContext RestoreContext { get; set; } = null!;

        /// <summary>The recovery type: --type, or none for an offline backup restored without one.</summary>
        public string Type { get; set; } = "default";

        public (Repo Repo, BackupInfo Info, string Label) Chosen { get; set; }

        /// <summary>The chosen backup's PostgreSQL version and size, known before the restore.</summary>
        public string Major { get; set; } = "";

        public long BackupSize { get; set; }

        public string Scratch { get; set; } = "";

        public bool ScratchCreated { get; set; }

        public string DataPath => Path.Combine(Scratch, "data");

        public string SocketDirectory { get; set; } = "";

        public Manifest Manifest { get; set; } = null!;

        public TimeSpan RestoreTime { get; set; }

        public string Postgres { get; set; } = "";

        public string ServerVersion { get; set; } = "";

        public int Port { get; set; }

        public IReadOnlyList<TimelineStart> Timelines { get; set; } = [];

        public WalSegmentName? ArchiveEnd { get; set; }

        public RehearseServer? Server { get; set; }

        public TimeSpan? RecoveryTime { get; set; }

        public RecoveryEnd? End { get; set; }

        public uint SegmentSize { get; set; } = WalSegmentName.DefaultSegmentSize;

        public string? Database { get; set; }

        public DbRows? Rows { get; set; }

        public PgRestException? Failure { get; set; }

        /// <summary>Where the server log of a failed rehearsal was kept.</summary>
        public string? KeptServerLog { get; set; }

        public string Query => Config.Find(Options.RehearseQuery) ?? "";
    }

    public static async Task<int> RunAsync(CommandContext context)
    {
        var rehearse = new RehearseState(context);
        CheckRequest(rehearse);
        LoadRestoreConfiguration(rehearse);
        CheckScratchPath(rehearse);
        await SelectBackupAsync(rehearse).ConfigureAwait(false);
        FindServerBinary(rehearse);
        CheckFreeSpace(rehearse);
        try
        {
            PrepareScratch(rehearse);
            await RestoreAsync(rehearse).ConfigureAwait(false);
            try
            {
                await FindArchiveEndAsync(rehearse).ConfigureAwait(false);
                StartServer(rehearse);
                await using var db = await WaitForRecoveryAsync(rehearse).ConfigureAwait(false);
                JudgeRecovery(rehearse);
                await RunQueryAsync(rehearse, db).ConfigureAwait(false);
            }
            catch (PgRestException e) when (e.Code is not (ErrorCode.Term or ErrorCode.Assert))
            {
                rehearse.Failure = e;
            }
            finally
            {
                await StopServerAsync(rehearse).ConfigureAwait(false);
            }
        }
        finally
        {
            RemoveScratch(rehearse);
        }

        StandardStreams.Out.Write(rehearse.Config.Get(Options.Output) == "json" ? RehearseReport.Json(rehearse) : RehearseReport.Text(rehearse));
        if (rehearse.Failure is { } failure)
            throw failure;
        return 0;
    }

    /// <summary>The OS user (not root: PostgreSQL refuses it), the type, and the scratch path (not made yet).</summary>
    private static void CheckRequest(RehearseState rehearse)
    {
        var config = rehearse.Config;
        rehearse.Type = config.Get(Options.Type);
        if (Native.GetEffectiveUserId() == 0)
        {
            throw new PgRestException(ErrorCode.FeatureNotSupported,
                "rehearse cannot run as root: PostgreSQL refuses to start as root\nHINT: run it as the user that owns the cluster (e.g. sudo -u postgres).");
        }

        if (config.Find(Options.RehearsePath) is { } path)
        {
            rehearse.Scratch = Path.GetFullPath(path).TrimEnd('/');
        }
        else
        {
            rehearse.Scratch = Path.Combine(Path.GetTempPath(), "pgrest-rehearse-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6)));
            rehearse.ScratchCreated = true;
        }
    }

    /// <summary>
    /// The restore's configuration: loaded again as the restore command, with the rehearsal's overrides on its command
    /// line so nothing from the configuration's restore sections can point it at the cluster's own directories.
    /// </summary>
    private static void LoadRestoreConfiguration(RehearseState rehearse)
    {
        List<string> arguments = [];
        foreach (var (name, value) in rehearse.Config.CommandLineOptionsValidFor(OptionTable.Command(CommandId.Restore), except: [Options.PgPath]))
            arguments.Add(value.Length == 0 ? "--" + name : $"--{name}={value}");
        arguments.AddRange(
        [
            "--pg1-path=" + rehearse.DataPath, "--tablespace-map-all=" + Path.Combine(rehearse.Scratch, "tablespaces"), "--reset-tablespace-map",
            "--no-link-all", "--reset-link-map", "--no-delta", "--reset-db-include", "--reset-db-exclude", "--reset-recovery-option", "--archive-mode=off",
        ]);
        if (RehearsePlanner.HasTarget(rehearse.Type))
            arguments.Add("--target-action=promote");
        rehearse.RestoreConfig = ConfigurationLoader.Load([.. arguments, "restore"], ConfigurationLoader.ReadEnvironment());
        rehearse.RestoreContext = new CommandContext(rehearse.RestoreConfig, rehearse.Context.Cancellation);
    }

    /// <summary>
    /// The scratch path is none of the paths rehearse must not write to or remove (symbolic links resolved), and it is
    /// absent or empty.
    /// </summary>
    private static void CheckScratchPath(RehearseState rehearse)
    {
        var (config, restore) = (rehearse.Config, rehearse.RestoreConfig);
        List<(string Option, string Path)> kept = [];
        foreach (var index in config.PgIndexes)
        {
            if (config.Find(Options.PgPath, index) is { } pgPath)
                kept.Add((Options.PgPath.IndexedName(index), pgPath));
        }

        foreach (var option in new[] { Options.LockPath, Options.SpoolPath, Options.LogPath })
        {
            if (restore.Accepts(option))
                kept.Add((option.Definition.Name, restore.Get(option)));
        }

        foreach (var index in restore.RepoIndexes)
        {
            if (restore.Get(Options.RepoType, index) == "posix")
                kept.Add((Options.RepoPath.IndexedName(index), restore.Get(Options.RepoPath, index)));
        }

        var resolved = kept.Select(entry => (entry.Option, ResolvedPath(entry.Path))).ToList();
        if (RehearsePlanner.ScratchProblem(ResolvedPath(rehearse.Scratch), resolved) is { } problem)
            throw new PgRestException(ErrorCode.OptionInvalidValue, problem);
        if (Directory.Exists(rehearse.Scratch) && Directory.EnumerateFileSystemEntries(rehearse.Scratch).Any())
        {
            throw new PgRestException(ErrorCode.PathNotEmpty,
                $"unable to rehearse in path '{rehearse.Scratch}' because it contains files\nHINT: rehearse-path must be absent or empty; it is removed at the end.");
        }
    }

    /// <summary><paramref name="path"/> with every symbolic link on the way resolved (as far as it exists).</summary>
    private static string ResolvedPath(string path)
    {
        var result = "/";
        foreach (var part in Path.GetFullPath(path).Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(result, part);
            try
            {
                var info = new DirectoryInfo(next);
                result = info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target ? target.FullName : next;
            }
            catch (IOException)
            {
                result = next;
            }
        }

        return result;
    }

    /// <summary>
    /// The set restore will restore, chosen now so that its version and size are checked before a long restore: its
    /// major must be one pgrest restores (12 or later), and an offline backup starts without archive recovery.
    /// </summary>
    private static async Task SelectBackupAsync(RehearseState rehearse)
    {
        var chosen = await Restore.RestoreCommand.FindBackupAsync(rehearse.RestoreContext).ConfigureAwait(false);
        rehearse.Chosen = chosen;
        var entry = chosen.Info.Current[chosen.Label];
        var version = chosen.Info.History.FirstOrDefault(history => history.Id == entry.DbId)?.Version ?? chosen.Info.DbVersion;
        if (PgVersions.VersionNumFromVersion(version) < 120000)
            throw new PgRestException(ErrorCode.FeatureNotSupported, $"rehearse of PostgreSQL {version} (recovery.conf) is not supported by pgrest yet");
        (rehearse.Major, rehearse.BackupSize) = (version, (long)entry.Size);
        rehearse.Type = Restore.RestorePlanner.RecoveryType(rehearse.Type, rehearse.Config.Source(Options.Type) != OptionSource.Default, entry.OptionOnline);
    }

    /// <summary>The restore needs the backup's size where the scratch directory goes: refuse rather than fill a disk the cluster may share.</summary>
    private static void CheckFreeSpace(RehearseState rehearse)
    {
        var existing = rehearse.Scratch;
        while (!Directory.Exists(existing))
            existing = Path.GetDirectoryName(existing) ?? "/";
        var free = new DriveInfo(existing).AvailableFreeSpace;
        if (RehearsePlanner.NotEnoughSpace(rehearse.BackupSize, free))
        {
            throw new PgRestException(ErrorCode.PathCreate,
                $"unable to rehearse in '{rehearse.Scratch}': the backup needs {Format.Size(rehearse.BackupSize)} and '{existing}' has {Format.Size(free)} free"
                + "\nHINT: give a rehearse-path on a file system with room for the whole backup.");
        }
    }

    /// <summary>The scratch directory, owner-only, with the server's access files.</summary>
    private static void PrepareScratch(RehearseState rehearse)
    {
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        if (!Directory.Exists(rehearse.Scratch))
        {
            Directory.CreateDirectory(rehearse.Scratch, ownerOnly);
            rehearse.ScratchCreated = true;
        }
        else
        {
            rehearse.ScratchCreated = false;
        }

        File.SetUnixFileMode(rehearse.Scratch, ownerOnly);
        Directory.CreateDirectory(rehearse.DataPath, ownerOnly);
        // Only this OS user reaches the socket (its directory is owner-only), so local connections are trusted.
        File.WriteAllText(Path.Combine(rehearse.Scratch, "pg_hba.conf"), "# written by pgrest rehearse\nlocal all all trust\n");
        File.WriteAllText(Path.Combine(rehearse.Scratch, "pg_ident.conf"), "");
        Log.Info($"rehearse in {rehearse.Scratch}");
    }

    /// <summary>
    /// The chosen set restored into the scratch directory. Its restore_command's archive-get never uses the spool of an
    /// asynchronous archive-get the host may run for a standby, and logs its errors on stderr, where the verdict reads them.
    /// </summary>
    private static async Task RestoreAsync(RehearseState rehearse)
    {
        var clock = Stopwatch.StartNew();
        rehearse.Manifest = await Restore.RestoreCommand.RestoreAsync(rehearse.RestoreContext, ["--no-archive-async", "--log-level-stderr=warn"], rehearse.Chosen)
            .ConfigureAwait(false);
        rehearse.RestoreTime = clock.Elapsed;
        rehearse.SegmentSize = PgControl.Read(rehearse.DataPath).WalSegmentSize;
    }

    /// <summary>The <c>postgres</c> of the backup's major: --rehearse-bin-path, the running cluster's, or a usual place.</summary>
    private static void FindServerBinary(RehearseState rehearse)
    {
        var major = rehearse.Major;
        IReadOnlyList<string> directories = rehearse.Config.Find(Options.RehearseBinPath) is { } given
            ? [given]
            : RehearsePlanner.BinaryDirectories(major, RunningServerDirectory(rehearse.Config.Find(Options.PgPath, 1)), Environment.GetEnvironmentVariable("PATH"));
        List<string> seen = [];
        foreach (var directory in directories)
        {
            var postgres = Path.Combine(directory, "postgres");
            if (!File.Exists(postgres))
                continue;
            var version = ServerVersionOf(postgres);
            seen.Add($"{postgres} ({version ?? "unreadable version"})");
            if (RehearsePlanner.MajorOf(version) == major)
            {
                (rehearse.Postgres, rehearse.ServerVersion) = (postgres, version!);
                Log.Info($"PostgreSQL {version} from {directory}");
                return;
            }
        }

        throw new PgRestException(ErrorCode.FileMissing,
            $"unable to find the postgres binary of PostgreSQL {major}, the backup's version" + (seen.Count == 0 ? "" : ": found " + string.Join(", ", seen))
            + "\nHINT: give its directory in rehearse-bin-path.");
    }

    /// <summary>Where the cluster running at pg1-path was started from (its postmaster.pid, then /proc); null when not running or not visible.</summary>
    private static string? RunningServerDirectory(string? pgPath)
    {
        try
        {
            if (pgPath is null || !File.Exists(Path.Combine(pgPath, "postmaster.pid")))
                return null;
            var pid = File.ReadLines(Path.Combine(pgPath, "postmaster.pid")).FirstOrDefault()?.Trim();
            var target = pid is null ? null : new FileInfo($"/proc/{pid}/exe").LinkTarget;
            return target is null ? null : Path.GetDirectoryName(target);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>"15.4" from <c>postgres --version</c>; null when it does not run or answer within ten seconds.</summary>
    private static string? ServerVersionOf(string postgres)
    {
        try
        {
            var start = new ProcessStartInfo(postgres, "--version") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var process = Process.Start(start);
            if (process is null)
                return null;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill();
                return null;
            }

            return process.ExitCode == 0 && output.Wait(TimeSpan.FromSeconds(1)) && errors.Wait(TimeSpan.FromSeconds(1))
                ? RehearsePlanner.VersionOfVersionOutput(output.Result) : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>
    /// The last segment the archive holds on the timelines recovery follows, noted before the server starts: the
    /// cluster may archive more meanwhile, and recovery must reach at least this far.
    /// </summary>
    private static async Task FindArchiveEndAsync(RehearseState rehearse)
    {
        var (repo, stanza, manifest, cancellation) = (rehearse.Chosen.Repo, rehearse.Context.Stanza, rehearse.Manifest, rehearse.Context.Cancellation);
        if (rehearse.Type == "none" || manifest.ArchiveStart is null || manifest.LsnStart is null)
            return;
        var archiveInfo = await WalArchive.LoadInfoAsync(repo, stanza, cancellation).ConfigureAwait(false);
        var archiveId = WalArchive.ArchiveIdOf(archiveInfo, manifest.SystemId, manifest.DbVersion);
        var start = WalSegmentName.Parse(manifest.ArchiveStart);
        var histories = await WalArchive.LoadHistoriesAsync(repo, stanza, archiveId, archiveInfo.CipherPass, cancellation).ConfigureAwait(false);
        rehearse.Timelines = RehearsePlanner.RecoveryTimelines(rehearse.Config.Find(Options.TargetTimeline), start.Timeline, Lsn.Parse(manifest.LsnStart), histories);

        var walker = new ArchiveWalker(repo, stanza, cancellation);
        var onPath = rehearse.Timelines.Select(entry => entry.Timeline).ToHashSet();
        List<WalSegmentName> archived = [];
        foreach (var directory in await walker.SegmentDirectoriesAsync(archiveId).ConfigureAwait(false))
        {
            var first = WalSegmentName.Parse(directory + "00000000");
            if (!onPath.Contains(first.Timeline) || string.CompareOrdinal(directory[8..], start.Directory[8..]) < 0)
                continue;
            foreach (var stored in await walker.SegmentsAsync(archiveId, directory).ConfigureAwait(false))
                archived.Add(WalSegmentName.Parse(stored[..WalSegmentName.Length]));
        }

        rehearse.ArchiveEnd = RehearsePlanner.ArchiveEnd(rehearse.Timelines, archived, rehearse.SegmentSize);
        Log.Info($"the archive ends at {rehearse.ArchiveEnd?.ToString() ?? "no segment"}");
    }

    /// <summary>postgres on a free port, listening only on a socket in the scratch directory (or a short one when that path is too long for a socket).</summary>
    private static void StartServer(RehearseState rehearse)
    {
        // The server listens on no TCP port, but a preloaded extension connecting to localhost at the server's own
        // port (pg_cron does) must find nothing there, never another cluster: a port nothing uses now.
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            rehearse.Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        rehearse.SocketDirectory = RehearsePlanner.SocketDirectoryFits(rehearse.Scratch) ? rehearse.Scratch : Directory.CreateTempSubdirectory("pgrest-rh-").FullName;
        // Debian keeps postgresql.conf in /etc: the restored directory may have none, and postgres needs one.
        var conf = Path.Combine(rehearse.DataPath, "postgresql.conf");
        if (!File.Exists(conf))
            File.WriteAllText(conf, "# written by pgrest rehearse: the backup has no postgresql.conf\n");

        var versionNum = PgVersions.VersionNumFromVersion(rehearse.Manifest.DbVersion);
        if (RehearsePlanner.HasStatsTempDirectory(versionNum))
            Directory.CreateDirectory(RehearsePlanner.StatsTempDirectory(rehearse.Scratch), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var arguments = RehearsePlanner.ServerArguments(versionNum, rehearse.DataPath, rehearse.Scratch, rehearse.SocketDirectory, rehearse.Port);
        Log.Info($"start PostgreSQL {rehearse.ServerVersion} on port {rehearse.Port}, socket in {rehearse.SocketDirectory}");
        rehearse.Server = RehearseServer.Start(rehearse.Postgres, arguments, rehearse.DataPath, Path.Combine(rehearse.Scratch, "postgresql.log"));
    }

    private static DbConnectionOptions Connection(RehearseState rehearse, string database) => new()
    {
        SocketPath = rehearse.SocketDirectory,
        Port = rehearse.Port,
        Database = database,
        Command = "rehearse",
        QueryTimeout = rehearse.Config.Get(Options.DbTimeout),
        ConnectTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Until the server accepts connections out of recovery, at most db-timeout.</summary>
    private static async Task<DbClient> WaitForRecoveryAsync(RehearseState rehearse)
    {
        var clock = Stopwatch.StartNew();
        var db = await rehearse.Server!.WaitUntilRecoveredAsync(Connection(rehearse, "template1"), rehearse.Config.Get(Options.DbTimeout), rehearse.Context.Cancellation)
            .ConfigureAwait(false);
        rehearse.RecoveryTime = clock.Elapsed;
        Log.Info($"recovery ended after {clock.Elapsed.TotalSeconds:0.0}s");
        return db;
    }

    /// <summary>Where recovery ended (the newest history file in pg_wal is the one promotion wrote) against where it had to.</summary>
    private static void JudgeRecovery(RehearseState rehearse)
    {
        var walPath = Path.Combine(rehearse.DataPath, "pg_wal");
        var newest = Directory.EnumerateFiles(walPath, "*.history").Select(Path.GetFileName).Where(name => Wal.IsHistory(name!))
            .OrderByDescending(name => Wal.TimelineOf(name)).FirstOrDefault();
        rehearse.End = newest is null ? null : RehearsePlanner.ParseRecoveryEnd(File.ReadAllText(Path.Combine(walPath, newest)), Wal.TimelineOf(newest));
        var verdict = RehearsePlanner.Judge(rehearse.Type, rehearse.End, rehearse.ArchiveEnd, rehearse.Timelines, rehearse.Server!.Notable, rehearse.SegmentSize);
        if (!verdict.Passed)
        {
            var evidence = verdict.Evidence.Count == 0 ? "" : "\n" + string.Join('\n', verdict.Evidence);
            throw new PgRestException(ErrorCode.FileInvalid, verdict.Reason + evidence);
        }
    }

    /// <summary>--rehearse-query, or a row count of every table, in the largest database.</summary>
    private static async Task RunQueryAsync(RehearseState rehearse, DbClient template)
    {
        var cancellation = rehearse.Context.Cancellation;
        var largest = await template.QueryRowsAsync(
            "select datname::text from pg_catalog.pg_database where datallowconn and not datistemplate order by pg_catalog.pg_database_size(oid) desc, datname limit 1",
            cancellation).ConfigureAwait(false);
        rehearse.Database = largest.Rows.Count == 0 ? "postgres" : largest.Rows[0][0]!;
        await using var db = await DbClient.ConnectAsync(Connection(rehearse, rehearse.Database), cancellation).ConfigureAwait(false);
        await db.UseDefaultSearchPathAsync(cancellation).ConfigureAwait(false);
        if (rehearse.Query.Length > 0)
        {
            rehearse.Rows = await db.QueryRowsAsync(rehearse.Query, cancellation).ConfigureAwait(false);
            return;
        }

        var tables = await db.QueryRowsAsync(
            "select pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname) from pg_catalog.pg_class c"
            + " join pg_catalog.pg_namespace n on n.oid = c.relnamespace where c.relkind = 'r' and n.nspname <> 'information_schema'"
            + " and n.nspname !~ '^pg_' order by n.nspname, c.relname", cancellation).ConfigureAwait(false);
        List<string?[]> counts = [];
        foreach (var row in tables.Rows)
        {
            var count = await db.QueryRowsAsync($"select pg_catalog.count(*)::text from {row[0]}", cancellation).ConfigureAwait(false);
            counts.Add([row[0], count.Rows[0][0]]);
        }

        rehearse.Rows = new DbRows(["table", "rows"], counts);
    }

    /// <summary>The server stopped; after a failure its log is kept in log-path, as the scratch directory goes.</summary>
    private static async Task StopServerAsync(RehearseState rehearse)
    {
        if (rehearse.Server is not { } server)
            return;
        await server.DisposeAsync().ConfigureAwait(false);
        if (rehearse.Failure is null)
            return;
        try
        {
            var kept = Path.Combine(rehearse.Config.Get(Options.LogPath), $"{rehearse.Context.Stanza}-rehearse-postgresql.log");
            File.Copy(Path.Combine(rehearse.Scratch, "postgresql.log"), kept, overwrite: true);
            rehearse.KeptServerLog = kept;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.Warn($"unable to keep the server log in log-path: {e.Message}");
        }
    }

    /// <summary>
    /// Everything the rehearsal wrote goes: the directory when it made it, else what it put in it; but never from under
    /// a server that did not stop. A failure to remove is a warning: the verdict stands.
    /// </summary>
    private static void RemoveScratch(RehearseState rehearse)
    {
        if (!Directory.Exists(rehearse.Scratch))
            return;
        if (rehearse.Server is { Stopped: false } server)
        {
            Log.Warn($"PostgreSQL (pid {server.ProcessId}) did not stop: {rehearse.Scratch} is kept; stop it and remove the directory");
            return;
        }

        Log.Info($"remove {rehearse.Scratch}");
        try
        {
            if (rehearse.ScratchCreated)
            {
                Directory.Delete(rehearse.Scratch, recursive: true);
            }
            else
            {
                foreach (var entry in new DirectoryInfo(rehearse.Scratch).EnumerateFileSystemInfos())
                {
                    if (entry is DirectoryInfo { LinkTarget: null } directory)
                        directory.Delete(recursive: true);
                    else
                        entry.Delete();
                }
            }

            if (rehearse.SocketDirectory.Length > 0 && rehearse.SocketDirectory != rehearse.Scratch && Directory.Exists(rehearse.SocketDirectory))
                Directory.Delete(rehearse.SocketDirectory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.Warn($"unable to remove {rehearse.Scratch}: {e.Message}");
        }
    }
}
