using System.Text;
using PgRest.Errors;
using PgRest.Storage.Azure;

namespace PgRest.Tests.Storage;

/// <summary>List Blobs answers (Microsoft's documented shape and what Azurite 3.37 sends).</summary>
public sealed class AzureListingTests
{
    private static AzureListPage Parse(string xml) => AzureListing.Parse(new MemoryStream(Encoding.UTF8.GetBytes(xml)));

    [Fact]
    public void A_page_with_blobs_prefixes_and_a_next_marker()
    {
        // The response body of learn.microsoft.com/rest/api/storageservices/list-blobs, with a delimiter.
        var page = Parse("""
            <?xml version="1.0" encoding="utf-8"?>
            <EnumerationResults ServiceEndpoint="https://myaccount.blob.core.windows.net/" ContainerName="mycontainer">
              <Prefix>repo/archive/demo/</Prefix>
              <Marker />
              <MaxResults>3</MaxResults>
              <Delimiter>/</Delimiter>
              <Blobs>
                <BlobPrefix>
                  <Name>repo/archive/demo/15-1/</Name>
                </BlobPrefix>
                <Blob>
                  <Name>repo/archive/demo/archive.info</Name>
                  <Snapshot />
                  <Properties>
                    <Creation-Time>Sat, 21 Nov 2026 12:00:00 GMT</Creation-Time>
                    <Last-Modified>Sat, 21 Nov 2026 12:34:56 GMT</Last-Modified>
                    <Etag>0x8CBFF45D8A29A19</Etag>
                    <Content-Length>372</Content-Length>
                    <Content-Type>application/octet-stream</Content-Type>
                    <Content-Encoding />
                    <Content-MD5>sQqNsWTgdUEFt6mb5y4/5Q==</Content-MD5>
                    <BlobType>BlockBlob</BlobType>
                    <LeaseStatus>unlocked</LeaseStatus>
                  </Properties>
                  <Metadata><Color>blue</Color></Metadata>
                </Blob>
                <Blob>
                  <Name>repo/archive/demo/archive.info.copy</Name>
                  <Properties>
                    <Last-Modified>Sat, 21 Nov 2026 12:35:00 GMT</Last-Modified>
                    <Content-Length>0</Content-Length>
                  </Properties>
                </Blob>
              </Blobs>
              <NextMarker>2!100!MDAwMDE2IXJlcG8vYXJjaGl2ZS9kZW1vL2I-</NextMarker>
            </EnumerationResults>
            """);

        Assert.Equal("2!100!MDAwMDE2IXJlcG8vYXJjaGl2ZS9kZW1vL2I-", page.NextMarker);
        Assert.Equal(3, page.Entries.Count);
        Assert.Equal("repo/archive/demo/15-1/", page.Entries[0].Key);
        Assert.True(page.Entries[0].IsPrefix);
        Assert.Equal("repo/archive/demo/archive.info", page.Entries[1].Key);
        Assert.False(page.Entries[1].IsPrefix);
        Assert.Equal(372, page.Entries[1].Size);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 12, 34, 56, TimeSpan.Zero), page.Entries[1].Modified);
        Assert.Equal(0, page.Entries[2].Size);
    }

    [Fact]
    public void The_last_page_of_azurite_has_an_empty_next_marker()
    {
        var page = Parse(
            """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><EnumerationResults ServiceEndpoint="https://127.0.0.1:44129/devstoreaccount1" ContainerName="pgbackrest"><Prefix/><Marker/><MaxResults>5000</MaxResults><Delimiter>/</Delimiter><Blobs><BlobPrefix><Name>a/</Name></BlobPrefix><Blob><Name>b</Name><Properties><Creation-Time>Sat, 21 Nov 2026 16:14:30 GMT</Creation-Time><Last-Modified>Sat, 21 Nov 2026 16:14:30 GMT</Last-Modified><Etag>0x1</Etag><Content-Length>5</Content-Length></Properties></Blob></Blobs><NextMarker/></EnumerationResults>""");

        Assert.Null(page.NextMarker);
        Assert.Equal(["a/", "b"], page.Entries.Select(entry => entry.Key));
        Assert.Equal(5, page.Entries[1].Size);
    }

    [Fact]
    public void An_empty_container_has_no_entries_and_no_marker()
    {
        var page = Parse(
            """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><EnumerationResults ServiceEndpoint="https://127.0.0.1:1/devstoreaccount1" ContainerName="pgbackrest"><Prefix/><Marker/><MaxResults>5000</MaxResults><Blobs/><NextMarker/></EnumerationResults>""");
        Assert.Empty(page.Entries);
        Assert.Null(page.NextMarker);
    }

    [Fact]
    public void A_marker_before_the_blobs_is_read_too()
    {
        var page = Parse("<EnumerationResults><NextMarker>m2</NextMarker><Blobs><Blob><Name>x</Name></Blob></Blobs></EnumerationResults>");
        Assert.Equal("m2", page.NextMarker);
        Assert.Equal("x", Assert.Single(page.Entries).Key);
    }

    [Fact]
    public void A_body_that_is_not_a_listing_is_a_format_error()
    {
        Assert.Equal(ErrorCode.Format, Assert.Throws<PgRestException>(() => Parse("<Error><Code>X</Code></Error>")).Code);
        Assert.Equal(ErrorCode.Format, Assert.Throws<PgRestException>(() => Parse("<EnumerationResults><Blobs>")).Code);
    }
}
