using System.Security.Cryptography;
using PgRest.Commands.Control;
using PgRest.Common;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Filters;
using PgRest.Info;
using PgRest.Logging;
using PgRest.Postgres;
using PgRest.Repository;

namespace PgRest.Commands.Archive;

/// <summary><c>archive-push %p</c>: store one WAL file from <c>archive_command</c> in every repository.</summary>
public static class ArchivePushCommand
{
    public static async Task RunAsync(CommandContext context)
    {
        var config = context.Config;
        if (config.Parameters.Count == 0)
            throw new PgRestException(ErrorCode.ParamRequired, "WAL segment to push required");

        var walPath = ArchivePaths.Resolve(context, config.Parameters[0]);
        var walName = Path.GetFileName(walPath);
        var stanza = context.Stanza;
        StopFile.ThrowIfStopped(config, stanza);

        if (config.GetBool("archive-async"))
            Log.Detail("archive-async is not implemented yet: WAL is pushed synchronously");

        if (QueueExceeded(config, walPath, out var queueMessage))
        {
            Log.Warn(queueMessage);
            return;
        }

        Log.Timing("archive-push start");
        var pgControl = config.IsSet("pg1-path") ? PgControl.Read(context.PgPath) : null;

        // The SHA-1 names the stored file, so it is computed before the write starts: one read to hash (with the
        // header check on the first block), one to compress and store. The segment is in the page cache, and a small
        // reused buffer costs far less than holding 16 MiB.
        var isSegment = Wal.IsSegment(walName);
        var (sha1, header) = HashWalFile(walPath, isSegment && config.GetBool("archive-header-check"));
        Log.Timing("sha1");
        var compressType = CompressTypes.Parse(config.GetString("compress-type") ?? "gz");
        var compressLevel = config.IsSet("compress-level") ? (int)config.GetInteger("compress-level") : CompressTypes.DefaultLevel(compressType);

        var archiveInfos = await ArchiveInfoLoader.LoadValidAsync(context, stanza).ConfigureAwait(false);
        Log.Timing("archive.info");
        var errors = new List<(Repo Repo, PgRestException Error)>();
        foreach (var (repo, archiveInfo) in archiveInfos.Valid)
        {
            try
            {
                await PushToRepoAsync(context, repo, archiveInfo, stanza, walPath, walName, isSegment, sha1, pgControl, header, compressType, compressLevel).ConfigureAwait(false);
            }
            catch (PgRestException e) when (context.Repos.Count > 1)
            {
                errors.Add((repo, e));
            }
        }

        errors.AddRange(archiveInfos.Failed);
        if (errors.Count > 0)
        {
            throw new PgRestException(ErrorCode.Command,
                $"{context.Repos.Count - errors.Count} of {context.Repos.Count} repositories pushed WAL file '{walName}'; failed:\n" +
                string.Join("\n", errors.Select(e => $"{e.Repo.Name}: [{e.Error.TypeName}] {e.Error.Message}")));
        }

        Log.Timing("pushed");
        Log.Info($"pushed WAL file '{walName}' to the archive");
    }

    private static async Task PushToRepoAsync(
        CommandContext context, Repo repo, ArchiveInfo archiveInfo, string stanza, string walPath, string walName, bool isSegment,
        string sha1, PgControl? pgControl, WalHeader? header, CompressType compressType, int compressLevel)
    {
        var cancellation = context.Cancellation;

        if (pgControl is not null && (pgControl.DbVersion != archiveInfo.DbVersion || pgControl.SystemId != archiveInfo.SystemId))
        {
            throw new PgRestException(ErrorCode.ArchiveMismatch,
                $"PostgreSQL version {pgControl.DbVersion}, system-id {pgControl.SystemId} do not match {repo.Name} stanza version {archiveInfo.DbVersion}, system-id {archiveInfo.SystemId}" +
                "\nHINT: are you archiving to the correct stanza?");
        }

        if (header is not null && (header.DbVersion != archiveInfo.DbVersion || header.SystemId != archiveInfo.SystemId))
        {
            throw new PgRestException(ErrorCode.ArchiveMismatch,
                $"WAL file '{walPath}' version {header.DbVersion}, system-id {header.SystemId} do not match stanza version {archiveInfo.DbVersion}, system-id {archiveInfo.SystemId}");
        }

        var archiveId = archiveInfo.ArchiveId;
        string storedName;
        if (isSegment)
        {
            var existing = await WalArchive.FindSegmentAsync(repo, stanza, archiveId, walName, cancellation).ConfigureAwait(false);
            if (existing.Count > 0)
            {
                if (existing.Any(name => WalArchive.ChecksumOf(name, walName) == sha1))
                {
                    if (context.Config.GetBool("archive-mode-check"))
                    {
                        Log.Warn($"WAL file '{walName}' already exists in the {repo.Name} archive with the same checksum" +
                            "\nHINT: this is valid in some recovery scenarios but may also indicate a problem.");
                    }

                    return;
                }

                throw new PgRestException(ErrorCode.ArchiveDuplicate, $"WAL file '{walName}' already exists in the {repo.Name} archive with a different checksum");
            }

            storedName = walName + "-" + sha1 + CompressTypes.Extension(compressType);
        }
        else
        {
            // History and backup history files are stored under their own name and never compressed.
            storedName = walName;
            compressType = CompressType.None;
        }

        var path = RepositoryLayout.ArchiveFilePath(stanza, archiveId, storedName);
        await RepoFiles.StoreFileAsync(repo, path, walPath, compressType, compressLevel, archiveInfo.CipherPass, cancellation).ConfigureAwait(false);
    }

    private static (string Sha1, WalHeader? Header) HashWalFile(string walPath, bool readHeader)
    {
        using var source = OpenWal(walPath);
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(RepoFiles.CopyBufferSize);
        try
        {
            WalHeader? header = null;
            int read;
            while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (readHeader && header is null)
                    header = WalHeader.Read(buffer.AsSpan(0, read));
                sha1.AppendData(buffer, 0, read);
            }

            return (Hex.ToLower(sha1.GetHashAndReset()), header);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static BlockingFileStream OpenWal(string walPath)
    {
        try
        {
            return BlockingFileStream.OpenRead(walPath);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new PgRestException(ErrorCode.FileMissing, $"unable to open missing file '{walPath}' for read");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new PgRestException(ErrorCode.FileOpen, $"unable to open file '{walPath}' for read: {e.Message}");
        }
    }

    /// <summary><c>archive-push-queue-max</c>: when the ready queue is over the limit, drop the WAL (PITR gap) rather than fill the disk.</summary>
    private static bool QueueExceeded(Configuration config, string walPath, out string message)
    {
        message = "";
        if (!config.IsSet("archive-push-queue-max"))
            return false;
        var queueMax = config.GetSize("archive-push-queue-max");
        var statusPath = Path.Combine(Path.GetDirectoryName(walPath)!, "archive_status");
        if (!Directory.Exists(statusPath))
            return false;
        var ready = Directory.GetFiles(statusPath, "*.ready");
        if (ready.Length == 0)
            return false;
        var firstSize = new FileInfo(walPath).Length;
        if ((long)ready.Length * firstSize <= queueMax)
            return false;
        message = $"dropped WAL file '{Path.GetFileName(walPath)}' because archive queue exceeded {Format.Size(queueMax)}";
        return true;
    }
}
