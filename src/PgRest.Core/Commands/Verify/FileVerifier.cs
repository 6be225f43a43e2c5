using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using PgRest.Errors;
using PgRest.Filters;
using PgRest.Logging;
using PgRest.Repository;

namespace PgRest.Commands.Verify;

/// <summary>Outcome of checking one stored file, in the order pgBackRest reports them.</summary>
internal enum VerifyResult
{
    Ok,
    FileMissing,
    ChecksumMismatch,
    SizeInvalid,
    OtherError,
}

/// <summary>
/// One stored file to check: bytes <paramref name="Offset"/>..+<paramref name="Limit"/> of <paramref name="RepoPath"/>,
/// decrypted and decompressed, must have SHA-1 <paramref name="ExpectedSha1"/> and <paramref name="ExpectedSize"/> bytes.
/// </summary>
internal sealed record FileCheck(
    string RepoPath, long Offset, long? Limit, CompressType CompressType, bool Raw, string ExpectedSha1, ulong ExpectedSize,
    string? CipherPass);

/// <summary>The result of a <see cref="FileCheck"/>; <see cref="Error"/> says what went wrong for <see cref="VerifyResult.OtherError"/>.</summary>
internal readonly record struct FileCheckOutcome(VerifyResult Result, PgRestException? Error = null);

/// <summary>An info file or manifest as verify loads it: the parsed value (when asked for), the SHA-1 of its plain bytes, or the error.</summary>
internal sealed record LoadedInfoFile<T>(T? Value, string? Sha1, ErrorCode? Error) where T : class
{
    public bool Usable => Error is null;
}

/// <summary>Reads stored files through the pipeline and compares them with what the repository says they are.</summary>
internal static class FileVerifier
{
    private const int BufferSize = 256 * 1024;

    /// <summary>
    /// Checksum first, then size (pgBackRest's order: a truncated file is a checksum error). A file that cannot be
    /// read or decoded (corrupt compressed stream, wrong passphrase) is <see cref="VerifyResult.OtherError"/>.
    /// </summary>
    public static async Task<FileCheckOutcome> CheckAsync(Repo repo, FileCheck check, CancellationToken cancellationToken)
    {
        try
        {
            var source = await repo.Storage.OpenReadAsync(check.RepoPath, check.Offset, check.Limit, ignoreMissing: true, cancellationToken).ConfigureAwait(false);
            if (source is null)
                return new FileCheckOutcome(VerifyResult.FileMissing);

            var pipeline = Pipeline.Read(source, check.CompressType, check.CipherPass, check.Raw);
            await using (pipeline.ConfigureAwait(false))
            {
                await DrainAsync(pipeline.Output, cancellationToken).ConfigureAwait(false);
                if (!string.Equals(pipeline.Sha1Hex, check.ExpectedSha1, StringComparison.OrdinalIgnoreCase))
                    return new FileCheckOutcome(VerifyResult.ChecksumMismatch);
                if ((ulong)pipeline.Size != check.ExpectedSize)
                    return new FileCheckOutcome(VerifyResult.SizeInvalid);
                return new FileCheckOutcome(VerifyResult.Ok);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new FileCheckOutcome(VerifyResult.OtherError, AsPgRestException(e));
        }
    }

    /// <summary>The first <paramref name="count"/> plain bytes of a stored file (e.g. a WAL segment's header).</summary>
    public static async Task<byte[]> ReadHeadAsync(Repo repo, string path, CompressType compressType, string? cipherPass, int count, CancellationToken cancellationToken)
    {
        var source = (await repo.Storage.OpenReadAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false))!;
        var pipeline = Pipeline.Read(source, compressType, cipherPass);
        await using (pipeline.ConfigureAwait(false))
        {
            var head = new byte[count];
            var read = await pipeline.Output.ReadAtLeastAsync(head, count, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read < count)
                throw new PgRestException(ErrorCode.FileRead, $"unable to read {count} byte(s) from '{repo.Display(path)}'");
            return head;
        }
    }

    /// <summary>
    /// Loads an info file or manifest on its own (no fallback to the copy: verify judges each file). With a null
    /// <paramref name="parse"/> the file is only read and hashed, as pgBackRest does for the copy of a good file.
    /// Every problem is logged at detail level and returned as the error code.
    /// </summary>
    public static async Task<LoadedInfoFile<T>> LoadInfoAsync<T>(Repo repo, string path, string? cipherPass, Func<string, T>? parse, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var stream = await repo.Storage.OpenReadAsync(path, ignoreMissing: true, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (stream is null)
                throw new PgRestException(ErrorCode.FileMissing, $"unable to open missing file '{repo.Display(path)}' for read");

            byte[] bytes;
            await using (stream.ConfigureAwait(false))
            {
                var plain = cipherPass is null ? stream : Cipher.Decryptor(stream, cipherPass, leaveOpen: true);
                await using (plain.ConfigureAwait(false))
                {
                    using var buffer = new MemoryStream();
                    await plain.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                    bytes = buffer.ToArray();
                }
            }

            var sha1 = Convert.ToHexStringLower(SHA1.HashData(bytes));
            var value = parse?.Invoke(Encoding.UTF8.GetString(bytes));
            return new LoadedInfoFile<T>(value, sha1, null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var error = AsPgRestException(e);
            // A checksum message does not name the file; add it so the log says which one is damaged.
            Log.Detail(error.Code == ErrorCode.Checksum ? $"{error.Message} {repo.Display(path)}" : error.Message);
            return new LoadedInfoFile<T>(null, null, error.Code);
        }
    }

    private static async Task DrainAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (await stream.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false) > 0)
            {
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static PgRestException AsPgRestException(Exception e) => e switch
    {
        PgRestException pgRest => pgRest,
        CryptographicException => new PgRestException(ErrorCode.Crypto, e.Message, e),
        InvalidDataException => new PgRestException(ErrorCode.Format, e.Message, e),
        IOException or UnauthorizedAccessException => new PgRestException(ErrorCode.FileRead, e.Message, e),
        _ => new PgRestException(ErrorCode.Unknown, $"{e.GetType().Name}: {e.Message}", e),
    };
}
