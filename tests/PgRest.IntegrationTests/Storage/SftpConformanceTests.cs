using System.Globalization;
using PgRest.Errors;
using PgRest.IntegrationTests.Infrastructure;
using PgRest.Storage;
using PgRest.Storage.Sftp;
using PgRest.Tests.Storage;

namespace PgRest.IntegrationTests.Storage;

/// <summary>The conformance suite over SFTP to a real OpenSSH sshd on loopback (<c>repo-type=sftp</c>), host key checked
/// against the known_hosts file ssh-keyscan wrote.</summary>
public sealed class SftpConformanceTests : StorageConformanceTests
{
    /// <summary>Settings for the test server's postgres login; <paramref name="key"/> replaces its private key file.</summary>
    internal static async Task<SftpSettings> SettingsAsync(string? key = null, string? passphrase = null,
        HostKeyCheck check = HostKeyCheck.Strict, string? fingerprint = null, IReadOnlyList<string>? knownHosts = null)
    {
        var server = await TestServer.GetAsync("sshd");
        return new SftpSettings(server["HOST"], int.Parse(server["PORT"], CultureInfo.InvariantCulture), server["USER"],
            key ?? server["KEY"], passphrase, check, "sha1", fingerprint, knownHosts ?? [server["KNOWN_HOSTS"]],
            TimeSpan.FromSeconds(30), "repo1");
    }

    internal static async Task<string> RootAsync() => (await TestServer.GetAsync("sshd"))["ROOT"];

    protected override async Task<IStorage> CreateStorageAsync(string root) => new SftpStorage(await RootAsync() + root, await SettingsAsync());

    /// <summary>A valid key the server does not authorize: its own host key.</summary>
    protected override async Task<IStorage?> CreateStorageWithWrongCredentialsAsync(string root) =>
        new SftpStorage(await RootAsync() + root, await SettingsAsync(key: Path.Combine((await TestServer.GetAsync("sshd")).Directory, "host_ed25519")));

    protected override (ErrorCode Code, string Text) WrongCredentialsError => (ErrorCode.Service, "public key authentication failed");

    [Fact]
    public async Task Files_are_0640_and_paths_0750_whatever_the_servers_umask()
    {
        var root = await RootAsync() + "/modes-" + Guid.NewGuid().ToString("N")[..8];
        var storage = new SftpStorage(root, await SettingsAsync());
        await WriteAsync(storage, "archive/demo/15-1/0000000100000000/segment", "x"u8.ToArray());
        Assert.Equal((UnixFileMode)0b110_100_000, File.GetUnixFileMode(root + "/archive/demo/15-1/0000000100000000/segment"));
        foreach (var path in new[] { "", "/archive", "/archive/demo", "/archive/demo/15-1", "/archive/demo/15-1/0000000100000000" })
            Assert.Equal((UnixFileMode)0b111_101_000, File.GetUnixFileMode(root + path));
    }

    [Fact]
    public async Task An_encrypted_private_key_needs_its_passphrase()
    {
        var server = await TestServer.GetAsync("sshd");
        var root = await RootAsync() + "/passphrase";
        var storage = new SftpStorage(root, await SettingsAsync(key: server["KEY_ENCRYPTED"], passphrase: server["KEY_PASSPHRASE"]));
        await WriteAsync(storage, "file", "x"u8.ToArray());
        Assert.Equal("x"u8.ToArray(), await ReadAsync(storage, "file"));

        var without = new SftpStorage(root, await SettingsAsync(key: server["KEY_ENCRYPTED"]));
        var error = await Assert.ThrowsAsync<PgRestException>(() => without.InfoAsync("file"));
        Assert.Equal(ErrorCode.Service, error.Code);
        Assert.Contains("repo1-sftp-private-key-passphrase", error.Message, StringComparison.Ordinal);
        var wrong = new SftpStorage(root, await SettingsAsync(key: server["KEY_ENCRYPTED"], passphrase: "not it"));
        error = await Assert.ThrowsAsync<PgRestException>(() => wrong.InfoAsync("file"));
        Assert.Equal(ErrorCode.Service, error.Code);
        Assert.DoesNotContain("not it", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_host_key_is_refused_unless_known_or_fingerprinted()
    {
        var server = await TestServer.GetAsync("sshd");
        var root = await RootAsync() + "/hostkey";
        using var work = new TempDirectory("pgrest-known-hosts");
        var empty = work.Combine("empty_known_hosts");
        File.WriteAllText(empty, "");
        var other = work.Combine("other_known_hosts");
        // The server's name with another ed25519 key (the client's): a changed host key.
        File.WriteAllText(other, $"[{server["HOST"]}]:{server["PORT"]} {File.ReadAllText(server["KEY_PUB"]).Split(' ')[0]} {File.ReadAllText(server["KEY_PUB"]).Split(' ')[1]}\n");

        var strictEmpty = new SftpStorage(root, await SettingsAsync(knownHosts: [empty]));
        var strictOther = new SftpStorage(root, await SettingsAsync(knownHosts: [other]));
        var acceptNewOther = new SftpStorage(root, await SettingsAsync(check: HostKeyCheck.AcceptNew, knownHosts: [other]));
        var wrongFingerprint = new SftpStorage(root, await SettingsAsync(check: HostKeyCheck.Fingerprint, fingerprint: new string('0', 40)));
        var rightFingerprint = new SftpStorage(root, await SettingsAsync(check: HostKeyCheck.Fingerprint, fingerprint: server["FINGERPRINT_SHA1"]));
        var unchecked_ = new SftpStorage(root, await SettingsAsync(check: HostKeyCheck.None, knownHosts: [empty]));

        var unknown = await Assert.ThrowsAsync<PgRestException>(() => strictEmpty.InfoAsync("x"));
        Assert.Equal(ErrorCode.Service, unknown.Code);
        Assert.StartsWith($"known hosts failure: '{server["HOST"]}' not found in known hosts files: check type [strict]", unknown.Message, StringComparison.Ordinal);
        var changed = await Assert.ThrowsAsync<PgRestException>(() => strictOther.InfoAsync("x"));
        Assert.StartsWith($"known hosts failure: '{server["HOST"]}' mismatch in known hosts files: check type [strict]", changed.Message, StringComparison.Ordinal);
        var changedAcceptNew = await Assert.ThrowsAsync<PgRestException>(() => acceptNewOther.InfoAsync("x"));
        Assert.Contains("mismatch in known hosts files: check type [accept-new]", changedAcceptNew.Message, StringComparison.Ordinal);

        var wrongPrint = await Assert.ThrowsAsync<PgRestException>(() => wrongFingerprint.InfoAsync("x"));
        Assert.Equal($"host [{server["FINGERPRINT_SHA1"]}] and configured fingerprint (repo-sftp-host-fingerprint) [{new string('0', 40)}] do not match", wrongPrint.Message);
        Assert.Null(await rightFingerprint.InfoAsync("x"));
        Assert.Null(await unchecked_.InfoAsync("x"));
    }
}
