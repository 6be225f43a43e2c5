using System.Diagnostics;
using System.Globalization;
using PgRest.Common;

namespace PgRest.Logging;

/// <summary>
/// Progress of a long command (backup, restore, verify): bytes and files done, counted by the workers without locks.
/// A timer draws the live line on a terminal (<see cref="Log.SetStatusLine"/>) at most four times a second and calls
/// <paramref name="report"/> once a second (backup writes it into its lock file, for <c>info</c>).
/// </summary>
public sealed class ProgressMeter : IDisposable
{
    private static readonly TimeSpan DrawEvery = TimeSpan.FromMilliseconds(250);

    private readonly string _verb;
    private long _totalBytes;
    private int _totalFiles;
    private readonly bool _draw;
    private readonly Action<long, long>? _report;
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private readonly Timer? _timer;
    private readonly Lock _gate = new();
    private long _bytes;
    private int _files;
    private int _ticks;
    private bool _disposed;

    public ProgressMeter(string verb, long totalBytes, int totalFiles, bool draw, Action<long, long>? report = null)
    {
        (_verb, _totalBytes, _totalFiles, _draw, _report) = (verb, totalBytes, totalFiles, draw, report);
        if (draw || report is not null)
            _timer = new Timer(_ => Tick(), null, DrawEvery, DrawEvery);
    }

    /// <summary>Whether the live line is wanted: the option is on and stderr is a terminal.</summary>
    public static bool LineWanted(bool option) => option && StandardStreams.ErrorIsTerminal;

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>More work found after the start (verify learns each archive id's and backup's files in turn).</summary>
    public void AddTotal(long bytes, int files)
    {
        Interlocked.Add(ref _totalBytes, bytes);
        Interlocked.Add(ref _totalFiles, files);
    }

    public void FileDone(long bytes)
    {
        Interlocked.Add(ref _bytes, bytes);
        Interlocked.Increment(ref _files);
    }

    private void Tick()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            var (bytes, total) = (Bytes, Interlocked.Read(ref _totalBytes));
            if (_draw)
                Log.SetStatusLine(Line(_verb, bytes, total, Volatile.Read(ref _files), Volatile.Read(ref _totalFiles), _elapsed.Elapsed));
            if (_report is not null && Interlocked.Increment(ref _ticks) % 4 == 1)
                _report(total, bytes);
        }
    }

    /// <summary><c>backup 1.2GB/4.5GB (26.67%), 120/930 files, 85.3MB/s, 0:00:38 left</c>.</summary>
    public static string Line(string verb, long bytes, long totalBytes, int files, int totalFiles, TimeSpan elapsed)
    {
        var percent = totalBytes == 0 ? 100 : bytes * 100.0 / totalBytes;
        var rate = elapsed.TotalSeconds > 0 ? bytes / elapsed.TotalSeconds : 0;
        var left = rate > 0 && totalBytes > bytes ? TimeSpan.FromSeconds((totalBytes - bytes) / rate) : TimeSpan.Zero;
        return string.Create(CultureInfo.InvariantCulture,
            $"{verb} {Format.Size(bytes)}/{Format.Size(totalBytes)} ({percent:0.00}%), {files}/{totalFiles} files, {Format.Size((long)rate)}/s, {(int)left.TotalHours}:{left.Minutes:00}:{left.Seconds:00} left");
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            _timer?.Dispose();
            if (_draw)
                Log.SetStatusLine(null);
        }
    }
}
