using System.Text;
using PgRest.Errors;

namespace PgRest.Json;

/// <summary>
/// Strict JSON reader (RFC 8259 syntax, integers only). Unlike pgBackRest's forward-only reader it accepts object
/// keys in any order; duplicate keys are rejected. Raw control characters inside strings are accepted because
/// pgBackRest writes them unescaped. Error messages give positions, never content (values may be passphrases).
/// </summary>
public static class JsonReader
{
    private const int MaxDepth = 128;

    public static JsonValue Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var parser = new Parser(json, build: true);
        return parser.ParseDocument()!;
    }

    /// <summary>True when <paramref name="json"/> is one syntactically complete JSON value (surrounding whitespace
    /// allowed). Duplicate keys are not checked here; <see cref="Parse"/> rejects them.</summary>
    public static bool IsValid(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return IsValid(json.AsSpan());
    }

    internal static bool IsValid(ReadOnlySpan<char> json)
    {
        // Validation without building values; throwing is the exceptional path only.
        var parser = new Parser(json, build: false);
        try
        {
            parser.ParseDocument();
            return true;
        }
        catch (PgRestException exception) when (exception.Code == ErrorCode.JsonFormat)
        {
            return false;
        }
    }

    private ref struct Parser
    {
        private readonly ReadOnlySpan<char> _text;
        private readonly bool _build;
        private int _position;
        private StringBuilder? _scratch;

        public Parser(ReadOnlySpan<char> text, bool build)
        {
            _text = text;
            _build = build;
            _position = 0;
            _scratch = null;
        }

        public JsonValue? ParseDocument()
        {
            SkipWhiteSpace();
            JsonValue? value = ParseValue(0);
            SkipWhiteSpace();
            if (_position != _text.Length)
                throw Error("characters after JSON value");
            return value;
        }

        private JsonValue? ParseValue(int depth)
        {
            if (_position >= _text.Length)
                throw Error("expected a value");

            switch (_text[_position])
            {
                case '"':
                    string? text = ParseString();
                    return _build ? new JsonString(text!) : null;
                case '{':
                    return ParseObject(depth + 1);
                case '[':
                    return ParseArray(depth + 1);
                case 't':
                    ExpectLiteral("true");
                    return JsonBool.True;
                case 'f':
                    ExpectLiteral("false");
                    return JsonBool.False;
                case 'n':
                    ExpectLiteral("null");
                    return JsonNull.Instance;
                case '-':
                case >= '0' and <= '9':
                    return ParseNumber();
                default:
                    throw Error("unexpected character");
            }
        }

        private JsonValue? ParseObject(int depth)
        {
            if (depth > MaxDepth)
                throw Error("nesting is too deep");

            _position++;
            JsonObject? result = _build ? new JsonObject() : null;
            SkipWhiteSpace();
            if (Peek() == '}')
            {
                _position++;
                return result;
            }

            while (true)
            {
                SkipWhiteSpace();
                if (Peek() != '"')
                    throw Error("expected a string key");
                int keyPosition = _position;
                string? key = ParseString();
                SkipWhiteSpace();
                if (Peek() != ':')
                    throw Error("expected ':' after key");
                _position++;
                SkipWhiteSpace();
                JsonValue? value = ParseValue(depth);
                if (result is not null)
                {
                    if (result.ContainsKey(key!))
                        throw ErrorAt(keyPosition, "duplicate key");
                    result.Add(key!, value!);
                }

                SkipWhiteSpace();
                char next = Peek();
                _position++;
                if (next == '}')
                    return result;
                if (next != ',')
                    throw ErrorAt(_position - 1, "expected ',' or '}'");
            }
        }

        private JsonValue? ParseArray(int depth)
        {
            if (depth > MaxDepth)
                throw Error("nesting is too deep");

            _position++;
            JsonArray? result = _build ? new JsonArray() : null;
            SkipWhiteSpace();
            if (Peek() == ']')
            {
                _position++;
                return result;
            }

            while (true)
            {
                SkipWhiteSpace();
                JsonValue? value = ParseValue(depth);
                result?.Add(value!);
                SkipWhiteSpace();
                char next = Peek();
                _position++;
                if (next == ']')
                    return result;
                if (next != ',')
                    throw ErrorAt(_position - 1, "expected ',' or ']'");
            }
        }

        private string? ParseString()
        {
            int start = ++_position;

            // Fast path: no escapes.
            int end = start;
            while (end < _text.Length && _text[end] != '"' && _text[end] != '\\')
                end++;
            if (end >= _text.Length)
                throw ErrorAt(start - 1, "unterminated string");
            if (_text[end] == '"')
            {
                _position = end + 1;
                return _build ? _text[start..end].ToString() : null;
            }

            StringBuilder builder = _scratch ??= new StringBuilder();
            builder.Clear();
            builder.Append(_text[start..end]);
            _position = end;

            while (true)
            {
                if (_position >= _text.Length)
                    throw ErrorAt(start - 1, "unterminated string");

                char current = _text[_position];
                if (current == '"')
                {
                    _position++;
                    return _build ? builder.ToString() : null;
                }

                if (current != '\\')
                {
                    builder.Append(current);
                    _position++;
                    continue;
                }

                if (_position + 1 >= _text.Length)
                    throw ErrorAt(start - 1, "unterminated string");

                char escape = _text[_position + 1];
                _position += 2;
                switch (escape)
                {
                    case '"': builder.Append('"'); break;
                    case '\\': builder.Append('\\'); break;
                    case '/': builder.Append('/'); break;
                    case 'b': builder.Append('\b'); break;
                    case 'f': builder.Append('\f'); break;
                    case 'n': builder.Append('\n'); break;
                    case 'r': builder.Append('\r'); break;
                    case 't': builder.Append('\t'); break;
                    case 'u':
                        builder.Append(ParseHex4());
                        break;
                    default:
                        throw ErrorAt(_position - 2, "invalid escape sequence");
                }
            }
        }

        private char ParseHex4()
        {
            if (_position + 4 > _text.Length)
                throw Error("truncated \\u escape");

            int value = 0;
            for (int index = 0; index < 4; index++)
            {
                char digit = _text[_position + index];
                int nibble = digit switch
                {
                    >= '0' and <= '9' => digit - '0',
                    >= 'a' and <= 'f' => digit - 'a' + 10,
                    >= 'A' and <= 'F' => digit - 'A' + 10,
                    _ => throw ErrorAt(_position + index, "invalid hex digit in \\u escape"),
                };
                value = (value << 4) | nibble;
            }

            _position += 4;
            return (char)value;
        }

        private JsonValue? ParseNumber()
        {
            int start = _position;
            bool negative = _text[_position] == '-';
            if (negative)
                _position++;

            int digitsStart = _position;
            while (_position < _text.Length && char.IsAsciiDigit(_text[_position]))
                _position++;
            int digitCount = _position - digitsStart;

            if (digitCount == 0)
                throw ErrorAt(start, "no digits in number");
            if (digitCount > 1 && _text[digitsStart] == '0')
                throw ErrorAt(start, "leading zero in number");
            if (_position < _text.Length && _text[_position] is '.' or 'e' or 'E')
                throw ErrorAt(start, "only integer numbers are supported");

            ReadOnlySpan<char> digits = _text[start.._position];
            if (negative)
            {
                if (!long.TryParse(digits, System.Globalization.NumberStyles.AllowLeadingSign,
                        System.Globalization.CultureInfo.InvariantCulture, out long signed))
                    throw ErrorAt(start, "integer out of range");
                return _build ? new JsonInteger(signed) : null;
            }

            if (!ulong.TryParse(digits, System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out ulong unsigned))
                throw ErrorAt(start, "integer out of range");
            return _build ? new JsonInteger(unsigned) : null;
        }

        private void ExpectLiteral(string literal)
        {
            if (!_text[_position..].StartsWith(literal, StringComparison.Ordinal))
                throw Error("invalid literal");
            _position += literal.Length;
        }

        private readonly char Peek() => _position < _text.Length ? _text[_position] : '\0';

        private void SkipWhiteSpace()
        {
            while (_position < _text.Length && _text[_position] is ' ' or '\t' or '\n' or '\r')
                _position++;
        }

        private readonly PgRestException Error(string problem) => ErrorAt(_position, problem);

        private static PgRestException ErrorAt(int position, string problem) =>
            new(ErrorCode.JsonFormat, $"invalid JSON at offset {position}: {problem}");
    }
}
