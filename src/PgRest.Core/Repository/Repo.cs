using PgRest.Storage;

namespace PgRest.Repository;

/// <summary>One configured repository (<c>repoN-*</c>): its storage and its encryption settings.</summary>
public sealed class Repo
{
    public Repo(int index, IStorage storage, string displayRoot, string? cipherPass)
    {
        Index = index;
        Storage = storage;
        DisplayRoot = displayRoot;
        CipherPass = cipherPass;
    }

    /// <summary>The N of repoN.</summary>
    public int Index { get; }

    public string Name => "repo" + Index;

    public IStorage Storage { get; }

    /// <summary>How paths are shown in messages (the repo path for posix).</summary>
    public string DisplayRoot { get; }

    /// <summary>The user's passphrase (<c>repoN-cipher-pass</c>) when the repo is encrypted; null otherwise.</summary>
    public string? CipherPass { get; }

    public bool Encrypted => CipherPass is not null;

    public string Display(string path) => DisplayRoot.EndsWith('/') ? DisplayRoot + path : DisplayRoot + "/" + path;
}
