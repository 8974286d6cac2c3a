namespace CacheCluster.Tests.EndToEnd;

/// <summary>The CLI's connection from the environment (CACHECLUSTER_GATEWAY, ...), and flags winning over it.</summary>
public sealed partial class EmbeddedSiloTests
{
    [Fact]
    public async Task Environment_GatewayListAndIds_ConnectWithNoFlags()
    {
        var key = NewKey();
        var environment = new Dictionary<string, string>
        {
            ["CACHECLUSTER_GATEWAY"] = $" {_silo.Gateway} , ",
            ["CACHECLUSTER_CLUSTER_ID"] = "cachecluster",
            ["CACHECLUSTER_SERVICE_ID"] = "cachecluster",
        };

        var set = await CliRunner.RunAsync([.. CliRunner.PatientConnect, "set", key, "from-env"], environment);
        Assert.True(set.ExitCode == 0, set.ToString());

        var get = await CliRunner.RunAsync([.. CliRunner.PatientConnect, "get", key], environment);
        Assert.Equal((0, "from-env", string.Empty), Reply(get));
    }

    [Fact]
    public async Task Environment_FlagsWinOverEveryVariable()
    {
        var key = NewKey();
        var closed = $"127.0.0.1:{Fixtures.RedisServer.FreePort()}";
        var environment = new Dictionary<string, string>
        {
            ["CACHECLUSTER_GATEWAY"] = closed,
            ["CACHECLUSTER_CLUSTER_ID"] = "not-this-cluster",
            ["CACHECLUSTER_SERVICE_ID"] = "not-this-service",
        };
        string[] flags = ["--gateway", _silo.Gateway, "--cluster-id", "cachecluster", "--service-id", "cachecluster", .. CliRunner.PatientConnect];

        var set = await CliRunner.RunAsync([.. flags, "set", key, "v"], environment);
        Assert.True(set.ExitCode == 0 && SetVersion().IsMatch(set.Stdout), set.ToString());

        // --gateway also wins over a Redis variable: the two are not combined.
        environment.Remove("CACHECLUSTER_GATEWAY");
        environment["CACHECLUSTER_REDIS"] = closed;
        Assert.Equal((0, "v", string.Empty), Reply(await CliRunner.RunAsync([.. flags, "get", key], environment)));
    }
}
