using Xunit.Abstractions;

namespace PgRest.IntegrationTests.Infrastructure;

/// <summary>
/// Steps of the PITR tutorial (../shared/seeds/004_7c18106ab7dd6ac1.txt) that the scenario suites for other hosts and
/// repositories share: the orders table's fingerprint, a time target, the recovery to it.
/// </summary>
public static class Tutorial
{
    /// <summary>What a restore must bring back of the orders table, row for row.</summary>
    public static Task<string?> OrdersHashAsync(Stack stack) =>
        stack.Cluster.QueryScalarAsync<string>("select md5(string_agg(id || ':' || item || ':' || amount, ',' order by id)) from orders");

    /// <summary>The server's time now, as a restore target; returns a second later, so what follows is after it.</summary>
    public static async Task<string> TimeTargetAsync(Stack stack)
    {
        var target = (await stack.Cluster.QueryScalarAsync<string>("select to_char(clock_timestamp(), 'YYYY-MM-DD HH24:MI:SS.USOF')"))!;
        await Task.Delay(1100);
        return target;
    }

    /// <summary>Restores the stopped cluster with <paramref name="arguments"/> (--delta), starts it and waits until it is promoted.</summary>
    public static async Task RestoreAndPromoteAsync(Stack stack, ITestOutputHelper output, params string[] arguments)
    {
        await stack.ExpectAsync(output, "pgrest", ["--log-level-console=info", .. arguments, "--target-action=promote", "--delta", "restore"]);
        await stack.Cluster.StartAsync();
        await stack.WaitForPromotionAsync();
    }
}
