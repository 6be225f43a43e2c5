namespace PgRest.Repository;

/// <summary>Backup labels: <c>YYYYMMDD-HHMMSSF</c>, and <c>&lt;full&gt;_YYYYMMDD-HHMMSS(D|I)</c> for diff and incr.</summary>
public static class BackupLabels
{
    private const int FullLength = 16;
    private const int DependentLength = 33;

    public static bool IsLabel(string name)
    {
        if (name.Length == FullLength)
            return IsTimestamp(name.AsSpan(0, 15)) && name[15] == 'F';
        return name.Length == DependentLength && IsTimestamp(name.AsSpan(0, 15)) && name[15] == 'F' && name[16] == '_'
            && IsTimestamp(name.AsSpan(17, 15)) && name[32] is 'D' or 'I';
    }

    /// <summary>A full backup's label (<c>YYYYMMDD-HHMMSSF</c>); diff and incr labels are longer.</summary>
    public static bool IsFull(string label) => label.Length == FullLength;

    /// <summary>The <c>YYYYMMDD-HHMMSS</c> of the backup itself (the last one in the label).</summary>
    public static string TimePart(string label) => label.Substring(label.Length - 16, 15);

    /// <summary>The full backup a label belongs to.</summary>
    public static string FullLabelOf(string label) => label[..FullLength];

    private static bool IsTimestamp(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (i == 8 ? text[i] != '-' : !char.IsAsciiDigit(text[i]))
                return false;
        }

        return true;
    }
}
