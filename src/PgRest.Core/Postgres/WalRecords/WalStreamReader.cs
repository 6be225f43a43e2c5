using System.Buffers;
using System.Buffers.Binary;

namespace PgRest.Postgres.WalRecords;

/// <summary>
/// Reads records out of consecutive WAL segments: page headers checked and skipped, records that cross pages and
/// segments put back together, each one's CRC-32C and back link checked before it is decoded. Reading stops at the
/// first record that fails a check (<see cref="StopReason"/>), as recovery does: nothing after it is trusted.
/// </summary>
public sealed class WalStreamReader : IDisposable
{
    private const int PageSize = 8192, ShortHeader = 24, LongHeader = WalHeader.Size;
    private const ushort ContRecordFlag = 0x0001, LongHeaderFlag = 0x0002;
    private const int MaxRecordSize = 1020 * 1024 * 1024;

    private readonly WalRecordDecoder _decoder;
    private readonly WalRecord _record = new();
    private readonly ushort _magic;
    private readonly ulong _segmentSize;
    private byte[] _assembly = ArrayPool<byte>.Shared.Rent(64 * 1024);
    private int _assembled, _needed;
    private Lsn _recordStart, _previousStart;

    public WalStreamReader(PgVersionInfo version, ulong segmentSize, Lsn start)
    {
        _decoder = new WalRecordDecoder(version.VersionNum);
        _magic = version.WalMagic;
        _segmentSize = segmentSize;
        Position = start;
    }

    /// <summary>Where the next record starts (or, while one is being put together, where reading goes on).</summary>
    public Lsn Position { get; private set; }

    /// <summary>The end of the last good record.</summary>
    public Lsn EndOfValidWal { get; private set; }

    public long Records { get; private set; }

    /// <summary>Why reading stopped inside the WAL given so far; null while it can go on with the next segment.</summary>
    public string? StopReason { get; private set; }

    public bool Stopped => StopReason is not null;

    /// <summary>The record handler asked to stop: nothing is wrong with the WAL.</summary>
    public bool StoppedByCaller { get; private set; }

    /// <summary>The segment that must come next.</summary>
    public ulong NextSegmentNumber => Position.Value / _segmentSize;

    /// <summary>
    /// Reads the records of one whole segment (number <paramref name="segmentNumber"/>, which must be
    /// <see cref="NextSegmentNumber"/>), handing each to <paramref name="onRecord"/>; false once reading has stopped.
    /// </summary>
    public bool Feed(ReadOnlySpan<byte> segment, ulong segmentNumber, uint timeline, Func<WalRecord, bool> onRecord)
    {
        if (Stopped)
            return false;
        if (segmentNumber != NextSegmentNumber || (ulong)segment.Length != _segmentSize)
            return Stop($"segment {segmentNumber:X} is not the one expected ({NextSegmentNumber:X}) or not {_segmentSize} bytes");

        ulong segmentStart = segmentNumber * _segmentSize;
        for (var page = (int)((Position.Value - segmentStart) / PageSize); page < (int)(_segmentSize / PageSize); page++)
        {
            var pageLsn = segmentStart + (ulong)page * PageSize;
            var result = ReadPage(segment.Slice(page * PageSize, PageSize), pageLsn, timeline, onRecord);
            if (result == PageResult.Stop)
                return false;
            if (result == PageResult.SegmentDone)
                break;
        }

        if (Position.Value < segmentStart + _segmentSize)
            Position = new Lsn(segmentStart + _segmentSize);
        return true;
    }

    private enum PageResult
    {
        Next,
        SegmentDone,
        Stop,
    }

    private PageResult ReadPage(ReadOnlySpan<byte> page, ulong pageLsn, uint timeline, Func<WalRecord, bool> onRecord)
    {
        ushort magic = BinaryPrimitives.ReadUInt16LittleEndian(page);
        ushort info = BinaryPrimitives.ReadUInt16LittleEndian(page[2..]);
        ulong address = BinaryPrimitives.ReadUInt64LittleEndian(page[8..]);
        uint remaining = BinaryPrimitives.ReadUInt32LittleEndian(page[16..]);
        if (magic != _magic || address != pageLsn)
            return StopPage(_needed > 0 || magic != 0 ? $"invalid page header at {new Lsn(pageLsn)}" : null, pageLsn);

        int header = (info & LongHeaderFlag) != 0 ? LongHeader : ShortHeader;
        int offset = Math.Max(header, (int)(Position.Value - pageLsn));
        if (_needed > 0)
        {
            if ((info & ContRecordFlag) == 0 || remaining != (uint)(_needed - _assembled))
                return StopPage($"record at {_recordStart} is not continued at {new Lsn(pageLsn)}", pageLsn);
            int take = Math.Min((int)remaining, PageSize - header);
            page.Slice(header, take).CopyTo(_assembly.AsSpan(_assembled));
            _assembled += take;
            if (_assembled < _needed)
                return PageResult.Next;
            offset = Align(header + take);
            if (Complete(timeline, onRecord) is var done and not PageResult.Next)
                return done;
        }
        else if ((info & ContRecordFlag) != 0 && offset == header)
        {
            // Only where reading began in the middle of a record: its tail is not ours to read.
            if (remaining > PageSize - header)
                return PageResult.Next;
            offset = Align(header + (int)remaining);
        }

        while (offset <= PageSize - 8)
        {
            int total = (int)BinaryPrimitives.ReadUInt32LittleEndian(page[offset..]);
            if (total == 0)
                return StopPage(null, pageLsn + (ulong)offset);
            if (total < WalRecordDecoder.HeaderSize || total > MaxRecordSize)
                return StopPage($"invalid record length {total} at {new Lsn(pageLsn + (ulong)offset)}", pageLsn);

            _recordStart = new Lsn(pageLsn + (ulong)offset);
            _needed = total;
            if (_assembly.Length < total)
            {
                ArrayPool<byte>.Shared.Return(_assembly);
                _assembly = ArrayPool<byte>.Shared.Rent(total);
            }

            int take = Math.Min(total, PageSize - offset);
            page.Slice(offset, take).CopyTo(_assembly);
            _assembled = take;
            if (take < total)
            {
                Position = new Lsn(pageLsn + PageSize);
                return PageResult.Next;
            }

            offset = Align(offset + total);
            if (Complete(timeline, onRecord) is var complete and not PageResult.Next)
                return complete;
        }

        Position = new Lsn(pageLsn + PageSize);
        return PageResult.Next;
    }

    /// <summary>A whole record: checked, decoded and handed on; an XLOG_SWITCH ends its segment.</summary>
    private PageResult Complete(uint timeline, Func<WalRecord, bool> onRecord)
    {
        var switched = false;
        var bytes = _assembly.AsMemory(0, _needed);
        var span = bytes.Span;
        _needed = 0;
        var previous = new Lsn(BinaryPrimitives.ReadUInt64LittleEndian(span[8..]));
        if (Records > 0 && previous != _previousStart)
            return StopRecord($"record at {_recordStart} links back to {previous}, not to {_previousStart}");

        uint crc = Crc32C.Update(Crc32C.Start, span[WalRecordDecoder.HeaderSize..]);
        crc = Crc32C.Finish(Crc32C.Update(crc, span[..20]));
        if (crc != BinaryPrimitives.ReadUInt32LittleEndian(span[20..]))
            return StopRecord($"incorrect checksum of the record at {_recordStart}");
        if (!_decoder.TryDecode(bytes, _record))
            return StopRecord($"record at {_recordStart} cannot be decoded");

        _record.Start = _recordStart;
        _record.End = new Lsn(_recordStart.Value + (ulong)bytes.Length);
        _record.Timeline = timeline;
        Records++;
        _previousStart = _recordStart;
        EndOfValidWal = _record.End;
        Position = new Lsn(Align(_record.End.Value));
        if (_record.ResourceManagerId == ResourceManager.Xlog && (_record.Info & 0xF0) == XlogSwitch)
        {
            switched = true;
            Position = new Lsn((_record.End.Value + _segmentSize - 1) / _segmentSize * _segmentSize);
        }

        if (!onRecord(_record))
        {
            StoppedByCaller = true;
            return StopRecord("stopped by the caller");
        }

        return switched ? PageResult.SegmentDone : PageResult.Next;
    }

    private PageResult StopRecord(string reason)
    {
        StopReason = reason;
        return PageResult.Stop;
    }

    private const byte XlogSwitch = 0x40;

    /// <summary>No (more) records here: with a reason when the WAL is damaged, without one at its end.</summary>
    private PageResult StopPage(string? reason, ulong at)
    {
        StopReason = reason ?? $"end of WAL at {new Lsn(at)}";
        EndOfWal = reason is null;
        return PageResult.Stop;
    }

    /// <summary>Reading stopped at the end of the WAL written (zeroes), rather than at damage.</summary>
    public bool EndOfWal { get; private set; }

    private bool Stop(string reason)
    {
        StopReason = reason;
        return false;
    }

    private static int Align(int value) => (value + 7) & ~7;

    private static ulong Align(ulong value) => (value + 7) & ~7UL;

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_assembly);
        _assembly = [];
    }
}
