namespace PgRest.Config;

/// <summary>
/// A typed handle on one option of <see cref="OptionTable"/>. Code outside <c>Config/</c> reads options only through the
/// handles in <see cref="Options"/>, so a misspelt option cannot compile and the value comes back in the option's type,
/// with the table's default when the user set nothing.
/// </summary>
public abstract class OptionHandle
{
    private protected OptionHandle(string name, OptionType type, OptionType alsoType)
    {
        Definition = OptionTable.FindOption(name) ?? throw new InvalidOperationException($"option '{name}' is not in the option table");
        if (Definition.Type != type && Definition.Type != alsoType)
            throw new InvalidOperationException($"option '{name}' is of type {Definition.Type}, its handle expects {type}");
    }

    public OptionDefinition Definition { get; }

    /// <summary>The unindexed name (<c>repo-path</c>).</summary>
    public string Name => Definition.Name;

    /// <summary>The name at one index (<c>repo2-path</c>); the plain name for ungrouped options.</summary>
    public string IndexedName(int index) => Definition.IndexedName(index);

    public override string ToString() => Name;
}

public sealed class BoolOption : OptionHandle
{
    internal BoolOption(string name)
        : base(name, OptionType.Boolean, OptionType.Boolean)
    {
    }
}

public sealed class IntegerOption : OptionHandle
{
    internal IntegerOption(string name)
        : base(name, OptionType.Integer, OptionType.Integer)
    {
    }
}

/// <summary>A size in bytes (<c>1MiB</c>).</summary>
public sealed class SizeOption : OptionHandle
{
    internal SizeOption(string name)
        : base(name, OptionType.Size, OptionType.Size)
    {
    }
}

/// <summary>A duration given in seconds.</summary>
public sealed class TimeOption : OptionHandle
{
    internal TimeOption(string name)
        : base(name, OptionType.Time, OptionType.Time)
    {
    }
}

/// <summary>A free string or an absolute path.</summary>
public sealed class StringOption : OptionHandle
{
    internal StringOption(string name)
        : base(name, OptionType.String, OptionType.Path)
    {
    }
}

/// <summary>One value of the option's allow list (<c>compress-type</c>: none, bz2, gz, lz4, zst).</summary>
public sealed class ChoiceOption : OptionHandle
{
    internal ChoiceOption(string name)
        : base(name, OptionType.StringId, OptionType.StringId)
    {
    }
}

/// <summary>A repeatable option (<c>exclude</c>).</summary>
public sealed class ListOption : OptionHandle
{
    internal ListOption(string name)
        : base(name, OptionType.List, OptionType.List)
    {
    }
}

/// <summary>Repeatable <c>key=value</c> pairs (<c>recovery-option</c>).</summary>
public sealed class HashOption : OptionHandle
{
    internal HashOption(string name)
        : base(name, OptionType.Hash, OptionType.Hash)
    {
    }
}
