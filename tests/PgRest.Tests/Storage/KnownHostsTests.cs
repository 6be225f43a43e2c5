using PgRest.Storage.Sftp;

namespace PgRest.Tests.Storage;

/// <summary>Host key checks for repo-type=sftp against known_hosts lines written by OpenSSH's own tools
/// (ssh-keygen 9.2, ssh-keyscan): the lines below are their output, not ours.</summary>
public class KnownHostsTests
{
    private const string Key1 = "AAAAC3NzaC1lZDI1NTE5AAAAIHPk6Q5MbFUGqT9uhPU+Dj8n4g/JRrpCMttcLCcxJXKy";
    private const string Key2 = "AAAAC3NzaC1lZDI1NTE5AAAAIEiLTI8SuVidmgpGAHroCN4AxFpf+Lwhw769hfKuD7eV";
    private const string EcdsaKey = "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBPLVsLno/1lj4FfDsStRCuy+2BsECb+UFZOOSBYjtphp3aPOKMASPdY3Vfp0aZe2W0Akvd87al6UrcYWtrqZn0M=";

    private static byte[] Blob(string key) => Convert.FromBase64String(key);

    private static KnownHostMatch Check(string host, int port, string key, params string[] lines) =>
        KnownHosts.Check(lines, host, port, Blob(key));

    [Fact]
    public void A_plain_name_matches_on_port_22_and_a_bracketed_name_on_any_other()
    {
        Assert.Equal(KnownHostMatch.Match, Check("db.example.com", 22, Key1, $"db.example.com ssh-ed25519 {Key1}"));
        Assert.Equal(KnownHostMatch.Match, Check("db.example.com", 2222, Key1, $"[db.example.com]:2222 ssh-ed25519 {Key1}"));
        Assert.Equal(KnownHostMatch.NotFound, Check("db.example.com", 22, Key1, $"[db.example.com]:2222 ssh-ed25519 {Key1}"));
        Assert.Equal(KnownHostMatch.Match, Check("DB.Example.COM", 22, Key1, $"other,db.example.com,10.0.0.5 ssh-ed25519 {Key1} comment"));
    }

    [Fact]
    public void On_another_port_a_plain_name_counts_only_when_no_line_names_the_port_as_libssh2_looks_hosts_up()
    {
        Assert.Equal(KnownHostMatch.Match, Check("db", 2222, Key1, $"db ssh-ed25519 {Key1}"));
        Assert.Equal(KnownHostMatch.Mismatch, Check("db", 2222, Key1, $"[db]:2222 ssh-ed25519 {Key2}", $"db ssh-ed25519 {Key1}"));
        Assert.Equal(KnownHostMatch.Mismatch, Check("db", 2222, Key2, $"db ssh-ed25519 {Key1}"));
    }

    [Fact]
    public void Hashed_names_from_ssh_keygen_H_match_their_host_and_port_only()
    {
        // ssh-keygen -H of "db.example.com" and "[db.example.com]:2222".
        string[] hashed =
        [
            $"|1|COSagFcPASBSQmU9qxCYIc+QhsY=|IYVwkDiGyLP1ODtmh4MjwTHygEs= ssh-ed25519 {Key1}",
            $"|1|+Pu9RjoQDIyQGFth1CAra79Ilyo=|nJOXWBG/2GHxBD5Mz0sQtMFDXrw= ssh-ed25519 {Key1}",
        ];
        Assert.Equal(KnownHostMatch.Match, KnownHosts.Check(hashed[..1], "db.example.com", 22, Blob(Key1)));
        Assert.Equal(KnownHostMatch.Match, KnownHosts.Check(hashed[1..], "db.example.com", 2222, Blob(Key1)));
        Assert.Equal(KnownHostMatch.NotFound, KnownHosts.Check(hashed[1..], "db.example.com", 22, Blob(Key1)));
        Assert.Equal(KnownHostMatch.Match, KnownHosts.Check(hashed[..1], "db.example.com", 2222, Blob(Key1)));
        Assert.Equal(KnownHostMatch.NotFound, KnownHosts.Check(hashed, "other.example.com", 22, Blob(Key1)));
        Assert.Equal(KnownHostMatch.Mismatch, KnownHosts.Check(hashed, "db.example.com", 22, Blob(Key2)));
    }

    [Fact]
    public void Another_key_of_the_same_type_is_a_mismatch_and_of_another_type_is_not_found()
    {
        Assert.Equal(KnownHostMatch.Mismatch, Check("db", 22, Key2, $"db ssh-ed25519 {Key1}"));
        Assert.Equal(KnownHostMatch.NotFound, Check("db", 22, EcdsaKey, $"db ssh-ed25519 {Key1}"));
        // One matching line is enough, whatever else is listed (a rotated key kept beside the new one).
        Assert.Equal(KnownHostMatch.Match, Check("db", 22, Key2, $"db ssh-ed25519 {Key1}", $"db ssh-ed25519 {Key2}"));
    }

    [Fact]
    public void Wildcards_and_negations_follow_openssh_patterns()
    {
        var line = $"*.example.com,!evil.example.com,db?? ssh-ed25519 {Key1}";
        Assert.Equal(KnownHostMatch.Match, Check("db.example.com", 22, Key1, line));
        Assert.Equal(KnownHostMatch.Match, Check("db42", 22, Key1, line));
        Assert.Equal(KnownHostMatch.NotFound, Check("db4", 22, Key1, line));
        Assert.Equal(KnownHostMatch.NotFound, Check("evil.example.com", 22, Key1, line));
    }

    [Fact]
    public void Revoked_keys_are_refused_and_certificate_authorities_skipped()
    {
        Assert.Equal(KnownHostMatch.Revoked, Check("db", 22, Key1, $"db ssh-ed25519 {Key1}", $"@revoked * ssh-ed25519 {Key1}"));
        Assert.Equal(KnownHostMatch.NotFound, Check("db", 22, Key1, $"@cert-authority db ssh-ed25519 {Key1}"));
    }

    [Fact]
    public void Comments_blank_and_malformed_lines_are_skipped()
    {
        Assert.Equal(KnownHostMatch.Match, Check("db", 22, Key1,
            "# a comment", "", "   ", "db ssh-ed25519", "db ssh-ed25519 not*base64", "db", $"db ssh-ed25519 {Key1}"));
    }

    [Fact]
    public void The_key_type_is_read_from_the_blob()
    {
        Assert.Equal("ssh-ed25519", KnownHosts.KeyType(Blob(Key1)));
        Assert.Equal("ecdsa-sha2-nistp256", KnownHosts.KeyType(Blob(EcdsaKey)));
        Assert.Equal("", KnownHosts.KeyType([0, 0, 0, 99, 1]));
        Assert.Equal(["ssh-ed25519"], KnownHosts.KeyTypesFor([$"db ssh-ed25519 {Key1}", $"other ecdsa-sha2-nistp256 {EcdsaKey}"], "db", 22));
    }

    [Fact]
    public void An_added_line_is_one_that_openssh_reads_back()
    {
        var line = KnownHosts.Line(KnownHosts.NameFor("db", 2222), Blob(Key1), "Generated from pgrest");
        Assert.Equal($"[db]:2222 ssh-ed25519 {Key1} Generated from pgrest", line);
        Assert.Equal(KnownHostMatch.Match, Check("db", 2222, Key1, line));
    }

    [Theory]
    // awk '{print $2}' key.pub | base64 -d | openssl dgst -<hash>: the recipe pgBackRest's documentation gives.
    [InlineData("md5", "6db8435112d423ea94f92598083508ff")]
    [InlineData("sha1", "5a21000279d042473a01e5143eef5467d856c458")]
    [InlineData("sha256", "644ab52bd0279e6f6cfb44dfab3edc7a0ce3b5b1749e6937a72d942e7a0912a5")]
    public void The_fingerprint_is_the_lowercase_hex_hash_of_the_key_blob(string hashType, string expected) =>
        Assert.Equal(expected, SftpStorage.Fingerprint(Blob(Key1), hashType));

    [Fact]
    public void A_leading_tilde_is_the_home_directory()
    {
        var home = PgRest.Common.OwnerNames.HomeDirectory().TrimEnd('/');
        Assert.Equal(File.ReadLines("/etc/passwd").Select(line => line.Split(':')).Single(fields => fields[0] == Environment.UserName)[5].TrimEnd('/'), home);
        Assert.Equal(home + "/.ssh/id_ed25519", SftpSettings.ExpandHome("~/.ssh/id_ed25519"));
        Assert.Equal("/etc/ssh/key", SftpSettings.ExpandHome("/etc/ssh/key"));
        Assert.Equal("~other/key", SftpSettings.ExpandHome("~other/key"));
    }
}
