using System.Globalization;
using System.Text;
using PgRest.Config;
using PgRest.Json;

namespace PgRest.Commands.TargetFind;

/// <summary>target-find's answer as text for the DBA or as JSON for scripts.</summary>
internal static class TargetFindReport
{
    public static string Text(TargetFindCommand.FindState find)
    {
        var text = new StringBuilder();
        var stanza = find.Context.Stanza;
        text.Append("stanza: ").Append(stanza).Append('\n');
        foreach (var relation in find.Search.Found)
        {
            text.Append($"    relation: {relation.Database}.{relation.Schema}.{relation.Name} (oid {relation.RelationId}, file {relation.FileNode})")
                .Append($" in the catalog of backup {find.Backup.Label}\n");
        }

        foreach (var created in find.Tracker.Created)
        {
            var relation = created.Relation;
            text.Append($"    relation: {relation.Database}.{relation.Schema}.{relation.Name} (oid {relation.RelationId}, file {relation.FileNode})")
                .Append($" created by xid {created.Xid} at {Time(created.CommitTime)}\n");
        }

        var wal = find.Wal;
        text.Append($"    wal read: {wal.FirstSegment} to {wal.LastSegment} ({wal.Segments} segment{(wal.Segments == 1 ? "" : "s")}, {wal.Records} records), ")
            .Append(wal.Damaged ? "stopped at damaged WAL: " : "ended: ").Append(wal.EndReason).Append('\n');
        if (find.Tracker.Skipped.Count > 0)
        {
            text.Append("    records of other kinds, not needed: ")
                .Append(string.Join(", ", find.Tracker.Skipped.Select(pair => $"{pair.Key} {pair.Value}"))).Append('\n');
        }

        if (find.Tracker.Events.Count == 0)
            text.Append("\n    no committed transaction dropped, truncated or changed rows of it in the WAL read\n");
        foreach (var found in find.Tracker.Events)
        {
            text.Append($"\n    {Time(found.CommitTime)}  xid {found.Xid}  lsn {found.CommitLsn}  timeline {found.Timeline}  ")
                .Append($"{found.Relation.Schema}.{found.Relation.Name}: {found.Action}\n")
                .Append("        restore to just before it: ").Append(Command(find, RestoreOptions(find, found, SetFor(find, found)))).Append('\n');
        }

        return text.ToString();
    }

    public static string Json(TargetFindCommand.FindState find)
    {
        var wal = find.Wal;
        var skipped = new JsonObject();
        foreach (var (name, count) in find.Tracker.Skipped)
            skipped[name] = JsonValue.Create(count);
        var stanza = new JsonObject
        {
            ["name"] = JsonValue.Create(find.Context.Stanza),
            ["repo"] = JsonValue.Create(find.Repo.Index),
            ["backup"] = JsonValue.Create(find.Backup.Label),
            ["relations"] = new JsonArray(find.Search.Found.Select(relation => Relation(relation, null))
                .Concat(find.Tracker.Created.Select(created => Relation(created.Relation, created)))),
            ["wal"] = new JsonObject
            {
                ["start"] = JsonValue.Create(wal.FirstSegment),
                ["stop"] = JsonValue.CreateOrNull(wal.LastSegment),
                ["segments"] = JsonValue.Create(wal.Segments),
                ["records"] = JsonValue.Create(wal.Records),
                ["end-lsn"] = JsonValue.Create(wal.End.ToString()),
                ["end"] = JsonValue.Create(wal.EndReason),
                ["damaged"] = JsonValue.Create(wal.Damaged),
                ["skipped"] = skipped,
            },
            ["events"] = new JsonArray(find.Tracker.Events.Select(found => (JsonValue)Event(find, found))),
        };
        return new JsonArray([stanza]).ToJson() + "\n";
    }

    private static JsonValue Relation(CatalogRelation relation, RelationCreated? created)
    {
        var json = new JsonObject
        {
            ["database"] = JsonValue.Create(relation.Database),
            ["schema"] = JsonValue.Create(relation.Schema),
            ["name"] = JsonValue.Create(relation.Name),
            ["oid"] = JsonValue.Create(relation.RelationId),
            ["filenode"] = JsonValue.Create(relation.FileNode),
        };
        if (created is not null)
        {
            json["created-xid"] = JsonValue.Create(created.Xid);
            json["created-time"] = JsonValue.Create(Time(created.CommitTime));
        }

        return json;
    }

    private static JsonObject Event(TargetFindCommand.FindState find, RelationEvent found)
    {
        var set = SetFor(find, found);
        var options = RestoreOptions(find, found, set);
        return new JsonObject
        {
            ["database"] = JsonValue.Create(found.Relation.Database),
            ["schema"] = JsonValue.Create(found.Relation.Schema),
            ["relation"] = JsonValue.Create(found.Relation.Name),
            ["xid"] = JsonValue.Create(found.Xid),
            ["time"] = JsonValue.Create(Time(found.CommitTime)),
            ["lsn"] = JsonValue.Create(found.CommitLsn.ToString()),
            ["timeline"] = JsonValue.Create(found.Timeline),
            ["action"] = JsonValue.Create(found.Dropped ? "drop" : found.Truncated ? "truncate" : found.RowsDeleted > 0 ? "delete" : "update"),
            ["description"] = JsonValue.Create(found.Action),
            ["rows-deleted"] = JsonValue.Create(found.RowsDeleted),
            ["rows-updated"] = JsonValue.Create(found.RowsUpdated),
            ["set"] = JsonValue.CreateOrNull(set),
            ["restore"] = new JsonArray(options.Select(JsonValue.Create)),
            ["command"] = JsonValue.Create(Command(find, options)),
        };
    }

    private static string? SetFor(TargetFindCommand.FindState find, RelationEvent found) =>
        TargetFindPlanner.BackupBefore(find.BackupInfo, find.BackupInfo.Current[find.Backup.Label].DbId, found.CommitLsn);

    private static IReadOnlyList<string> RestoreOptions(TargetFindCommand.FindState find, RelationEvent found, string? set) =>
        TargetFindPlanner.RestoreOptions(find.Context.Stanza, set, found, Postgres.Wal.TimelineOf(find.Backup.ArchiveStart));

    /// <summary>What to run: the same program, the options above, with --delta to restore over the stopped cluster.</summary>
    private static string Command(TargetFindCommand.FindState find, IReadOnlyList<string> options)
    {
        var config = find.Context.Config.Find(Options.Config) is { } path && find.Context.Config.Source(Options.Config) != OptionSource.Default
            ? $" --config={path}" : "";
        return $"pgrest{config} " + string.Join(' ', options) + " --delta restore";
    }

    /// <summary>A commit time as PostgreSQL and restore --target read it: local time, microseconds, zone offset.</summary>
    private static string Time(DateTimeOffset time) =>
        time.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture);
}
