using System.Diagnostics.CodeAnalysis;
using PgRest.Errors;

namespace PgRest.Config;

/// <summary>An option name as written by the user, resolved against <see cref="OptionTable"/>.</summary>
internal readonly record struct OptionName(OptionDefinition Option, int Key, bool Indexed, bool Negate, bool Reset, bool Deprecated)
{
    private const int MaxNameLength = 64;
    private const int MaxKey = 256;
    private const string NegatePrefix = "no-";
    private const string ResetPrefix = "reset-";

    /// <summary>Name with index for grouped options (<c>repo1-path</c>), plain otherwise.</summary>
    public string KeyName => Option.IndexedName(Key);

    /// <summary>
    /// Resolves <paramref name="candidate"/> (without leading dashes) the way pgBackRest does: optional <c>no-</c>/<c>reset-</c>
    /// prefix, an index right before the first dash, then the exact name, a unique prefix (command line only), or a deprecated
    /// name. Returns false when nothing matches; throws for names that match but are malformed.
    /// </summary>
    public static bool TryParse(string candidate, bool prefixMatch, bool ignoreMissingIndex, out OptionName result)
    {
        result = default;

        if (candidate.Length > MaxNameLength)
            throw Invalid($"option '{candidate}' exceeds maximum size of {MaxNameLength}");

        var (prefixLength, negate, reset) = candidate.StartsWith(NegatePrefix, StringComparison.Ordinal) ? (NegatePrefix.Length, true, false)
            : candidate.StartsWith(ResetPrefix, StringComparison.Ordinal) ? (ResetPrefix.Length, false, true)
            : (0, false, false);
        if (!TrySplitIndex(candidate, candidate.AsSpan(prefixLength), out var baseName, out var key, out var indexed))
            return false;

        var deprecated = false;
        var option = OptionTable.FindOption(baseName) ?? (prefixMatch ? FindUniquePrefix(baseName) : null);
        if (option == null)
        {
            if (!TryFindDeprecated(candidate, baseName, indexed, prefixMatch, ignoreMissingIndex, out option))
                return false;
            deprecated = true;
        }

        if (negate && !option.Negatable)
            throw Invalid($"option '{candidate}' cannot be negated");

        if (reset && !option.Resettable)
            throw Invalid($"option '{candidate}' cannot be reset");

        // repo-path and friends are deprecated names of their own unindexed form.
        if (!indexed && !deprecated && HasSelfDeprecation(option))
            deprecated = true;

        if (!deprecated)
            CheckIndex(candidate, option, indexed, ignoreMissingIndex);

        result = new OptionName(option, option.Group == OptionGroup.None ? 1 : key, indexed, negate, reset, deprecated);
        return true;
    }

    /// <summary>
    /// An index is the run of digits right before the first dash (<c>repo2-path</c>, <c>db1-path</c>); the base name is
    /// the name without it. False for key 0, which is not a valid index (pgBackRest 2.45 crashes on it): an unknown name.
    /// </summary>
    private static bool TrySplitIndex(string candidate, ReadOnlySpan<char> name, out string baseName, out int key, out bool indexed)
    {
        (baseName, key, indexed) = (name.ToString(), 1, false);
        var dash = name.IndexOf('-');
        if (dash == 0)
            throw Invalid($"option '{candidate}' cannot begin with a dash");
        if (dash < 0)
            return true;

        var digitStart = dash;
        while (digitStart > 0 && char.IsAsciiDigit(name[digitStart - 1]))
            digitStart--;

        if (digitStart == 0)
            throw Invalid($"option '{candidate}' cannot begin with a number");
        if (digitStart == dash)
            return true;

        indexed = true;
        var digits = name[digitStart..dash];

        // More digits than any valid key can have: report as too large without overflowing.
        if (digits.Length > 4 || (key = int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture)) > MaxKey)
            throw Invalid($"option '{candidate}' key exceeds maximum of {MaxKey}");

        baseName = string.Concat(name[..digitStart], name[dash..]);
        return key != 0;
    }

    /// <summary>A deprecated name (exact, or a unique prefix on the command line) and whether its index form is allowed.</summary>
    private static bool TryFindDeprecated(
        string candidate, string baseName, bool indexed, bool prefixMatch, bool ignoreMissingIndex, [NotNullWhen(true)] out OptionDefinition? option)
    {
        if (!OptionTable.TryFindDeprecation(baseName, out var deprecatedOption, out var deprecation) &&
            !(prefixMatch && TryFindUniqueDeprecatedPrefix(baseName, out deprecatedOption, out deprecation)))
        {
            option = null;
            return false;
        }

        if (indexed && !deprecation.Indexed)
            throw Invalid($"deprecated option '{candidate}' cannot have an index");

        if (!indexed && !deprecation.Unindexed && !ignoreMissingIndex)
        {
            var group = GroupPrefix(deprecatedOption.Group);
            var dash = baseName.IndexOf('-');
            var example = dash > 0 ? $"{baseName[..dash]}1{baseName[dash..]}" : baseName + "1";
            throw Invalid(
                $"deprecated option '{candidate}' requires an index\n" +
                $"HINT: add the required index, e.g. {example}.\n" +
                $"HINT: consider using the non-deprecated name, e.g. {group}1{deprecatedOption.Name[group.Length..]}.");
        }

        option = deprecatedOption;
        return true;
    }

    private static void CheckIndex(string candidate, OptionDefinition option, bool indexed, bool ignoreMissingIndex)
    {
        if (indexed && option.Group == OptionGroup.None)
            throw Invalid($"option '{candidate}' cannot have an index");

        if (!indexed && option.Group != OptionGroup.None && !ignoreMissingIndex)
        {
            var group = GroupPrefix(option.Group);
            throw Invalid(
                $"option '{candidate}' requires an index\nHINT: add the required index, e.g. {group}1{option.Name[group.Length..]}.");
        }
    }

    internal static string GroupPrefix(OptionGroup group) => group == OptionGroup.Pg ? "pg" : "repo";

    private static bool HasSelfDeprecation(OptionDefinition option)
    {
        foreach (var deprecation in option.DeprecatedNames)
        {
            if (deprecation.Name == option.Name)
                return true;
        }

        return false;
    }

    private static OptionDefinition? FindUniquePrefix(string prefix)
    {
        OptionDefinition? found = null;

        foreach (var option in OptionTable.OptionArray)
        {
            if (!option.Name.StartsWith(prefix, StringComparison.Ordinal))
                continue;

            if (found != null)
                return null;

            found = option;
        }

        return found;
    }

    private static bool TryFindUniqueDeprecatedPrefix(string prefix, out OptionDefinition option, out DeprecatedName deprecation)
    {
        string? found = null;

        foreach (var name in OptionTable.DeprecatedNames)
        {
            if (!name.StartsWith(prefix, StringComparison.Ordinal))
                continue;

            if (found != null)
            {
                found = null;
                break;
            }

            found = name;
        }

        if (found != null)
            return OptionTable.TryFindDeprecation(found, out option, out deprecation);

        option = null!;
        deprecation = null!;
        return false;
    }

    private static PgRestException Invalid(string message) => new(ErrorCode.OptionInvalid, message);
}
