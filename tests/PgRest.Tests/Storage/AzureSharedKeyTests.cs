using PgRest.Errors;
using PgRest.Storage.Azure;

namespace PgRest.Tests.Storage;

/// <summary>
/// SharedKey signing against published vectors: the strings to sign of Microsoft's "Authorize with Shared Key" page,
/// and the signatures of pgBackRest's own unit tests (test/src/module/storage/azureTest.c, key "YXpLZXk=").
/// </summary>
public sealed class AzureSharedKeyTests
{
    private static readonly KeyValuePair<string, string>[] NoQuery = [];

    private static KeyValuePair<string, string> Pair(string name, string value) => new(name, value);

    [Fact]
    public void The_string_to_sign_of_microsofts_example_matches_the_documentation()
    {
        // learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key, "Blob, Queue, and File services":
        // a Get Container Metadata request of version 2009-09-19 with x-ms-date, emulator (path-style) account.
        var text = AzureSharedKey.StringToSign(
            "GET", 0, null, null, null, null,
            [Pair("x-ms-date", "Sun, 11 Oct 2009 21:49:13 GMT"), Pair("x-ms-version", "2009-09-19")],
            "myaccount", "/myaccount/mycontainer",
            [Pair("restype", "container"), Pair("comp", "metadata"), Pair("timeout", "20")]);

        Assert.Equal(
            "GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:Sun, 11 Oct 2009 21:49:13 GMT\nx-ms-version:2009-09-19\n" +
            "/myaccount/myaccount/mycontainer\ncomp:metadata\nrestype:container\ntimeout:20",
            text);
    }

    [Fact]
    public void The_canonicalized_resource_sorts_parameters_and_joins_repeated_values()
    {
        // The documentation's List Blobs example: ?restype=container&comp=list&include=snapshots&include=metadata&include=uncommittedblobs
        var text = AzureSharedKey.StringToSign(
            "GET", 0, null, null, null, null, [], "myaccount", "/mycontainer",
            [Pair("restype", "container"), Pair("comp", "list"), Pair("include", "snapshots"), Pair("include", "metadata"), Pair("include", "uncommittedblobs")]);

        Assert.EndsWith("\n/myaccount/mycontainer\ncomp:list\ninclude:metadata,snapshots,uncommittedblobs\nrestype:container", text);
    }

    [Fact]
    public void Canonicalized_headers_are_lowercased_sorted_and_trimmed()
    {
        var text = AzureSharedKey.StringToSign(
            "PUT", 4, null, null, null, null,
            [Pair("x-ms-version", "2019-02-02"), Pair("X-MS-Blob-Type", " BlockBlob "), Pair("x-ms-date", "Sat, 21 Nov 2026 12:00:00 GMT")],
            "account", "/container/file", NoQuery);

        Assert.Equal(
            "PUT\n\n\n4\n\n\n\n\n\n\n\n\n" +
            "x-ms-blob-type:BlockBlob\nx-ms-date:Sat, 21 Nov 2026 12:00:00 GMT\nx-ms-version:2019-02-02\n/account/container/file",
            text);
    }

    [Fact]
    public void Minimal_request_signature_matches_pgbackrest()
    {
        var text = AzureSharedKey.StringToSign(
            "GET", 0, null, null, "Sun, 21 Jun 2020 12:46:19 GMT", null, [Pair("x-ms-version", "2021-06-08")], "account", "/path", NoQuery);

        Assert.Equal(
            "SharedKey account:2HRoJbu+G0rqwMjG+6gsb8WWkVo9rJNrDywsrnkmQAE=",
            AzureSharedKey.Authorization("account", Convert.FromBase64String("YXpLZXk="), text));
    }

    [Fact]
    public void Signature_with_content_md5_and_query_matches_pgbackrest()
    {
        var text = AzureSharedKey.StringToSign(
            "GET", 44, "b64f49553d5c441652e95697a2c5949e", null, "Sun, 21 Jun 2020 12:46:19 GMT", null,
            [Pair("x-ms-version", "2021-06-08")], "account", "/path/file", [Pair("a", "b")]);

        Assert.Equal("nuaRe9f/J91zHEE2x734ARyHJxd6Smju1j8qPrueE6o=", AzureSharedKey.Signature(Convert.FromBase64String("YXpLZXk="), text));
    }

    [Fact]
    public void The_account_sas_string_to_sign_has_one_line_per_field()
    {
        Assert.Equal(
            "devstoreaccount1\nrwdlacup\nb\nsco\n2026-11-21T00:00:00Z\n2026-11-22T00:00:00Z\n\nhttps\n2019-02-02\n",
            AzureSharedKey.AccountSasStringToSign("devstoreaccount1", "rwdlacup", "b", "sco", "2026-11-21T00:00:00Z", "2026-11-22T00:00:00Z", "", "https", "2019-02-02"));
    }

    [Fact]
    public void A_key_that_is_not_base64_is_refused_as_pgbackrest_does()
    {
        var error = Assert.Throws<PgRestException>(() => AzureObjectStorage.DecodeKey("bogus", "repo1"));
        Assert.Equal(ErrorCode.OptionInvalidValue, error.Code);
        Assert.Contains("invalid value for 'repo1-azure-key' option", error.Message, StringComparison.Ordinal);
        Assert.Contains("HINT: value must be valid base64 when 'repo1-azure-key-type = shared'.", error.Message, StringComparison.Ordinal);
        Assert.Equal("azKey"u8.ToArray(), AzureObjectStorage.DecodeKey("YXpLZXk=", "repo1"));
    }

    [Fact]
    public void Block_ids_have_one_length_and_the_base64_alphabet()
    {
        var first = AzureObjectStorage.BlockId(0x0123456789ABCDEF, 1);
        var last = AzureObjectStorage.BlockId(ulong.MaxValue, 9_999_999);
        Assert.Equal("0123456789ABCDEFx0000001", first);
        Assert.Equal(first.Length, last.Length);
        Assert.Equal(24, first.Length);
        Assert.Equal(18, Convert.FromBase64String(last).Length);
        Assert.Equal(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList><Uncommitted>a</Uncommitted><Uncommitted>b</Uncommitted></BlockList>",
            System.Text.Encoding.UTF8.GetString(AzureObjectStorage.BlockListXml(["a", "b"])));
    }
}
