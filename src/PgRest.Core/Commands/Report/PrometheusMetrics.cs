using System.Globalization;
using System.Text;
using PgRest.Json;

namespace PgRest.Commands.Report;

/// <summary>What the repository listing adds to info's JSON for the metrics: the stored WAL of one stanza in one repository.</summary>
public sealed record WalUsage(long Bytes, long Files, long? NewestModified);

/// <summary>
/// <c>info --output=prometheus</c>: the Prometheus text exposition format, derived from info's JSON (so every value is
/// one <c>--output=json</c> shows) plus the WAL listing. Names and labels follow pgbackrest_exporter's where it has the
/// metric; the WAL age, sizes and counts are pgrest's own, under the same prefix.
/// </summary>
public static class PrometheusMetrics
{
    private static readonly string[] BackupTypes = ["full", "diff", "incr"];

    public static string Render(JsonArray stanzas, IReadOnlyDictionary<(string Stanza, long RepoKey), WalUsage> wal, long now)
    {
        var families = new Families();
        foreach (var stanza in stanzas.Select(s => s.AsObject()))
        {
            var name = stanza["name"].GetString();
            var status = stanza["status"].AsObject();
            families.Add("pgbackrest_stanza_status", "Stanza status: 0 ok, 1 missing stanza path, 2 no valid backups, 3 missing stanza data, 4 different across repos, 6 requested backup not found, 99 other.",
                [("stanza", name)], status["code"].GetInt64());
            families.Add("pgbackrest_stanza_lock_status", "1 while a backup or expire holds the stanza's lock on this host.",
                [("stanza", name)], status["lock"].AsObject()["backup"].AsObject()["held"].GetBool() ? 1 : 0);
            foreach (var repo in stanza["repo"].AsArray().Select(r => r.AsObject()))
            {
                families.Add("pgbackrest_repo_status", "Status of the stanza in one repository (codes as pgbackrest_stanza_status).",
                    [("cipher", repo["cipher"].GetString()), ("repo_key", Text(repo["key"])), ("stanza", name)], repo["status"].AsObject()["code"].GetInt64());
            }

            var backups = stanza["backup"].AsArray().Select(b => b.AsObject()).ToList();
            foreach (var backup in backups)
                AddBackup(families, name, backup, PgVersionOf(stanza, backup));
            AddLastBackups(families, name, backups, now);
            AddRepositoryTotals(families, name, stanza, backups, wal, now);
        }

        return families.ToString();
    }

    private static void AddBackup(Families families, string stanza, JsonObject backup, string pgVersion)
    {
        var info = backup["info"].AsObject();
        var repository = info["repository"].AsObject();
        var database = backup["database"].AsObject();
        (string, string)[] labels =
        [
            ("backup_name", backup["label"].GetString()), ("backup_type", backup["type"].GetString()), ("block_incr", BlockIncr(repository)),
            ("database_id", Text(database["id"])), ("repo_key", Text(database["repo-key"])), ("stanza", stanza),
        ];
        var start = backup["timestamp"].AsObject()["start"].GetInt64();
        var stop = backup["timestamp"].AsObject()["stop"].GetInt64();
        families.Add("pgbackrest_backup_info", "1 for each backup in the repository; its details as labels.",
        [
            ("backrest_ver", backup["backrest"].AsObject()["version"].GetString()), labels[0], labels[1], labels[2], labels[3],
            ("lsn_start", backup["lsn"].AsObject()["start"].GetStringOrNull() ?? "-"), ("lsn_stop", backup["lsn"].AsObject()["stop"].GetStringOrNull() ?? "-"),
            ("pg_version", pgVersion), ("prior", backup["prior"].GetStringOrNull() ?? ""), labels[4], labels[5],
            ("wal_start", backup["archive"].AsObject()["start"].GetStringOrNull() ?? ""), ("wal_stop", backup["archive"].AsObject()["stop"].GetStringOrNull() ?? ""),
        ], 1);
        families.Add("pgbackrest_backup_duration_seconds", "How long the backup ran.",
            [.. labels, ("start_time", Time(start)), ("stop_time", Time(stop))], stop - start);
        families.Add("pgbackrest_backup_size_bytes", "Size of the cluster when it was backed up, uncompressed.", labels, info["size"].GetInt64());
        families.Add("pgbackrest_backup_delta_bytes", "What this backup copied of the cluster, uncompressed.", labels, info["delta"].GetInt64());
        families.Add("pgbackrest_backup_repo_size_bytes", "What the backup and the backups it needs take in the repository (0 for block incremental).",
            labels, repository.GetOrNull("size")?.GetInt64() ?? 0);
        families.Add("pgbackrest_backup_repo_delta_bytes", "What this backup alone takes in the repository.", labels, repository["delta"].GetInt64());
        families.Add("pgbackrest_backup_error_status", "1 when the backup found page checksum errors.", labels, backup["error"].GetBool() ? 1 : 0);
        families.Add("pgbackrest_backup_annotations", "Number of annotations of the backup.", labels, backup.GetOrNull("annotation")?.AsObject().Count ?? 0);
    }

    /// <summary>As pgbackrest_exporter: the last diff is the last full or diff, the last incr the last backup of any type.</summary>
    private static void AddLastBackups(Families families, string stanza, List<JsonObject> backups, long now)
    {
        for (var rank = 0; rank < BackupTypes.Length; rank++)
        {
            var accepted = BackupTypes[..(rank + 1)];
            var last = backups.Where(b => accepted.Contains(b["type"].GetString()))
                .MaxBy(b => b["timestamp"].AsObject()["stop"].GetInt64());
            if (last is null)
                continue;
            var info = last["info"].AsObject();
            var repository = info["repository"].AsObject();
            var timestamp = last["timestamp"].AsObject();
            (string, string)[] labels = [("backup_type", BackupTypes[rank]), ("block_incr", BlockIncr(repository)), ("stanza", stanza)];
            families.Add("pgbackrest_backup_since_last_completion_seconds", "Seconds since the last full, diff (or full) and incr (or any) backup ended.",
                labels, now - timestamp["stop"].GetInt64());
            families.Add("pgbackrest_backup_last_completion_timestamp_seconds", "When that backup ended (epoch seconds), for alerts on time() - value.",
                labels, timestamp["stop"].GetInt64());
            families.Add("pgbackrest_backup_last_duration_seconds", "How long that backup ran.", labels, timestamp["stop"].GetInt64() - timestamp["start"].GetInt64());
            families.Add("pgbackrest_backup_last_size_bytes", "Size of the cluster in that backup, uncompressed.", labels, info["size"].GetInt64());
            families.Add("pgbackrest_backup_last_delta_bytes", "What that backup copied, uncompressed.", labels, info["delta"].GetInt64());
            families.Add("pgbackrest_backup_last_repo_size_bytes", "What that backup and those it needs take in the repository.", labels, repository.GetOrNull("size")?.GetInt64() ?? 0);
            families.Add("pgbackrest_backup_last_repo_delta_bytes", "What that backup alone takes in the repository.", labels, repository["delta"].GetInt64());
            families.Add("pgbackrest_backup_last_error_status", "1 when that backup found page checksum errors.", labels, last["error"].GetBool() ? 1 : 0);
        }
    }

    private static void AddRepositoryTotals(Families families, string stanza, JsonObject json, List<JsonObject> backups, IReadOnlyDictionary<(string Stanza, long RepoKey), WalUsage> wal, long now)
    {
        foreach (var archive in json["archive"].AsArray().Select(a => a.AsObject()))
        {
            var database = archive["database"].AsObject();
            var hasRange = !archive["min"].IsNull && !archive["max"].IsNull;
            families.Add("pgbackrest_wal_archive_status", "1 when the archive id holds WAL, its oldest and newest segment as labels, else 0.",
            [
                ("database_id", Text(database["id"])), ("pg_version", archive["id"].GetString().Split('-')[0]),
                ("repo_key", Text(database["repo-key"])), ("stanza", stanza),
                ("wal_max", archive["max"].GetStringOrNull() ?? ""), ("wal_min", archive["min"].GetStringOrNull() ?? ""),
            ], hasRange ? 1 : 0);
        }

        foreach (var repo in json["repo"].AsArray().Select(r => r.AsObject()))
        {
            var key = repo["key"].GetInt64();
            (string, string)[] labels = [("repo_key", key.ToString(CultureInfo.InvariantCulture)), ("stanza", stanza)];
            var inRepo = backups.Where(b => b["database"].AsObject()["repo-key"].GetInt64() == key).ToList();
            foreach (var type in BackupTypes)
                families.Add("pgbackrest_backup_count", "Number of backups of each type in the repository.", [("backup_type", type), .. labels], inRepo.Count(b => b["type"].GetString() == type));
            var backupBytes = inRepo.Sum(b => b["info"].AsObject()["repository"].AsObject()["delta"].GetInt64());
            if (!wal.TryGetValue((stanza, key), out var usage))
                continue;
            families.Add("pgbackrest_wal_archive_size_bytes", "What the stored WAL files take in the repository.", labels, usage.Bytes);
            families.Add("pgbackrest_wal_archive_files", "Number of stored WAL files (segments, history and backup history files).", labels, usage.Files);
            families.Add("pgbackrest_repo_size_bytes", "What the stanza takes in the repository: every backup's own size and the stored WAL.", labels, backupBytes + usage.Bytes);
            if (usage.NewestModified is { } newest)
            {
                families.Add("pgbackrest_wal_archive_newest_timestamp_seconds", "When the newest WAL file was stored (epoch seconds): time() - value is the archive's RPO.", labels, newest);
                families.Add("pgbackrest_wal_archive_newest_age_seconds", "Seconds since the newest WAL file was stored, when info ran.", labels, now - newest);
            }
        }
    }

    private static string PgVersionOf(JsonObject stanza, JsonObject backup)
    {
        var database = backup["database"].AsObject();
        var match = stanza["db"].AsArray().Select(d => d.AsObject())
            .FirstOrDefault(d => d["id"].GetInt64() == database["id"].GetInt64() && d["repo-key"].GetInt64() == database["repo-key"].GetInt64());
        return match?["version"].GetString() ?? "";
    }

    private static string BlockIncr(JsonObject repository) => repository.ContainsKey("size-map") ? "y" : "n";

    private static string Text(JsonValue integer) => integer.GetInt64().ToString(CultureInfo.InvariantCulture);

    private static string Time(long epoch) => DateTimeOffset.FromUnixTimeSeconds(epoch).ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Samples grouped by metric name, each family written once with its HELP and TYPE, in first-seen order.</summary>
    private sealed class Families
    {
        private readonly List<(string Name, string Help, StringBuilder Samples)> _families = [];

        public void Add(string name, string help, IEnumerable<(string Name, string Value)> labels, long value)
        {
            var family = _families.FirstOrDefault(f => f.Name == name);
            if (family.Samples is null)
            {
                family = (name, help, new StringBuilder());
                _families.Add(family);
            }

            family.Samples.Append(name).Append('{');
            var first = true;
            foreach (var (label, text) in labels)
            {
                family.Samples.Append(first ? "" : ",").Append(label).Append("=\"").Append(Escape(text)).Append('"');
                first = false;
            }

            family.Samples.Append("} ").Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        public override string ToString()
        {
            var text = new StringBuilder();
            foreach (var (name, help, samples) in _families)
                text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n').Append("# TYPE ").Append(name).Append(" gauge\n").Append(samples);
            return text.ToString();
        }

        private static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
    }
}
