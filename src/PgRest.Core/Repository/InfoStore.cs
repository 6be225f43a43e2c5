using System.Text;
using PgRest.Errors;
using PgRest.Filters;

namespace PgRest.Repository;

/// <summary>
/// Loads and saves info files and manifests the way pgBackRest does: the main file, falling back to the
/// <c>.copy</c> on any error; saves write the identical bytes to both, each atomically.
/// </summary>
public static class InfoStore
{
    public static async Task<T?> LoadAsync<T>(Repo repo, string path, string? passphrase, Func<string, T> parse, bool ignoreMissing, CancellationToken cancellationToken)
        where T : class
    {
        Exception? mainError;
        try
        {
            var text = await ReadTextAsync(repo, path, passphrase, cancellationToken).ConfigureAwait(false);
            if (text is not null)
                return parse(text);
            mainError = new PgRestException(ErrorCode.FileMissing, $"unable to open missing file '{repo.Display(path)}' for read");
        }
        catch (PgRestException e)
        {
            mainError = e;
        }

        Exception copyError;
        var copyPath = path + RepositoryLayout.CopySuffix;
        try
        {
            var text = await ReadTextAsync(repo, copyPath, passphrase, cancellationToken).ConfigureAwait(false);
            if (text is not null)
                return parse(text);
            copyError = new PgRestException(ErrorCode.FileMissing, $"unable to open missing file '{repo.Display(copyPath)}' for read");
        }
        catch (PgRestException e)
        {
            copyError = e;
        }

        var bothMissing = mainError is PgRestException { Code: ErrorCode.FileMissing } && copyError is PgRestException { Code: ErrorCode.FileMissing };
        if (bothMissing && ignoreMissing)
            return null;

        var code = bothMissing ? ErrorCode.FileMissing
            : mainError is PgRestException { Code: not ErrorCode.FileMissing } m ? m.Code
            : copyError is PgRestException c ? c.Code : ErrorCode.FileOpen;
        throw new PgRestException(code,
            $"unable to load info file '{repo.Display(path)}' or '{repo.Display(copyPath)}':\n" +
            $"{Describe(mainError)}\n{Describe(copyError)}");
    }

    private static string Describe(Exception e) => e is PgRestException p ? p.TypeName + ": " + p.Message : e.Message;

    public static async Task<string?> ReadTextAsync(Repo repo, string path, string? passphrase, CancellationToken cancellationToken)
    {
        var stream = await repo.Storage.OpenReadAsync(path, ignoreMissing: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (stream is null)
            return null;
        await using (stream.ConfigureAwait(false))
        {
            Stream source = passphrase is null ? stream : Cipher.Decryptor(stream, passphrase);
            await using (source.ConfigureAwait(false))
            {
                using var buffer = new MemoryStream();
                await source.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
            }
        }
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> and then to its <c>.copy</c>.</summary>
    public static async Task SaveAsync(Repo repo, string path, string text, string? passphrase, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        await WriteBytesAsync(repo, path, bytes, passphrase, cancellationToken).ConfigureAwait(false);
        await WriteBytesAsync(repo, path + RepositoryLayout.CopySuffix, bytes, passphrase, cancellationToken).ConfigureAwait(false);
    }

    public static async Task WriteBytesAsync(Repo repo, string path, ReadOnlyMemory<byte> bytes, string? passphrase, CancellationToken cancellationToken)
    {
        var destination = await repo.Storage.OpenWriteAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (destination.ConfigureAwait(false))
        {
            if (passphrase is null)
            {
                await destination.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var encryptor = Cipher.Encryptor(destination, passphrase, leaveOpen: true);
                await using (encryptor.ConfigureAwait(false))
                    await encryptor.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            }

            await destination.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
