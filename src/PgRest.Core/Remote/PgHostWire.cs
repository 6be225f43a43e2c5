using PgRest.Commands.Backup;
using PgRest.Common;

namespace PgRest.Remote;

/// <summary>
/// How the pg operations' parameters and results travel (remote-type=pg): a scan request and its entries, a file's
/// status, the result of copying one file. Client and server both use these, so the two ends cannot drift apart.
/// </summary>
internal static class PgHostWire
{
    private const byte FileEntry = (byte)'F';
    private const byte PathEntry = (byte)'P';
    private const byte LinkEntry = (byte)'L';
    private const byte TargetEntry = (byte)'T';
    private const byte UserEntry = (byte)'U';
    private const byte GroupEntry = (byte)'G';

    public static void WriteScanRequest(FrameBuilder frame, ScanRequest request)
    {
        frame.String(request.PgPath).String(request.TablespaceDirectory).Int32(request.TablespaceNames.Count);
        foreach (var (oid, name) in request.TablespaceNames)
            frame.String(oid).String(name);
        frame.Int32(request.Exclusions.Count);
        foreach (var exclusion in request.Exclusions)
            frame.String(exclusion);
        frame.String(request.WalDirectory).Bool(request.Online);
    }

    public static ScanRequest ReadScanRequest(ReadOnlySpan<byte> payload)
    {
        var reader = new PayloadReader(payload);
        var (pgPath, tablespaceDirectory) = (reader.String(), reader.String());
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var count = reader.Int32(); count > 0; count--)
            names[reader.String()] = reader.String();
        var exclusions = new List<string>();
        for (var count = reader.Int32(); count > 0; count--)
            exclusions.Add(reader.String());
        return new ScanRequest(pgPath, tablespaceDirectory, names, exclusions, reader.String(), reader.Bool());
    }

    /// <summary>The scan's entries in about <paramref name="chunk"/>-byte data frames, sent with <paramref name="send"/>.</summary>
    public static async Task WriteScanAsync(FrameBuilder frame, DataDirectoryScan scan, int chunk, Func<Task> send)
    {
        frame.Start(FrameKind.Data);
        async Task NextAsync()
        {
            if (frame.PayloadLength < chunk)
                return;
            await send().ConfigureAwait(false);
            frame.Start(FrameKind.Data);
        }

        foreach (var target in scan.Targets)
        {
            frame.Byte(TargetEntry).String(target.Name).String(target.Path).Bool(target.IsLink).String(target.TablespaceId).String(target.TablespaceName).String(target.File);
            await NextAsync().ConfigureAwait(false);
        }

        foreach (var path in scan.Paths)
        {
            Status(frame.Byte(PathEntry).String(path.ManifestName), path.Status);
            await NextAsync().ConfigureAwait(false);
        }

        foreach (var link in scan.Links)
        {
            Status(frame.Byte(LinkEntry).String(link.ManifestName).String(link.Destination), link.Status);
            await NextAsync().ConfigureAwait(false);
        }

        foreach (var file in scan.Files)
        {
            Status(frame.Byte(FileEntry).String(file.ManifestName).String(file.FullPath), file.Status).Bool(file.PageChecksumEligible);
            await NextAsync().ConfigureAwait(false);
        }

        foreach (var (id, name) in scan.UserNames)
            frame.Byte(UserEntry).Int32((int)id).String(name);
        foreach (var (id, name) in scan.GroupNames)
            frame.Byte(GroupEntry).Int32((int)id).String(name);
        if (frame.PayloadLength > 0)
            await send().ConfigureAwait(false);
    }

    /// <summary>Collects the scan's entries from one data frame.</summary>
    public sealed class ScanCollector
    {
        private readonly List<ScannedFile> _files = [];
        private readonly List<ScannedPath> _paths = [];
        private readonly List<ScannedLink> _links = [];
        private readonly List<ScannedTarget> _targets = [];
        private readonly Dictionary<uint, string> _users = [];
        private readonly Dictionary<uint, string> _groups = [];

        public void Add(ReadOnlySpan<byte> payload)
        {
            var reader = new PayloadReader(payload);
            while (!reader.AtEnd)
            {
                switch (reader.Byte())
                {
                    case TargetEntry:
                        _targets.Add(new ScannedTarget(reader.String(), reader.String(), reader.Bool(), reader.NullableString(), reader.NullableString(), reader.NullableString()));
                        break;
                    case PathEntry:
                        _paths.Add(new ScannedPath(reader.String(), Status(ref reader)));
                        break;
                    case LinkEntry:
                        _links.Add(new ScannedLink(reader.String(), reader.String(), Status(ref reader)));
                        break;
                    case FileEntry:
                        _files.Add(new ScannedFile(reader.String(), reader.String(), Status(ref reader), reader.Bool()));
                        break;
                    case UserEntry:
                        _users[(uint)reader.Int32()] = reader.String();
                        break;
                    case GroupEntry:
                        _groups[(uint)reader.Int32()] = reader.String();
                        break;
                    default:
                        throw new Errors.PgRestException(Errors.ErrorCode.Protocol, "malformed scan entry from the database host");
                }
            }
        }

        public DataDirectoryScan Result() => new(_files, _paths, _links, _targets, _users, _groups);
    }

    private static FrameBuilder Status(FrameBuilder frame, FileStatus status) =>
        frame.Byte((byte)status.Kind).Int32((int)status.Mode).Int32((int)status.UserId).Int32((int)status.GroupId).Int64(status.Size).Int64(status.ModifiedSeconds);

    private static FileStatus Status(ref PayloadReader reader) =>
        new((FileKind)reader.Byte(), (uint)reader.Int32(), (uint)reader.Int32(), (uint)reader.Int32(), reader.Int64(), reader.Int64());

    /// <summary>What copying a file on the database host produced: its plain size and SHA-1, the stored (compressed)
    /// size and SHA-1 when compressed there, and its page checks.</summary>
    public static void WriteCopyResult(FrameBuilder frame, BackupFileResult result)
    {
        frame.Int64(result.Size).String(result.Sha1).Int64(result.RepoSize).String(result.RepoSha1)
            .Byte(result.PageChecksumValid switch { null => 2, true => 1, false => 0 }).Int32(result.PageErrors.Count);
        foreach (var page in result.PageErrors)
            frame.Int32((int)page);
    }

    public static BackupFileResult ReadCopyResult(ReadOnlySpan<byte> payload)
    {
        var reader = new PayloadReader(payload);
        var (size, sha1, repoSize, repoSha1) = (reader.Int64(), reader.String(), reader.Int64(), reader.NullableString());
        bool? valid = reader.Byte() switch { 2 => null, 1 => true, _ => false };
        var errors = new uint[reader.Int32()];
        for (var i = 0; i < errors.Length; i++)
            errors[i] = (uint)reader.Int32();
        return new BackupFileResult(false, size, sha1, repoSize, repoSha1, valid, errors);
    }
}
