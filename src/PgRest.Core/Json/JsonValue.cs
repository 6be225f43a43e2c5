using System.Collections;
using System.Globalization;
using PgRest.Errors;

namespace PgRest.Json;

public enum JsonKind { Null, Bool, Integer, String, Array, Object }

/// <summary>
/// A JSON value as pgBackRest uses it: integers only (signed 64-bit or unsigned 64-bit, because system identifiers
/// are uint64), strings, booleans, null, arrays and objects whose keys are kept in UTF-8 byte order.
/// Typed getters throw <see cref="ErrorCode.JsonFormat"/> when the value has another kind.
/// </summary>
public abstract class JsonValue
{
    private protected JsonValue()
    {
    }

    public abstract JsonKind Kind { get; }

    public static JsonValue Null => JsonNull.Instance;

    public static JsonValue Create(bool value) => value ? JsonBool.True : JsonBool.False;

    public static JsonValue Create(string value) => new JsonString(value);

    public static JsonValue Create(long value) => new JsonInteger(value);

    public static JsonValue Create(ulong value) => new JsonInteger(value);

    /// <summary>A string value, or JSON <c>null</c> when <paramref name="value"/> is null.</summary>
    public static JsonValue CreateOrNull(string? value) => value is null ? Null : new JsonString(value);

    /// <summary>Parses standard JSON text (integers only); errors are <see cref="ErrorCode.JsonFormat"/>.</summary>
    public static JsonValue Parse(string json) => JsonReader.Parse(json);

    /// <summary>Compact text in pgBackRest's form.</summary>
    public string ToJson() => JsonWriter.Write(this);

    public override string ToString() => ToJson();

    public bool IsNull => Kind == JsonKind.Null;

    public bool GetBool() => this is JsonBool value ? value.Value : throw KindMismatch("bool");

    public string GetString() => this is JsonString value ? value.Value : throw KindMismatch("string");

    /// <summary>The string, or null when the value is JSON <c>null</c>.</summary>
    public string? GetStringOrNull() => IsNull ? null : GetString();

    public long GetInt64() => this is JsonInteger value ? value.ToInt64() : throw KindMismatch("integer");

    public ulong GetUInt64() => this is JsonInteger value ? value.ToUInt64() : throw KindMismatch("integer");

    public uint GetUInt32()
    {
        ulong value = GetUInt64();
        if (value > uint.MaxValue)
            throw new PgRestException(ErrorCode.JsonFormat, $"integer {value} is out of range for a 32-bit unsigned value");
        return (uint)value;
    }

    public int GetInt32()
    {
        long value = GetInt64();
        if (value is < int.MinValue or > int.MaxValue)
            throw new PgRestException(ErrorCode.JsonFormat, $"integer {value} is out of range for a 32-bit value");
        return (int)value;
    }

    public JsonArray AsArray() => this as JsonArray ?? throw KindMismatch("array");

    public JsonObject AsObject() => this as JsonObject ?? throw KindMismatch("object");

    private PgRestException KindMismatch(string expected) =>
        new(ErrorCode.JsonFormat, $"expected {expected} but found {KindName(Kind)}");

    private static string KindName(JsonKind kind) => kind switch
    {
        JsonKind.Null => "null",
        JsonKind.Bool => "bool",
        JsonKind.Integer => "integer",
        JsonKind.String => "string",
        JsonKind.Array => "array",
        _ => "object",
    };
}

public sealed class JsonNull : JsonValue
{
    internal static readonly JsonNull Instance = new();

    private JsonNull()
    {
    }

    public override JsonKind Kind => JsonKind.Null;
}

public sealed class JsonBool : JsonValue
{
    internal static readonly JsonBool True = new(true);
    internal static readonly JsonBool False = new(false);

    private JsonBool(bool value) => Value = value;

    public bool Value { get; }

    public override JsonKind Kind => JsonKind.Bool;
}

public sealed class JsonString : JsonValue
{
    public JsonString(string value) => Value = value ?? throw new ArgumentNullException(nameof(value));

    public string Value { get; }

    public override JsonKind Kind => JsonKind.String;
}

/// <summary>An integer in the range long.MinValue .. ulong.MaxValue.</summary>
public sealed class JsonInteger : JsonValue
{
    // Negative values live in _negative; non-negative ones in _magnitude.
    private readonly long _negative;
    private readonly ulong _magnitude;

    public JsonInteger(long value)
    {
        if (value < 0)
        {
            IsNegative = true;
            _negative = value;
        }
        else
        {
            _magnitude = (ulong)value;
        }
    }

    public JsonInteger(ulong value) => _magnitude = value;

    public bool IsNegative { get; }

    public override JsonKind Kind => JsonKind.Integer;

    public long ToInt64()
    {
        if (IsNegative)
            return _negative;
        if (_magnitude > long.MaxValue)
            throw new PgRestException(ErrorCode.JsonFormat, $"integer {_magnitude} is out of range for a signed 64-bit value");
        return (long)_magnitude;
    }

    public ulong ToUInt64()
    {
        if (IsNegative)
            throw new PgRestException(ErrorCode.JsonFormat, $"integer {_negative} is negative where an unsigned value is expected");
        return _magnitude;
    }

    public string ToText() =>
        IsNegative ? _negative.ToString(CultureInfo.InvariantCulture) : _magnitude.ToString(CultureInfo.InvariantCulture);
}

public sealed class JsonArray : JsonValue, IReadOnlyList<JsonValue>
{
    private readonly List<JsonValue> _items;

    public JsonArray() => _items = [];

    public JsonArray(IEnumerable<JsonValue> items) => _items = [.. items];

    public override JsonKind Kind => JsonKind.Array;

    public int Count => _items.Count;

    public JsonValue this[int index] => _items[index];

    public void Add(JsonValue item) => _items.Add(item ?? throw new ArgumentNullException(nameof(item)));

    public IEnumerator<JsonValue> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A JSON object; enumeration (and therefore writing) is always in ascending UTF-8 byte order of keys.</summary>
public sealed class JsonObject : JsonValue, IEnumerable<KeyValuePair<string, JsonValue>>
{
    // Objects here are small and usually arrive already sorted: a sorted list beats a tree.
    private readonly List<KeyValuePair<string, JsonValue>> _members = [];

    public override JsonKind Kind => JsonKind.Object;

    public int Count => _members.Count;

    public IEnumerable<string> Keys => _members.Select(member => member.Key);

    public JsonValue this[string key]
    {
        get => TryGetValue(key, out JsonValue? value)
            ? value
            : throw new PgRestException(ErrorCode.JsonFormat, $"required key '{key}' not found");
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            int index = IndexOf(key);
            if (index >= 0)
                _members[index] = new KeyValuePair<string, JsonValue>(key, value);
            else
                _members.Insert(~index, new KeyValuePair<string, JsonValue>(key, value));
        }
    }

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out JsonValue? value)
    {
        int index = IndexOf(key);
        value = index >= 0 ? _members[index].Value : null;
        return index >= 0;
    }

    public JsonValue? GetOrNull(string key) => TryGetValue(key, out JsonValue? value) ? value : null;

    /// <summary>Adds a member; collection-initializer friendly. A duplicate key is an error.</summary>
    public void Add(string key, JsonValue value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);

        int index = IndexOf(key);
        if (index >= 0)
            throw new PgRestException(ErrorCode.JsonFormat, $"duplicate key '{key}'");
        _members.Insert(~index, new KeyValuePair<string, JsonValue>(key, value));
    }

    public void Add(string key, string value) => Add(key, Create(value));

    public void Add(string key, long value) => Add(key, Create(value));

    public void Add(string key, ulong value) => Add(key, Create(value));

    public void Add(string key, bool value) => Add(key, Create(value));

    public bool Remove(string key)
    {
        int index = IndexOf(key);
        if (index < 0)
            return false;
        _members.RemoveAt(index);
        return true;
    }

    public string GetString(string key) => this[key].GetString();

    public string? GetOptionalString(string key) => GetOrNull(key)?.GetStringOrNull();

    public bool GetBool(string key) => this[key].GetBool();

    public bool? GetOptionalBool(string key) => GetOrNull(key)?.GetBool();

    public ulong GetUInt64(string key) => this[key].GetUInt64();

    public ulong? GetOptionalUInt64(string key) => GetOrNull(key)?.GetUInt64();

    public uint GetUInt32(string key) => this[key].GetUInt32();

    public long GetInt64(string key) => this[key].GetInt64();

    public IEnumerator<KeyValuePair<string, JsonValue>> GetEnumerator() => _members.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // Index of the key, or the bitwise complement of its insertion point. Appending in order is the fast path.
    private int IndexOf(string key)
    {
        int count = _members.Count;
        if (count == 0)
            return ~0;

        int last = Utf8Ordinal.CompareStrings(_members[count - 1].Key, key);
        if (last < 0)
            return ~count;
        if (last == 0)
            return count - 1;

        int low = 0;
        int high = count - 2;
        while (low <= high)
        {
            int middle = low + ((high - low) >> 1);
            int comparison = Utf8Ordinal.CompareStrings(_members[middle].Key, key);
            if (comparison == 0)
                return middle;
            if (comparison < 0)
                low = middle + 1;
            else
                high = middle - 1;
        }

        return ~low;
    }
}
