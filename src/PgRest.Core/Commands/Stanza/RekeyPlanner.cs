namespace PgRest.Commands.Stanza;

/// <summary>Which passphrase an info file (or its .copy) decrypts with, as stanza-rekey finds it.</summary>
public enum KeyState
{
    Old,
    New,
    Unreadable,
    Missing,
}

/// <summary>
/// What stanza-rekey writes for one info file and its .copy: every one not yet under the new passphrase, the .copy
/// before the main file (readers try the main file first, so until the main file is replaced the old passphrase still
/// reads it, and after it the new one reads both), from the plaintext of whichever of the two could be read.
/// </summary>
public static class RekeyPlanner
{
    public sealed record Plan(bool ReadFromCopy, bool WriteCopy, bool WriteMain)
    {
        public bool Done => !WriteCopy && !WriteMain;
    }

    /// <summary>The plan, or null when neither file can be read with either passphrase.</summary>
    public static Plan? Decide(KeyState main, KeyState copy)
    {
        var mainReadable = main is KeyState.Old or KeyState.New;
        var copyReadable = copy is KeyState.Old or KeyState.New;
        if (!mainReadable && !copyReadable)
            return null;
        return new Plan(ReadFromCopy: !mainReadable, WriteCopy: copy != KeyState.New, WriteMain: main != KeyState.New);
    }
}
