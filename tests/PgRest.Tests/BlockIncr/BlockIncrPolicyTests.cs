using PgRest.BlockIncr;
using PgRest.Commands.Backup;
using PgRest.Info;

namespace PgRest.Tests.BlockIncr;

/// <summary>Block and checksum sizes as pgBackRest 2.46+ chooses them, and what a diff/incr keeps from its prior backup.</summary>
public class BlockIncrPolicyTests
{
    private const long KiB = 1024, MiB = 1024 * KiB, Day = 86400;

    [Theory]
    [InlineData(0, 0)]
    [InlineData(16 * KiB - 1, 0)]
    [InlineData(16 * KiB, 8 * KiB)]
    [InlineData(11 * MiB - 1, 8 * KiB)]
    [InlineData(26861568, 16 * KiB)] // pgbench_accounts of the 2.59.1 fixtures: bi 2
    [InlineData(43 * MiB, 24 * KiB)]
    [InlineData(1024 * MiB, 88 * KiB)]
    public void The_block_size_follows_the_file_size(long fileSize, long blockSize) =>
        Assert.Equal(blockSize, BlockIncrPolicy.Default.BlockSize(fileSize, ageSeconds: 0));

    [Theory]
    [InlineData(6 * Day, 16 * KiB)]
    [InlineData(7 * Day, 32 * KiB)]
    [InlineData(14 * Day, 64 * KiB)]
    [InlineData(28 * Day, 0)]
    public void Older_files_get_larger_blocks_and_the_oldest_none(long age, long blockSize) =>
        Assert.Equal(blockSize, BlockIncrPolicy.Default.BlockSize(20 * MiB, age));

    [Theory]
    [InlineData(8 * KiB, 6)]
    [InlineData(32 * KiB, 7)]
    [InlineData(88 * KiB, 7)]
    [InlineData(128 * KiB, 8)]
    [InlineData(4 * MiB, 12)]
    public void The_checksum_grows_with_the_block(long blockSize, int checksumSize) =>
        Assert.Equal(checksumSize, BlockIncrPolicy.Default.ChecksumSize(blockSize));

    [Fact]
    public void A_user_map_replaces_the_default_whole()
    {
        var policy = new BlockIncrPolicy(sizeMap: [(1 * MiB, 64 * KiB)], ageMap: [], checksumSizeMap: [(64 * KiB, 9)]);
        Assert.Equal(0, policy.BlockSize(512 * KiB, 0));
        Assert.Equal(64 * KiB, policy.BlockSize(20 * MiB, 100 * Day));
        Assert.Equal(9, policy.ChecksumSize(64 * KiB));
    }

    [Fact]
    public void No_map_makes_a_block_larger_than_a_relation_segment()
    {
        var policy = new BlockIncrPolicy(sizeMap: [(1 * MiB, 512 * MiB)], ageMap: [(Day, 1024)]);
        Assert.Equal(BlockIncrPolicy.MaxBlockSize, policy.BlockSize(2 * MiB, 2 * Day));
    }

    [Fact]
    public void A_file_the_prior_backup_mapped_keeps_its_block_size_and_is_compared_with_that_map()
    {
        var prior = new ManifestFile { Name = "pg_data/base/5/16396", Size = 20 * MiB, BlockIncrSize = 16 * KiB, BlockIncrChecksumSize = 6, BlockIncrMapSize = 9000 };
        var plan = new BlockIncrPlan(BlockIncrPolicy.Default, TimestampStart: 100 * Day);
        // Now old enough for 4x blocks, and larger: the set's block size stays.
        var entry = new ManifestFile { Name = prior.Name, Size = 30 * MiB, Timestamp = 80 * Day };

        Assert.Same(prior, BackupPlanner.AssignBlockSize(entry, prior, plan));
        Assert.Equal(16 * KiB, (long)entry.BlockIncrSize);
    }

    [Fact]
    public void A_file_shrunk_below_one_block_is_sized_again()
    {
        var prior = new ManifestFile { Name = "pg_data/base/5/1", Size = 20 * MiB, BlockIncrSize = 16 * KiB, BlockIncrMapSize = 9000 };
        var entry = new ManifestFile { Name = prior.Name, Size = 8 * KiB, Timestamp = 100 * Day };

        Assert.Null(BackupPlanner.AssignBlockSize(entry, prior, new BlockIncrPlan(BlockIncrPolicy.Default, 100 * Day)));
        Assert.Equal(0UL, entry.BlockIncrSize);
    }

    [Fact]
    public void The_plan_gives_bundled_and_single_files_their_blocks()
    {
        var files = new List<ManifestFile>
        {
            new() { Name = "pg_data/base/5/big", Size = 20 * MiB, Timestamp = 100 * Day },
            new() { Name = "pg_data/base/5/small", Size = 24 * KiB, Timestamp = 100 * Day },
            new() { Name = "pg_data/PG_VERSION", Size = 3, Timestamp = 100 * Day },
        };
        var plan = BackupPlanner.PlanCopy(files, null, delta: false, new BundleSettings(2 * MiB, 20 * MiB), new HashSet<string>(),
            new BlockIncrPlan(BlockIncrPolicy.Default, 100 * Day));

        Assert.Equal([16 * KiB, 8 * KiB, 0], files.Select(f => (long)f.BlockIncrSize));
        Assert.Contains(plan.Units, unit => unit.BundleId is null && unit.Files[0].Entry.Name == "pg_data/base/5/big");
    }
}
