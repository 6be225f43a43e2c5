using PgRest.Config;

namespace PgRest.Tests.Config;

// Behaviour of the code paths that were rewritten for start-up time (no SortedSet, no LINQ over value tuples).
public sealed class StartupPathTests : IDisposable
{
    private readonly ConfigTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void GroupIndexesAreListedInAscendingOrderWithGaps()
    {
        var configuration = _files.Load(
            "[global]\nrepo3-path=/third\nrepo1-path=/first\n[demo]\npg3-path=/pg3\npg1-path=/pg1\n", "--stanza=demo", "archive-push", "/wal");

        Assert.Equal([1, 3], configuration.RepoIndexes);
        Assert.Equal([1, 3], configuration.PgIndexes);
        Assert.Equal("/third", configuration.Find(Options.RepoPath, 3));
    }

    [Fact]
    public void BeginLineOptionsAreSortedByNameKeepingRepeatedValuesInOrder()
    {
        var configuration = _files.Load(
            "[demo]\npg1-path=/pg\n", "--stanza=demo", "--db-include=zz", "--db-include=aa", "--no-delta", "--type=immediate", "restore");

        var described = configuration.DescribeSetOptions();

        Assert.Equal(
            ["config", "db-include", "db-include", "no-delta", "pg1-path", "stanza", "type"],
            described.Select(option => option.Name));
        Assert.Equal(["zz", "aa"], described.Where(option => option.Name == "db-include").Select(option => option.Value));
        Assert.Null(described.Single(option => option.Name == "no-delta").Value);
    }

    [Fact]
    public void BeginLineMarksSecureOptions()
    {
        var configuration = _files.Load(
            "[global]\nrepo1-path=/repo\nrepo1-cipher-type=aes-256-cbc\nrepo1-cipher-pass=secret\n[demo]\npg1-path=/pg\n",
            "--stanza=demo", "archive-push", "/wal");

        var pass = configuration.DescribeSetOptions().Single(option => option.Name == "repo1-cipher-pass");
        Assert.True(pass.Secure);
        Assert.False(configuration.DescribeSetOptions().Single(option => option.Name == "repo1-path").Secure);
    }
}
