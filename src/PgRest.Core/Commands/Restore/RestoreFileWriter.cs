using System.Security.Cryptography;
using PgRest.Common;
using PgRest.Errors;
using PgRest.Filters;
using PgRest.Info;
using PgRest.Logging;
using PgRest.Postgres;
using PgRest.Repository;
using PgRest.Config;

namespace PgRest.Commands.Restore;

/// <summary>
/// Writes manifest entries to disk: directories and links first, then files with <c>process-max</c> in flight, each
/// read once from the repository (decrypt → decompress → SHA-1) and checked against the manifest.
/// </summary>
internal sealed class RestoreFileWriter
{
    private const int BufferSize = 1024 * 1024;

    private readonly CommandContext _context;
    private readonly Repo _repo;
    private readonly string _stanza;
    private readonly Manifest _manifest;
    private readonly RestoreLayout _layout;
    private readonly bool _delta;
    private readonly bool _force;
    private readonly SelectiveRestore? _selective;
    private readonly CompressType _compressType;
    private readonly BlockIncrRestore _blockIncr;
    private readonly bool _root = Native.GetEffectiveUserId() == 0;
    private long _restoredBytes;
    private long _totalBytes;

    public RestoreFileWriter(CommandContext context, Repo repo, string stanza, Manifest manifest, RestoreLayout layout, bool delta, bool force,
        SelectiveRestore? selective = null)
    {
        _selective = selective;
        _context = context;
        _repo = repo;
        _stanza = stanza;
        _manifest = manifest;
        _layout = layout;
        _delta = delta;
        _force = force;
        _compressType = CompressTypes.Parse(manifest.Options.CompressType);
        _blockIncr = new BlockIncrRestore(repo, stanza, manifest, _compressType);
        _totalBytes = manifest.Files.Sum(f => (long)f.Size);
    }

    public long RestoredBytes => Interlocked.Read(ref _restoredBytes);

    public Task PrepareDirectoriesAsync()
    {
        foreach (var (_, path) in _layout.Tablespaces)
            Directory.CreateDirectory(path);

        foreach (var path in _manifest.Paths.Where(p => RestoreLayout.HasLocation(p.Name)).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            var local = _layout.LocalPath(path.Name);
            if (File.Exists(local) || new FileInfo(local).LinkTarget is not null && path.Name.StartsWith("pg_data/", StringComparison.Ordinal) && IsLinkEntry(path.Name))
                continue;
            Directory.CreateDirectory(local);
            File.SetUnixFileMode(local, _manifest.EffectiveMode(path));
            SetOwner(local, _manifest.EffectiveUser(path), _manifest.EffectiveGroup(path));
        }

        foreach (var link in _manifest.Links)
        {
            var local = _layout.PgPath + link.Name[7..];
            var existing = new FileInfo(local);
            if (existing.LinkTarget == link.Destination)
                continue;
            if (existing.LinkTarget is not null || existing.Exists)
                File.Delete(local);
            else if (Directory.Exists(local))
                Directory.Delete(local, recursive: true);
            Directory.CreateDirectory(Path.GetDirectoryName(local)!);
            File.CreateSymbolicLink(local, link.Destination);
            SetOwner(local, _manifest.EffectiveUser(link), _manifest.EffectiveGroup(link));
        }

        return Task.CompletedTask;
    }

    private bool IsLinkEntry(string name) => _manifest.Links.Any(l => l.Name == name);

    public async Task RestoreFilesAsync(IEnumerable<ManifestFile> files)
    {
        var options = new ParallelOptions
        {
            MaxDegreeOfParallelism = (int)Math.Max(1, _context.Config.Get(Options.ProcessMax)),
            CancellationToken = _context.Cancellation,
        };
        var ordered = files.OrderByDescending(f => f.Size).ToList();
        using var progress = new ProgressMeter("restore", ordered.Sum(f => (long)f.Size), ordered.Count, ProgressMeter.LineWanted(_context.Config.Get(Options.Progress)));
        _progress = progress;
        await Parallel.ForEachAsync(ordered, options, RestoreFileAsync).ConfigureAwait(false);
        _progress = null;
    }

    private ProgressMeter? _progress;

    private async ValueTask RestoreFileAsync(ManifestFile file, CancellationToken cancellation)
    {
        var isControl = file.Name == "pg_data/global/pg_control";
        var local = _layout.LocalPath(file.Name);
        var mode = _manifest.EffectiveMode(file);
        var timestamp = DateTimeOffset.FromUnixTimeSeconds(file.Timestamp).UtcDateTime;

        var zeroed = _selective?.IsZeroed(file.Name) == true;
        if (zeroed)
        {
            // A left-out database: a sparse file of the right size, so the cluster starts and the user can drop it.
            await WriteZeroedAsync(local, file, mode, timestamp).ConfigureAwait(false);
            return;
        }

        BlockIncrRestore.ExistingFile? existingBlocks = null;
        if ((_delta || _force) && !isControl)
        {
            var existing = await CheckExistingAsync(local, file, cancellation).ConfigureAwait(false);
            if (existing.Keep)
            {
                File.SetUnixFileMode(local, mode);
                File.SetLastWriteTimeUtc(local, timestamp);
                SetOwner(local, _manifest.EffectiveUser(file), _manifest.EffectiveGroup(file));
                Log.Detail($"restore file {local} - exists and matches backup ({Format.Size((long)file.Size)})");
                return;
            }

            existingBlocks = existing.Blocks;
        }

        // pg_control goes to a temp name and is renamed into place: a restore interrupted before that cannot start.
        var writePath = isControl ? local + ".pgbackrest.tmp" : local;
        if (new FileInfo(writePath).LinkTarget is not null)
            File.Delete(writePath);
        string? actual;
        long? blocksWritten = null;
        if (file.BlockIncrSize > 0 && file.Size > 0)
            (actual, blocksWritten) = await _blockIncr.RestoreAsync(file, writePath, mode, existingBlocks, cancellation).ConfigureAwait(false);
        else
            actual = await CopyWholeAsync(file, writePath, mode, cancellation).ConfigureAwait(false);

        if (file.Size > 0 && actual != file.Checksum)
        {
            throw new PgRestException(ErrorCode.Checksum,
                $"error restoring '{local}': actual checksum '{actual}' does not match expected checksum '{file.Checksum}'");
        }

        // As pgBackRest 2.51+: the checkpoint of an online backup's pg_control is made invalid, so the cluster cannot
        // start from it if backup_label is lost.
        if (isControl && _manifest.Options.Online)
        {
            var control = await File.ReadAllBytesAsync(writePath, cancellation).ConfigureAwait(false);
            PgControl.InvalidateCheckpoint(control);
            await File.WriteAllBytesAsync(writePath, control, cancellation).ConfigureAwait(false);
        }

        File.SetUnixFileMode(writePath, mode);
        File.SetLastWriteTimeUtc(writePath, timestamp);
        SetOwner(writePath, _manifest.EffectiveUser(file), _manifest.EffectiveGroup(file));
        CrashPoint.Reach("restore-file", local);
        if (isControl)
            File.Move(writePath, local, overwrite: true);

        var restored = Interlocked.Add(ref _restoredBytes, (long)file.Size);
        _progress?.FileDone((long)file.Size);
        if (Log.IsEnabled(LogLevel.Detail))
        {
            var percent = _totalBytes == 0 ? 100 : restored * 100.0 / _totalBytes;
            // As pgBackRest: a block-incremental file shows the bytes written when only some blocks were.
            var size = blocksWritten is not { } written ? Format.Size((long)file.Size)
                : written == (long)file.Size ? "bi " + Format.Size(written) : $"bi {Format.Size(written)}/{Format.Size((long)file.Size)}";
            Log.Detail($"restore file {local} ({size}, {percent:0.00}%) checksum {file.Checksum ?? ManifestFile.ZeroChecksum}");
        }
    }

    /// <summary>A file stored whole: one stream through decrypt → decompress → SHA-1; returns its SHA-1 (null when empty).</summary>
    private async Task<string?> CopyWholeAsync(ManifestFile file, string writePath, UnixFileMode mode, CancellationToken cancellation)
    {
        var output = BlockingFileStream.Create(writePath, mode);
        await using (output.ConfigureAwait(false))
        {
            if (file.Size == 0)
                return null;

            var (pipeline, repoPath) = await OpenStoredAsync(_repo, _stanza, _manifest, file, _compressType, cancellation).ConfigureAwait(false);
            await using (pipeline.ConfigureAwait(false))
            {
                await pipeline.Output.CopyToAsync(output, BufferSize, cancellation).ConfigureAwait(false);
                if (pipeline.Size != (long)file.Size)
                {
                    throw new PgRestException(ErrorCode.FileRead,
                        $"error restoring '{repoPath}': actual size {pipeline.Size} does not match expected size {file.Size}");
                }

                return pipeline.Sha1Hex;
            }
        }
    }

    /// <summary>
    /// A file stored whole, opened for reading through decrypt and decompress. A bundled file is one stream at an offset
    /// inside its bundle; the others have a repository file each.
    /// </summary>
    internal static async Task<(ReadPipeline Pipeline, string RepoPath)> OpenStoredAsync(Repo repo, string stanza, Manifest manifest, ManifestFile file,
        CompressType compressType, CancellationToken cancellation)
    {
        var repoPath = file.BundleId is { } bundleId
            ? RepositoryLayout.BundlePath(stanza, manifest.ReferenceOf(file), bundleId)
            : RepositoryLayout.BackupFilePath(stanza, manifest.ReferenceOf(file), file.Name, CompressTypes.Extension(compressType));
        var source = file.BundleId is null
            ? (await repo.Storage.OpenReadAsync(repoPath, cancellationToken: cancellation).ConfigureAwait(false))!
            : (await repo.Storage.OpenReadAsync(repoPath, (long)file.BundleOffset, (long)file.EffectiveRepoSize, cancellationToken: cancellation).ConfigureAwait(false))!;
        return (Pipeline.Read(source, compressType, manifest.CipherPass, raw: manifest.BundleRaw && file.BundleId is not null), repoPath);
    }

    private Task WriteZeroedAsync(string local, ManifestFile file, UnixFileMode mode, DateTime timestamp)
    {
        if (new FileInfo(local).LinkTarget is not null)
            File.Delete(local);
        using (var handle = File.OpenHandle(local, FileMode.Create, FileAccess.Write))
            RandomAccess.SetLength(handle, (long)file.Size);
        File.SetUnixFileMode(local, mode);
        File.SetLastWriteTimeUtc(local, timestamp);
        SetOwner(local, _manifest.EffectiveUser(file), _manifest.EffectiveGroup(file));
        var restored = Interlocked.Add(ref _restoredBytes, (long)file.Size);
        _progress?.FileDone((long)file.Size);
        if (Log.IsEnabled(LogLevel.Detail))
        {
            var percent = _totalBytes == 0 ? 100 : restored * 100.0 / _totalBytes;
            Log.Detail($"restore zeroed file {local} ({Format.Size((long)file.Size)}, {percent:0.00}%)");
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Whether the file already in place can stay (<see cref="RestorePlanner.Decide"/>, then its checksum when asked); for
    /// a block-incremental file that cannot, its block checksums, so only the blocks that differ are fetched.
    /// </summary>
    private async Task<(bool Keep, BlockIncrRestore.ExistingFile? Blocks)> CheckExistingAsync(string local, ManifestFile file, CancellationToken cancellation)
    {
        var status = FileStatus.TryGet(local);
        switch (RestorePlanner.Decide(status, file, _delta, _force, _manifest.TimestampCopyStart))
        {
            case ExistingFileAction.Keep:
                return (true, null);
            case ExistingFileAction.Rewrite:
                // As pgBackRest 2.50+: the blocks of a shorter (or otherwise different) file still spare fetching them.
                if (file.BlockIncrSize > 0 && _delta && status is { Kind: FileKind.File, Size: > 0 } && status.Value.Size <= (long)file.Size)
                    return (false, await BlockIncrRestore.HashExistingAsync(local, file, cancellation).ConfigureAwait(false));
                return (false, null);
        }

        if (new FileInfo(local).Length > (long)file.Size)
        {
            using var handle = File.OpenHandle(local, FileMode.Open, FileAccess.Write);
            RandomAccess.SetLength(handle, (long)file.Size);
        }

        if (file.Size == 0)
            return (true, null);
        if (file.BlockIncrSize > 0)
        {
            if (new FileInfo(local).Length == 0)
                return (false, null);
            var existing = await BlockIncrRestore.HashExistingAsync(local, file, cancellation).ConfigureAwait(false);
            return (existing.Matches, existing);
        }

        var stream = BlockingFileStream.OpenRead(local);
        await using (stream.ConfigureAwait(false))
        {
            var hash = await SHA1.HashDataAsync(stream, cancellation).ConfigureAwait(false);
            return (Convert.ToHexStringLower(hash) == file.Checksum, null);
        }
    }

    /// <summary>Delta/force: whatever is in PGDATA (or a tablespace) but not in the manifest is removed.</summary>
    public void RemoveUnknownEntries()
    {
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in _manifest.Paths.Where(p => RestoreLayout.HasLocation(p.Name)))
            expected.Add(_layout.LocalPath(path.Name));
        foreach (var file in _manifest.Files)
            expected.Add(_layout.LocalPath(file.Name));
        foreach (var link in _manifest.Links)
            expected.Add(_layout.PgPath + link.Name[7..]);
        expected.Add(Path.Combine(_layout.PgPath, "backup.manifest"));

        RemoveUnknown(_layout.PgPath, expected);
        foreach (var (name, path) in _layout.Tablespaces)
            RemoveUnknown(_layout.LocalPath(name), expected);
    }

    private static void RemoveUnknown(string directory, HashSet<string> expected)
    {
        if (!Directory.Exists(directory))
            return;
        foreach (var entry in Directory.GetFileSystemEntries(directory))
        {
            var status = FileStatus.TryGet(entry);
            if (status is null)
                continue;
            if (!expected.Contains(entry))
            {
                Log.Detail($"remove invalid {(status.Value.Kind == FileKind.Directory ? "path" : status.Value.Kind == FileKind.Link ? "link" : "file")} '{entry}'");
                if (status.Value.Kind == FileKind.Directory)
                    Directory.Delete(entry, recursive: true);
                else
                    File.Delete(entry);
            }
            else if (status.Value.Kind == FileKind.Directory)
            {
                RemoveUnknown(entry, expected);
            }
        }
    }

    private void SetOwner(string path, ManifestOwner user, ManifestOwner group)
    {
        if (!_root)
            return;
        var pgOwner = FileStatus.Get(_layout.PgPath);
        var uid = user.Name is null ? null : OwnerNames.UserId(user.Name);
        var gid = group.Name is null ? null : OwnerNames.GroupId(group.Name);
        Native.LChown(path, uid ?? pgOwner.UserId, gid ?? pgOwner.GroupId);
    }

    /// <summary>Gives a file written by restore itself the owner of PGDATA when running as root.</summary>
    public static void MatchOwner(string path, string pgPath)
    {
        if (Native.GetEffectiveUserId() != 0)
            return;
        var owner = FileStatus.Get(pgPath);
        Native.LChown(path, owner.UserId, owner.GroupId);
    }
}
