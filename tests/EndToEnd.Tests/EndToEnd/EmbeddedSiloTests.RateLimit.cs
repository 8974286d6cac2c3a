namespace CacheCluster.Tests.EndToEnd;

/// <summary>README's rate-limit example runs as written against the embedded silo: it ships the example policy "api".</summary>
public sealed partial class EmbeddedSiloTests
{
    [Fact]
    public async Task ShippedExamplePolicy_Api_AnswersReadmesCommand()
    {
        // A fresh identifier per run: the window is the shipped one (100 per minute), shared by every test of the fixture.
        var identifier = $"203.0.113.7-{Guid.NewGuid():N}";

        var result = await CliAsync("ratelimit", "api", identifier);

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("allowed", lines[0]);
        Assert.Contains("limit: 100", lines);
        Assert.Contains("remaining: 99", lines);
    }
}
