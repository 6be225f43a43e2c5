using System.Text.RegularExpressions;
using PgRest.Commands.Report;
using PgRest.Json;

namespace PgRest.Tests.Commands;

/// <summary>info --output=prometheus from info's JSON: every value is the JSON's, in the exposition format.</summary>
public sealed partial class PrometheusMetricsTests
{
    private const long Now = 1_780_000_000;

    private const string InfoJson = """
        [{"archive":[{"database":{"id":1,"repo-key":1},"id":"15-1","max":"000000010000000000000009","min":"000000010000000000000002"}],
          "backup":[
            {"archive":{"start":"000000010000000000000002","stop":"000000010000000000000002"},"backrest":{"format":5,"version":"2.45"},
             "database":{"id":1,"repo-key":1},"error":false,"info":{"delta":23000000,"repository":{"delta":3000000,"size":3000000},"size":23000000},
             "label":"20260528-090000F","lsn":{"start":"0/2000028","stop":"0/2000100"},"prior":null,"reference":null,
             "timestamp":{"start":1779958800,"stop":1779958860},"type":"full"},
            {"archive":{"start":"000000010000000000000005","stop":"000000010000000000000005"},"backrest":{"format":5,"version":"2.45"},
             "database":{"id":1,"repo-key":1},"error":true,"info":{"delta":400000,"repository":{"delta":90000,"size":3090000},"size":23100000},
             "label":"20260528-090000F_20260528-120000I","lsn":{"start":"0/5000028","stop":"0/5000100"},"prior":"20260528-090000F",
             "reference":["20260528-090000F"],"timestamp":{"start":1779969600,"stop":1779969630},"type":"incr","annotation":{"ticket":"a \"b\""}}],
          "cipher":"none","db":[{"id":1,"repo-key":1,"system-id":7000000000000000001,"version":"15"}],"name":"demo",
          "repo":[{"cipher":"none","key":1,"status":{"code":0,"message":"ok"}}],
          "status":{"code":0,"lock":{"backup":{"held":false}},"message":"ok"}}]
        """;

    private static string Render() =>
        PrometheusMetrics.Render(JsonValue.Parse(InfoJson).AsArray(), new Dictionary<(string, long), WalUsage> { [("demo", 1)] = new(8 * 1024 * 1024, 9, Now - 42) }, Now);

    [Fact]
    public void Each_line_is_a_comment_or_a_sample_and_each_family_is_typed_once()
    {
        var lines = Render().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var line in lines)
            Assert.Matches(SampleOrComment(), line);
        var typed = lines.Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]).ToList();
        Assert.Equal(typed.Distinct().Count(), typed.Count);
        Assert.All(lines.Where(l => !l.StartsWith('#')), l => Assert.Contains(l[..l.IndexOf('{')], typed));
    }

    [Fact]
    public void Values_are_those_of_the_json()
    {
        var text = Render();
        Assert.Contains("pgbackrest_stanza_status{stanza=\"demo\"} 0\n", text);
        Assert.Contains("pgbackrest_repo_status{cipher=\"none\",repo_key=\"1\",stanza=\"demo\"} 0\n", text);
        Assert.Contains("pgbackrest_backup_size_bytes{backup_name=\"20260528-090000F\",backup_type=\"full\",block_incr=\"n\",database_id=\"1\",repo_key=\"1\",stanza=\"demo\"} 23000000\n", text);
        Assert.Contains("pgbackrest_backup_error_status{backup_name=\"20260528-090000F_20260528-120000I\",backup_type=\"incr\",block_incr=\"n\",database_id=\"1\",repo_key=\"1\",stanza=\"demo\"} 1\n", text);
        Assert.Contains("pgbackrest_backup_repo_delta_bytes{backup_name=\"20260528-090000F_20260528-120000I\",backup_type=\"incr\",block_incr=\"n\",database_id=\"1\",repo_key=\"1\",stanza=\"demo\"} 90000\n", text);
        Assert.Contains("pgbackrest_backup_count{backup_type=\"incr\",repo_key=\"1\",stanza=\"demo\"} 1\n", text);
        Assert.Contains("pgbackrest_backup_count{backup_type=\"diff\",repo_key=\"1\",stanza=\"demo\"} 0\n", text);
        Assert.Contains("pgbackrest_wal_archive_status{database_id=\"1\",pg_version=\"15\",repo_key=\"1\",stanza=\"demo\",wal_max=\"000000010000000000000009\",wal_min=\"000000010000000000000002\"} 1\n", text);
        Assert.Contains("pgbackrest_wal_archive_newest_age_seconds{repo_key=\"1\",stanza=\"demo\"} 42\n", text);
        Assert.Contains($"pgbackrest_repo_size_bytes{{repo_key=\"1\",stanza=\"demo\"}} {3000000 + 90000 + 8 * 1024 * 1024}\n", text);
        Assert.Contains("pgbackrest_backup_annotations{backup_name=\"20260528-090000F_20260528-120000I\"", text);
    }

    [Fact]
    public void The_last_diff_is_the_last_full_or_diff_and_the_last_incr_the_last_of_any_type()
    {
        var text = Render();
        Assert.Contains($"pgbackrest_backup_since_last_completion_seconds{{backup_type=\"full\",block_incr=\"n\",stanza=\"demo\"}} {Now - 1779958860}\n", text);
        Assert.Contains($"pgbackrest_backup_since_last_completion_seconds{{backup_type=\"diff\",block_incr=\"n\",stanza=\"demo\"}} {Now - 1779958860}\n", text);
        Assert.Contains($"pgbackrest_backup_since_last_completion_seconds{{backup_type=\"incr\",block_incr=\"n\",stanza=\"demo\"}} {Now - 1779969630}\n", text);
        Assert.Contains("pgbackrest_backup_last_duration_seconds{backup_type=\"incr\",block_incr=\"n\",stanza=\"demo\"} 30\n", text);
    }

    [Fact]
    public void A_stanza_in_error_has_its_status_and_no_backup_metrics()
    {
        const string json = """
            [{"archive":[],"backup":[],"cipher":"none","db":[],"name":"broken",
              "repo":[{"cipher":"none","key":1,"status":{"code":99,"message":"[FormatError] bad\nHINT: x"}}],
              "status":{"code":99,"lock":{"backup":{"held":false}},"message":"other"}}]
            """;
        var text = PrometheusMetrics.Render(JsonValue.Parse(json).AsArray(), new Dictionary<(string, long), WalUsage>(), Now);
        Assert.Contains("pgbackrest_stanza_status{stanza=\"broken\"} 99\n", text);
        Assert.Contains("pgbackrest_repo_status{cipher=\"none\",repo_key=\"1\",stanza=\"broken\"} 99\n", text);
        Assert.DoesNotContain("pgbackrest_backup_since_last_completion_seconds{", text);
        Assert.Contains("pgbackrest_backup_count{backup_type=\"full\",repo_key=\"1\",stanza=\"broken\"} 0\n", text);
    }

    [GeneratedRegex("""^(# (HELP|TYPE) [a-z_]+ .+|[a-z_]+\{([a-z_]+="([^"\\]|\\.)*"(,[a-z_]+="([^"\\]|\\.)*")*)?\} -?[0-9]+)$""")]
    private static partial Regex SampleOrComment();
}
