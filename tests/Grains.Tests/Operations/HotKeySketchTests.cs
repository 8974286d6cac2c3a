using System.Text;
using CacheCluster.Operations;
using Microsoft.Extensions.Time.Testing;

namespace CacheCluster.Tests.Operations;

public sealed class HotKeySketchTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void HotKeySketch_ManyColdKeys_KeepsOnlyTheHottest_InOrder()
    {
        var sketch = new HotKeySketch(_clock, capacity: 8, TimeSpan.FromMinutes(1));
        for (var round = 0; round < 50; round++)
        {
            Record(sketch, "hot:a", 20);
            Record(sketch, "hot:b", 10);
            Record(sketch, "hot:c", 5);

            // 2,000 distinct cold keys per round, each seen once: none may push the hot ones out.
            for (var cold = 0; cold < 2_000; cold++)
            {
                Record(sketch, $"cold:{round}:{cold}", 1);
            }
        }

        var top = sketch.Top(3);
        Assert.Equal(["hot:a", "hot:b", "hot:c"], top.Select(entry => entry.Key));

        // Count-min never underestimates; with 100,000 cold keys in 4×4,096 cells it overestimates a little.
        Assert.InRange(top[0].Count, 1_000, 1_200);
        Assert.InRange(top[1].Count, 500, 700);
        Assert.True(sketch.Top(100).Count <= 8);
    }

    [Fact]
    public void HotKeySketch_HalfLife_HalvesCounts_AndForgetsKeysThatStopped()
    {
        var sketch = new HotKeySketch(_clock, capacity: 4, TimeSpan.FromSeconds(10));
        Record(sketch, "was-hot", 64);
        Record(sketch, "once", 1);
        Assert.Equal(64, sketch.Top(1)[0].Count);

        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal([("was-hot", 32)], sketch.Top(4).Select(entry => (entry.Key, entry.Count)));

        // Three half-lives at once halve three times; then a new key overtakes the old one.
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(4, sketch.Top(1)[0].Count);
        Record(sketch, "now-hot", 10);
        Assert.Equal(["now-hot", "was-hot"], sketch.Top(4).Select(entry => entry.Key));
    }

    [Fact]
    public void HotKeySketch_ReportsTheKeyHash_TheLogsUse()
    {
        var sketch = new HotKeySketch(_clock, capacity: 2, TimeSpan.FromMinutes(1));
        Record(sketch, "user:42", 3);
        Assert.Equal(CacheKey.Hash("user:42"), sketch.Top(1)[0].Hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture));
    }

    private static void Record(HotKeySketch sketch, string key, int times)
    {
        var bytes = Encoding.UTF8.GetBytes(key);
        for (var i = 0; i < times; i++)
        {
            sketch.Record(bytes);
        }
    }
}
