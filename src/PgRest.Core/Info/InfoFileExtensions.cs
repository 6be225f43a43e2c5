using PgRest.Errors;
using PgRest.Json;

namespace PgRest.Info;

/// <summary>Typed access to info-file values with pgBackRest-style errors.</summary>
internal static class InfoFileExtensions
{
    public static JsonValue GetRequired(this InfoFile file, string section, string key) =>
        file.GetValue(section, key)
        ?? throw new PgRestException(ErrorCode.Format, $"section '{section}', key '{key}' does not exist");

    public static JsonObject GetRequiredObject(this InfoSection section, string key) =>
        (section.GetValue(key) ?? throw new PgRestException(
            ErrorCode.Format, $"section '{section.Name}', key '{key}' does not exist")).AsObject();

    /// <summary>Writes a value produced by our own JSON writer (no re-validation).</summary>
    public static void SetJson(this InfoFile file, string section, string key, JsonValue value) =>
        file.GetOrAddSection(section).SetGenerated(key, JsonWriter.Write(value));

    public static void SetJson(this InfoSection section, string key, JsonValue value) =>
        section.SetGenerated(key, JsonWriter.Write(value));

    /// <summary>The [cipher] cipher-pass value, or null.</summary>
    public static string? GetCipherPass(this InfoFile file) =>
        file.GetValue(InfoFile.CipherSection, InfoFile.CipherPassKey)?.GetString();

    public static void SetCipherPass(this InfoFile file, string? cipherPass)
    {
        if (cipherPass is not null)
            file.SetJson(InfoFile.CipherSection, InfoFile.CipherPassKey, JsonValue.Create(cipherPass));
    }
}
