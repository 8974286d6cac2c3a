using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.EndToEnd;

/// <summary>The CLI when no silo answers.</summary>
[Collection(EndToEndCollection.Name)]
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
