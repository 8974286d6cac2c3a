using System.Diagnostics.Metrics;
using CacheCluster.Http.Entries;
using CacheCluster.Http.Hosting;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CacheCluster.Tests.Entries;

/// <summary>GET ?fill=1 waiters are capped per key and per client address; each refusal is counted by limit.</summary>
public sealed class LeaseWaitersTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MetricRecorder _metrics;
    private readonly LeaseWaiters _waiters;

    public LeaseWaitersTests()
    {
        var meters = _services.GetRequiredService<IMeterFactory>();
        _metrics = new MetricRecorder([meters]);
        _waiters = new LeaseWaiters(Options.Create(new CacheClusterHttpOptions { MaxLeaseWaitersPerKey = 2, MaxLeaseWaitersPerClient = 3 }), meters);
    }

    public void Dispose()
    {
        _metrics.Dispose();
        _services.Dispose();
    }

    [Fact]
    public void PastTheKeyCap_IsRefusedAsKey_UntilOneLeaves()
    {
        Assert.Null(_waiters.TryEnter("k", "a"));
        Assert.Null(_waiters.TryEnter("k", "b"));

        Assert.Equal("key", _waiters.TryEnter("k", "c"));
        Assert.Null(_waiters.TryEnter("other", "c"));
        _waiters.Leave("k", "a");
        Assert.Null(_waiters.TryEnter("k", "c"));

        Assert.Equal((2, 2), _waiters.Count("k", "c"));
        Assert.Equal(1, _metrics[$"{LeaseWaiters.RejectedInstrument}{{limit=key}}"]);
    }

    [Fact]
    public void PastTheClientCap_IsRefusedAsClient_OverAllKeys()
    {
        Assert.Null(_waiters.TryEnter("k1", "a"));
        Assert.Null(_waiters.TryEnter("k2", "a"));
        Assert.Null(_waiters.TryEnter("k3", "a"));

        Assert.Equal("client", _waiters.TryEnter("k4", "a"));
        Assert.Equal("client", _waiters.TryEnter("k4", "a"));
        Assert.Null(_waiters.TryEnter("k4", "b"));

        Assert.Equal(2, _metrics[$"{LeaseWaiters.RejectedInstrument}{{limit=client}}"]);
        Assert.Equal((1, 3), _waiters.Count("k4", "a"));
    }

    [Fact]
    public void Leaving_ForgetsKeysAndClients_WithNoWaiters()
    {
        Assert.Null(_waiters.TryEnter("k", "a"));
        _waiters.Leave("k", "a");

        Assert.Equal((0, 0), _waiters.Count("k", "a"));
    }
}
