namespace PgRest.Common;

/// <summary>User and group names by id, read from /etc/passwd and /etc/group once (names are what manifests store).</summary>
public static class OwnerNames
{
    private static readonly Lazy<Dictionary<uint, string>> Users = new(() => Load("/etc/passwd"));
    private static readonly Lazy<Dictionary<uint, string>> Groups = new(() => Load("/etc/group"));
    private static readonly Lazy<Dictionary<string, uint>> UserIds = new(() => Users.Value.GroupBy(p => p.Value).ToDictionary(g => g.Key, g => g.First().Key));
    private static readonly Lazy<Dictionary<string, uint>> GroupIds = new(() => Groups.Value.GroupBy(p => p.Value).ToDictionary(g => g.Key, g => g.First().Key));

    public static string? UserName(uint id) => Users.Value.GetValueOrDefault(id);

    public static string? GroupName(uint id) => Groups.Value.GetValueOrDefault(id);

    public static uint? UserId(string name) => UserIds.Value.TryGetValue(name, out var id) ? id : null;

    public static uint? GroupId(string name) => GroupIds.Value.TryGetValue(name, out var id) ? id : null;

    /// <summary>The home directory /etc/passwd gives the user running the command, as OpenSSH and pgBackRest take
    /// it for <c>~/.ssh</c> (not $HOME); $HOME only when the user is not listed.</summary>
    public static string HomeDirectory()
    {
        var uid = Native.GetEffectiveUserId().ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (File.Exists("/etc/passwd"))
        {
            foreach (var line in File.ReadLines("/etc/passwd"))
            {
                var fields = line.Split(':');
                if (fields.Length > 5 && fields[2] == uid && fields[5].Length > 0)
                    return fields[5];
            }
        }

        return Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
    }

    private static Dictionary<uint, string> Load(string path)
    {
        var result = new Dictionary<uint, string>();
        if (!File.Exists(path))
            return result;
        foreach (var line in File.ReadLines(path))
        {
            var fields = line.Split(':');
            if (fields.Length > 2 && uint.TryParse(fields[2], out var id))
                result.TryAdd(id, fields[0]);
        }

        return result;
    }
}
