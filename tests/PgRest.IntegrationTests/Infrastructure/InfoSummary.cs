using System.Text.Json.Nodes;

namespace PgRest.IntegrationTests.Infrastructure;

/// <summary>What a DBA reads in <c>info --output=json</c>: each stanza's status, each backup's label, type, prior and
/// WAL range, the archive's range; the same text from both tools means they list the same.</summary>
public static class InfoSummary
{
    public static string Of(string json)
    {
        var lines = new List<string>();
        foreach (var stanza in JsonNode.Parse(json)!.AsArray())
        {
            lines.Add($"{stanza!["name"]} status {stanza["status"]!["code"]} {stanza["status"]!["message"]}");
            foreach (var backup in stanza["backup"]!.AsArray())
                lines.Add($"backup {backup!["label"]} {backup["type"]} prior {backup["prior"]} wal {backup["archive"]!["start"]}-{backup["archive"]!["stop"]}");
            foreach (var archive in stanza["archive"]!.AsArray())
                lines.Add($"archive {archive!["id"]} {archive["min"]}-{archive["max"]}");
        }

        return string.Join('\n', lines);
    }
}
