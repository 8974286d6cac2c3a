using System.Text.Json;

namespace CacheCluster.Tests.EndToEnd;

/// <summary>The operator's commands against a real silo process: cluster, stats, hotkeys and slowlog, in text and JSON.</summary>
public sealed partial class CliHttpTests
{
    [Fact]
    public async Task OperatorCommands_OverHttp_PrintTheSiloTotalsAndHotKeys()
    {
        string[] http = ["--url", _silo.HttpAddress.ToString()];
        var key = NewKey();
        Assert.Equal(0, (await CliRunner.RunAsync([.. http, "set", key, "v"])).ExitCode);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(0, (await CliRunner.RunAsync([.. http, "get", key])).ExitCode);
        }

        var cluster = await CliRunner.RunAsync([.. http, "cluster"]);
        var stats = await CliRunner.RunAsync([.. http, "stats"]);
        var json = await CliRunner.RunAsync([.. http, "stats", "--json"]);
        var hotKeys = await CliRunner.RunAsync([.. http, "hotkeys", "--count", "1000"]);
        var slowLog = await CliRunner.RunAsync([.. http, "slowlog"]);
        var overGateway = await CliRunner.RunAsync([.. _silo.CliConnection, "stats"]);

        // One silo, Active, with its own HTTP address (which Kestrel bound) and the process's memory.
        Assert.True(cluster.ExitCode == 0, cluster.ToString());
        var lines = cluster.Stdout.Split('\n');
        Assert.StartsWith("# silo ", lines[0], StringComparison.Ordinal);
        Assert.Contains("status:Active", lines);
        Assert.Contains($"http:{_silo.HttpAddress.ToString().TrimEnd('/')}", lines);
        Assert.Contains(lines, line => line.StartsWith("rss_bytes:", StringComparison.Ordinal) && long.Parse(line["rss_bytes:".Length..], System.Globalization.CultureInfo.InvariantCulture) > 0);

        Assert.True(stats.ExitCode == 0, stats.ToString());
        var totals = stats.Stdout.TrimEnd('\n').Split('\n').Select(line => line.Split(':', 2)).ToDictionary(pair => pair[0], pair => pair[1]);
        Assert.Equal("1", totals["active_silos"]);
        Assert.True(long.Parse(totals["keyspace_hits"], System.Globalization.CultureInfo.InvariantCulture) >= 3, stats.Stdout);
        Assert.Contains("ops_per_sec", totals.Keys);

        using (var document = JsonDocument.Parse(json.Stdout))
        {
            Assert.Single(document.RootElement.GetProperty("silos").EnumerateArray());
            Assert.True(document.RootElement.GetProperty("totals").GetProperty("hits").GetInt64() >= 3);
        }

        Assert.True(hotKeys.ExitCode == 0, hotKeys.ToString());
        Assert.Contains(hotKeys.Stdout.Split('\n'), line => line.EndsWith($" {key}", StringComparison.Ordinal));
        Assert.Equal((0, string.Empty), (slowLog.ExitCode, slowLog.Stderr));

        // The operator's view is an HTTP admin endpoint: over the gateway it is a usage error.
        Assert.Equal((2, string.Empty), (overGateway.ExitCode, overGateway.Stdout));
        Assert.Contains("needs the silo's HTTP API", overGateway.Stderr, StringComparison.Ordinal);
    }
}
