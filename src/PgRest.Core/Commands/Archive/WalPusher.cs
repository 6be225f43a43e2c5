using System.Security.Cryptography;
using PgRest.Common;
using PgRest.Errors;
using PgRest.Filters;
using PgRest.Info;
using PgRest.Postgres;
using PgRest.Repository;
using PgRest.Config;

namespace PgRest.Commands.Archive;

/// <summary>
/// Pushes WAL files to every repository: the settings, pg_control and archive.info are read once, so the async worker
/// can push many segments (in parallel) with one instance.
/// </summary>
internal sealed class WalPusher
{
    private readonly CommandContext _context;
    private readonly string _stanza;
    private readonly PgControl? _pgControl;
    private readonly ArchiveInfoLoader.Result _archiveInfos;
    private readonly CompressType _compressType;
    private readonly int _compressLevel;
    private readonly bool _headerCheck;
    private readonly bool _modeCheck;

    private WalPusher(CommandContext context, PgControl? pgControl, ArchiveInfoLoader.Result archiveInfos)
    {
        var config = context.Config;
        _context = context;
        _stanza = context.Stanza;
        _pgControl = pgControl;
        _archiveInfos = archiveInfos;
        _compressType = CompressTypes.Parse(config.Get(Options.CompressType));
        _compressLevel = config.Find(Options.CompressLevel) is { } level ? (int)level : CompressTypes.DefaultLevel(_compressType);
        _headerCheck = config.Get(Options.ArchiveHeaderCheck);
        _modeCheck = config.Get(Options.ArchiveModeCheck);
    }

    public static async Task<WalPusher> CreateAsync(CommandContext context)
    {
        var pgControl = context.Config.IsSet(Options.PgPath, 1) ? PgControl.Read(context.PgPath) : null;
        var archiveInfos = await ArchiveInfoLoader.LoadValidAsync(context, context.Stanza).ConfigureAwait(false);
        return new WalPusher(context, pgControl, archiveInfos);
    }

    /// <summary>Pushes one file; returns the warnings (e.g. already archived with the same checksum).</summary>
    public async Task<IReadOnlyList<string>> PushAsync(string walPath)
    {
        var walName = Path.GetFileName(walPath);
        // The SHA-1 names the stored file. A repository that names a write at commit (posix) gets the segment in one
        // pass, hashed on another core while it is compressed and written; otherwise it is hashed first (with the header
        // check on the first block), then read again to compress and store. The segment is in the page cache, and small
        // reused buffers cost far less than holding 16 MiB.
        var isSegment = Wal.IsSegment(walName);
        var valid = _archiveInfos.Valid;
        var onePass = isSegment && valid.Count == 1 && valid[0].Repo.Storage.Features.HasFlag(Storage.StorageFeatures.NameAtCommit);
        var (sha1, header) = onePass ? (null, ReadWalHeader(walPath, isSegment && _headerCheck)) : HashWalFile(walPath, isSegment && _headerCheck);
        Logging.Log.Timing("sha1");

        var warnings = new List<string>();
        var errors = new List<(Repo Repo, PgRestException Error)>();
        if (valid.Count == 1)
        {
            var (repo, archiveInfo) = valid[0];
            try
            {
                if (await PushToRepoAsync(repo, archiveInfo, walPath, walName, isSegment, sha1, header).ConfigureAwait(false) is { } warning)
                    warnings.Add(warning);
            }
            catch (PgRestException e) when (_context.Repos.Count > 1)
            {
                errors.Add((repo, e));
            }
            catch (StoreFailedException e)
            {
                errors.Add((repo, e.Error));
            }
        }
        else
        {
            // Repositories are usually in different places (a disk, a bucket in another region): push to all at once,
            // so the segment is done when the slowest one is, not after the sum of them.
            var pushes = new Task<string?>[valid.Count];
            for (var index = 0; index < pushes.Length; index++)
                pushes[index] = PushToRepoAsync(valid[index].Repo, valid[index].Info, walPath, walName, isSegment, sha1, header);
            for (var index = 0; index < pushes.Length; index++)
            {
                try
                {
                    if (await pushes[index].ConfigureAwait(false) is { } warning)
                        warnings.Add(warning);
                }
                catch (PgRestException e)
                {
                    errors.Add((valid[index].Repo, e));
                }
                catch (StoreFailedException e)
                {
                    errors.Add((valid[index].Repo, e.Error));
                }
            }
        }

        errors.AddRange(_archiveInfos.Failed);
        if (errors.Count > 0)
        {
            throw new PgRestException(ErrorCode.Command,
                $"{_context.Repos.Count - errors.Count} of {_context.Repos.Count} repositories pushed WAL file '{walName}'; failed:\n" +
                string.Join("\n", errors.Select(e => $"{e.Repo.Name}: [{e.Error.TypeName}] {e.Error.Message}")));
        }

        return warnings;
    }

    /// <param name="sha1">Null: not hashed yet; stored in one pass (<see cref="RepoFiles.StoreFileNamedBySha1Async"/>).</param>
    private async Task<string?> PushToRepoAsync(Repo repo, ArchiveInfo archiveInfo, string walPath, string walName, bool isSegment, string? sha1, WalHeader? header)
    {
        var cancellation = _context.Cancellation;
        if (_pgControl is not null && (_pgControl.DbVersion != archiveInfo.DbVersion || _pgControl.SystemId != archiveInfo.SystemId))
        {
            throw new PgRestException(ErrorCode.ArchiveMismatch,
                $"PostgreSQL version {_pgControl.DbVersion}, system-id {_pgControl.SystemId} do not match {repo.Name} stanza version {archiveInfo.DbVersion}, system-id {archiveInfo.SystemId}" +
                "\nHINT: are you archiving to the correct stanza?");
        }

        if (header is not null && (header.DbVersion != archiveInfo.DbVersion || header.SystemId != archiveInfo.SystemId))
        {
            throw new PgRestException(ErrorCode.ArchiveMismatch,
                $"WAL file '{walPath}' version {header.DbVersion}, system-id {header.SystemId} do not match stanza version {archiveInfo.DbVersion}, system-id {archiveInfo.SystemId}");
        }

        var archiveId = archiveInfo.ArchiveId;
        var compressType = _compressType;
        string storedName;
        if (isSegment)
        {
            var existing = await WalArchive.FindSegmentAsync(repo, _stanza, archiveId, walName, cancellation).ConfigureAwait(false);
            if (existing.Count > 0)
            {
                sha1 ??= HashWalFile(walPath, readHeader: false).Sha1;
                if (existing.Any(name => Wal.StoredChecksum(name, walName) == sha1))
                {
                    return _modeCheck
                        ? $"WAL file '{walName}' already exists in the {repo.Name} archive with the same checksum" +
                          "\nHINT: this is valid in some recovery scenarios but may also indicate a problem."
                        : null;
                }

                throw new PgRestException(ErrorCode.ArchiveDuplicate, $"WAL file '{walName}' already exists in the {repo.Name} archive with a different checksum");
            }

            if (sha1 is null)
            {
                var extension = CompressTypes.Extension(compressType);
                await StoreAsync(() => RepoFiles.StoreFileNamedBySha1Async(repo, RepositoryLayout.ArchiveFilePath(_stanza, archiveId, walName), walPath, compressType,
                    _compressLevel, archiveInfo.CipherPass, hash => walName + "-" + hash + extension, cancellation)).ConfigureAwait(false);
                return null;
            }

            storedName = walName + "-" + sha1 + CompressTypes.Extension(compressType);
        }
        else
        {
            // History and backup history files are stored under their own name and never compressed.
            storedName = walName;
            compressType = CompressType.None;
        }

        var path = RepositoryLayout.ArchiveFilePath(_stanza, archiveId, storedName);
        await StoreAsync(() => RepoFiles.StoreFileAsync(repo, path, walPath, compressType, _compressLevel, archiveInfo.CipherPass, cancellation)).ConfigureAwait(false);
        return null;
    }

    private static async Task StoreAsync(Func<Task> store)
    {
        try
        {
            await store().ConfigureAwait(false);
        }
        catch (PgRestException e)
        {
            // As pgBackRest, a repository that cannot take the write (full, read-only, unreachable) is reported per
            // repository under [104], even when it is the only one.
            throw new StoreFailedException(e);
        }
    }

    /// <summary>Opens the file (a missing one fails here, as when hashing first) and reads its header when asked.</summary>
    private static WalHeader? ReadWalHeader(string walPath, bool readHeader)
    {
        using var source = OpenWal(walPath);
        if (!readHeader)
            return null;
        Span<byte> first = stackalloc byte[8192];
        var read = source.ReadAtLeast(first, first.Length, throwOnEndOfStream: false);
        return read == 0 ? null : WalHeader.Read(first[..read]);
    }

    /// <summary>An error of the write itself, as opposed to the checks before it.</summary>
    private sealed class StoreFailedException(PgRestException error) : Exception(error.Message, error)
    {
        public PgRestException Error { get; } = error;
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

            return (Convert.ToHexStringLower(sha1.GetHashAndReset()), header);
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
}
