using PgRest.Errors;

namespace PgRest.Config;

/// <summary>
/// The configuration file flavour of INI: lines trimmed, blank lines and lines starting with <c>#</c> skipped, <c>[section]</c>,
/// <c>key=value</c> split at the first <c>=</c> with both sides trimmed, a key repeated within a section becomes a list.
/// Sections with the same name are merged. Malformed lines throw <see cref="ErrorCode.Format"/> with the line number.
/// </summary>
internal sealed class ConfigIni
{
    private readonly Dictionary<string, Section> _sections = new(StringComparer.Ordinal);

    private ConfigIni()
    {
    }

    public static ConfigIni Parse(string text)
    {
        var ini = new ConfigIni();
        Read(text, ini);
        return ini;
    }

    /// <summary>Checks the syntax only.</summary>
    public static void Validate(string text) => Read(text, null);

    /// <summary>Keys of a section in the order they first appear; empty when the section does not exist.</summary>
    public IReadOnlyList<string> Keys(string section) =>
        _sections.TryGetValue(section, out var found) ? found.KeyOrder : [];

    /// <summary>All values of a key in a section, in file order.</summary>
    public IReadOnlyList<string> Values(string section, string key) => _sections[section].Values[key];

    private static void Read(string text, ConfigIni? store)
    {
        string? section = null;
        var lineNumber = 0;
        var position = 0;

        while (position < text.Length)
        {
            var newline = text.IndexOf('\n', position);
            var end = newline < 0 ? text.Length : newline;
            var line = text.AsSpan(position, end - position).Trim();
            position = end + 1;
            lineNumber++;

            if (line.IsEmpty || line[0] == '#')
                continue;

            if (line[0] == '[')
            {
                if (line[^1] != ']')
                    throw Format($"ini section should end with ] at line {lineNumber}: {line}");

                if (line.Length == 2)
                    throw Format($"invalid empty section at line {lineNumber}: {line}");

                section = line[1..^1].ToString();
                continue;
            }

            if (section == null)
                throw Format($"key/value found outside of section at line {lineNumber}: {line}");

            var equal = line.IndexOf('=');

            if (equal < 0)
                throw Format($"missing '=' in key/value at line {lineNumber}: {line}");

            var key = line[..equal].Trim();

            if (key.IsEmpty)
                throw Format($"key is zero-length at line {lineNumber}: {line}");

            store?.Add(section, key.ToString(), line[(equal + 1)..].Trim().ToString());
        }
    }

    private void Add(string section, string key, string value)
    {
        if (!_sections.TryGetValue(section, out var found))
            _sections.Add(section, found = new Section());

        if (!found.Values.TryGetValue(key, out var values))
        {
            found.Values.Add(key, values = new List<string>(1));
            found.KeyOrder.Add(key);
        }

        values.Add(value);
    }

    private static PgRestException Format(string message) => new(ErrorCode.Format, message);

    private sealed class Section
    {
        public List<string> KeyOrder { get; } = [];

        public Dictionary<string, List<string>> Values { get; } = new(StringComparer.Ordinal);
    }
}
