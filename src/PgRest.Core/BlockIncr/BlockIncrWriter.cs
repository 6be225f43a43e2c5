using System.Buffers;
using PgRest.Filters;

namespace PgRest.BlockIncr;

/// <summary>How one file is stored block incrementally.</summary>
/// <param name="BlockSize">Bytes per block (a multiple of 8 KiB in a manifest).</param>
/// <param name="ChecksumSize">Bytes of XXH3-128 kept per block.</param>
/// <param name="SuperBlockSize">Plain bytes after which a super block is closed (rounded up to whole blocks).</param>
/// <param name="Reference">This backup's index in <c>backup-reference</c>.</param>
/// <param name="BundleId">The bundle the file goes into; 0 for a <c>.pgbi</c> file of its own.</param>
/// <param name="BundleOffset">Where the file starts in the bundle (0 for a <c>.pgbi</c> file).</param>
public sealed record BlockIncrSettings(
    int BlockSize, int ChecksumSize, long SuperBlockSize, uint Reference, ulong BundleId, ulong BundleOffset,
    CompressType CompressType, int CompressLevel, string? CipherPass);

/// <summary>
/// Stores a file as super blocks of its new and changed blocks followed by its map (pgbackrest-after-2.45.md, "2.7
/// Backup algorithm"): a block whose checksum the prior map already has is only referenced; each super block is
/// compressed and encrypted on its own (raw); the map, encrypted but not compressed, comes last and is written only
/// when a block changed or the file shrank. Write the file's bytes with <see cref="WriteAsync"/>, then call
/// <see cref="CompleteAsync"/>.
/// </summary>
public sealed class BlockIncrWriter : IAsyncDisposable
{
    private readonly BlockIncrSettings _settings;
    private readonly BlockMap? _prior;
    private readonly BlockMap _map;
    private readonly HashSizeStream _stored;
    private readonly byte[] _block;
    private readonly byte[] _checksum;
    private readonly long _superBlockSize;
    private readonly List<int> _superBlockItems = [];
    private WritePipeline? _superBlock;
    private long _superBlockPlain;
    private long _superBlockStart;
    private ulong _offset;
    private int _blockFill;
    private int _blockNumber;
    private bool _changed;

    /// <param name="destination">Where the stored bytes go; left open.</param>
    /// <param name="prior">The map of the same file in the prior backup of the set, or null.</param>
    public BlockIncrWriter(Stream destination, BlockIncrSettings settings, BlockMap? prior)
    {
        if (prior is not null && (prior.BlockSize != settings.BlockSize || prior.ChecksumSize != settings.ChecksumSize))
            throw new ArgumentException("the prior map has another block or checksum size", nameof(prior));
        _settings = settings;
        _prior = prior;
        _map = new BlockMap(settings.BlockSize, settings.ChecksumSize);
        _stored = HashSizeStream.ForWriting(destination, leaveOpen: true);
        _block = ArrayPool<byte>.Shared.Rent(settings.BlockSize);
        _checksum = new byte[settings.ChecksumSize];
        _superBlockSize = (settings.SuperBlockSize + settings.BlockSize - 1) / settings.BlockSize * settings.BlockSize;
        _offset = settings.BundleOffset;
    }

    /// <summary>Stored bytes (manifest <c>repo-size</c>); 0 when nothing changed since the prior map.</summary>
    public long StoredSize { get; private set; }

    /// <summary>SHA-1 of the stored bytes (manifest <c>rck</c>); valid when <see cref="StoredSize"/> is not 0.</summary>
    public string? StoredSha1 { get; private set; }

    /// <summary>Stored size of the map (manifest <c>bim</c>); 0 when nothing was written.</summary>
    public long MapSize { get; private set; }

    /// <summary>The new map (valid after completion).</summary>
    public BlockMap Map => _map;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        while (!data.IsEmpty)
        {
            int take = Math.Min(data.Length, _settings.BlockSize - _blockFill);
            data.Span[..take].CopyTo(_block.AsSpan(_blockFill));
            _blockFill += take;
            data = data[take..];
            if (_blockFill == _settings.BlockSize)
                await EndBlockAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Ends the last block, the last super block and writes the map when needed.</summary>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (_blockFill > 0)
            await EndBlockAsync(cancellationToken).ConfigureAwait(false);
        await CloseSuperBlockAsync().ConfigureAwait(false);

        if (_map.Count > 0 && (_changed || _prior is not null && _map.Count < _prior.Count))
        {
            byte[] encoded = _map.Encode();
            long before = _stored.Size;
            var pipeline = Pipeline.Write(_stored, CompressType.None, 0, _settings.CipherPass, raw: true, leaveOpen: true, hashed: false);
            await using (pipeline.ConfigureAwait(false))
            {
                await pipeline.Input.WriteAsync(encoded, cancellationToken).ConfigureAwait(false);
                await pipeline.CompleteAsync().ConfigureAwait(false);
            }

            MapSize = _stored.Size - before;
        }

        StoredSize = _stored.Size;
        _stored.Finish();
        StoredSha1 = StoredSize > 0 ? _stored.Sha1Hex : null;
    }

    private async ValueTask EndBlockAsync(CancellationToken cancellationToken)
    {
        var block = _block.AsMemory(0, _blockFill);
        BlockChecksum.Compute(block.Span, _checksum);
        if (_prior is not null && _blockNumber < _prior.Count && _prior.Checksum(_blockNumber).SequenceEqual(_checksum))
        {
            _map.Add(_prior[_blockNumber], _checksum);
        }
        else
        {
            if (_superBlock is null)
            {
                _superBlockStart = _stored.Size;
                _superBlock = Pipeline.Write(_stored, _settings.CompressType, _settings.CompressLevel, _settings.CipherPass, raw: true, leaveOpen: true, hashed: false);
            }

            await _superBlock.Input.WriteAsync(block, cancellationToken).ConfigureAwait(false);
            _superBlockItems.Add(_map.Count);
            _map.Add(new BlockMapItem(_settings.Reference, _settings.BundleId, _offset, 0, 0, (ulong)(_superBlockItems.Count - 1)), _checksum);
            _superBlockPlain += _blockFill;
            if (_superBlockPlain >= _superBlockSize)
                await CloseSuperBlockAsync().ConfigureAwait(false);
        }

        _blockNumber++;
        _blockFill = 0;
    }

    private async ValueTask CloseSuperBlockAsync()
    {
        if (_superBlock is null)
            return;
        await _superBlock.CompleteAsync().ConfigureAwait(false);
        await _superBlock.DisposeAsync().ConfigureAwait(false);
        _superBlock = null;
        ulong size = (ulong)(_stored.Size - _superBlockStart);
        foreach (int index in _superBlockItems)
            _map.SetSuperBlockSizes(index, size, (ulong)_superBlockPlain);
        _superBlockItems.Clear();
        _offset += size;
        _superBlockPlain = 0;
        _changed = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_superBlock is not null)
            await _superBlock.DisposeAsync().ConfigureAwait(false);
        ArrayPool<byte>.Shared.Return(_block);
    }
}
