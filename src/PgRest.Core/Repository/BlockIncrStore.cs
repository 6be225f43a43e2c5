using PgRest.BlockIncr;
using PgRest.Errors;
using PgRest.Filters;
using PgRest.Info;

namespace PgRest.Repository;

/// <summary>
/// Where a block-incremental file's super blocks and map are in a repository (pgbackrest-after-2.45.md, "2.4 What is
/// stored"): in a bundle at <c>bno</c>, or in <c>&lt;name&gt;.pgbi</c>, the map in the last <c>bim</c> bytes.
/// </summary>
public static class BlockIncrStore
{
    /// <summary>The repository file holding the super blocks of <paramref name="file"/> that backup <paramref name="label"/> stored.</summary>
    public static string StoredPath(string stanza, string label, ManifestFile file, ulong bundleId) =>
        bundleId > 0
            ? RepositoryLayout.BundlePath(stanza, label, bundleId)
            : RepositoryLayout.BlockIncrFilePath(stanza, label, file.Name);

    /// <summary>Reads and decodes the file's map from the backup its entry references (decrypted raw, never compressed).</summary>
    public static async Task<BlockMap> ReadMapAsync(Repo repo, string stanza, Manifest manifest, ManifestFile file, CancellationToken cancellationToken)
    {
        if (file.BlockIncrMapSize == 0 || file.BlockIncrMapSize > file.EffectiveRepoSize)
            throw new PgRestException(ErrorCode.Format, $"block map of '{file.Name}' in backup {manifest.Label} has invalid size {file.BlockIncrMapSize}");
        string label = manifest.ReferenceOf(file);
        string path = StoredPath(stanza, label, file, file.BundleId ?? 0);
        long offset = (long)(file.BundleOffset + file.EffectiveRepoSize - file.BlockIncrMapSize);
        var source = (await repo.Storage.OpenReadAsync(path, offset, (long)file.BlockIncrMapSize, cancellationToken: cancellationToken).ConfigureAwait(false))!;
        ReadPipeline pipeline;
        try
        {
            pipeline = Pipeline.Read(source, CompressType.None, manifest.CipherPass, raw: true);
        }
        catch
        {
            await source.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        await using (pipeline.ConfigureAwait(false))
        {
            using var bytes = new MemoryStream((int)file.BlockIncrMapSize);
            await pipeline.Output.CopyToAsync(bytes, cancellationToken).ConfigureAwait(false);
            try
            {
                return BlockMap.Decode(bytes.GetBuffer().AsSpan(0, (int)bytes.Length), (int)file.BlockIncrSize, (int)file.BlockIncrChecksumSize);
            }
            catch (PgRestException e) when (e.Code == ErrorCode.Format)
            {
                throw new PgRestException(ErrorCode.Format, $"{e.Message} of '{file.Name}' in {repo.Display(path)}");
            }
        }
    }

    /// <summary>
    /// pgBackRest 2.45 wrote block incremental in a beta format that 2.46 and later cannot read, and nothing but the
    /// manifest's version tells them apart.
    /// </summary>
    public static void RefuseBetaFormat(Manifest manifest)
    {
        if (UsesBetaFormat(manifest))
        {
            var version = manifest.BackrestVersion;
            throw new PgRestException(ErrorCode.FeatureNotSupported,
                $"backup set {manifest.Label} was written by pgBackRest {version} with block incremental in its beta format, " +
                "which no later version reads\nHINT: restore it with pgBackRest 2.45, or take a new backup.");
        }
    }

    /// <summary>Whether the manifest has block-incremental files in 2.45's beta format.</summary>
    public static bool UsesBetaFormat(Manifest manifest) =>
        (manifest.BlockIncr || manifest.Files.Exists(f => f.BlockIncrSize > 0)) && manifest.BackrestVersion is { } version && IsBeforeFormat(version);

    /// <summary>Versions before 2.46, the first with the block incremental format pgrest reads.</summary>
    internal static bool IsBeforeFormat(string version)
    {
        var parts = version.Split('.');
        return parts.Length >= 2 && int.TryParse(parts[0], out int major) && int.TryParse(parts[1], out int minor) &&
               (major < 2 || major == 2 && minor < 46);
    }
}
