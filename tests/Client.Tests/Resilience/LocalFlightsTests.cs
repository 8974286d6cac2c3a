using CacheCluster.Resilience;

namespace CacheCluster.Tests.Resilience;

public sealed class LocalFlightsTests
{
    [Fact]
    public async Task ConcurrentCallers_ShareOneRun_ThenTheKeyFliesAgain()
    {
        var flights = new LocalFlights();
        var release = new TaskCompletionSource<string?>();
        var runs = 0;
        Task<string?> Run()
        {
            Interlocked.Increment(ref runs);
            return release.Task;
        }

        var callers = Enumerable.Range(0, 20).Select(_ => flights.RunAsync("k", Run)).ToList();
        Assert.Equal(1, runs);
        release.SetResult("v");
        Assert.All(await Task.WhenAll(callers), v => Assert.Equal("v", v));

        Assert.Equal(0, flights.Count);
        Assert.Equal("w", await flights.RunAsync("k", () => Task.FromResult<string?>("w")));
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task AFailedRun_FailsEveryCallerOfIt()
    {
        var flights = new LocalFlights();
        var release = new TaskCompletionSource<string?>();
        var first = flights.RunAsync("k", () => release.Task);
        var second = flights.RunAsync("k", () => Task.FromResult<string?>("unused"));
        release.SetException(new InvalidOperationException("origin down"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        await Assert.ThrowsAsync<InvalidOperationException>(() => second);
    }
}
