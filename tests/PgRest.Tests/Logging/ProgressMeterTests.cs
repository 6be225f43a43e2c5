using PgRest.Logging;

namespace PgRest.Tests.Logging;

public sealed class ProgressMeterTests
{
    [Fact]
    public void The_line_shows_bytes_files_rate_and_time_left()
    {
        var line = ProgressMeter.Line("backup", 1024L * 1024 * 1024, 4L * 1024 * 1024 * 1024, 120, 930, TimeSpan.FromSeconds(10));

        Assert.Equal("backup 1GB/4GB (25.00%), 120/930 files, 102.4MB/s, 0:00:30 left", line);
    }

    [Fact]
    public void An_empty_total_is_complete_and_nothing_done_has_no_estimate()
    {
        Assert.Contains("(100.00%)", ProgressMeter.Line("restore", 0, 0, 0, 0, TimeSpan.FromSeconds(1)));
        Assert.EndsWith("/s, 0:00:00 left", ProgressMeter.Line("verify", 0, 100, 0, 3, TimeSpan.Zero));
    }

    [Fact]
    public void Without_a_line_the_report_gets_total_and_done()
    {
        var reports = new List<(long, long)>();
        using (var meter = new ProgressMeter("backup", 1000, 2, draw: false, report: (total, done) => { lock (reports) reports.Add((total, done)); }))
        {
            meter.FileDone(400);
            // The first report may come before FileDone when this thread is held up past the first tick: wait for the
            // one that counts it (reports come once a second).
            for (var wait = 0; wait < 100; wait++)
            {
                lock (reports)
                {
                    if (reports.Contains((1000L, 400L)))
                        break;
                }

                Thread.Sleep(50);
            }
        }

        lock (reports)
            Assert.Contains((1000L, 400L), reports);
    }
}
