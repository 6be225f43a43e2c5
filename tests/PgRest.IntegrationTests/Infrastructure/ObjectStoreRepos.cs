using System.Globalization;
using System.Security.Cryptography;

namespace PgRest.IntegrationTests.Infrastructure;

/// <summary>
/// The <c>repoN-*</c> lines of a pgbackrest.conf that put repository N on one of the test servers, as a user would
/// write them (credentials in the file, TLS verified against the server's certificate, SSH host keys against
/// known_hosts).
/// </summary>
public static class ObjectStoreRepos
{
    /// <summary>A repository path no other test uses.</summary>
    public static string UniquePath(string name) => "/" + name + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    public static async Task<IReadOnlyList<string>> S3Async(int index, string path, int? port = null)
    {
        var server = await TestServer.GetAsync("ceph-rgw");
        var n = index.ToString(CultureInfo.InvariantCulture);
        return
        [
            $"repo{n}-type=s3",
            $"repo{n}-path={path}",
            $"repo{n}-s3-bucket={server["BUCKET"]}",
            $"repo{n}-s3-endpoint=127.0.0.1",
            $"repo{n}-s3-region={server["REGION"]}",
            $"repo{n}-s3-key={server["ACCESS_KEY"]}",
            $"repo{n}-s3-key-secret={server["SECRET_KEY"]}",
            $"repo{n}-s3-uri-style=path",
            $"repo{n}-storage-port={port?.ToString(CultureInfo.InvariantCulture) ?? server["PORT"]}",
            $"repo{n}-storage-ca-file={server.CertificateFile}",
        ];
    }

    public static async Task<IReadOnlyList<string>> AzureAsync(int index, string path, int? port = null)
    {
        var server = await TestServer.GetAsync("azurite");
        var n = index.ToString(CultureInfo.InvariantCulture);
        return
        [
            $"repo{n}-type=azure",
            $"repo{n}-path={path}",
            $"repo{n}-azure-account={server["ACCOUNT"]}",
            $"repo{n}-azure-key={server["KEY"]}",
            $"repo{n}-azure-container={server["CONTAINER"]}",
            $"repo{n}-azure-endpoint=127.0.0.1",
            $"repo{n}-azure-uri-style=path",
            $"repo{n}-storage-port={port?.ToString(CultureInfo.InvariantCulture) ?? server["PORT"]}",
            $"repo{n}-storage-ca-file={server.CertificateFile}",
        ];
    }

    /// <summary>SFTP to the test sshd as the postgres user, the host key checked against the known_hosts file
    /// ssh-keyscan wrote; <paramref name="path"/> is below the server's repository root.</summary>
    public static async Task<IReadOnlyList<string>> SftpAsync(int index, string path)
    {
        var server = await TestServer.GetAsync("sshd");
        var n = index.ToString(CultureInfo.InvariantCulture);
        return
        [
            $"repo{n}-type=sftp",
            $"repo{n}-path={server["ROOT"]}{path}",
            $"repo{n}-sftp-host={server["HOST"]}",
            $"repo{n}-sftp-host-port={server["PORT"]}",
            $"repo{n}-sftp-host-user={server["USER"]}",
            $"repo{n}-sftp-private-key-file={server["KEY"]}",
            $"repo{n}-sftp-public-key-file={server["KEY_PUB"]}",
            $"repo{n}-sftp-host-key-hash-type=sha1",
            $"repo{n}-sftp-known-host={server["KNOWN_HOSTS"]}",
        ];
    }

    public static async Task<IReadOnlyList<string>> GcsAsync(int index, string path, int? port = null)
    {
        var server = await TestServer.GetAsync("gcs-emulator");
        var n = index.ToString(CultureInfo.InvariantCulture);
        return
        [
            $"repo{n}-type=gcs",
            $"repo{n}-path={path}",
            $"repo{n}-gcs-bucket={server["BUCKET"]}",
            $"repo{n}-gcs-endpoint=127.0.0.1:{port?.ToString(CultureInfo.InvariantCulture) ?? server["PORT"]}",
            $"repo{n}-gcs-key-type=token",
            $"repo{n}-gcs-key={server["TOKEN"]}",
            $"repo{n}-storage-ca-file={server.CertificateFile}",
        ];
    }
}
