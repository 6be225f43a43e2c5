using PgRest.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Scenarios;

/// <summary>
/// A backup of a stopped cluster (<c>--no-online</c>) restores without recovery settings unless <c>--type</c> is given,
/// as pgBackRest's does: both tools restore pgBackRest's offline backup side by side, and the cluster pgrest restored
/// starts with the data.
/// </summary>
public sealed class OfflineBackupTests(ITestOutputHelper output)
{
    [Fact]
    public async Task An_offline_backup_restores_without_recovery_unless_a_type_is_given()
    {
        await using var stack = await Stack.CreateAsync(Archiver.Pgbackrest);
        await stack.ExpectAsync(output, "pgbackrest", "stanza-create");
        await stack.Cluster.ExecuteAsync("create table offline_marker as select g as id from generate_series(1, 500) g");
        await stack.Cluster.StopAsync();
        await stack.ExpectAsync(output, "pgbackrest", "--no-online", "--type=full", "backup");

        foreach (string[] type in new[] { Array.Empty<string>(), ["--type=default"] })
        {
            var restored = new Dictionary<string, (bool Signal, string AutoConf)>();
            foreach (var tool in new[] { "pgbackrest", "pgrest" })
            {
                string target = stack.Work.CreateSubdirectory($"{tool}-{type.Length}");
                await stack.ExpectAsync(output, tool, [$"--pg1-path={target}", .. type, "restore"]);
                string autoConf = Path.Combine(target, "postgresql.auto.conf");
                restored[tool] = (File.Exists(Path.Combine(target, "recovery.signal")),
                    string.Join('\n', File.ReadAllLines(autoConf).Where(line => !line.StartsWith('#')))
                        .Replace(Tools.Pgbackrest, "<tool>").Replace(Tools.Pgrest, "<tool>").Replace(target, "<target>"));
            }

            Assert.Equal(type.Length > 0, restored["pgbackrest"].Signal);
            Assert.True(restored["pgbackrest"] == restored["pgrest"], $"pgbackrest: {restored["pgbackrest"]}\npgrest: {restored["pgrest"]}");
        }

        await stack.ExpectAsync(output, "pgrest", "--delta", "restore");
        Assert.False(File.Exists(Path.Combine(stack.Cluster.DataDirectory, "recovery.signal")));
        await stack.Cluster.StartAsync();
        Assert.Equal(500L, await stack.Cluster.QueryScalarAsync<long>("select count(*) from offline_marker"));
    }
}
