using PgRest.Commands.Server;

namespace PgRest.Tests.Remote;

public sealed class ServerAuthorizationTests
{
    private static readonly ServerAuthorization Auth = new(new Dictionary<string, string>
    {
        ["db1.example.com"] = "main, reports",
        ["backup-admin"] = "*",
    });

    [Theory]
    [InlineData("db1.example.com", "main", true)]
    [InlineData("db1.example.com", "reports", true)]
    [InlineData("db1.example.com", "payroll", false)]
    [InlineData("db1.example.com", null, false)] // info without --stanza reads every stanza: only * allows it
    [InlineData("backup-admin", "payroll", true)]
    [InlineData("backup-admin", null, true)]
    [InlineData("DB1.EXAMPLE.COM", "main", false)] // common names compare exactly
    [InlineData("intruder", "main", false)]
    [InlineData(null, "main", false)] // no certificate: ping only
    public void A_client_reaches_only_the_stanzas_its_common_name_is_given(string? commonName, string? stanza, bool allowed) =>
        Assert.Equal(allowed, Auth.Allows(commonName, stanza));

    [Fact]
    public void No_entries_is_empty() => Assert.True(new ServerAuthorization(new Dictionary<string, string>()).IsEmpty);
}
