using System.Text;
using PgRest.Errors;

namespace PgRest.Config;

/// <summary>
/// Reads the main configuration file and the <c>*.conf</c> files of the include path into one INI text, the way
/// pgBackRest 2.45 decides which of them are read and which must exist:
/// <list type="bullet">
/// <item>Nothing given: the default file if it exists (else the legacy <c>/etc/pgbackrest.conf</c>), plus the default include
/// path if it exists.</item>
/// <item>An explicit <c>config</c> or <c>config-include-path</c> must exist. <c>config</c> alone disables the include path.</item>
/// <item><c>config-path</c> moves the defaults of both to <c>&lt;path&gt;/pgbackrest.conf</c> and <c>&lt;path&gt;/conf.d</c>,
/// which then need not exist.</item>
/// <item><c>--no-config</c> skips the main file; include files are still read when an include or config path is given.</item>
/// </list>
/// </summary>
internal static class ConfigFiles
{
    private const string IncludePathName = "conf.d";

    internal sealed record Given(bool Found, bool Negated, string? Value);

    public static string? Load(
        Given config, Given configPath, Given configIncludePath, ConfigurationLoader.ConfigFileDefaults defaults)
    {
        config = config with { Value = FromRoot(config.Value) };
        configPath = configPath with { Value = FromRoot(configPath.Value) };
        configIncludePath = configIncludePath with { Value = FromRoot(configIncludePath.Value) };
        var configFile = defaults.ConfigFile;
        var includePath = defaults.ConfigIncludePath;
        var configRequired = config.Found;
        var includeRequired = configIncludePath.Found;
        var loadConfig = true;
        var loadInclude = true;

        if (configPath.Found)
        {
            configFile = configPath.Value + "/" + Path.GetFileName(defaults.ConfigFile);
            includePath = configPath.Value + "/" + IncludePathName;
        }

        if (config.Negated)
        {
            loadConfig = false;
            configRequired = false;
        }

        if (config.Found && !(configPath.Found || configIncludePath.Found))
        {
            loadInclude = false;
            includeRequired = false;
        }

        string? result = null;

        if (loadConfig)
        {
            var fileName = configRequired ? config.Value! : configFile;
            result = Read(fileName, configRequired);

            // Only the untouched default falls back to the file's old location.
            if (result == null && fileName == defaults.ConfigFile)
                result = Read(defaults.LegacyConfigFile, required: false);
        }

        if (loadInclude)
        {
            if (result != null)
                ConfigIni.Validate(result);

            var path = includeRequired ? configIncludePath.Value! : includePath;

            foreach (var file in ListConfFiles(path, includeRequired))
            {
                var part = Read(path + "/" + file, required: false);

                if (string.IsNullOrEmpty(part))
                    continue;

                ConfigIni.Validate(part);
                result = result == null ? part : result + "\n" + part;
            }
        }

        return result;
    }

    /// <summary>
    /// pgBackRest reads these files through storage rooted at <c>/</c>: a relative <c>--config=p.conf</c> is
    /// <c>/p.conf</c>, not a file of the working directory (a cron job and a shell would read different files).
    /// </summary>
    private static string? FromRoot(string? path) => path is null || path.StartsWith('/') ? path : "/" + path;

    private static string? Read(string fileName, bool required)
    {
        try
        {
            return File.ReadAllText(fileName, Encoding.UTF8);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            if (required)
                throw new PgRestException(ErrorCode.FileMissing, $"unable to open missing file '{fileName}' for read");

            return null;
        }
        catch (UnauthorizedAccessException)
        {
            throw new PgRestException(ErrorCode.FileOpen, $"unable to open file '{fileName}' for read: [13] Permission denied");
        }
        catch (IOException exception)
        {
            throw new PgRestException(ErrorCode.FileRead, $"unable to read file '{fileName}': {exception.Message}");
        }
    }

    // Names (not paths) of the *.conf files in the path, sorted.
    private static List<string> ListConfFiles(string path, bool required)
    {
        var names = new List<string>();

        if (!Directory.Exists(path))
        {
            if (required)
                throw new PgRestException(ErrorCode.PathMissing, $"unable to list file info for missing path '{path}'");

            return names;
        }

        try
        {
            foreach (var file in Directory.EnumerateFiles(path))
            {
                var name = Path.GetFileName(file);

                if (name.Length > ".conf".Length && name.EndsWith(".conf", StringComparison.Ordinal))
                    names.Add(name);
            }
        }
        catch (UnauthorizedAccessException)
        {
            throw new PgRestException(ErrorCode.PathOpen, $"unable to open path '{path}' for read: [13] Permission denied");
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }
}
