namespace PgRest.Common;

/// <summary>User and group names by id, read from /etc/passwd and /etc/group once (names are what manifests store).</summary>
public static class OwnerNames
{
    private static readonly Lazy<Dictionary<uint, string>> Users = new(() => Load("/etc/passwd", 0));
    private static readonly Lazy<Dictionary<uint, string>> Homes = new(() => Load("/etc/passwd", 5));
    private static readonly Lazy<Dictionary<uint, string>> Groups = new(() => Load("/etc/group", 0));
    private static readonly Lazy<Dictionary<string, uint>> UserIds = new(() => Users.Value.GroupBy(p => p.Value).ToDictionary(g => g.Key, g => g.First().Key));
    private static readonly Lazy<Dictionary<string, uint>> GroupIds = new(() => Groups.Value.GroupBy(p => p.Value).ToDictionary(g => g.Key, g => g.First().Key));

    public static string? UserName(uint id) => Users.Value.GetValueOrDefault(id);

    public static string? GroupName(uint id) => Groups.Value.GetValueOrDefault(id);

    public static uint? UserId(string name) => UserIds.Value.TryGetValue(name, out var id) ? id : null;

    public static uint? GroupId(string name) => GroupIds.Value.TryGetValue(name, out var id) ? id : null;

    /// <summary>The home directory /etc/passwd gives the user running the command, as OpenSSH and pgBackRest take
    /// it for <c>~/.ssh</c> (not $HOME); $HOME only when the user is not listed.</summary>
    public static string HomeDirectory() =>
        Homes.Value.TryGetValue(Native.GetEffectiveUserId(), out var home) && home.Length > 0
            ? home
            : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// <summary>Field <paramref name="field"/> of each line by its id (the third field), the first line of an id winning.</summary>
    private static Dictionary<uint, string> Load(string path, int field)
    {
        var result = new Dictionary<uint, string>();
        if (!File.Exists(path))
            return result;
        foreach (var line in File.ReadLines(path))
        {
            var fields = line.Split(':');
            if (fields.Length > Math.Max(2, field) && uint.TryParse(fields[2], out var id))
                result.TryAdd(id, fields[field]);
        }

        return result;
    }
}
