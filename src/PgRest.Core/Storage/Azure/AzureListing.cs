using System.Globalization;
using System.Xml;
using PgRest.Errors;
using PgRest.Storage.Object;

namespace PgRest.Storage.Azure;

/// <summary>One page of a List Blobs answer: blobs and blob prefixes in the service's order, and the marker of the next page.</summary>
public sealed record AzureListPage(IReadOnlyList<ObjectEntry> Entries, string? NextMarker);

/// <summary>Reads List Blobs answers (<c>EnumerationResults</c>) with an XmlReader.</summary>
public static class AzureListing
{
    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        IgnoreComments = true,
        IgnoreWhitespace = true,
        XmlResolver = null,
    };

    /// <summary>
    /// Parses one page. <c>Blob</c> gives a file (Name, Properties/Content-Length, Properties/Last-Modified);
    /// <c>BlobPrefix</c> gives a prefix entry (its Name ends with the delimiter); an empty or missing NextMarker ends the listing.
    /// </summary>
    public static AzureListPage Parse(Stream xml)
    {
        var entries = new List<ObjectEntry>();
        string? nextMarker = null;
        try
        {
            using var reader = XmlReader.Create(xml, Settings);
            if (!reader.ReadToFollowing("EnumerationResults"))
                throw new PgRestException(ErrorCode.Format, "Azure list answer has no EnumerationResults element");
            var depth = reader.Depth;
            reader.Read();
            while (!reader.EOF && reader.Depth > depth)
            {
                if (reader.NodeType != XmlNodeType.Element)
                {
                    reader.Read();
                    continue;
                }

                switch (reader.Name)
                {
                    case "Blobs":
                        if (reader.IsEmptyElement)
                            reader.Read();
                        else
                            ReadBlobs(reader, entries);
                        break;
                    case "NextMarker":
                        nextMarker = reader.ReadElementContentAsString();
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
        }
        catch (Exception e) when (e is XmlException or FormatException or OverflowException)
        {
            throw new PgRestException(ErrorCode.Format, "unable to parse Azure list answer: " + e.Message, e);
        }

        return new AzureListPage(entries, string.IsNullOrEmpty(nextMarker) ? null : nextMarker);
    }

    private static void ReadBlobs(XmlReader reader, List<ObjectEntry> entries)
    {
        var depth = reader.Depth;
        reader.Read();
        while (!reader.EOF && reader.Depth > depth)
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                reader.Read();
                continue;
            }

            if (reader.Name == "Blob" && !reader.IsEmptyElement)
                entries.Add(ReadBlob(reader));
            else if (reader.Name == "BlobPrefix" && !reader.IsEmptyElement)
                entries.Add(ReadPrefix(reader));
            else
                reader.Skip();
        }

        reader.Read(); // </Blobs>
    }

    private static ObjectEntry ReadBlob(XmlReader reader)
    {
        string? name = null;
        long size = 0;
        var modified = DateTimeOffset.UnixEpoch;
        var depth = reader.Depth;
        reader.Read();
        while (!reader.EOF && reader.Depth > depth)
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                reader.Read();
                continue;
            }

            if (reader.Name == "Name")
                name = reader.ReadElementContentAsString();
            else if (reader.Name == "Properties" && !reader.IsEmptyElement)
            {
                var propertiesDepth = reader.Depth;
                reader.Read();
                while (!reader.EOF && reader.Depth > propertiesDepth)
                {
                    if (reader.NodeType != XmlNodeType.Element)
                        reader.Read();
                    else if (reader.Name == "Content-Length")
                        size = long.Parse(reader.ReadElementContentAsString(), NumberStyles.None, CultureInfo.InvariantCulture);
                    else if (reader.Name == "Last-Modified")
                        modified = ParseHttpDate(reader.ReadElementContentAsString());
                    else
                        reader.Skip();
                }

                reader.Read(); // </Properties>
            }
            else
                reader.Skip();
        }

        reader.Read(); // </Blob>
        return new ObjectEntry(name ?? throw new PgRestException(ErrorCode.Format, "Azure list answer has a Blob without Name"), false, size, modified);
    }

    private static ObjectEntry ReadPrefix(XmlReader reader)
    {
        string? name = null;
        var depth = reader.Depth;
        reader.Read();
        while (!reader.EOF && reader.Depth > depth)
        {
            if (reader.NodeType == XmlNodeType.Element && reader.Name == "Name")
                name = reader.ReadElementContentAsString();
            else if (reader.NodeType == XmlNodeType.Element)
                reader.Skip();
            else
                reader.Read();
        }

        reader.Read(); // </BlobPrefix>
        return new ObjectEntry(name ?? throw new PgRestException(ErrorCode.Format, "Azure list answer has a BlobPrefix without Name"), true, 0, DateTimeOffset.UnixEpoch);
    }

    /// <summary>An RFC 1123 date (<c>Sun, 21 Jun 2020 12:46:19 GMT</c>).</summary>
    public static DateTimeOffset ParseHttpDate(string text) =>
        DateTimeOffset.ParseExact(text.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
