using System.Text;
using PgRest.Errors;
using PgRest.Storage.S3;

namespace PgRest.Tests.Storage;

/// <summary>The S3 XML documents: ListObjectsV2 pages and their continuation tokens, errors, multipart, batch delete.</summary>
public class S3XmlTests
{
    private const string FirstPage = """
        <?xml version="1.0" encoding="UTF-8"?>
        <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
          <Name>pgbackrest</Name>
          <Prefix>repo/archive/demo/</Prefix>
          <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
          <KeyCount>3</KeyCount>
          <MaxKeys>3</MaxKeys>
          <Delimiter>/</Delimiter>
          <IsTruncated>true</IsTruncated>
          <Contents>
            <Key>repo/archive/demo/archive.info</Key>
            <LastModified>2026-11-21T16:30:05.123Z</LastModified>
            <ETag>&quot;7f6e3a8c8b3c4e8d9a2b1c0d9e8f7a6b&quot;</ETag>
            <Size>372</Size>
            <StorageClass>STANDARD</StorageClass>
          </Contents>
          <Contents>
            <Key>repo/archive/demo/a&amp;b &lt;c&gt;</Key>
            <LastModified>2026-11-21T16:30:06.000Z</LastModified>
            <Size>0</Size>
          </Contents>
          <CommonPrefixes><Prefix>repo/archive/demo/15-1/</Prefix></CommonPrefixes>
        </ListBucketResult>
        """;

    [Fact]
    public void A_truncated_page_gives_objects_prefixes_and_the_next_token()
    {
        var page = S3Xml.ParseListPage(FirstPage);
        Assert.True(page.IsTruncated);
        Assert.Equal("1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=", page.NextContinuationToken);
        Assert.Equal(3, page.Entries.Count);

        var info = page.Entries[0];
        Assert.Equal("repo/archive/demo/archive.info", info.Key);
        Assert.False(info.IsPrefix);
        Assert.Equal(372, info.Size);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 16, 30, 5, 123, TimeSpan.Zero), info.Modified);

        Assert.Equal("repo/archive/demo/a&b <c>", page.Entries[1].Key);
        Assert.Equal(0, page.Entries[1].Size);

        Assert.Equal("repo/archive/demo/15-1/", page.Entries[2].Key);
        Assert.True(page.Entries[2].IsPrefix);
    }

    [Fact]
    public void The_last_page_has_no_token()
    {
        var page = S3Xml.ParseListPage("""
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult><Name>pgbackrest</Name><Prefix>x/</Prefix><ContinuationToken>abc</ContinuationToken>
            <KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>
            <Contents><Key>x/last</Key><LastModified>2026-11-21T16:30:06.000Z</LastModified><Size>5</Size></Contents></ListBucketResult>
            """);
        Assert.False(page.IsTruncated);
        Assert.Null(page.NextContinuationToken);
        Assert.Equal("x/last", Assert.Single(page.Entries).Key);
    }

    [Fact]
    public void An_empty_listing_has_no_entries()
    {
        var page = S3Xml.ParseListPage("<?xml version=\"1.0\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>b</Name><Prefix>none/</Prefix><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>");
        Assert.Empty(page.Entries);
        Assert.False(page.IsTruncated);
        Assert.Empty(S3Xml.ParseListPage("<ListBucketResult/>").Entries);
    }

    [Fact]
    public void Something_else_than_a_listing_is_a_format_error()
    {
        var error = Assert.Throws<PgRestException>(() => S3Xml.ParseListPage("<html><body>proxy error</body></html>"));
        Assert.Equal(ErrorCode.Format, error.Code);
    }

    [Fact]
    public void Error_documents_give_code_and_message()
    {
        var error = S3Xml.ParseError("""
            <?xml version="1.0" encoding="UTF-8"?><Error><Code>SignatureDoesNotMatch</Code><Message></Message><BucketName>pgbackrest</BucketName><RequestId>tx0000</RequestId><HostId>abc</HostId></Error>
            """);
        Assert.NotNull(error);
        Assert.Equal("SignatureDoesNotMatch", error.Code);
        Assert.Null(S3Xml.ParseError(""));
        Assert.Null(S3Xml.ParseError("<CompleteMultipartUploadResult><ETag>x</ETag></CompleteMultipartUploadResult>"));
        Assert.Null(S3Xml.ParseError("not xml at all, but with Error in it"));
    }

    [Fact]
    public void A_complete_answer_of_200_can_still_be_an_error()
    {
        const string failed = """
            <?xml version="1.0" encoding="UTF-8"?>

            <Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message><RequestId>656c76696e6727732072657175657374</RequestId></Error>
            """;
        Assert.Equal("InternalError", S3Xml.ParseCompleteError(failed)!.Code);
        Assert.Null(S3Xml.ParseCompleteError("""
            <?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Location>https://h/b/k</Location><Bucket>b</Bucket><Key>k</Key><ETag>"3858f62230ac3c915f300c664312c11f-9"</ETag></CompleteMultipartUploadResult>
            """));
    }

    [Fact]
    public void Multipart_requests_and_answers()
    {
        Assert.Equal("VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA",
            S3Xml.ParseUploadId("""<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>b</Bucket><Key>k</Key><UploadId>VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA</UploadId></InitiateMultipartUploadResult>"""));
        Assert.Equal(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&quot;a54357aff0632cce46d942af68356b38&quot;</ETag></Part>" +
            "<Part><PartNumber>2</PartNumber><ETag>&quot;0c78aef83f66abc1fa1e8477f296d394&quot;</ETag></Part></CompleteMultipartUpload>\n",
            Encoding.UTF8.GetString(S3Xml.CompleteRequest(["\"a54357aff0632cce46d942af68356b38\"", "\"0c78aef83f66abc1fa1e8477f296d394\""])));
    }

    [Fact]
    public void Batch_delete_is_quiet_and_reports_only_failures()
    {
        Assert.Equal(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Delete><Quiet>true</Quiet><Object><Key>repo/a</Key></Object><Object><Key>repo/b&amp;c</Key></Object></Delete>\n",
            Encoding.UTF8.GetString(S3Xml.DeleteRequest(["repo/a", "repo/b&c"])));
        Assert.Empty(S3Xml.ParseDeleteErrors("<?xml version=\"1.0\" encoding=\"UTF-8\"?><DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>"));
        Assert.Empty(S3Xml.ParseDeleteErrors(""));
        var errors = S3Xml.ParseDeleteErrors("""
            <DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Deleted><Key>repo/a</Key></Deleted>
            <Error><Key>repo/b</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error></DeleteResult>
            """);
        var error = Assert.Single(errors);
        Assert.Equal(("repo/b", "AccessDenied", "Access Denied"), (error.Key, error.Code, error.Message));
    }

    [Fact]
    public void Sts_web_identity_answer_gives_temporary_credentials()
    {
        var credentials = S3Xml.ParseAssumeRoleWithWebIdentity("""
            <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <AssumeRoleWithWebIdentityResult>
                <SubjectFromWebIdentityToken>amzn1.account.AF6RHO7KZU5XRVQJGXK6HB56KR2A</SubjectFromWebIdentityToken>
                <Audience>client.5498841531868486423.1548@apps.example.com</Audience>
                <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/FederatedWebIdentityRole/app1</Arn><AssumedRoleId>AROACLKWSDQRAOEXAMPLE:app1</AssumedRoleId></AssumedRoleUser>
                <Credentials>
                  <SessionToken>AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE</SessionToken>
                  <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
                  <Expiration>2014-10-24T23:00:23Z</Expiration>
                  <AccessKeyId>ASgeIAIOSFODNN7EXAMPLE</AccessKeyId>
                </Credentials>
                <SourceIdentity>SourceIdentityValue</SourceIdentity>
                <Provider>www.amazon.com</Provider>
              </AssumeRoleWithWebIdentityResult>
              <ResponseMetadata><RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId></ResponseMetadata>
            </AssumeRoleWithWebIdentityResponse>
            """);
        Assert.Equal("ASgeIAIOSFODNN7EXAMPLE", credentials.AccessKeyId);
        Assert.Equal("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY", credentials.SecretAccessKey);
        Assert.Equal("AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE", credentials.SessionToken);
        Assert.Equal(new DateTimeOffset(2014, 10, 24, 23, 0, 23, TimeSpan.Zero), credentials.Expiration);

        var error = Assert.Throws<PgRestException>(() => S3Xml.ParseAssumeRoleWithWebIdentity(
            "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code><Message>token expired</Message></Error></ErrorResponse>"));
        Assert.Contains("InvalidIdentityToken: token expired", error.Message, StringComparison.Ordinal);
    }
}
