using System.Globalization;
using System.Security;
using System.Text;
using System.Xml;
using PgRest.Errors;
using PgRest.Storage.Object;

namespace PgRest.Storage.S3;

/// <summary>One page of a ListObjectsV2 answer: objects and common prefixes, and the token of the next page.</summary>
public sealed record S3ListPage(IReadOnlyList<ObjectEntry> Entries, string? NextContinuationToken, bool IsTruncated);

/// <summary>An S3 error document (<c>&lt;Error&gt;&lt;Code&gt;...</c>), or one failed key of a DeleteObjects answer.</summary>
public sealed record S3Error(string Code, string Message, string? Key = null);

/// <summary>Temporary credentials (instance metadata, STS).</summary>
public sealed record S3TemporaryCredentials(string AccessKeyId, string SecretAccessKey, string SessionToken, DateTimeOffset Expiration);

/// <summary>
/// The S3 XML documents the driver reads and writes, with <see cref="XmlReader"/> (no reflection, no DOM): element names
/// are matched by local name, so the S3 namespace may be there or not.
/// </summary>
public static class S3Xml
{
    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    /// <summary>Parses a ListBucketResult (list-type=2): <c>Contents</c> become objects, <c>CommonPrefixes</c> prefixes.</summary>
    public static S3ListPage ParseListPage(string xml) => Parsed("list answer", xml, ReadListPage, showAnswer: true);

    private static S3ListPage ReadListPage(string xml)
    {
        var entries = new List<ObjectEntry>();
        string? token = null;
        var truncated = false;
        using var reader = Open(xml);
        ExpectRoot(reader, "ListBucketResult", xml);
        var depth = reader.Depth;
        if (reader.IsEmptyElement)
            return new S3ListPage(entries, null, false);
        reader.Read();
        while (NextChild(reader, depth))
        {
            switch (reader.LocalName)
            {
                case "IsTruncated":
                    truncated = string.Equals(reader.ReadElementContentAsString().Trim(), "true", StringComparison.OrdinalIgnoreCase);
                    break;
                case "NextContinuationToken":
                    token = reader.ReadElementContentAsString();
                    if (token.Length == 0)
                        token = null;
                    break;
                case "Contents":
                    entries.Add(ReadContents(reader));
                    break;
                case "CommonPrefixes":
                    entries.Add(ReadCommonPrefix(reader));
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new S3ListPage(entries, token, truncated);
    }

    /// <summary>The <c>Code</c> and <c>Message</c> of an error document; null when <paramref name="xml"/> is not one.</summary>
    public static S3Error? ParseError(string xml)
    {
        if (string.IsNullOrWhiteSpace(xml) || !xml.Contains("Error", StringComparison.Ordinal))
            return null;
        try
        {
            using var reader = Open(xml);
            if (!reader.IsStartElement())
                return null;
            if (reader.LocalName == "ErrorResponse")
                return FindError(reader);
            return reader.LocalName == "Error" ? ReadError(reader) : null;
        }
        catch (XmlException)
        {
            return null;
        }
    }

    /// <summary>The UploadId of an InitiateMultipartUploadResult.</summary>
    public static string ParseUploadId(string xml) => Parsed("multipart upload answer", xml, ReadUploadId, showAnswer: true);

    private static string ReadUploadId(string xml)
    {
        using var reader = Open(xml);
        ExpectRoot(reader, "InitiateMultipartUploadResult", xml);
        var depth = reader.Depth;
        if (!reader.IsEmptyElement)
        {
            reader.Read();
            while (NextChild(reader, depth))
            {
                if (reader.LocalName == "UploadId")
                {
                    var id = reader.ReadElementContentAsString().Trim();
                    if (id.Length > 0)
                        return id;
                }
                else
                {
                    reader.Skip();
                }
            }
        }

        throw new PgRestException(ErrorCode.Format, "multipart upload answer has no UploadId: " + Shorten(xml));
    }

    /// <summary>The keys a DeleteObjects answer (DeleteResult) reports as not deleted.</summary>
    public static IReadOnlyList<S3Error> ParseDeleteErrors(string xml) => Parsed("delete answer", xml, ReadDeleteErrors, showAnswer: true);

    private static IReadOnlyList<S3Error> ReadDeleteErrors(string xml)
    {
        var errors = new List<S3Error>();
        if (string.IsNullOrWhiteSpace(xml))
            return errors;
        using var reader = Open(xml);
        if (!reader.IsStartElement())
            return errors;
        if (reader.LocalName == "Error")
        {
            errors.Add(ReadError(reader));
            return errors;
        }

        ExpectRoot(reader, "DeleteResult", xml);
        var depth = reader.Depth;
        if (reader.IsEmptyElement)
            return errors;
        reader.Read();
        while (NextChild(reader, depth))
        {
            if (reader.LocalName == "Error")
                errors.Add(ReadError(reader));
            else
                reader.Skip();
        }

        return errors;
    }

    /// <summary>The error of a CompleteMultipartUpload answer: S3 may answer 200 and put an &lt;Error&gt; in the body.</summary>
    public static S3Error? ParseCompleteError(string xml) => ParseError(xml);

    /// <summary>The body of a DeleteObjects request, quiet (only failures are reported).</summary>
    public static byte[] DeleteRequest(IReadOnlyList<string> keys)
    {
        var text = new StringBuilder(64 + keys.Count * 96);
        text.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Delete><Quiet>true</Quiet>");
        foreach (var key in keys)
            text.Append("<Object><Key>").Append(SecurityElement.Escape(key)).Append("</Key></Object>");
        text.Append("</Delete>\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>The body of a CompleteMultipartUpload request: every part number with the ETag its upload returned.</summary>
    public static byte[] CompleteRequest(IReadOnlyList<string> etags)
    {
        var text = new StringBuilder(64 + etags.Count * 80);
        text.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUpload>");
        for (var index = 0; index < etags.Count; index++)
        {
            text.Append("<Part><PartNumber>").Append((index + 1).ToString(CultureInfo.InvariantCulture))
                .Append("</PartNumber><ETag>").Append(SecurityElement.Escape(etags[index])).Append("</ETag></Part>");
        }

        text.Append("</CompleteMultipartUpload>\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>The credentials of an STS AssumeRoleWithWebIdentity answer.</summary>
    public static S3TemporaryCredentials ParseAssumeRoleWithWebIdentity(string xml) => Parsed("AssumeRoleWithWebIdentity answer", xml, ReadAssumeRoleWithWebIdentity, showAnswer: false);

    private static S3TemporaryCredentials ReadAssumeRoleWithWebIdentity(string xml)
    {
        string? accessKey = null, secret = null, token = null, expiration = null;
        using var reader = Open(xml);
        if (reader.IsStartElement() && reader.LocalName is "Error" or "ErrorResponse")
        {
            var error = FindError(reader);
            throw new PgRestException(ErrorCode.Protocol, $"unable to assume role with web identity: {error.Code}: {error.Message}");
        }

        // ReadElementContentAsString moves past the element, so only read on when nothing was taken.
        while (!reader.EOF)
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                reader.Read();
                continue;
            }

            switch (reader.LocalName)
            {
                case "AccessKeyId":
                    accessKey = reader.ReadElementContentAsString().Trim();
                    break;
                case "SecretAccessKey":
                    secret = reader.ReadElementContentAsString().Trim();
                    break;
                case "SessionToken":
                    token = reader.ReadElementContentAsString().Trim();
                    break;
                case "Expiration":
                    expiration = reader.ReadElementContentAsString().Trim();
                    break;
                default:
                    reader.Read();
                    break;
            }
        }

        if (accessKey is null || secret is null || token is null || expiration is null)
            throw new PgRestException(ErrorCode.Format, "AssumeRoleWithWebIdentity answer has no credentials"); // the answer holds secrets: not shown
        return new S3TemporaryCredentials(accessKey, secret, token, ParseTime(expiration));
    }

    /// <summary>S3 times (<c>2026-11-21T16:30:00.000Z</c>) and STS/metadata times (<c>2026-11-21T16:30:00Z</c>).</summary>
    public static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.Parse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>
    /// A malformed answer (broken XML, a number or time that does not parse) is a format error with the answer's start,
    /// not an exception type the user never heard of; answers that carry secrets are not shown.
    /// </summary>
    private static T Parsed<T>(string what, string xml, Func<string, T> parse, bool showAnswer)
    {
        try
        {
            return parse(xml);
        }
        catch (Exception e) when (e is XmlException or FormatException or OverflowException)
        {
            throw new PgRestException(ErrorCode.Format, $"unable to parse S3 {what}: {e.Message}" + (showAnswer ? ": " + Shorten(xml) : ""), e);
        }
    }

    internal static string Shorten(string text) => text.Length > 300 ? text[..300] + "..." : text;

    private static XmlReader Open(string xml)
    {
        var reader = XmlReader.Create(new StringReader(xml), Settings);
        reader.MoveToContent();
        return reader;
    }

    private static void ExpectRoot(XmlReader reader, string name, string xml)
    {
        if (reader.NodeType != XmlNodeType.Element || reader.LocalName != name)
            throw new PgRestException(ErrorCode.Format, $"expected <{name}> from S3, got: {Shorten(xml)}");
    }

    /// <summary>Moves to the next child element of the element at <paramref name="parentDepth"/>; false at its end.</summary>
    private static bool NextChild(XmlReader reader, int parentDepth)
    {
        while (!reader.EOF)
        {
            if (reader.Depth <= parentDepth)
                return false;
            if (reader.NodeType == XmlNodeType.Element && reader.Depth == parentDepth + 1)
                return true;
            reader.Read();
        }

        return false;
    }

    private static ObjectEntry ReadContents(XmlReader reader)
    {
        string? key = null;
        long size = 0;
        var modified = DateTimeOffset.UnixEpoch;
        var depth = reader.Depth;
        if (!reader.IsEmptyElement)
        {
            reader.Read();
            while (NextChild(reader, depth))
            {
                switch (reader.LocalName)
                {
                    case "Key":
                        key = reader.ReadElementContentAsString();
                        break;
                    case "Size":
                        size = long.Parse(reader.ReadElementContentAsString().Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
                        break;
                    case "LastModified":
                        modified = ParseTime(reader.ReadElementContentAsString());
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
        }

        reader.Read();
        return new ObjectEntry(key ?? throw new PgRestException(ErrorCode.Format, "S3 listing entry without <Key>"), false, size, modified);
    }

    private static ObjectEntry ReadCommonPrefix(XmlReader reader)
    {
        string? prefix = null;
        var depth = reader.Depth;
        if (!reader.IsEmptyElement)
        {
            reader.Read();
            while (NextChild(reader, depth))
            {
                if (reader.LocalName == "Prefix")
                    prefix = reader.ReadElementContentAsString();
                else
                    reader.Skip();
            }
        }

        reader.Read();
        return new ObjectEntry(prefix ?? throw new PgRestException(ErrorCode.Format, "S3 listing prefix without <Prefix>"), true, 0, DateTimeOffset.UnixEpoch);
    }

    private static S3Error ReadError(XmlReader reader)
    {
        string code = "", message = "";
        string? key = null;
        var depth = reader.Depth;
        if (!reader.IsEmptyElement)
        {
            reader.Read();
            while (NextChild(reader, depth))
            {
                switch (reader.LocalName)
                {
                    case "Code":
                        code = reader.ReadElementContentAsString().Trim();
                        break;
                    case "Message":
                        message = reader.ReadElementContentAsString().Trim();
                        break;
                    case "Key":
                        key = reader.ReadElementContentAsString();
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
        }

        reader.Read();
        return new S3Error(code, message, key);
    }

    private static S3Error FindError(XmlReader reader)
    {
        do
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "Error")
                return ReadError(reader);
        }
        while (reader.Read());
        return new S3Error("", "");
    }
}
