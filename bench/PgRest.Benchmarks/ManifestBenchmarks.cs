using BenchmarkDotNet.Attributes;
using PgRest.Info;

namespace PgRest.Benchmarks;

/// <summary>
/// Saving and loading a large backup manifest: a real 2.45 manifest of a fresh cluster (~1000 files) with its file list
/// repeated as extra segment files (<c>name.1</c> … <c>name.N</c>), the way large relations look.
/// </summary>
[MemoryDiagnoser]
public class ManifestBenchmarks
{
    private Manifest _manifest = null!;
    private string _text = "";

    /// <summary>Copies of the file list; 20 gives about 20,000 files.</summary>
    [Params(20)]
    public int Copies { get; set; }

    public int FileCount => _manifest.Files.Count;

    [GlobalSetup]
    public void Setup()
    {
        using var resource = typeof(ManifestBenchmarks).Assembly.GetManifestResourceStream("fresh-full.manifest")
            ?? throw new InvalidOperationException("fresh-full.manifest resource missing");
        using var reader = new StreamReader(resource);
        _manifest = Manifest.Parse(reader.ReadToEnd());

        var originals = _manifest.Files.ToList();
        for (var copy = 1; copy <= Copies; copy++)
        {
            foreach (var file in originals)
                _manifest.Files.Add(CopyOf(file, $"{file.Name}.{copy}"));
        }

        _text = _manifest.Serialize("2.45");
    }

    [Benchmark]
    public int Serialize() => _manifest.Serialize("2.45").Length;

    [Benchmark]
    public int Parse() => Manifest.Parse(_text).Files.Count;

    private static ManifestFile CopyOf(ManifestFile file, string name) => new()
    {
        Name = name,
        Size = file.Size,
        SizeOriginal = file.SizeOriginal,
        RepoSize = file.RepoSize,
        Timestamp = file.Timestamp,
        Checksum = file.Checksum,
        ChecksumPage = file.ChecksumPage,
        ChecksumPageErrors = file.ChecksumPageErrors,
        RepoChecksum = file.RepoChecksum,
        Reference = file.Reference,
        BundleId = file.BundleId,
        BundleOffset = file.BundleOffset,
        BlockIncrSize = file.BlockIncrSize,
        BlockIncrChecksumSize = file.BlockIncrChecksumSize,
        BlockIncrMapSize = file.BlockIncrMapSize,
        Mode = file.Mode,
        User = file.User,
        Group = file.Group,
    };
}
