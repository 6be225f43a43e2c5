using System.Text;

namespace PgRest.Json;

/// <summary>
/// Writes JSON exactly as pgBackRest does: no whitespace, object keys in UTF-8 byte order, and only
/// <c>\" \\ \n \r \t \b \f</c> escaped; '/' and every other character (control or non-ASCII) are written raw.
/// </summary>
public static class JsonWriter
{
    public static string Write(JsonValue value)
    {
        var builder = new StringBuilder();
        Write(builder, value);
        return builder.ToString();
    }

    public static void Write(StringBuilder builder, JsonValue value)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(value);

        switch (value)
        {
            case JsonNull:
                builder.Append("null");
                break;
            case JsonBool boolean:
                builder.Append(boolean.Value ? "true" : "false");
                break;
            case JsonInteger integer:
                builder.Append(integer.ToText());
                break;
            case JsonString text:
                WriteString(builder, text.Value);
                break;
            case JsonArray array:
                builder.Append('[');
                for (int index = 0; index < array.Count; index++)
                {
                    if (index > 0)
                        builder.Append(',');
                    Write(builder, array[index]);
                }

                builder.Append(']');
                break;
            case JsonObject obj:
                builder.Append('{');
                bool first = true;
                foreach (KeyValuePair<string, JsonValue> member in obj)
                {
                    if (!first)
                        builder.Append(',');
                    first = false;
                    WriteString(builder, member.Key);
                    builder.Append(':');
                    Write(builder, member.Value);
                }

                builder.Append('}');
                break;
            default:
                throw new ArgumentException("unknown JSON value type", nameof(value));
        }
    }

    /// <summary>The quoted, escaped form of <paramref name="value"/>.</summary>
    public static string EncodeString(string value)
    {
        var builder = new StringBuilder(value.Length + 2);
        WriteString(builder, value);
        return builder.ToString();
    }

    public static void WriteString(StringBuilder builder, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        builder.Append('"');

        int runStart = 0;
        for (int index = 0; index < value.Length; index++)
        {
            string? escape = value[index] switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\b' => "\\b",
                '\f' => "\\f",
                _ => null,
            };

            if (escape is null)
                continue;

            builder.Append(value, runStart, index - runStart);
            builder.Append(escape);
            runStart = index + 1;
        }

        builder.Append(value, runStart, value.Length - runStart);
        builder.Append('"');
    }
}
