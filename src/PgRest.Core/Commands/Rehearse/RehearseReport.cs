using System.Globalization;
using System.Text;
using PgRest.Common;
using PgRest.Info;
using PgRest.Json;
using PgRest.Postgres;

namespace PgRest.Commands.Rehearse;

/// <summary>rehearse's answer as text for the DBA or JSON for a CI job or monitoring.</summary>
internal static class RehearseReport
{
    public static string Text(RehearseCommand.RehearseState rehearse)
    {
        var manifest = rehearse.Manifest;
        var text = new StringBuilder();
        text.Append("stanza: ").Append(rehearse.Context.Stanza).Append('\n');
        text.Append("    status: ").Append(rehearse.Failure is null ? "passed" : "failed").Append('\n');
        if (rehearse.Failure is { } failure)
            text.Append("    reason: [").Append(failure.ExitCode.ToString("D3", CultureInfo.InvariantCulture)).Append("] ").Append(Indent(failure.Message)).Append('\n');
        if (rehearse.KeptServerLog is { } kept)
            text.Append("    server log: ").Append(kept).Append('\n');
        text.Append($"    backup: {manifest.Label} ({manifest.Type.ToText()}) from {rehearse.Chosen.Repo.Name}, {Format.Size(manifest.Files.Sum(file => (long)file.Size))}")
            .Append($" restored in {Seconds(rehearse.RestoreTime)}\n");
        if (rehearse.ServerVersion.Length > 0)
            text.Append($"    server: PostgreSQL {rehearse.ServerVersion} ({rehearse.Postgres}), port {rehearse.Port}, socket only\n");
        text.Append("    recovery: ").Append(Target(rehearse));
        if (rehearse.RecoveryTime is { } recovery)
            text.Append(", took ").Append(Seconds(recovery));
        text.Append('\n');
        if (Replayed(rehearse) is { } wal)
        {
            text.Append($"    wal replayed: {Format.Size(wal.Bytes)} ({wal.Segments} segment{(wal.Segments == 1 ? "" : "s")}) from {manifest.LsnStart} to {rehearse.End!.Lsn}")
                .Append($" on timeline {rehearse.End.Timeline}, then promoted to timeline {rehearse.End.NewTimeline}");
            if (rehearse.ArchiveEnd is { } end)
                text.Append($"; the archive ends at {end}");
            text.Append('\n');
        }

        if (rehearse.Rows is { } rows)
        {
            text.Append("    query in database ").Append(rehearse.Database).Append(": ")
                .Append(rehearse.Query.Length == 0 ? $"{rows.Rows.Count} table{(rows.Rows.Count == 1 ? "" : "s")} counted" : rehearse.Query).Append('\n');
            var widths = rows.Columns.Select((column, index) => rows.Rows.Select(row => (row[index] ?? "null").Length).Append(column.Length).Max()).ToArray();
            text.Append("        ").Append(string.Join("  ", rows.Columns.Select((column, index) => column.PadRight(widths[index]))).TrimEnd()).Append('\n');
            foreach (var row in rows.Rows)
                text.Append("        ").Append(string.Join("  ", row.Select((value, index) => (value ?? "null").PadRight(widths[index]))).TrimEnd()).Append('\n');
        }

        return text.ToString();
    }

    public static string Json(RehearseCommand.RehearseState rehearse)
    {
        var manifest = rehearse.Manifest;
        var wal = Replayed(rehearse);
        var recovery = new JsonObject
        {
            ["target"] = JsonValue.Create(Target(rehearse)),
            ["ms"] = rehearse.RecoveryTime is { } time ? JsonValue.Create((long)time.TotalMilliseconds) : JsonValue.Null,
            ["start-lsn"] = JsonValue.CreateOrNull(manifest.LsnStart),
            ["end-lsn"] = JsonValue.CreateOrNull(rehearse.End?.Lsn.ToString()),
            ["timeline"] = rehearse.End is { } end ? JsonValue.Create(end.Timeline) : JsonValue.Null,
            ["new-timeline"] = rehearse.End is { } promoted ? JsonValue.Create(promoted.NewTimeline) : JsonValue.Null,
            ["wal-bytes"] = wal is { } replayed ? JsonValue.Create(replayed.Bytes) : JsonValue.Null,
            ["wal-segments"] = wal is { } counted ? JsonValue.Create(counted.Segments) : JsonValue.Null,
            ["archive-end"] = JsonValue.CreateOrNull(rehearse.ArchiveEnd?.ToString()),
        };
        var stanza = new JsonObject
        {
            ["name"] = JsonValue.Create(rehearse.Context.Stanza),
            ["status"] = JsonValue.Create(rehearse.Failure is null ? "passed" : "failed"),
            ["error"] = rehearse.Failure is { } failure
                ? new JsonObject { ["code"] = JsonValue.Create(failure.ExitCode), ["type"] = JsonValue.Create(failure.TypeName), ["message"] = JsonValue.Create(failure.Message) }
                : JsonValue.Null,
            ["backup"] = new JsonObject
            {
                ["label"] = JsonValue.Create(manifest.Label),
                ["type"] = JsonValue.Create(manifest.Type.ToText()),
                ["repo"] = JsonValue.Create(rehearse.Chosen.Repo.Index),
                ["size"] = JsonValue.Create(manifest.Files.Sum(file => (long)file.Size)),
            },
            ["restore"] = new JsonObject { ["ms"] = JsonValue.Create((long)rehearse.RestoreTime.TotalMilliseconds) },
            ["server"] = new JsonObject
            {
                ["version"] = JsonValue.Create(rehearse.ServerVersion),
                ["binary"] = JsonValue.Create(rehearse.Postgres),
                ["port"] = JsonValue.Create(rehearse.Port),
            },
            ["recovery"] = recovery,
            ["server-log"] = JsonValue.CreateOrNull(rehearse.KeptServerLog),
            ["query"] = rehearse.Rows is { } rows
                ? new JsonObject
                {
                    ["database"] = JsonValue.CreateOrNull(rehearse.Database),
                    ["sql"] = rehearse.Query.Length == 0 ? JsonValue.Null : JsonValue.Create(rehearse.Query),
                    ["columns"] = new JsonArray(rows.Columns.Select(JsonValue.Create)),
                    ["rows"] = new JsonArray(rows.Rows.Select(row => (JsonValue)new JsonArray(row.Select(JsonValue.CreateOrNull)))),
                }
                : JsonValue.Null,
        };
        return new JsonArray([stanza]).ToJson() + "\n";
    }

    private static string Target(RehearseCommand.RehearseState rehearse)
    {
        var config = rehearse.Context.Config;
        return rehearse.Type switch
        {
            "default" => "to the end of the archive",
            "immediate" => "to the end of the backup (immediate)",
            "none" => "none: an offline backup starts without archive recovery",
            var type => $"to {type} {config.Find(Config.Options.Target)}" + (config.Find(Config.Options.TargetExclusive) == true ? " (exclusive)" : ""),
        };
    }

    /// <summary>WAL from the backup's start to where recovery ended: bytes, and the segments that span.</summary>
    private static (long Bytes, long Segments)? Replayed(RehearseCommand.RehearseState rehearse)
    {
        if (rehearse.End is not { } end || rehearse.Manifest.LsnStart is not { } lsnStart)
            return null;
        var start = Lsn.Parse(lsnStart);
        if (end.Lsn < start)
            return null;
        var size = rehearse.SegmentSize;
        var segments = (long)((end.Lsn.Value - 1) / size - start.Value / size + 1);
        return ((long)(end.Lsn.Value - start.Value), segments);
    }

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s";

    private static string Indent(string message) => message.Replace("\n", "\n            ", StringComparison.Ordinal);
}
