using PgRest.Remote;

namespace PgRest.Tests.Remote;

public sealed class SshTransportTests
{
    [Theory]
    [InlineData("/usr/local/bin/pgrest", "/usr/local/bin/pgrest")]
    [InlineData("--stanza=main", "--stanza=main")]
    [InlineData("--config=/etc/my conf/pgbackrest.conf", "'--config=/etc/my conf/pgbackrest.conf'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("$(reboot)", "'$(reboot)'")]
    [InlineData("", "''")]
    public void Arguments_reach_the_remote_shell_unchanged(string argument, string quoted) =>
        Assert.Equal(quoted, SshTransport.ShellQuote(argument));
}
