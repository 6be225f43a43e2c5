using System.Text.Json;
using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// <c>info --output=prometheus</c> on a real repository, read by the Prometheus project's own Python parser
/// (Debian's python3-prometheus-client): it parses, and its values are those of <c>info --output=json</c>.
/// </summary>
public sealed class MetricsTests(ITestOutputHelper output)
{
    private const string Parser = """
        import json, sys
        from prometheus_client.parser import text_string_to_metric_families
        samples = []
        for family in text_string_to_metric_families(sys.stdin.read()):
            assert family.type == "gauge", family.name
            for s in family.samples:
                samples.append({"name": s.name, "labels": s.labels, "value": s.value})
        print(json.dumps(samples))
        """;

    [Fact]
    public async Task Metrics_parse_and_match_the_json()
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgrest);
        await stack.ExpectAsync(output, "pgrest", "stanza-create");
        await stack.ExpectAsync(output, "pgrest", "--type=full", "backup");
        await stack.Cluster.ExecuteAsync("create table metrics_marker as select g as id from generate_series(1, 10000) g");
        await stack.ExpectAsync(output, "pgrest", "--type=incr", "backup");

        var metrics = (await stack.ExpectAsync(output, "pgrest", "--output=prometheus", "info")).StandardOutput;
        var json = JsonDocument.Parse((await stack.ExpectAsync(output, "pgrest", "--output=json", "info")).StandardOutput).RootElement[0];
        var samples = await ParseAsync(stack, metrics);

        Assert.Equal(0, Value(samples, "pgbackrest_stanza_status", ("stanza", "demo")));
        Assert.Equal(0, Value(samples, "pgbackrest_repo_status", ("repo_key", "1")));
        var backups = json.GetProperty("backup").EnumerateArray().ToList();
        Assert.Equal(2, backups.Count);
        foreach (var backup in backups)
        {
            var label = ("backup_name", backup.GetProperty("label").GetString()!);
            var info = backup.GetProperty("info");
            Assert.Equal(info.GetProperty("size").GetInt64(), Value(samples, "pgbackrest_backup_size_bytes", label));
            Assert.Equal(info.GetProperty("delta").GetInt64(), Value(samples, "pgbackrest_backup_delta_bytes", label));
            Assert.Equal(info.GetProperty("repository").GetProperty("delta").GetInt64(), Value(samples, "pgbackrest_backup_repo_delta_bytes", label));
            Assert.Equal(info.GetProperty("repository").GetProperty("size").GetInt64(), Value(samples, "pgbackrest_backup_repo_size_bytes", label));
            var timestamp = backup.GetProperty("timestamp");
            Assert.Equal(timestamp.GetProperty("stop").GetInt64() - timestamp.GetProperty("start").GetInt64(), Value(samples, "pgbackrest_backup_duration_seconds", label));
        }

        Assert.Equal(1, Value(samples, "pgbackrest_backup_count", ("backup_type", "full")));
        Assert.Equal(1, Value(samples, "pgbackrest_backup_count", ("backup_type", "incr")));
        Assert.Equal(1, Value(samples, "pgbackrest_wal_archive_status", ("pg_version", "15")));
        var archive = json.GetProperty("archive")[0];
        Assert.Equal(1, Value(samples, "pgbackrest_wal_archive_status", ("wal_max", archive.GetProperty("max").GetString()!)));
        Assert.Equal(1, Value(samples, "pgbackrest_wal_archive_status", ("wal_min", archive.GetProperty("min").GetString()!)));
        var lastIncrStop = backups[1].GetProperty("timestamp").GetProperty("stop").GetInt64();
        Assert.Equal(lastIncrStop, Value(samples, "pgbackrest_backup_last_completion_timestamp_seconds", ("backup_type", "incr")));
        Assert.InRange(Value(samples, "pgbackrest_wal_archive_newest_age_seconds", ("repo_key", "1")), 0, 300);

        // The WAL size is what the repository's archive directory holds.
        var walBytes = Directory.GetFiles(Path.Combine(stack.RepoPath, "archive", "demo"), "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith("archive.info", StringComparison.Ordinal)).Sum(f => new FileInfo(f).Length);
        Assert.Equal(walBytes, Value(samples, "pgbackrest_wal_archive_size_bytes", ("repo_key", "1")));
    }

    private async Task<List<JsonElement>> ParseAsync(Stack stack, string metrics)
    {
        var input = stack.Work.Combine("metrics.prom");
        var parser = stack.Work.Combine("parse-metrics.py");
        await File.WriteAllTextAsync(input, metrics);
        await File.WriteAllTextAsync(parser, Parser);
        var result = await ProcessRunner.RunAsync("/bin/sh", ["-c", $"/usr/bin/python3 {parser} < {input}"]);
        output.WriteLine(metrics);
        Assert.True(result.ExitCode == 0, $"the Prometheus parser refused the output:\n{result.StandardError}");
        return [.. JsonDocument.Parse(result.StandardOutput).RootElement.EnumerateArray()];
    }

    /// <summary>The value of the one sample of <paramref name="name"/> whose labels include <paramref name="label"/>.</summary>
    private static long Value(List<JsonElement> samples, string name, (string Name, string Value) label) =>
        (long)samples.Single(s => s.GetProperty("name").GetString() == name
            && s.GetProperty("labels").TryGetProperty(label.Name, out var value) && value.GetString() == label.Value).GetProperty("value").GetDouble();
}
