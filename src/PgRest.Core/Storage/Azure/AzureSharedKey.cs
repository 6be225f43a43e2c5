using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PgRest.Storage.Azure;

/// <summary>
/// Azure Storage SharedKey authorization (Blob service, version 2009-09-19 and later): an HMAC-SHA256 with the
/// base64-decoded account key over the verb, the standard headers, the canonicalized <c>x-ms-*</c> headers and the
/// canonicalized resource (<c>/account/uri-path</c> then <c>\nname:value</c> per query parameter, names lowercased and
/// sorted, values decoded). See https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key.
/// </summary>
public static class AzureSharedKey
{
    /// <summary>The REST version pgBackRest 2.45 sends (<c>x-ms-version</c>).</summary>
    public const string Version = "2019-02-02";

    /// <summary>The string to sign of one request.</summary>
    /// <param name="verb">GET, PUT, HEAD or DELETE.</param>
    /// <param name="contentLength">The body length; zero is signed as an empty line (versions 2015-02-21 and later).</param>
    /// <param name="contentMd5">The Content-MD5 header, when sent.</param>
    /// <param name="contentType">The Content-Type header, when sent.</param>
    /// <param name="date">The Date header, when sent; empty when the time goes in <c>x-ms-date</c>.</param>
    /// <param name="range">The Range header, when sent (not <c>x-ms-range</c>, which is an x-ms- header).</param>
    /// <param name="msHeaders">Every <c>x-ms-*</c> header sent (name, value).</param>
    /// <param name="account">The storage account.</param>
    /// <param name="encodedPath">The request path as sent, URI-encoded (with <c>/account</c> first in path-style URIs).</param>
    /// <param name="query">The query parameters (name, decoded value).</param>
    public static string StringToSign(
        string verb, long contentLength, string? contentMd5, string? contentType, string? date, string? range,
        IEnumerable<KeyValuePair<string, string>> msHeaders, string account, string encodedPath,
        IEnumerable<KeyValuePair<string, string>> query)
    {
        var text = new StringBuilder(256);
        text.Append(verb).Append('\n')
            .Append('\n') // Content-Encoding
            .Append('\n') // Content-Language
            .Append(contentLength == 0 ? "" : contentLength.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append(contentMd5).Append('\n')
            .Append(contentType).Append('\n')
            .Append(date).Append('\n')
            .Append('\n') // If-Modified-Since
            .Append('\n') // If-Match
            .Append('\n') // If-None-Match
            .Append('\n') // If-Unmodified-Since
            .Append(range).Append('\n');

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var header in msHeaders)
            headers.Add(new KeyValuePair<string, string>(header.Key.ToLowerInvariant(), header.Value.Trim()));
        headers.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        foreach (var header in headers)
            text.Append(header.Key).Append(':').Append(header.Value).Append('\n');

        text.Append('/').Append(account).Append(encodedPath);
        var parameters = new List<KeyValuePair<string, string>>();
        foreach (var parameter in query)
            parameters.Add(new KeyValuePair<string, string>(parameter.Key.ToLowerInvariant(), parameter.Value));
        parameters.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key) is var byName and not 0 ? byName : string.CompareOrdinal(a.Value, b.Value));
        for (var index = 0; index < parameters.Count; index++)
        {
            // A repeated name is signed once with its values sorted and joined by commas.
            text.Append('\n').Append(parameters[index].Key).Append(':').Append(parameters[index].Value);
            while (index + 1 < parameters.Count && parameters[index + 1].Key == parameters[index].Key)
                text.Append(',').Append(parameters[++index].Value);
        }

        return text.ToString();
    }

    /// <summary>The base64 HMAC-SHA256 of <paramref name="stringToSign"/> with the decoded account key.</summary>
    public static string Signature(byte[] key, string stringToSign) =>
        Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));

    /// <summary>The Authorization header value: <c>SharedKey account:signature</c>.</summary>
    public static string Authorization(string account, byte[] key, string stringToSign) =>
        "SharedKey " + account + ":" + Signature(key, stringToSign);

    /// <summary>
    /// The string to sign of an account SAS (versions 2015-04-05 to 2020-10-02: no encryption scope line), e.g.
    /// for a test that hands out a token instead of the key.
    /// </summary>
    public static string AccountSasStringToSign(
        string account, string permissions, string services, string resourceTypes, string start, string expiry, string ip,
        string protocol, string version) =>
        account + "\n" + permissions + "\n" + services + "\n" + resourceTypes + "\n" + start + "\n" + expiry + "\n" + ip + "\n" +
        protocol + "\n" + version + "\n";
}
