namespace CacheCluster.Tests.EndToEnd;

/// <summary>The CLI's keys and scan, paged through the key index.</summary>
public sealed partial class EmbeddedSiloTests
{
    [Fact]
    public async Task KeysAndScan_ListTheMatchingKeys_ScanPrintsTheCursorFirst()
    {
        var prefix = NewKey();
        string[] keys = [$"{prefix}:a", $"{prefix}:b", $"{prefix}:c"];
        foreach (var key in keys)
        {
            Assert.Equal(0, (await CliAsync("set", key, "v")).ExitCode);
        }

        var all = await CliAsync("keys", $"{prefix}:*");
        Assert.True(all.ExitCode == 0, all.ToString());
        Assert.Equal(keys, all.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));

        // One page of one partition: the cursor, then at most the matches among the keys it examined.
        var page = await CliAsync("scan", $"{prefix}:*", "--count", "1000");
        Assert.True(page.ExitCode == 0, page.ToString());
        var lines = page.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^(0|[1-9][0-9]?)(\.[A-Za-z0-9_-]+)?$", lines[0]);
        Assert.Subset(keys.ToHashSet(), lines.Skip(1).ToHashSet());
    }

    [Theory]
    [InlineData("scan", "*", "--cursor", "99")]
    [InlineData("scan", "*", "--count", "0")]
    [InlineData("scan", "*", "--count", "1001")]
    [InlineData("scan", "[a")]
    [InlineData("keys", "")]
    public async Task Scan_BadInput_ExitsTwo(params string[] command)
    {
        var result = await CliAsync(command);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal(string.Empty, result.Stdout);
        Assert.StartsWith("cachecluster: ", result.Stderr, StringComparison.Ordinal);
    }
}
