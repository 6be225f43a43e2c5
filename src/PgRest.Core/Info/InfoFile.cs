using System.Globalization;
using System.Text;
using PgRest.Errors;
using PgRest.Json;

namespace PgRest.Info;

/// <summary>One <c>key=value</c> line in file order; <see cref="RawValue"/> is the JSON text exactly as written.</summary>
public readonly record struct InfoValue(string Section, string Key, string RawValue);

/// <summary>
/// The container format shared by archive.info, backup.info and backup.manifest: ini-like sections whose values are
/// compact JSON, a <c>[backrest]</c> header (format 5, version) and a trailing <c>backrest-checksum</c>.
/// The <c>[backrest]</c> section is handled here and is not part of <see cref="Sections"/>.
/// </summary>
public sealed class InfoFile
{
    public const int RepositoryFormat = 5;
    public const string BackrestSection = "backrest";
    public const string FormatKey = "backrest-format";
    public const string VersionKey = "backrest-version";
    public const string ChecksumKey = "backrest-checksum";
    public const string CipherSection = "cipher";
    public const string CipherPassKey = "cipher-pass";

    // Sections whose keys are history ids written oldest first (numeric order), not in byte order.
    private const string HistorySection = "db:history";

    private readonly List<InfoSection> _sections = [];
    private readonly Dictionary<string, InfoSection> _sectionsByName = new(StringComparer.Ordinal);

    /// <summary>The <c>backrest-version</c> read by <see cref="Parse"/>; null for a file built in memory.</summary>
    public string? BackrestVersion { get; private set; }

    /// <summary>Sections in the order they were first seen or added (serialization sorts them).</summary>
    public IReadOnlyList<InfoSection> Sections => _sections;

    public InfoSection? FindSection(string name) => _sectionsByName.GetValueOrDefault(name);

    public InfoSection GetOrAddSection(string name)
    {
        if (_sectionsByName.TryGetValue(name, out InfoSection? section))
            return section;

        ValidateSectionName(name);
        section = new InfoSection(name);
        _sections.Add(section);
        _sectionsByName.Add(name, section);
        return section;
    }

    /// <summary>The raw JSON text of a value, or null when absent.</summary>
    public string? GetRaw(string section, string key) => FindSection(section)?.GetRaw(key);

    /// <summary>The parsed value, or null when absent.</summary>
    public JsonValue? GetValue(string section, string key) => FindSection(section)?.GetValue(key);

    /// <summary>Sets a value from raw JSON text (validated).</summary>
    public void Set(string section, string key, string rawJson) => GetOrAddSection(section).Set(key, rawJson);

    public void Set(string section, string key, JsonValue value) => GetOrAddSection(section).Set(key, value);

    public bool Remove(string section, string key) => FindSection(section)?.Remove(key) ?? false;

    /// <summary>
    /// Parses with pgBackRest's strict grammar: lines are not trimmed, blank lines are skipped, '#' is not a
    /// comment, a value must be valid JSON (if not, the split is retried at the next '='), repeated section headers
    /// continue the section. Verifies <c>backrest-format</c> (<see cref="ErrorCode.Format"/>) and
    /// <c>backrest-checksum</c> (<see cref="ErrorCode.Checksum"/>).
    /// </summary>
    public static InfoFile Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        var result = new InfoFile();
        using var checksum = new InfoChecksum();
        string? checksumExpected = null;
        string? sectionName = null;
        int lineNumber = 0;
        int lineStart = 0;

        while (lineStart < text.Length)
        {
            int lineEnd = text.IndexOf('\n', lineStart);
            if (lineEnd < 0)
                lineEnd = text.Length;
            ReadOnlySpan<char> line = text.AsSpan(lineStart, lineEnd - lineStart);
            int lineOffset = lineStart;
            lineStart = lineEnd + 1;
            lineNumber++;

            if (line.IsEmpty)
                continue;

            if (line[0] == '[' && line[^1] == ']')
            {
                if (line.Length == 2)
                    throw new PgRestException(ErrorCode.Format, $"invalid empty section at line {lineNumber}: []");
                sectionName = line[1..^1].ToString();
                continue;
            }

            if (sectionName is null)
                throw new PgRestException(ErrorCode.Format, $"key/value found outside of section at line {lineNumber}: {line}");

            int equalIndex = SplitKeyValue(line, sectionName, lineNumber);
            if (equalIndex == 0)
                throw new PgRestException(ErrorCode.Format, $"key is zero-length at line {lineNumber}");

            string key = line[..equalIndex].ToString();
            string rawValue = text.Substring(lineOffset + equalIndex + 1, line.Length - equalIndex - 1);
            checksum.Add(sectionName, key, rawValue);

            if (sectionName == BackrestSection)
            {
                switch (key)
                {
                    case FormatKey:
                        CheckFormat(rawValue);
                        break;
                    case VersionKey:
                        result.BackrestVersion = ParseStringValue(rawValue, key);
                        break;
                    case ChecksumKey:
                        checksumExpected = JsonReader.Parse(rawValue) is JsonString expected ? expected.Value : rawValue;
                        break;
                }

                continue;
            }

            result.GetOrAddSection(sectionName).SetUnchecked(key, rawValue);
        }

        string checksumActual = checksum.Finish();
        if (checksumExpected is null)
            throw new PgRestException(ErrorCode.Checksum, $"invalid checksum, actual '{checksumActual}' but no checksum found");
        if (!string.Equals(checksumExpected, checksumActual, StringComparison.Ordinal))
        {
            throw new PgRestException(
                ErrorCode.Checksum, $"invalid checksum, actual '{checksumActual}' but expected '{checksumExpected}'");
        }

        return result;
    }

    /// <summary>
    /// Writes the file as pgBackRest's <c>infoSave()</c> does: <c>[backrest]</c> with format and version, the other
    /// non-empty sections in byte order (keys in byte order, <c>[db:history]</c> in numeric order), a blank line
    /// between sections, then <c>[backrest] backrest-checksum</c> and a final newline.
    /// </summary>
    public string Serialize(string backrestVersion)
    {
        ArgumentNullException.ThrowIfNull(backrestVersion);

        var output = new StringBuilder();
        using var checksum = new InfoChecksum();

        WriteSectionHeader(output, BackrestSection, first: true);
        WriteValue(output, checksum, BackrestSection, FormatKey, RepositoryFormat.ToString(CultureInfo.InvariantCulture));
        WriteValue(output, checksum, BackrestSection, VersionKey, JsonWriter.EncodeString(backrestVersion));

        var sections = _sections.Where(section => section.Count > 0).ToList();
        sections.Sort((left, right) => Utf8Ordinal.CompareStrings(left.Name, right.Name));

        foreach (InfoSection section in sections)
        {
            WriteSectionHeader(output, section.Name, first: false);
            foreach (KeyValuePair<string, string> entry in section.SortedEntries(section.Name == HistorySection))
                WriteValue(output, checksum, section.Name, entry.Key, entry.Value);
        }

        output.Append("\n[").Append(BackrestSection).Append("]\n").Append(ChecksumKey).Append('=');
        JsonWriter.WriteString(output, checksum.Finish());
        output.Append('\n');
        return output.ToString();
    }

    /// <summary>The <c>backrest-checksum</c> of values in file order (the checksum value itself is skipped).</summary>
    public static string ComputeChecksum(IEnumerable<InfoValue> values)
    {
        using var checksum = new InfoChecksum();
        foreach (InfoValue value in values)
            checksum.Add(value.Section, value.Key, value.RawValue);
        return checksum.Finish();
    }

    /// <summary>The exact text that <see cref="ComputeChecksum"/> hashes (for diagnostics and tests).</summary>
    public static string BuildChecksumText(IEnumerable<InfoValue> values)
    {
        using var checksum = new InfoChecksum(keepText: true);
        foreach (InfoValue value in values)
            checksum.Add(value.Section, value.Key, value.RawValue);
        checksum.Finish();
        return checksum.Text;
    }

    internal static void ValidateSectionName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name.Contains('\n'))
            throw new ArgumentException($"invalid section name '{name}'", nameof(name));
        if (name == BackrestSection)
            throw new ArgumentException("the [backrest] section is written by InfoFile itself", nameof(name));
    }

    // Finds the '=' that separates key and value: the first one after which the rest is valid JSON.
    private static int SplitKeyValue(ReadOnlySpan<char> line, string sectionName, int lineNumber)
    {
        int equalIndex = line.IndexOf('=');
        if (equalIndex < 0)
            throw new PgRestException(ErrorCode.Format, $"missing '=' in key/value at line {lineNumber}");

        while (true)
        {
            if (JsonReader.IsValid(line[(equalIndex + 1)..]))
                return equalIndex;

            int next = line[(equalIndex + 1)..].IndexOf('=');
            if (next < 0)
            {
                // The line may hold a passphrase: show it only outside [cipher].
                string shown = sectionName == CipherSection ? "" : $" '{line.ToString()}'";
                throw new PgRestException(ErrorCode.Format, $"invalid JSON value at line {lineNumber}{shown}");
            }

            equalIndex += next + 1;
        }
    }

    private static void CheckFormat(string rawValue)
    {
        JsonValue format = JsonReader.Parse(rawValue);
        if (format is JsonInteger integer && !integer.IsNegative && integer.ToUInt64() == RepositoryFormat)
            return;

        string found = format is JsonInteger number ? number.ToText() : rawValue;
        throw new PgRestException(ErrorCode.Format, $"expected format {RepositoryFormat} but found {found}");
    }

    private static string ParseStringValue(string rawValue, string key) =>
        JsonReader.Parse(rawValue) is JsonString text
            ? text.Value
            : throw new PgRestException(ErrorCode.Format, $"'{key}' must be a string");

    private static void WriteSectionHeader(StringBuilder output, string name, bool first)
    {
        if (!first)
            output.Append('\n');
        output.Append('[').Append(name).Append("]\n");
    }

    private static void WriteValue(StringBuilder output, InfoChecksum checksum, string section, string key, string rawValue)
    {
        checksum.Add(section, key, rawValue);
        output.Append(key).Append('=').Append(rawValue).Append('\n');
    }
}

/// <summary>A section of an <see cref="InfoFile"/>: keys in insertion order, each with its raw JSON text.</summary>
public sealed class InfoSection
{
    private readonly List<KeyValuePair<string, string>> _entries = [];
    private readonly Dictionary<string, int> _indexByKey = new(StringComparer.Ordinal);

    internal InfoSection(string name) => Name = name;

    public string Name { get; }

    public int Count => _entries.Count;

    /// <summary>Keys and raw JSON values in the order they were read or added.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Entries => _entries;

    public bool ContainsKey(string key) => _indexByKey.ContainsKey(key);

    public string? GetRaw(string key) => _indexByKey.TryGetValue(key, out int index) ? _entries[index].Value : null;

    public JsonValue? GetValue(string key)
    {
        string? raw = GetRaw(key);
        return raw is null ? null : JsonReader.Parse(raw);
    }

    /// <summary>Sets a value from raw JSON text; the text must be one JSON value that is not an array.</summary>
    public void Set(string key, string rawJson)
    {
        ValidateKey(key);
        ArgumentNullException.ThrowIfNull(rawJson);
        if (rawJson.Contains('\n') || !JsonReader.IsValid(rawJson))
            throw new PgRestException(ErrorCode.JsonFormat, $"value of key '{key}' is not valid single-line JSON");
        if (rawJson.StartsWith('['))
            throw new ArgumentException("a top-level array would be read as a section header", nameof(rawJson));
        SetUnchecked(key, rawJson);
    }

    public void Set(string key, JsonValue value)
    {
        ValidateKey(key);
        ArgumentNullException.ThrowIfNull(value);
        if (value.Kind == JsonKind.Array)
            throw new ArgumentException("a top-level array would be read as a section header", nameof(value));
        SetUnchecked(key, JsonWriter.Write(value));
    }

    public bool Remove(string key)
    {
        if (!_indexByKey.Remove(key, out int index))
            return false;

        _entries.RemoveAt(index);
        for (int position = index; position < _entries.Count; position++)
            _indexByKey[_entries[position].Key] = position;
        return true;
    }

    // For JSON produced by our own writer: the key is checked, the value is known to be valid.
    internal void SetGenerated(string key, string rawJson)
    {
        ValidateKey(key);
        SetUnchecked(key, rawJson);
    }

    // For values read from a file (already validated by the parser).
    internal void SetUnchecked(string key, string rawJson)
    {
        if (_indexByKey.TryGetValue(key, out int index))
        {
            _entries[index] = new KeyValuePair<string, string>(key, rawJson);
            return;
        }

        _indexByKey.Add(key, _entries.Count);
        _entries.Add(new KeyValuePair<string, string>(key, rawJson));
    }

    internal IReadOnlyList<KeyValuePair<string, string>> SortedEntries(bool numericKeys)
    {
        Comparison<KeyValuePair<string, string>> comparison = numericKeys
            ? (left, right) => CompareNumericKeys(left.Key, right.Key)
            : (left, right) => Utf8Ordinal.CompareStrings(left.Key, right.Key);

        // Entries built by the typed models are already in order; avoid the copy and sort then.
        for (int index = 1; index < _entries.Count; index++)
        {
            if (comparison(_entries[index - 1], _entries[index]) > 0)
            {
                var sorted = new List<KeyValuePair<string, string>>(_entries);
                sorted.Sort(comparison);
                return sorted;
            }
        }

        return _entries;
    }

    private static int CompareNumericKeys(string left, string right)
    {
        bool leftIsNumber = ulong.TryParse(left, NumberStyles.None, CultureInfo.InvariantCulture, out ulong leftNumber);
        bool rightIsNumber = ulong.TryParse(right, NumberStyles.None, CultureInfo.InvariantCulture, out ulong rightNumber);
        if (leftIsNumber && rightIsNumber)
            return leftNumber.CompareTo(rightNumber);
        if (leftIsNumber != rightIsNumber)
            return leftIsNumber ? -1 : 1;
        return Utf8Ordinal.CompareStrings(left, right);
    }

    private static void ValidateKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0 || key.Contains('\n'))
            throw new ArgumentException($"invalid key '{key}'", nameof(key));
    }
}
