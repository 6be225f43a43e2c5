using System.Text.Json;
using System.Text.Json.Nodes;
using PgRest.Commands.Expire;
using PgRest.Errors;
using PgRest.Info;

namespace PgRest.Tests.Commands;

/// <summary>
/// Golden repositories for <see cref="RetentionPlanner"/>: each file under Commands/Retention holds backup.info's
/// backups, archive.info's history, the retention options and what expire must decide. Run the unit tests with
/// PGREST_UPDATE_GOLDEN=1 to rewrite the "expected" part after a deliberate change, and read the diff.
/// </summary>
public class RetentionPlannerTests
{
    private static readonly string Directory = Path.Combine(RepositoryFiles.Root(), "tests", "PgRest.Tests", "Commands", "Retention");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var file in System.IO.Directory.GetFiles(Directory, "*.json").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileNameWithoutExtension(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Expire_decides_what_the_golden_repository_says(string name)
    {
        var path = Path.Combine(Directory, name + ".json");
        var golden = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var actual = Decide(golden);

        if (Environment.GetEnvironmentVariable("PGREST_UPDATE_GOLDEN") == "1")
        {
            golden["expected"] = actual;
            File.WriteAllText(path, golden.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        }

        Assert.Equal(golden["expected"]!.ToJsonString(), actual.ToJsonString());
    }

    private static JsonObject Decide(JsonObject golden)
    {
        var now = DateTimeOffset.Parse((string)golden["now"]!, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds();
        var settings = golden["settings"]!.AsObject();
        var retention = new RetentionSettings(
            (long?)settings["full"], (string?)settings["fullType"] == "time", (long?)settings["diff"], (long?)settings["archive"],
            (string?)settings["archiveType"] ?? "full", (long?)settings["history"]);
        var backups = golden["backups"]!.AsArray().Select(node => Backup(node!.AsObject())).OrderBy(b => b.Label, StringComparer.Ordinal).ToList();
        var (archive, backupHistory) = Histories(golden);

        try
        {
            var plan = RetentionPlanner.PlanBackups(backups, retention, (string?)golden["adhoc"], now);
            var result = new JsonObject
            {
                ["expired"] = new JsonArray(plan.Expired.Select(set => (JsonNode)new JsonObject
                {
                    ["reason"] = set.Reason.ToString(), ["labels"] = new JsonArray(set.Labels.Select(l => (JsonNode)l!).ToArray()),
                }).ToArray()),
                ["kept"] = new JsonArray(plan.Kept.Select(l => (JsonNode)l!).ToArray()),
                ["latestExpired"] = plan.LatestExpired,
                ["archiveRetentionFromTime"] = plan.ArchiveRetentionFromTime,
            };
            var kept = backups.Where(b => plan.Kept.Contains(b.Label)).ToList();
            var count = retention.Archive ?? plan.ArchiveRetentionFromTime ?? 0;
            if (count > 0)
            {
                var onDisk = archive.Entries.Select(h => h.ArchiveId).ToHashSet(StringComparer.Ordinal);
                result["archive"] = new JsonArray(RetentionPlanner.PlanArchive(kept, count, retention.ArchiveType, archive, backupHistory, onDisk)
                    .Select(id => (JsonNode)new JsonObject
                    {
                        ["archiveId"] = id.ArchiveId, ["removePath"] = id.RemovePath, ["retentionBackup"] = id.RetentionBackup,
                        ["ranges"] = new JsonArray(id.Ranges.Select(r => (JsonNode)new JsonArray(r.Label, r.Start, r.Stop)).ToArray()),
                    }).ToArray());
            }

            return result;
        }
        catch (PgRestException e)
        {
            return new JsonObject { ["error"] = $"[{(int)e.Code:000}] {e.Message}" };
        }
    }

    private static BackupInfoEntry Backup(JsonObject node)
    {
        var label = (string)node["label"]!;
        return new BackupInfoEntry
        {
            Label = label,
            BackrestVersion = "2.45",
            Type = label.EndsWith('F') ? BackupType.Full : label.EndsWith('D') ? BackupType.Diff : BackupType.Incr,
            Prior = (string?)node["prior"],
            DbId = (uint?)node["dbId"] ?? 1,
            TimestampStop = DateTimeOffset.Parse((string)node["stop"]!, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds(),
            ArchiveStart = (string?)node["archiveStart"],
            ArchiveStop = (string?)node["archiveStop"],
        };
    }

    private static (PgHistory Archive, PgHistory Backup) Histories(JsonObject golden)
    {
        var archive = new PgHistory(PgHistoryFormat.Archive);
        var backup = new PgHistory(PgHistoryFormat.Backup);
        foreach (var node in golden["history"]?.AsArray() ?? [new JsonObject { ["systemId"] = 7000000000000000001UL, ["version"] = "15" }])
        {
            var (systemId, version) = ((ulong)node!["systemId"]!, (string)node["version"]!);
            archive.Add(systemId, version);
            backup.Add((ulong?)node["backupSystemId"] ?? systemId, version, 1, 1);
        }

        return (archive, backup);
    }

    [Fact]
    public void A_range_keeps_the_segments_and_directories_between_its_start_and_stop()
    {
        var plan = new ArchiveIdRetention("15-1", false, "B", "000000010000000200000010",
            [new RetainedRange("A", "000000010000000100000005", "000000010000000100000007"), new RetainedRange("B", "000000010000000200000010", null)]);

        Assert.True(plan.Retains("000000010000000100000006"));
        Assert.False(plan.Retains("000000010000000100000008"));
        Assert.True(plan.Retains("0000000100000001"));
        Assert.True(plan.Retains("000000010000000300000000"));
        Assert.False(plan.Retains("0000000100000000"));
        Assert.True(plan.MayHoldExpired("0000000100000002"));
        Assert.False(plan.MayHoldExpired("0000000100000003"));
        Assert.True(plan.ExpiresHistoryFile("00000000.history"));
        Assert.False(plan.ExpiresHistoryFile("00000001.history"));
    }

    [Fact]
    public void History_manifests_older_than_retention_go_by_year_then_by_label_unless_still_current()
    {
        var now = new DateTimeOffset(2026, 6, 30, 12, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var cutoff = RetentionPlanner.HistoryCutoff(days: 30, now);

        Assert.StartsWith("202605", cutoff, StringComparison.Ordinal);
        Assert.Equal(["2024", "2025"], RetentionPlanner.HistoryYearsToRemove(["2027", "2025", "2026", "2024"], cutoff));
        Assert.Equal(["20260102-000000F_20260103-000000I.manifest.gz", "20260101-000000F.manifest.gz"],
            RetentionPlanner.HistoryManifestsToRemove(
                ["20260101-000000F.manifest.gz", "20260102-000000F.manifest.gz", "20260102-000000F_20260103-000000I.manifest.gz", "20260629-000000F.manifest.gz"],
                new HashSet<string> { "20260102-000000F" }, cutoff));
    }
}
