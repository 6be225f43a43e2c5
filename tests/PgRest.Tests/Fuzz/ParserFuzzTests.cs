using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using PgRest.BlockIncr;
using PgRest.Commands.Control;
using PgRest.Config;
using PgRest.Errors;
using PgRest.Filters;
using PgRest.Info;
using PgRest.Json;
using PgRest.Postgres;
using PgRest.Postgres.WalRecords;
using PgRest.Storage.Azure;
using PgRest.Storage.Gcs;
using PgRest.Storage.S3;
using PgRest.Tests.Postgres;
using Xunit.Abstractions;

namespace PgRest.Tests.Fuzz;

/// <summary>
/// Every parser of outside input, fed seeded mutations of valid input: each must parse it or refuse it with a
/// pgBackRest error code (a <see cref="PgRestException"/>), never another exception type, never hang, never allocate
/// far beyond the input's size because a length field said so. PGREST_FUZZ_ITERATIONS sets the inputs per parser
/// (default 1500); a failure prints the seed and the input to replay.
/// </summary>
public sealed class ParserFuzzTests(ITestOutputHelper output)
{
    private static readonly int Iterations =
        int.TryParse(Environment.GetEnvironmentVariable("PGREST_FUZZ_ITERATIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 1500;

    private static readonly TimeSpan SlowInput = TimeSpan.FromSeconds(2);

    private sealed record Target(string Name, IReadOnlyList<byte[]> Seeds, Action<byte[]> Parse);

    private static readonly Lazy<Dictionary<string, Target>> Targets = new(BuildTargets);

    public static TheoryData<string> Names()
    {
        var names = new TheoryData<string>();
        foreach (var name in TargetNames)
            names.Add(name);
        return names;
    }

    private static readonly string[] TargetNames =
    [
        "pgbackrest.conf", "configuration", "backup.info", "archive.info", "backup.manifest", "json", "block map", "wal page header",
        "wal records", "pg_control", "s3 list", "s3 error", "s3 upload", "s3 delete", "s3 web identity", "azure list", "gcs list",
        "gcs object", "gcs token", "gcs service key", "lock file", "timeline history", "gz", "lz4", "zst", "bz2", "aes-256-cbc",
    ];

    [Theory]
    [MemberData(nameof(Names))]
    public void A_mutated_input_is_parsed_or_refused_with_an_error_code(string name)
    {
        var target = Targets.Value[name];
        var mutator = new Mutator(StableSeed(name));
        List<string> failures = [];
        var (parsed, refused) = (0, 0);
        for (var iteration = 0; iteration < Iterations && failures.Count < 5; iteration++)
        {
            var seed = target.Seeds[iteration % target.Seeds.Count];
            var input = iteration < target.Seeds.Count ? seed : mutator.Mutate(seed);
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            try
            {
                target.Parse(input);
                parsed++;
            }
            catch (PgRestException e) when (e.Code is not ErrorCode.Assert)
            {
                refused++;
            }
            catch (Exception e)
            {
                failures.Add($"input {iteration}: {e.GetType().Name}: {e.Message}\n{Describe(input)}\n{e.StackTrace}");
                continue;
            }

            var bytes = GC.GetAllocatedBytesForCurrentThread() - allocated;
            // A pause of this machine (a GC, the other tests) is not a hang: slow twice is.
            if (clock.Elapsed > SlowInput && Timed(target, input) > SlowInput)
                failures.Add($"input {iteration}: took {clock.Elapsed.TotalSeconds:0.0}s\n{Describe(input)}");
            else if (bytes > 64L * 1024 * 1024 + 200L * input.Length)
                failures.Add($"input {iteration}: allocated {bytes / (1024 * 1024)} MiB for {input.Length} bytes\n{Describe(input)}");
        }

        output.WriteLine($"{name}: {parsed + refused + failures.Count} inputs, {parsed} parsed, {refused} refused with an error code, {failures.Count} failures");
        Assert.True(failures.Count == 0, $"{name}:\n" + string.Join("\n\n", failures));
    }

    private static TimeSpan Timed(Target target, byte[] input)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            target.Parse(input);
        }
        catch (PgRestException)
        {
        }

        return clock.Elapsed;
    }

    private static int StableSeed(string name) => name.Aggregate(17, (hash, c) => unchecked(hash * 31 + c));

    private static string Describe(byte[] input) =>
        input.Length <= 2048 && input.All(b => b is >= 0x20 and < 0x7F or (byte)'\n' or (byte)'\t')
            ? "text: " + Encoding.ASCII.GetString(input)
            : $"base64 ({input.Length} bytes): " + Convert.ToBase64String(input.AsSpan(0, Math.Min(input.Length, 4096)));

    private static Dictionary<string, Target> BuildTargets()
    {
        var fixtures = Path.Combine(RepositoryFiles.Root(), "tests", "PgRest.Tests", "Info", "Fixtures");
        byte[][] Files(string pattern) => [.. Directory.GetFiles(fixtures, pattern).Order(StringComparer.Ordinal).Select(File.ReadAllBytes)];
        string Text(byte[] input) => Encoding.UTF8.GetString(input);
        var config = File.ReadAllBytes(Path.Combine(RepositoryFiles.Root(), "samples", "pgbackrest.conf"));
        var configDirectory = Directory.CreateTempSubdirectory("pgrest-fuzz-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(configDirectory, recursive: true);
        var segment = FixtureRepositories.Segments("pg15-block-plain", "15-1").First().Bytes;
        var walStart = segment[..(64 * 1024)];
        var wal = WalHeader.Read(segment);

        var map = new BlockMap(8192, 16);
        for (var block = 0u; block < 6; block++)
            map.Add(new BlockMapItem(block < 3 ? 0u : 1u, block < 3 ? 0ul : 2ul, block * 100ul, 100, 16384, block % 2), Enumerable.Repeat((byte)block, 16).ToArray());

        var plain = Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(0, 400).Select(i => $"line {i} of a WAL segment or a backup file")));
        Target Codec(string name, CompressType type) =>
            new(name, [Compress(plain, type)], input => Drain(Compression.Decompressor(new MemoryStream(input), type)));

        Target[] targets =
        [
            new("pgbackrest.conf", [config], input => ConfigIni.Parse(Text(input))),
            new("configuration", [config], input =>
            {
                var path = Path.Combine(configDirectory, "pgbackrest.conf");
                File.WriteAllBytes(path, input);
                ConfigurationLoader.Load(["--config=" + path, "--stanza=main", "backup"], new Dictionary<string, string>());
            }),
            new("backup.info", Files("backup*.info"), input => Resealed(Text(input), text => BackupInfo.Parse(text))),
            new("archive.info", Files("archive*.info"), input => Resealed(Text(input), text => ArchiveInfo.Parse(text))),
            new("backup.manifest", Files("*.manifest"), input => Resealed(Text(input), text => Manifest.Parse(text))),
            new("json", [Utf8("""{"a":[1,-2.5e3,"x\u00e9\n",true,null,{"b":{}}],"c":"18446744073709551615"}""")],
                input => JsonReader.Parse(Text(input))),
            new("block map", [map.Encode()], input => BlockMapCodec.Decode(input, 8192, 16)),
            new("wal page header", [segment[..8192]], input => WalHeader.Read(input)),
            new("wal records", [walStart], input =>
            {
                using var reader = new WalStreamReader(wal.Version, wal.SegmentSize, new Lsn(wal.SegmentSize));
                reader.Feed(input, 1, 1, record => true);
            }),
            new("pg_control", [PgControlTests.Pg15Control()], input => PgControl.Parse(input)),
            new("s3 list", [Utf8(S3ListPage)], input => S3Xml.ParseListPage(Text(input))),
            new("s3 error", [Utf8("""<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>a</Key></Error>""")],
                input => S3Xml.ParseError(Text(input))),
            new("s3 upload", [Utf8("""<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>2~abc</UploadId></InitiateMultipartUploadResult>""")],
                input => S3Xml.ParseUploadId(Text(input))),
            new("s3 delete", [Utf8("""<?xml version="1.0" encoding="UTF-8"?><DeleteResult><Deleted><Key>a</Key></Deleted><Error><Key>b</Key><Code>AccessDenied</Code><Message>no</Message></Error></DeleteResult>""")],
                input => S3Xml.ParseDeleteErrors(Text(input))),
            new("s3 web identity", [Utf8(S3WebIdentity)], input => S3Xml.ParseAssumeRoleWithWebIdentity(Text(input))),
            new("azure list", [Utf8(AzureListPage)], input => AzureListing.Parse(new MemoryStream(input))),
            new("gcs list", [Utf8(GcsListPage)], input => GcsJson.ParseListPage(input)),
            new("gcs object", [Utf8("""{"md5Hash":"XrY7u+Ae7tCTyyK7j1rNww==","size":"11","name":"a"}""")], input => GcsJson.ParseObject(input)),
            new("gcs token", [Utf8("""{"access_token":"ya29.abc","expires_in":3599,"token_type":"Bearer"}""")], input => GcsJson.ParseToken(input)),
            new("gcs service key", [Utf8(GcsServiceKey)], input => GcsJson.ParseServiceKey(input)),
            new("lock file", [Utf8("{\"execId\":\"1234-abcd\",\"pid\":4321,\"size\":100,\"sizeCplt\":50}\n")], input => LockHolder.Parse(Text(input))),
            new("timeline history", [Utf8("1\t0/5000100\tno recovery target specified\n\n2\t0/9000000\tbefore transaction 1234\n")],
                input => TimelineHistory.Parse(Text(input), 3)),
            Codec("gz", CompressType.Gz), Codec("lz4", CompressType.Lz4), Codec("zst", CompressType.Zst), Codec("bz2", CompressType.Bz2),
            new("aes-256-cbc", [Encrypt(plain, "fuzz-passphrase")], input => Drain(Cipher.Decryptor(new MemoryStream(input), "fuzz-passphrase"))),
        ];
        Assert.Equal(TargetNames.Order(), targets.Select(target => target.Name).Order());
        return targets.ToDictionary(target => target.Name);
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>
    /// Most mutations of an info file only break its checksum; to reach the parsing behind it, a file refused for its
    /// checksum alone is given the checksum it asked for and parsed again.
    /// </summary>
    private static void Resealed(string text, Action<string> parse)
    {
        try
        {
            parse(text);
        }
        catch (PgRestException e) when (e.Code == ErrorCode.Checksum && Regex.Match(e.Message, "actual '([0-9a-f]{40})'") is { Success: true } actual)
        {
            var resealed = Regex.Replace(text, "backrest-checksum=\"[^\"\n]*\"", $"backrest-checksum=\"{actual.Groups[1].Value}\"");
            if (resealed == text)
                throw;
            parse(resealed);
        }
    }

    private static void Drain(Stream stream)
    {
        using (stream)
            stream.CopyTo(Stream.Null);
    }

    private static byte[] Compress(byte[] data, CompressType type)
    {
        var buffer = new MemoryStream();
        using (var compressor = Compression.Compressor(buffer, type, level: 1, leaveOpen: true))
            compressor.Write(data);
        return buffer.ToArray();
    }

    private static byte[] Encrypt(byte[] data, string passphrase)
    {
        var buffer = new MemoryStream();
        using (var encryptor = Cipher.Encryptor(buffer, passphrase, leaveOpen: true))
            encryptor.Write(data);
        return buffer.ToArray();
    }

    private const string S3ListPage = """
        <?xml version="1.0" encoding="UTF-8"?>
        <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
          <Name>pgbackrest</Name><Prefix>repo/archive/demo/</Prefix>
          <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
          <KeyCount>2</KeyCount><MaxKeys>3</MaxKeys><Delimiter>/</Delimiter><IsTruncated>true</IsTruncated>
          <Contents><Key>repo/archive/demo/archive.info</Key><LastModified>2026-11-21T16:30:05.123Z</LastModified><Size>372</Size></Contents>
          <Contents><Key>repo/archive/demo/a&amp;b</Key><LastModified>2026-11-21T16:30:06.000Z</LastModified><Size>0</Size></Contents>
          <CommonPrefixes><Prefix>repo/archive/demo/15-1/</Prefix></CommonPrefixes>
        </ListBucketResult>
        """;

    private const string S3WebIdentity = """
        <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <AssumeRoleWithWebIdentityResult>
            <Credentials>
              <AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken>
              <Expiration>2026-11-21T17:30:05Z</Expiration>
            </Credentials>
          </AssumeRoleWithWebIdentityResult>
        </AssumeRoleWithWebIdentityResponse>
        """;

    private const string AzureListPage = """
        <?xml version="1.0" encoding="utf-8"?>
        <EnumerationResults ServiceEndpoint="https://myaccount.blob.core.windows.net/" ContainerName="mycontainer">
          <Prefix>repo/archive/demo/</Prefix><Marker /><MaxResults>3</MaxResults><Delimiter>/</Delimiter>
          <Blobs>
            <BlobPrefix><Name>repo/archive/demo/15-1/</Name></BlobPrefix>
            <Blob><Name>repo/archive/demo/archive.info</Name><Properties><Last-Modified>Sat, 21 Nov 2026 16:14:30 GMT</Last-Modified><Content-Length>372</Content-Length></Properties></Blob>
          </Blobs>
          <NextMarker>2!100!MDAwMDE2IXJlcG8vYXJjaGl2ZS9kZW1vL2I-</NextMarker>
        </EnumerationResults>
        """;

    private const string GcsListPage = """
        {"kind":"storage#objects","nextPageToken":"CkBhcmNo","prefixes":["repo/archive/demo/15-1/"],
         "items":[{"name":"repo/archive/demo/archive.info","size":"367","updated":"2026-11-21T12:00:01.123Z"}]}
        """;

    private const string GcsServiceKey = """
        {"type":"service_account","project_id":"project","private_key_id":"abc",
         "private_key":"-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n",
         "client_email":"svc@project.iam.gserviceaccount.com","token_uri":"https://oauth2.googleapis.com/token"}
        """;
}
