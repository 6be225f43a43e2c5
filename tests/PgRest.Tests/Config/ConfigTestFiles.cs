using PgRest.Config;

namespace PgRest.Tests.Config;

/// <summary>A temporary directory holding configuration files; deleted on dispose.</summary>
internal sealed class ConfigTestFiles : IDisposable
{
    public ConfigTestFiles()
    {
        Directory = Path.Combine(Path.GetTempPath(), "pgrest-config-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    /// <summary>Path of the main file, <c>pgbackrest.conf</c>, whether or not it was written.</summary>
    public string ConfigFile => Path.Combine(Directory, "pgbackrest.conf");

    public string IncludePath => Path.Combine(Directory, "conf.d");

    public string WriteConfig(string text) => Write("pgbackrest.conf", text);

    public string WriteInclude(string name, string text) => Write(Path.Combine("conf.d", name), text);

    public string Write(string relativePath, string text)
    {
        var path = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Loads with the main file given explicitly, so the machine's /etc configuration is never read.</summary>
    public Configuration Load(string config, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        WriteConfig(config);
        return ConfigurationLoader.Load(["--config=" + ConfigFile, .. args], environment ?? NoEnvironment);
    }

    public Configuration Load(string config, params string[] args) => Load(config, null, args);

    /// <summary>Loads with the default locations moved into this directory (legacy file: <c>legacy.conf</c>).</summary>
    public Configuration LoadWithDefaults(IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        ConfigurationLoader.Load(args, environment ?? NoEnvironment,
            new ConfigurationLoader.ConfigFileDefaults(ConfigFile, IncludePath, Path.Combine(Directory, "legacy.conf")));

    public static readonly IReadOnlyDictionary<string, string> NoEnvironment = new Dictionary<string, string>();

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory is harmless.
        }
    }
}
