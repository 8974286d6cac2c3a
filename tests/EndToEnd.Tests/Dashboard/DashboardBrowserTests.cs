using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using CacheCluster.Tests.EndToEnd;
using CacheCluster.Tests.Http;
using Xunit.Abstractions;

namespace CacheCluster.Tests.Dashboard;

/// <summary>
/// The Orleans Dashboard of an embedded silo process (on by default there, open like the rest of its loopback API),
/// rendered by headless Chromium. The screenshot is kept in the test output directory.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class DashboardBrowserTests(EmbeddedSiloFixture fixture, ITestOutputHelper output) : IClassFixture<EmbeddedSiloFixture>
{
    private static readonly TimeSpan DashboardCounterDeadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Dashboard_InHeadlessChromium_ShowsTheSiloAndTheCacheGrainTypes()
    {
        using var http = new HttpClient { BaseAddress = fixture.Silo.HttpAddress };
        Assert.Equal(HttpStatusCode.Created, (await http.PutKeyAsync($"dashboard-{Guid.NewGuid():N}", "v")).StatusCode);

        // The dashboard samples each silo's grains every second: wait until it has seen the entry grain (real time, bounded).
        var silo = await WaitForDashboardGrainTypeAsync(http, "CacheCluster.Entries.CacheEntryGrain");

        var screenshot = Path.Combine(HeadlessChromium.ArtifactDirectory, "dashboard-silo.png");
        var dom = await HeadlessChromium.RenderAsync(new Uri(fixture.Silo.HttpAddress, $"dashboard/#/host/{silo}"), screenshot);
        output.WriteLine($"Dashboard screenshot: {screenshot}");

        var text = Regex.Replace(Regex.Replace(dom, "<[^>]+>", " "), @"\s+", " ");
        Assert.Contains("Orleans Dashboard", text, StringComparison.Ordinal);
        Assert.Contains($"Silo {silo}", text, StringComparison.Ordinal);
        Assert.Contains($"Proxy port {fixture.Silo.GatewayPort}", text, StringComparison.Ordinal);
        Assert.Contains("Activations by Type", text, StringComparison.Ordinal);
        Assert.Contains("CacheEntryGrain", text, StringComparison.Ordinal);
        var png = await File.ReadAllBytesAsync(screenshot);
        Assert.True(png.Length > 10_000, $"The screenshot is {png.Length} bytes.");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
    }

    /// <summary>Polls the dashboard's own counters until a silo reports <paramref name="grainType"/>; returns that silo's address.</summary>
    private static async Task<string> WaitForDashboardGrainTypeAsync(HttpClient http, string grainType)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            using var counters = JsonDocument.Parse(await http.GetStringAsync("dashboard/DashboardCounters"));
            foreach (var stat in counters.RootElement.GetProperty("simpleGrainStats").EnumerateArray())
            {
                if (stat.GetProperty("grainType").GetString() == grainType)
                {
                    return stat.GetProperty("siloAddress").GetString()!;
                }
            }

            Assert.True(
                TimeProvider.System.GetElapsedTime(started) < DashboardCounterDeadline,
                $"The dashboard did not report {grainType} within {DashboardCounterDeadline.TotalSeconds} s.");
            await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System);
        }
    }
}
