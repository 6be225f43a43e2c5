using System.Text;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Info;
using PgRest.Logging;
using PgRest.Repository;

namespace PgRest.Commands.Stanza;

/// <summary>
/// <c>stanza-rekey</c> (pgrest only): re-encrypts archive.info and backup.info (and their .copy) of the stanza with
/// <c>repoN-cipher-pass-new</c>. Everything else in the repository is encrypted with sub-passphrases stored inside
/// those two files, which keep their plaintext byte for byte, so nothing else is touched. Each file is replaced whole
/// (<see cref="RekeyPlanner"/> says which and in what order), so a crash leaves every file readable with one of the
/// two passphrases and a rerun finishes the job.
/// </summary>
public static class StanzaRekeyCommand
{
    public static async Task RunAsync(CommandContext context)
    {
        var stanza = context.Stanza;
        Control.StopFile.ThrowIfStopped(context.Config, stanza);
        var repos = SelectRepos(context);
        foreach (var (repo, newPass) in repos)
        {
            foreach (var path in new[] { RepositoryLayout.ArchiveInfoPath(stanza), RepositoryLayout.BackupInfoPath(stanza) })
                await RekeyFileAsync(context, repo, path, newPass).ConfigureAwait(false);
            Log.Info($"{repo.Name}: archive.info and backup.info of stanza '{stanza}' are encrypted with the new passphrase");
        }
    }

    /// <summary>--repo, or every repository with a new passphrase; each must be encrypted and get a different passphrase.</summary>
    private static List<(Repo Repo, string NewPass)> SelectRepos(CommandContext context)
    {
        var config = context.Config;
        var selected = new List<(Repo, string)>();
        foreach (var repo in context.Repos)
        {
            var newPass = config.Find(Options.RepoCipherPassNew, repo.Index);
            if (newPass is null && !context.RepoSelected)
                continue;
            if (repo.CipherPass is null)
            {
                throw new PgRestException(ErrorCode.OptionInvalid,
                    $"{repo.Name} is not encrypted: stanza-rekey only changes the passphrase of an encrypted repository\n"
                    + $"HINT: encryption cannot be turned on for an existing repository; configure a new one with {Options.RepoCipherType.IndexedName(repo.Index)}=aes-256-cbc and take a full backup there.");
            }

            if (string.IsNullOrEmpty(newPass))
            {
                throw new PgRestException(ErrorCode.OptionRequired,
                    $"stanza-rekey command requires option: {Options.RepoCipherPassNew.IndexedName(repo.Index)}\n"
                    + $"HINT: set the new passphrase in the configuration file or in {Options.RepoCipherPassNew.Definition.EnvironmentName(repo.Index)}.");
            }

            if (newPass == repo.CipherPass)
            {
                throw new PgRestException(ErrorCode.OptionInvalidValue,
                    $"{Options.RepoCipherPassNew.IndexedName(repo.Index)} is the passphrase the repository already has");
            }

            selected.Add((repo, newPass));
        }

        if (selected.Count == 0)
        {
            throw new PgRestException(ErrorCode.OptionRequired,
                $"stanza-rekey command requires option: {Options.RepoCipherPassNew.IndexedName(context.Repos[0].Index)}\n"
                + "HINT: set repoN-cipher-pass-new for each repository to rekey, or select one with --repo.");
        }

        return selected;
    }

    private static async Task RekeyFileAsync(CommandContext context, Repo repo, string path, string newPass)
    {
        var cancellation = context.Cancellation;
        var copyPath = path + RepositoryLayout.CopySuffix;
        var (mainState, mainText) = await ProbeAsync(repo, path, newPass, cancellation).ConfigureAwait(false);
        var (copyState, copyText) = await ProbeAsync(repo, copyPath, newPass, cancellation).ConfigureAwait(false);
        var plan = RekeyPlanner.Decide(mainState, copyState);
        if (plan is null)
        {
            throw mainState == KeyState.Missing && copyState == KeyState.Missing
                ? new PgRestException(ErrorCode.FileMissing, $"unable to rekey '{repo.Display(path)}': it and its .copy are missing\nHINT: has a stanza-create been performed?")
                : new PgRestException(ErrorCode.Crypto,
                    $"unable to rekey '{repo.Display(path)}': neither it nor its .copy can be decrypted with {Options.RepoCipherPass.IndexedName(repo.Index)} or {Options.RepoCipherPassNew.IndexedName(repo.Index)}");
        }

        var plain = Encoding.UTF8.GetBytes(plan.ReadFromCopy ? copyText! : mainText!);
        if (plan.WriteCopy)
            await InfoStore.WriteBytesAsync(repo, copyPath, plain, newPass, cancellation).ConfigureAwait(false);
        if (plan.WriteMain)
            await InfoStore.WriteBytesAsync(repo, path, plain, newPass, cancellation).ConfigureAwait(false);
        Log.Detail(plan.Done ? $"{repo.Display(path)} already has the new passphrase" : $"{repo.Display(path)} re-encrypted");
    }

    /// <summary>Which passphrase the file decrypts to a valid info file with (checksum included), and its text.</summary>
    private static async Task<(KeyState State, string? Text)> ProbeAsync(Repo repo, string path, string newPass, CancellationToken cancellation)
    {
        foreach (var (state, pass) in new[] { (KeyState.Old, repo.CipherPass!), (KeyState.New, newPass) })
        {
            try
            {
                var text = await InfoStore.ReadTextAsync(repo, path, pass, cancellation).ConfigureAwait(false);
                if (text is null)
                    return (KeyState.Missing, null);
                InfoFile.Parse(text);
                return (state, text);
            }
            catch (PgRestException e) when (e.Code is ErrorCode.Crypto or ErrorCode.Format or ErrorCode.Checksum)
            {
                // Not this passphrase (or damaged): the next one is tried.
            }
        }

        return (KeyState.Unreadable, null);
    }
}
