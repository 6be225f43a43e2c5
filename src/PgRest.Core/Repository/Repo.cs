using PgRest.Storage;

namespace PgRest.Repository;

/// <summary>One configured repository (<c>repoN-*</c>): its storage and its encryption settings.</summary>
public sealed class Repo
{
    private readonly Lazy<string> _displayRoot;
    private readonly Lazy<string?> _cipherPass;

    public Repo(int index, IStorage storage, string displayRoot, string? cipherPass)
        : this(index, storage, new Lazy<string>(displayRoot), new Lazy<string?>(cipherPass))
    {
    }

    /// <summary>A repository whose root and passphrase are learnt on first use (one on another host: connecting is
    /// deferred until a command touches it, so info can report an unreachable host as that repository's status).</summary>
    public Repo(int index, IStorage storage, Lazy<string> displayRoot, Lazy<string?> cipherPass)
    {
        Index = index;
        Storage = storage;
        _displayRoot = displayRoot;
        _cipherPass = cipherPass;
    }

    /// <summary>The N of repoN.</summary>
    public int Index { get; }

    public string Name => "repo" + Index;

    public IStorage Storage { get; }

    /// <summary>How paths are shown in messages (the repo path for posix).</summary>
    public string DisplayRoot => _displayRoot.Value;

    /// <summary>The user's passphrase (<c>repoN-cipher-pass</c>) when the repo is encrypted; null otherwise.</summary>
    public string? CipherPass => _cipherPass.Value;

    public bool Encrypted => CipherPass is not null;

    /// <summary>
    /// <see cref="Encrypted"/> for reports: false when a repository host could not be asked (pgBackRest then shows this
    /// host's own setting, none) rather than failing the whole report.
    /// </summary>
    public bool EncryptedAsReported
    {
        get
        {
            try
            {
                return Encrypted;
            }
            catch (Errors.PgRestException)
            {
                return false;
            }
        }
    }

    public string Display(string path) => DisplayRoot.EndsWith('/') ? DisplayRoot + path : DisplayRoot + "/" + path;
}
