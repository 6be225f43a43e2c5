using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace PgRest.Storage.Sftp;

/// <summary>What the known-hosts files say of a host's key.</summary>
public enum KnownHostMatch
{
    /// <summary>A line names the host with this key.</summary>
    Match,

    /// <summary>Lines name the host, but with another key of the same type: the key changed (or someone is in the middle).</summary>
    Mismatch,

    /// <summary>No line names the host with a key of this type.</summary>
    NotFound,

    /// <summary>An <c>@revoked</c> line names this key.</summary>
    Revoked,
}

/// <summary>
/// OpenSSH known_hosts lookup (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): plain and wildcard patterns, negation,
/// <c>[host]:port</c> for ports other than 22, hashed <c>|1|salt|hash</c> names, and <c>@revoked</c> markers.
/// <c>@cert-authority</c> lines are skipped: certificates are not used for SFTP host keys here.
/// </summary>
public static class KnownHosts
{
    /// <summary>The name a known_hosts line gives a host on a port: <c>host</c> for 22, else <c>[host]:port</c>.</summary>
    public static string NameFor(string host, int port) =>
        port == 22 ? host : "[" + host + "]:" + port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The key type named inside an SSH public key blob (its first string), e.g. <c>ssh-ed25519</c>.</summary>
    public static string KeyType(ReadOnlySpan<byte> blob)
    {
        if (blob.Length < 4)
            return "";
        var length = BinaryPrimitives.ReadUInt32BigEndian(blob);
        return length > (uint)(blob.Length - 4) ? "" : Encoding.ASCII.GetString(blob.Slice(4, (int)length));
    }

    /// <summary>Checks a host's key against the lines of known_hosts files. For a port other than 22, lines naming
    /// the plain host count when none names <c>[host]:port</c>: libssh2, and so pgBackRest, looks a host up that way
    /// (and its accept-new writes the plain name), so a file pgBackRest uses works here too.</summary>
    public static KnownHostMatch Check(IReadOnlyList<string> lines, string host, int port, ReadOnlySpan<byte> keyBlob)
    {
        var match = Check(lines, NameFor(host, port), keyBlob);
        return match == KnownHostMatch.NotFound && port != 22 ? Check(lines, host, keyBlob) : match;
    }

    private static KnownHostMatch Check(IReadOnlyList<string> lines, string name, ReadOnlySpan<byte> keyBlob)
    {
        var type = KeyType(keyBlob);
        var sawOtherKeyOfType = false;
        var matched = false;
        foreach (var line in lines)
        {
            if (!TryParse(line, out var entry) || !NamesHost(entry.Hosts, name))
                continue;
            var sameKey = entry.KeyType == type && entry.Key.AsSpan().SequenceEqual(keyBlob);
            if (entry.Marker == "@revoked")
            {
                if (sameKey)
                    return KnownHostMatch.Revoked;
                continue;
            }

            if (entry.Marker is not null)
                continue;
            if (sameKey)
                matched = true;
            else if (entry.KeyType == type)
                sawOtherKeyOfType = true;
        }

        return matched ? KnownHostMatch.Match : sawOtherKeyOfType ? KnownHostMatch.Mismatch : KnownHostMatch.NotFound;
    }

    /// <summary>The key types known for a host (so that the key exchange can ask for one of them first).</summary>
    public static IReadOnlyList<string> KeyTypesFor(IEnumerable<string> lines, string host, int port)
    {
        var types = new List<string>();
        var name = NameFor(host, port);
        foreach (var line in lines)
        {
            if (TryParse(line, out var entry) && entry.Marker is null && (NamesHost(entry.Hosts, name) || NamesHost(entry.Hosts, host))
                && !types.Contains(entry.KeyType))
                types.Add(entry.KeyType);
        }

        return types;
    }

    /// <summary>A known_hosts line for a host's key, with a comment.</summary>
    public static string Line(string name, ReadOnlySpan<byte> keyBlob, string comment) =>
        name + " " + KeyType(keyBlob) + " " + Convert.ToBase64String(keyBlob) + " " + comment;

    private sealed record Entry(string? Marker, string Hosts, string KeyType, byte[] Key);

    private static bool TryParse(string line, out Entry entry)
    {
        entry = null!;
        var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 0 || fields[0].StartsWith('#'))
            return false;
        string? marker = null;
        var first = 0;
        if (fields[0].StartsWith('@'))
        {
            marker = fields[0];
            first = 1;
        }

        if (fields.Length < first + 3)
            return false;
        var key = new byte[fields[first + 2].Length];
        if (!Convert.TryFromBase64String(fields[first + 2], key, out var written))
            return false;
        entry = new Entry(marker, fields[first], fields[first + 1], key[..written]);
        return true;
    }

    /// <summary>Whether the host field names this host: one hashed name, or comma-separated patterns where a
    /// negated match (<c>!pattern</c>) excludes the line whatever else matches.</summary>
    private static bool NamesHost(string hosts, string name)
    {
        if (hosts.StartsWith("|1|", StringComparison.Ordinal))
            return HashedNameMatches(hosts, name);
        var matched = false;
        foreach (var pattern in hosts.Split(','))
        {
            var negated = pattern.StartsWith('!');
            if (!Wildcard(negated ? pattern[1..] : pattern, name))
                continue;
            if (negated)
                return false;
            matched = true;
        }

        return matched;
    }

    private static bool HashedNameMatches(string field, string name)
    {
        var parts = field.Split('|');
        if (parts.Length != 4)
            return false;
        try
        {
            var salt = Convert.FromBase64String(parts[2]);
            var expected = Convert.FromBase64String(parts[3]);
            return CryptographicOperations.FixedTimeEquals(HMACSHA1.HashData(salt, Encoding.ASCII.GetBytes(name)), expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>OpenSSH pattern match: <c>*</c> any run, <c>?</c> one character, case-insensitive.</summary>
    private static bool Wildcard(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        while (true)
        {
            if (pattern.IsEmpty)
                return text.IsEmpty;
            if (pattern[0] == '*')
            {
                for (var skip = 0; skip <= text.Length; skip++)
                {
                    if (Wildcard(pattern[1..], text[skip..]))
                        return true;
                }

                return false;
            }

            if (text.IsEmpty || (pattern[0] != '?' && char.ToLowerInvariant(pattern[0]) != char.ToLowerInvariant(text[0])))
                return false;
            pattern = pattern[1..];
            text = text[1..];
        }
    }
}
