using System.Text.Json.Nodes;

namespace PgRest.IntegrationTests.Infrastructure;

public static class JsonSerializerHelpers
{
    /// <summary>Re-serializes JSON so two documents compare by content, not formatting.</summary>
    public static string Normalize(string json) => JsonNode.Parse(json)!.ToJsonString();
}
