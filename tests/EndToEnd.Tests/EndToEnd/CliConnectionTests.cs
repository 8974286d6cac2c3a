using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.EndToEnd;

/// <summary>The CLI when no silo answers.</summary>
[Collection(EndToEndCliCollection.Name)]
public sealed class CliConnectionTests
{
    [Fact]
    public async Task Cli_GatewayWithNoSilo_ExitsThreeWithMessageAfterConnectTimeout()
    {
        var gateway = $"127.0.0.1:{RedisServer.FreePort()}";

        var result = await CliRunner.RunAsync("--gateway", gateway, "--connect-timeout", "2", "get", "k");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Equal(string.Empty, result.Stdout);
        Assert.StartsWith($"cachecluster: could not connect to the cluster (gateway {gateway}) within 2 s: ", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("expire", "k", "10")]
    [InlineData("persist", "k")]
    [InlineData("touch", "k")]
    public async Task ExpiryCommands_GatewayWithNoSilo_ExitThree(params string[] command)
    {
        var gateway = $"127.0.0.1:{RedisServer.FreePort()}";

        var result = await CliRunner.RunAsync(["--gateway", gateway, "--connect-timeout", "1", .. command]);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Equal(string.Empty, result.Stdout);
        Assert.StartsWith($"cachecluster: could not connect to the cluster (gateway {gateway}) within 1 s: ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Environment_GatewayWithNoSilo_IsUsedAndNamedInTheMessage()
    {
        var gateway = $"127.0.0.1:{RedisServer.FreePort()}";

        var result = await CliRunner.RunAsync(["--connect-timeout", "1", "get", "k"], new Dictionary<string, string> { ["CACHECLUSTER_GATEWAY"] = gateway });

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.StartsWith($"cachecluster: could not connect to the cluster (gateway {gateway}) within 1 s: ", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CACHECLUSTER_REDIS", "127.0.0.1:1", "cachecluster: CACHECLUSTER_GATEWAY and CACHECLUSTER_REDIS are both set: unset one, or choose with --gateway or --redis.")]
    [InlineData("CACHECLUSTER_CLUSTER_ID", "x", "cachecluster: CACHECLUSTER_GATEWAY names no gateway (was ','); give HOST:PORT, comma-separated for several.")]
    public async Task Environment_Contradictory_ExitsTwoBeforeConnecting(string name, string value, string expected)
    {
        var environment = new Dictionary<string, string> { ["CACHECLUSTER_GATEWAY"] = name == "CACHECLUSTER_REDIS" ? "127.0.0.1:1" : ",", [name] = value };

        var result = await CliRunner.RunAsync(["get", "k"], environment);

        Assert.Equal((2, string.Empty, expected + Environment.NewLine), (result.ExitCode, result.Stdout, result.Stderr));
    }

    [Fact]
    public async Task Redis_ClosedPort_SaysRedisRefused_NotTimedOut()
    {
        var redis = $"127.0.0.1:{RedisServer.FreePort()}";

        // A connect timeout of 30 s: the answer names the refusal, which the client alone reports only as a timeout after it.
        var result = await CliRunner.RunAsync(["--redis", redis, "--cluster-id", "c1", "--connect-timeout", "30", "get", "k"]);

        Assert.Equal(
            (3, string.Empty, $"cachecluster: could not connect to the cluster (Redis membership, cluster 'c1'): Redis refused the connection at {redis} (is redis-server running there?){Environment.NewLine}"),
            (result.ExitCode, result.Stdout, result.Stderr));
    }

    [Fact]
    public async Task Environment_RedisAndClusterId_AreUsed()
    {
        var redis = $"127.0.0.1:{RedisServer.FreePort()}";
        var environment = new Dictionary<string, string> { ["CACHECLUSTER_REDIS"] = redis, ["CACHECLUSTER_CLUSTER_ID"] = "from-env" };

        var result = await CliRunner.RunAsync(["--connect-timeout", "30", "get", "k"], environment);

        Assert.Equal((3, $"cachecluster: could not connect to the cluster (Redis membership, cluster 'from-env'): Redis refused the connection at {redis} (is redis-server running there?){Environment.NewLine}"), (result.ExitCode, result.Stderr));
    }

    [Theory]
    [InlineData("cachecluster: unknown command 'gte'; did you mean 'get'?", "gte", "k")]
    [InlineData("cachecluster: unknown command 'ltrm'; did you mean 'ltrim'?", "ltrm", "k", "0", "1")]
    [InlineData("cachecluster: unknown command 'inval'; did you mean 'invalidate'?", "inval", "--key", "k")]
    [InlineData("cachecluster: unknown command 'sett'; did you mean 'set'?", "--gateway", "127.0.0.1:1", "sett", "k", "v")]
    [InlineData("cachecluster: unknown command 'xyzzy'; run 'cachecluster --help' for the commands.", "xyzzy")]
    public async Task MistypedCommand_OneLineNamingTheClosest_ExitTwo(string expected, params string[] command)
    {
        var result = await CliRunner.RunAsync(command);

        Assert.Equal((2, string.Empty, expected + Environment.NewLine), (result.ExitCode, result.Stdout, result.Stderr));
    }
}
