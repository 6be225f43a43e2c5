namespace PgRest.Config;

/// <summary>Questions commands ask of the option table beyond single values.</summary>
public static class ConfigurationExtensions
{
    /// <summary>True when <paramref name="name"/> (indexed or not, e.g. <c>pg1-path</c>) is an option of <paramref name="command"/>.</summary>
    public static bool IsValidFor(string name, string command)
    {
        if (OptionTable.FindOption(name) is { } plain)
            return plain.IsValidFor(command);
        var dash = name.IndexOf('-');
        var digitStart = dash;
        while (digitStart > 0 && char.IsAsciiDigit(name[digitStart - 1]))
            digitStart--;
        return digitStart > 0 && digitStart < dash
            && OptionTable.FindOption(string.Concat(name.AsSpan(0, digitStart), name.AsSpan(dash))) is { Group: not OptionGroup.None } grouped
            && grouped.IsValidFor(command);
    }

    /// <summary>True when the running command accepts <paramref name="name"/>, so asking for it is allowed.</summary>
    public static bool Accepts(this Configuration config, string name) => IsValidFor(name, config.Command);
}
