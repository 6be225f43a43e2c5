using System.Diagnostics;
using System.Globalization;
using System.Text;
using PgRest.Common;
using PgRest.Config;
using PgRest.Errors;

namespace PgRest.Remote;

/// <summary>
/// Starts pgrest on another host through the system's SSH client (<c>cmd-ssh</c>), as pgBackRest does:
/// <c>ssh -o LogLevel=error -o Compression=no -o PasswordAuthentication=no [-p port] user@host '&lt;cmd&gt; ... remote'</c>.
/// Only names and paths go on that command line; a secret the command needs (the repository's passphrase) is asked
/// for over the connection.
/// </summary>
public static class SshTransport
{
    /// <summary>How the local side reaches repository <paramref name="index"/> on its host.</summary>
    public static RemoteStorage RepoStorage(Configuration config, int index, CommandLockType hostLock = CommandLockType.None)
    {
        var host = config.Get(Options.RepoHost, index);
        var ssh = SshArguments(host, config.Get(Options.RepoHostUser, index), config.Find(Options.RepoHostPort, index));
        var remote = RemoteArguments(config, index,
            config.Source(Options.RepoHostCmd, index) == OptionSource.Default ? CommandLine.StartedAs() : config.Get(Options.RepoHostCmd, index),
            ["--repo=" + index.ToString(CultureInfo.InvariantCulture), "--remote-type=repo"],
            (Options.RepoHostConfig, "config"), (Options.RepoHostConfigPath, "config-path"), (Options.RepoHostConfigIncludePath, "config-include-path"));
        var timeout = RemoteProtocol.Timeout(config);
        var sshCommand = config.Accepts(Options.CmdSsh) ? config.Get(Options.CmdSsh) : "ssh";
        var wantCipher = RemoteProtocol.WantsCipher(config, index);
        return new RemoteStorage((number, _) => Task.FromResult(Start(sshCommand, ssh, remote, $"remote-{number} process on '{host}'", timeout)),
            wantCipher, config.Stanza, index, hostLock);
    }

    /// <summary>
    /// How a repository host reaches the cluster of <c>pgN-host</c>: pgrest started there as <c>pgN-host-user</c> serves
    /// that host's files and PostgreSQL server (remote-type=pg). It needs nothing of the database host's configuration:
    /// every request names the paths and socket from this host's pgN-* options, as pgBackRest passes them.
    /// </summary>
    public static RemoteStorage PgStorage(Configuration config, int index)
    {
        var host = config.Get(Options.PgHost, index);
        var ssh = SshArguments(host, config.Get(Options.PgHostUser, index), config.Find(Options.PgHostPort, index));
        var remote = RemoteArguments(config, index,
            config.Source(Options.PgHostCmd, index) == OptionSource.Default ? CommandLine.StartedAs() : config.Get(Options.PgHostCmd, index),
            ["--remote-type=pg"],
            (Options.PgHostConfig, "config"), (Options.PgHostConfigPath, "config-path"), (Options.PgHostConfigIncludePath, "config-include-path"));
        var timeout = RemoteProtocol.Timeout(config);
        var sshCommand = config.Accepts(Options.CmdSsh) ? config.Get(Options.CmdSsh) : "ssh";
        return new RemoteStorage((number, _) => Task.FromResult(Start(sshCommand, ssh, remote, $"remote-{number} process on '{host}'", timeout)),
            wantCipher: false, config.Stanza, index, pg: true);
    }

    /// <summary>The ssh client's arguments up to the remote command, exactly pgBackRest's.</summary>
    public static List<string> SshArguments(string host, string user, long? port)
    {
        List<string> arguments = ["-o", "LogLevel=error", "-o", "Compression=no", "-o", "PasswordAuthentication=no"];
        if (port is { } given)
            arguments.AddRange(["-p", given.ToString(CultureInfo.InvariantCulture)]);
        arguments.Add(user + "@" + host);
        return arguments;
    }

    /// <summary>
    /// The remote's command line: which stanza and repository, how to log (errors to stderr only: stdout carries the
    /// protocol) and, when set here, where its configuration is. Nothing secret.
    /// </summary>
    public static List<string> RemoteArguments(Configuration config, int index, string command, IReadOnlyList<string> serve,
        params (StringOption Option, string Name)[] configOptions)
    {
        List<string> arguments = [command];
        foreach (var (option, name) in configOptions)
        {
            if (config.Source(option, index) != OptionSource.Default)
                arguments.Add($"--{name}={config.Get(option, index)}");
        }

        if (config.Stanza is { } stanza)
            arguments.Add("--stanza=" + stanza);
        arguments.AddRange(serve);
        arguments.AddRange(["--log-level-console=off", "--log-level-stderr=error", "--log-level-file=off", "remote"]);
        return arguments;
    }

    /// <summary>One argument as a POSIX shell reads it back unchanged (the remote command goes through the login shell).</summary>
    public static string ShellQuote(string argument)
    {
        if (argument.Length > 0 && argument.All(static c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or '=' or ':' or ',' or '@'))
            return argument;
        return "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    private static RemoteConnection Start(string sshCommand, List<string> ssh, List<string> remote, string name, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(sshCommand)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in ssh)
            start.ArgumentList.Add(argument);
        var line = new StringBuilder();
        foreach (var argument in remote)
            line.Append(line.Length == 0 ? "" : " ").Append(ShellQuote(argument));
        start.ArgumentList.Add(line.ToString());
        Logging.Log.Debug($"{name}: {sshCommand} {string.Join(' ', ssh)} {line}");

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new PgRestException(ErrorCode.Execute, $"unable to start {name}: {sshCommand}: {e.Message}"
                + "\nHINT: is the SSH client installed, or cmd-ssh set to its path?");
        }

        return new RemoteConnection(name, process.StandardOutput.BaseStream, process.StandardInput.BaseStream, timeout, process);
    }
}
