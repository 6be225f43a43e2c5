namespace PgRest.Tests.Samples;

/// <summary>samples/pgrest.cron must run under cron, whose PATH (/usr/bin:/bin) does not hold /usr/local/bin.</summary>
public sealed class CronSampleTests
{
    [Fact]
    public void Every_job_names_the_binary_install_sh_installs_by_its_full_path()
    {
        string root = RepositoryFiles.Root();
        string install = File.ReadAllText(Path.Combine(root, "scripts", "install.sh"));
        Assert.Contains("prefix=\"${PGREST_PREFIX:-/usr/local}\"", install, StringComparison.Ordinal);
        Assert.Contains("\"$prefix/bin/pgrest\"", install, StringComparison.Ordinal);

        var jobs = File.ReadAllLines(Path.Combine(root, "samples", "pgrest.cron"))
            .Where(line => line.Length > 0 && line[0] != '#')
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToList();

        Assert.NotEmpty(jobs);
        Assert.All(jobs, fields =>
        {
            Assert.Equal("postgres", fields[5]); // /etc/cron.d lines carry the user after the five time fields
            Assert.Equal("/usr/local/bin/pgrest", fields[6]);
        });
    }
}
