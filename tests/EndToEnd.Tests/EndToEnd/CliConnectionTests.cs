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
}
