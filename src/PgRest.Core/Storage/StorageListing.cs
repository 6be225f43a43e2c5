namespace PgRest.Storage;

/// <summary>Listings reduced to the names the repository code wants, sorted the way pgBackRest sorts them.</summary>
public static class StorageListing
{
    /// <summary>Names of the entries of <paramref name="type"/> directly below <paramref name="path"/> that match, in ordinal order.</summary>
    public static async Task<List<string>> NamesAsync(
        this IStorage storage, string path, StorageEntryType type, Func<string, bool> match, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await foreach (var entry in storage.ListAsync(path, cancellationToken).ConfigureAwait(false))
        {
            if (entry.Type == type && match(entry.Name))
                names.Add(entry.Name);
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }
}
