using PgRest.Commands.Restore;
using PgRest.Common;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Filters;
using PgRest.Info;
using PgRest.Logging;
using PgRest.Postgres;
using PgRest.Postgres.WalRecords;
using PgRest.Repository;

namespace PgRest.Commands.TargetFind;

/// <summary>
/// <c>target-find</c> (pgrest only), in steps: parse what to look for, load the stanza from the first repository that
/// has it, find the table in the catalog of a backup, read the WAL from that backup on through a
/// <see cref="RelationTracker"/>, and report each transaction with the restore that stops just before it.
/// </summary>
public static class TargetFindCommand
{
    /// <summary>What the steps of one search share.</summary>
    internal sealed class FindState(CommandContext context)
    {
        public CommandContext Context { get; } = context;

        public RelationName Wanted { get; set; } = null!;

        public DateTimeOffset? From { get; set; }

        public DateTimeOffset? To { get; set; }

        public Repo Repo { get; set; } = null!;

        public BackupInfo BackupInfo { get; set; } = null!;

        public ArchiveInfo ArchiveInfo { get; set; } = null!;

        public Manifest Backup { get; set; } = null!;

        /// <summary>The backup's catalog: the table where it has it, and where it could be created.</summary>
        public CatalogSearch Search { get; set; } = null!;

        public RelationTracker Tracker { get; set; } = null!;

        public WalReadSummary Wal { get; set; } = null!;
    }

    public static async Task RunAsync(CommandContext context)
    {
        var find = new FindState(context);
        ReadRequest(find);
        await LoadStanzaAsync(find).ConfigureAwait(false);
        await FindRelationAsync(find).ConfigureAwait(false);
        await ReadWalAsync(find).ConfigureAwait(false);
        StandardStreams.Out.Write(context.Config.Get(Options.Output) == "json" ? TargetFindReport.Json(find) : TargetFindReport.Text(find));
    }

    private static void ReadRequest(FindState find)
    {
        var config = find.Context.Config;
        find.Wanted = RelationName.Parse(config.Get(Options.Relation));
        find.From = config.Find(Options.From) is { } from ? DateTimeOffset.FromUnixTimeSeconds(RestorePlanner.ParseTargetTime(from)) : null;
        find.To = config.Find(Options.To) is { } to ? DateTimeOffset.FromUnixTimeSeconds(RestorePlanner.ParseTargetTime(to)) : null;
        if (find.From > find.To)
            throw new PgRestException(ErrorCode.OptionInvalidValue, "--from must not be later than --to");
    }

    /// <summary>backup.info and archive.info of the first repository that can be read (or of <c>--repo</c>).</summary>
    private static async Task LoadStanzaAsync(FindState find)
    {
        var context = find.Context;
        PgRestException? last = null;
        foreach (var repo in context.Repos)
        {
            try
            {
                find.BackupInfo = await BackupStore.LoadInfoAsync(repo, context.Stanza, context.Cancellation).ConfigureAwait(false);
                find.ArchiveInfo = await WalArchive.LoadInfoAsync(repo, context.Stanza, context.Cancellation).ConfigureAwait(false);
                find.Repo = repo;
                return;
            }
            catch (PgRestException e)
            {
                Log.Warn($"{repo.Name}: [{e.TypeName}] {e.Message}");
                last = e;
            }
        }

        throw last ?? new PgRestException(ErrorCode.RepoInvalid, "no repository to search");
    }

    /// <summary>The table in the catalog of the backup to start from (<see cref="TargetFindPlanner.StartBackups"/>).</summary>
    private static async Task FindRelationAsync(FindState find)
    {
        var context = find.Context;
        var candidates = TargetFindPlanner.StartBackups(find.BackupInfo, find.From);
        if (candidates.Count == 0)
        {
            throw new PgRestException(ErrorCode.BackupSetInvalid, find.From is null ? "no backup to start the search from"
                : $"no backup ended before '{context.Config.Get(Options.From)}': the WAL before it cannot be read with a catalog");
        }

        // The newest backup's catalog, kept while older backups are searched for the table.
        (Manifest Manifest, CatalogSearch Search)? newest = null;
        foreach (var label in candidates)
        {
            var manifest = await BackupStore.LoadManifestAsync(find.Repo, context.Stanza, label, find.BackupInfo, context.Cancellation).ConfigureAwait(false);
            var search = await BackupCatalog.FindAsync(find.Repo, context.Stanza, manifest, find.Wanted, context.Cancellation).ConfigureAwait(false);
            // The newest backup is the start when no backup has the table: it may have been created after it.
            // A row already deleted (the table dropped before this backup ended) sends the search to an older backup.
            if (search.Found.All(relation => !relation.Live) && label != candidates[^1])
            {
                Log.Detail($"{find.Wanted} is not in the catalog of backup {label}");
                newest ??= (manifest, search);
                continue;
            }

            (find.Backup, find.Search) = search.Found.Count == 0 && newest is { } start ? start : (manifest, search);
            if (find.Search.Watches.Count == 0)
                throw new PgRestException(ErrorCode.DbMissing, $"schema '{find.Wanted.Schema}' not found in the catalog of backup {find.Backup.Label}");
            foreach (var relation in find.Search.Found)
                Log.Info($"{relation.Database}.{relation.Schema}.{relation.Name} is relation {relation.RelationId}, file {relation.FileNode}, in backup {find.Backup.Label}");
            if (find.Search.Found.Count == 0)
                Log.Info($"{find.Wanted} is in no backup's catalog: looking for its creation in the WAL from backup {find.Backup.Label} on");
            return;
        }
    }

    /// <summary>Every segment from the backup's start to the end of the archive (or <c>--to</c>) through the tracker.</summary>
    private static async Task ReadWalAsync(FindState find)
    {
        var versionNum = PgVersions.VersionNumFromVersion(find.Backup.DbVersion);
        find.Tracker = new RelationTracker(find.Search.Found, versionNum, find.From, find.To, find.Search.Watches);
        var archiveId = ArchiveIdOf(find);
        var start = Lsn.Parse(find.Backup.LsnStart ?? throw new PgRestException(ErrorCode.Format, $"backup {find.Backup.Label} has no start lsn"));
        var source = new ArchiveSegmentSource(find.Repo, find.Context.Stanza, archiveId, find.ArchiveInfo.CipherPass, find.Context.Cancellation);
        find.Wal = await source.ReadAsync(WalSegmentName.Parse(find.Backup.ArchiveStart!), start, versionNum, find.Tracker.OnRecord).ConfigureAwait(false);
        foreach (var warning in find.Tracker.Warnings)
            Log.Warn(warning);
        if (!find.Tracker.Relations.Any())
        {
            throw new PgRestException(ErrorCode.DbMissing, $"relation '{find.Wanted}' not found: no backup's catalog has it and the WAL read "
                + $"from backup {find.Backup.Label} on does not create it");
        }
    }

    /// <summary>The archive id of the backup's cluster: the archive.info entry with the backup's system id and version.</summary>
    private static string ArchiveIdOf(FindState find)
    {
        var db = find.BackupInfo.History.FirstOrDefault(entry => entry.Id == find.BackupInfo.Current[find.Backup.Label].DbId)
            ?? throw new PgRestException(ErrorCode.Format, $"backup {find.Backup.Label} names a cluster that backup.info does not list");
        return WalArchive.ArchiveIdOf(find.ArchiveInfo, db.SystemId, db.Version);
    }
}

/// <summary><c>[DATABASE.]SCHEMA.TABLE</c>; a lone name is in public.</summary>
internal sealed record RelationName(string? Database, string Schema, string Table)
{
    public static RelationName Parse(string text)
    {
        var parts = text.Split('.');
        if (parts.Any(part => part.Length == 0) || parts.Length > 3)
        {
            throw new PgRestException(ErrorCode.OptionInvalidValue,
                $"'{text}' is not valid for 'relation' option\nHINT: give SCHEMA.TABLE or DATABASE.SCHEMA.TABLE");
        }

        return parts.Length switch
        {
            1 => new RelationName(null, "public", parts[0]),
            2 => new RelationName(null, parts[0], parts[1]),
            _ => new RelationName(parts[0], parts[1], parts[2]),
        };
    }

    public override string ToString() => Database is null ? $"{Schema}.{Table}" : $"{Database}.{Schema}.{Table}";
}
