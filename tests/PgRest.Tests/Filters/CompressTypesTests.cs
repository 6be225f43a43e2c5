using PgRest.Errors;
using PgRest.Filters;

namespace PgRest.Tests.Filters;

public class CompressTypesTests
{
    [Theory]
    [InlineData("none", CompressType.None, "")]
    [InlineData("gz", CompressType.Gz, ".gz")]
    [InlineData("lz4", CompressType.Lz4, ".lz4")]
    [InlineData("zst", CompressType.Zst, ".zst")]
    [InlineData("bz2", CompressType.Bz2, ".bz2")]
    public void NamesAndExtensionsRoundTrip(string name, CompressType type, string extension)
    {
        Assert.Equal(type, CompressTypes.Parse(name));
        Assert.Equal(name, CompressTypes.Name(type));
        Assert.Equal(extension, CompressTypes.Extension(type));
        Assert.Equal(type, CompressTypes.FromExtension("000000010000000000000001-0123456789abcdef0123456789abcdef01234567" + extension));
    }

    [Theory]
    [InlineData("xz")]
    [InlineData("GZ")]
    [InlineData("")]
    [InlineData("zstd")]
    public void UnknownNameIsOptionInvalidValue(string name)
    {
        var error = Assert.Throws<PgRestException>(() => CompressTypes.Parse(name));
        Assert.Equal(ErrorCode.OptionInvalidValue, error.Code);
        Assert.Equal($"'{name}' is not allowed for 'compress-type' option", error.Message);
    }

    [Theory]
    [InlineData(CompressType.Gz, 6, -1, 9)]
    [InlineData(CompressType.Lz4, 1, -5, 12)]
    [InlineData(CompressType.Zst, 3, -7, 22)]
    [InlineData(CompressType.Bz2, 9, 1, 9)]
    public void LevelsMatchPgBackRest(CompressType type, int defaultLevel, int min, int max)
    {
        Assert.Equal(defaultLevel, CompressTypes.DefaultLevel(type));
        Assert.Equal(min, CompressTypes.MinLevel(type));
        Assert.Equal(max, CompressTypes.MaxLevel(type));
    }

    [Fact]
    public void FileWithoutKnownExtensionIsNone()
    {
        Assert.Equal(CompressType.None, CompressTypes.FromExtension("pg_data/base/1/1259"));
        Assert.Equal(CompressType.None, CompressTypes.FromExtension("backup.manifest"));
        Assert.Equal(CompressType.Gz, CompressTypes.FromExtension("backup.history/2025/20250101-000000F.manifest.gz"));
    }
}
