using PgRest.Common;
using PgRest.Errors;
using PgRest.Filters;
using PgRest.Repository;
using PgRest.Config;

namespace PgRest.Commands.RepoBrowse;

/// <summary>
/// <c>repo-get &lt;path&gt;</c>: writes a repository file to stdout, decrypted but not decompressed, as pgBackRest 2.45
/// does (<c>--raw</c> keeps the stored bytes). The passphrase follows the repository's key hierarchy: the repo
/// passphrase for the info files, archive.info's for WAL, backup.info's for manifests and history manifests, the
/// manifest's for backup files; <c>--cipher-pass</c> overrides it. A missing file is an error, or with
/// <c>--ignore-missing</c> exit code 1 and no output.
/// </summary>
public static class RepoGetCommand
{
    public const int MissingExitCode = 1;

    public static async Task<int> RunAsync(CommandContext context)
    {
        var config = context.Config;
        if (config.Parameters.Count != 1)
            throw new PgRestException(ErrorCode.ParamRequired, "source file required");

        var repo = context.TargetRepo;
        var path = RepoPath.Resolve(repo, config.Parameters[0]);
        string? passphrase = null;
        if (!config.Get(Options.Raw) && repo.Encrypted)
        {
            passphrase = config.Find(Options.CipherPass)
                ?? await PassphraseForAsync(context, repo, path).ConfigureAwait(false)
                ?? throw new PgRestException(ErrorCode.OptionInvalidValue, $"unable to determine cipher passphrase for '{path}'");
        }

        var source = await repo.Storage.OpenReadAsync(path, ignoreMissing: config.Get(Options.IgnoreMissing), cancellationToken: context.Cancellation).ConfigureAwait(false);
        if (source is null)
            return MissingExitCode;

        await using (source.ConfigureAwait(false))
        {
            var plain = passphrase is null ? source : Cipher.Decryptor(source, passphrase, leaveOpen: true);
            await using (plain.ConfigureAwait(false))
            {
                try
                {
                    var stdout = StandardStreams.OpenOutput();
                    await using (stdout.ConfigureAwait(false))
                    {
                        await plain.CopyToAsync(stdout, RepoFiles.CopyBufferSize, context.Cancellation).ConfigureAwait(false);
                        await stdout.FlushAsync(context.Cancellation).ConfigureAwait(false);
                    }
                }
                catch (IOException)
                {
                    // The reader went away (e.g. piped into head): what it wanted it has, as with pgBackRest.
                }
            }
        }

        return 0;
    }

    /// <summary>
    /// The passphrase of <paramref name="path"/>: <c>archive|backup/&lt;stanza&gt;/…</c>; null for anything else
    /// (nothing else should be stored in a repository).
    /// </summary>
    private static async Task<string?> PassphraseForAsync(CommandContext context, Repo repo, string path)
    {
        var parts = path.Split('/');
        if (parts.Length <= 2)
            return null;

        var stanza = parts[1];
        if (context.Config.Stanza is { } configured && configured != stanza)
            throw new PgRestException(ErrorCode.OptionInvalidValue, $"stanza name '{configured}' given in option doesn't match the given path");

        var cancellation = context.Cancellation;
        var fileName = parts[^1];
        if (parts[0] == "archive")
        {
            if (fileName is RepositoryLayout.ArchiveInfoFile or RepositoryLayout.ArchiveInfoFile + RepositoryLayout.CopySuffix)
                return repo.CipherPass;
            return (await WalArchive.LoadInfoAsync(repo, stanza, cancellation).ConfigureAwait(false)).CipherPass;
        }

        if (parts[0] != "backup")
            return null;
        if (path.EndsWith(RepositoryLayout.BackupInfoFile, StringComparison.Ordinal)
            || path.EndsWith(RepositoryLayout.BackupInfoFile + RepositoryLayout.CopySuffix, StringComparison.Ordinal))
        {
            return repo.CipherPass;
        }

        var backupInfo = await BackupStore.LoadInfoAsync(repo, stanza, cancellation).ConfigureAwait(false);
        if (parts[2] == RepositoryLayout.HistoryPath
            || path.EndsWith(RepositoryLayout.ManifestFile, StringComparison.Ordinal)
            || path.EndsWith(RepositoryLayout.ManifestFile + RepositoryLayout.CopySuffix, StringComparison.Ordinal))
        {
            return backupInfo.CipherPass;
        }

        var manifest = await BackupStore.LoadManifestAsync(repo, stanza, parts[2], backupInfo, cancellation).ConfigureAwait(false);
        return manifest.CipherPass;
    }
}
