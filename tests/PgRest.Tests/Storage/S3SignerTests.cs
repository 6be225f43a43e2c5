using System.Security.Cryptography;
using System.Text;
using PgRest.Storage.S3;

namespace PgRest.Tests.Storage;

/// <summary>
/// The signer against AWS's published Signature Version 4 vectors: the four S3 examples of "Signature Calculations for
/// the Authorization Header: Transferring Payload in a Single Chunk" (credentials AKIAIOSFODNN7EXAMPLE, 2013-05-24) and
/// cases of the generic SigV4 test suite (AKIDEXAMPLE, service "service", 2015-08-30).
/// </summary>
public class S3SignerTests
{
    private const string S3Access = "AKIAIOSFODNN7EXAMPLE";
    private const string S3Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private const string S3Host = "examplebucket.s3.amazonaws.com";
    private const string S3Date = "20130524T000000Z";

    private const string SuiteAccess = "AKIDEXAMPLE";
    private const string SuiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string SuiteDate = "20150830T123600Z";

    private static KeyValuePair<string, string> H(string name, string value) => new(name, value);

    private static string SignatureOf(string authorization) => authorization[(authorization.IndexOf("Signature=", StringComparison.Ordinal) + 10)..];

    [Fact]
    public void Get_object_with_a_range()
    {
        var signer = new S3Signer("us-east-1");
        var authorization = signer.Authorization("GET", "/test.txt", [],
            [H("Host", S3Host), H("Range", "bytes=0-9"), H("x-amz-content-sha256", S3Signer.EmptyPayloadHash), H("x-amz-date", S3Date)],
            S3Signer.EmptyPayloadHash, S3Date, S3Access, S3Secret);
        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date," +
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
            authorization);
    }

    [Fact]
    public void Put_object_hashes_the_real_payload_and_encodes_the_key()
    {
        var payload = S3Signer.PayloadHash(Encoding.UTF8.GetBytes("Welcome to Amazon S3."));
        Assert.Equal("44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072", payload);
        var path = S3Signer.EncodePath("/test$file.text");
        Assert.Equal("/test%24file.text", path);
        var headers = new[]
        {
            H("Date", "Fri, 24 May 2013 00:00:00 GMT"), H("Host", S3Host), H("x-amz-content-sha256", payload),
            H("x-amz-date", S3Date), H("x-amz-storage-class", "REDUCED_REDUNDANCY"),
        };
        var (canonical, signedHeaders) = S3Signer.CanonicalRequest("PUT", path, [], headers, payload);
        Assert.Equal("date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class", signedHeaders);
        Assert.Equal("9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d",
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))));
        Assert.Equal("98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd",
            SignatureOf(new S3Signer("us-east-1").Authorization("PUT", path, [], headers, payload, S3Date, S3Access, S3Secret)));
    }

    [Fact]
    public void Get_bucket_lifecycle_signs_a_query_name_without_value()
    {
        var headers = new[] { H("host", S3Host), H("x-amz-content-sha256", S3Signer.EmptyPayloadHash), H("x-amz-date", S3Date) };
        Assert.Equal("lifecycle=", S3Signer.CanonicalQuery([H("lifecycle", "")]));
        Assert.Equal("fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543",
            SignatureOf(new S3Signer("us-east-1").Authorization("GET", "/", [H("lifecycle", "")], headers, S3Signer.EmptyPayloadHash, S3Date, S3Access, S3Secret)));
    }

    [Fact]
    public void List_objects_sorts_the_query()
    {
        var headers = new[] { H("host", S3Host), H("x-amz-content-sha256", S3Signer.EmptyPayloadHash), H("x-amz-date", S3Date) };
        var query = new[] { H("prefix", "J"), H("max-keys", "2") };
        Assert.Equal("max-keys=2&prefix=J", S3Signer.CanonicalQuery(query));
        Assert.Equal("34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7",
            SignatureOf(new S3Signer("us-east-1").Authorization("GET", "/", query, headers, S3Signer.EmptyPayloadHash, S3Date, S3Access, S3Secret)));
    }

    [Theory]
    [InlineData("/", new string[0], "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")] // get-vanilla
    [InlineData("/", new[] { "Param2", "value2", "Param1", "value1" }, "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")] // get-vanilla-query-order-key-case
    [InlineData("/\u1234", new string[0], "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85")] // get-utf8
    public void Signature_v4_test_suite(string path, string[] queryPairs, string expected)
    {
        var query = new List<KeyValuePair<string, string>>();
        for (var index = 0; index < queryPairs.Length; index += 2)
            query.Add(H(queryPairs[index], queryPairs[index + 1]));
        var authorization = new S3Signer("us-east-1", "service").Authorization("GET", S3Signer.EncodePath(path), query,
            [H("Host", "example.amazonaws.com"), H("X-Amz-Date", SuiteDate)], S3Signer.EmptyPayloadHash, SuiteDate, SuiteAccess, SuiteSecret);
        Assert.Equal(expected, SignatureOf(authorization));
        Assert.Contains("Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request,SignedHeaders=host;x-amz-date,", authorization, StringComparison.Ordinal);
    }

    [Fact]
    public void Query_values_encode_slashes_and_reserved_characters_but_paths_keep_slashes()
    {
        Assert.Equal("continuation-token=1%2Fab%2B%3D&delimiter=%2F&prefix=repo%2Farchive%2F",
            S3Signer.CanonicalQuery([H("prefix", "repo/archive/"), H("delimiter", "/"), H("continuation-token", "1/ab+=")]));
        Assert.Equal("/pgbackrest/repo/backup/demo/20261121-120000F/pg_data/base/1/1259.zst",
            S3Signer.EncodePath("/pgbackrest/repo/backup/demo/20261121-120000F/pg_data/base/1/1259.zst"));
        Assert.Equal("/a%20b/%C3%BC~-_.", S3Signer.EncodePath("/a b/ü~-_."));
    }

    [Fact]
    public void Header_values_are_trimmed_and_inner_spaces_collapsed()
    {
        var (canonical, _) = S3Signer.CanonicalRequest("GET", "/", [], [H("My-Header1", "  a   b   c  "), H("host", "h")], S3Signer.EmptyPayloadHash);
        Assert.Contains("\nmy-header1:a b c\n", canonical, StringComparison.Ordinal);
    }

    [Fact]
    public void The_signing_key_follows_the_date_and_the_secret()
    {
        var signer = new S3Signer("us-east-1");
        var headers = new[] { H("host", S3Host), H("x-amz-content-sha256", S3Signer.EmptyPayloadHash), H("x-amz-date", S3Date) };
        var first = signer.Authorization("GET", "/", [H("lifecycle", "")], headers, S3Signer.EmptyPayloadHash, S3Date, S3Access, S3Secret);
        var otherSecret = signer.Authorization("GET", "/", [H("lifecycle", "")], headers, S3Signer.EmptyPayloadHash, S3Date, S3Access, "other");
        var again = signer.Authorization("GET", "/", [H("lifecycle", "")], headers, S3Signer.EmptyPayloadHash, S3Date, S3Access, S3Secret);
        Assert.NotEqual(first, otherSecret);
        Assert.Equal(first, again);
        Assert.Equal("20130524T000000Z", S3Signer.FormatDateTime(new DateTime(2013, 5, 24, 0, 0, 0, DateTimeKind.Utc)));
    }
}
