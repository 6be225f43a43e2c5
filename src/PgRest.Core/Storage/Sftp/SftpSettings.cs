using System.Globalization;
using PgRest.Config;
using PgRest.Errors;

namespace PgRest.Storage.Sftp;

/// <summary>How the server's host key is checked (<c>repo-sftp-host-key-check-type</c>).</summary>
public enum HostKeyCheck { Strict, AcceptNew, Fingerprint, None }

/// <summary>Where and as whom an SFTP repository is reached: the <c>repoN-sftp-*</c> options and <c>io-timeout</c>.</summary>
public sealed record SftpSettings(
    string Host, int Port, string User, string PrivateKeyFile, string? PrivateKeyPassphrase, HostKeyCheck Check,
    string HashType, string? Fingerprint, IReadOnlyList<string> KnownHostFiles, TimeSpan Timeout, string Prefix)
{
    /// <summary>OpenSSH's own search order when no <c>repo-sftp-known-host</c> is given.</summary>
    public static readonly IReadOnlyList<string> DefaultKnownHostFiles =
        ["~/.ssh/known_hosts", "~/.ssh/known_hosts2", "/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"];

    /// <summary>The option values of <see cref="HostKeyCheck"/>, in its order.</summary>
    private static readonly string[] CheckNames = ["strict", "accept-new", "fingerprint", "none"];

    /// <summary><see cref="Check"/> as the option writes it, for messages.</summary>
    public string CheckName => CheckNames[(int)Check];

    public string Endpoint => Host + ":" + Port.ToString(CultureInfo.InvariantCulture);

    public static SftpSettings FromConfiguration(Configuration config, int index)
    {
        var prefix = "repo" + index.ToString(CultureInfo.InvariantCulture);
        var check = (HostKeyCheck)Array.IndexOf(CheckNames, config.Get(Options.RepoSftpHostKeyCheckType, index));
        var fingerprint = config.Find(Options.RepoSftpHostFingerprint, index);
        // pgBackRest accepts a missing fingerprint here and then checks nothing; a DBA who asked for a fingerprint
        // check gets one or an error.
        if (check == HostKeyCheck.Fingerprint && string.IsNullOrEmpty(fingerprint))
            throw new PgRestException(ErrorCode.OptionRequired,
                $"{prefix}-sftp-host-fingerprint must be set when {prefix}-sftp-host-key-check-type=fingerprint");
        var listed = check is HostKeyCheck.Strict or HostKeyCheck.AcceptNew ? config.Get(Options.RepoSftpKnownHost, index) : [];
        var knownHosts = listed.Count > 0 ? listed : DefaultKnownHostFiles;
        return new SftpSettings(
            config.Get(Options.RepoSftpHost, index),
            (int)config.Get(Options.RepoSftpHostPort, index),
            config.Get(Options.RepoSftpHostUser, index),
            ExpandHome(config.Get(Options.RepoSftpPrivateKeyFile, index)),
            config.Find(Options.RepoSftpPrivateKeyPassphrase, index),
            check,
            config.Get(Options.RepoSftpHostKeyHashType, index),
            fingerprint,
            knownHosts.Select(ExpandHome).ToList(),
            StorageFactory.IoTimeout(config),
            prefix);
    }

    /// <summary>A leading <c>~/</c> is the home directory of the user running the command (from /etc/passwd).</summary>
    public static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/", StringComparison.Ordinal)
            ? Common.OwnerNames.HomeDirectory().TrimEnd('/') + path[1..]
            : path;
}
