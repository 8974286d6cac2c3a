using System.Reflection;
using CacheCluster.Hosting;
using CacheCluster.Internal;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace CacheCluster.Tests.Hosting;

/// <summary>
/// Every failure of Orleans' transport that a call can meet reaches the application as
/// CacheClusterUnavailableException. The grain is a stand-in that fails each call with the given Orleans exception.
/// </summary>
public sealed class ClientErrorTests
{
    public static TheoryData<string> TransportFailures => ["ConnectionFailed", "SiloUnavailable", "MessageRejection", "Timeout", "ObjectDisposed", "Orleans"];

    [Theory]
    [MemberData(nameof(TransportFailures))]
    public async Task Call_OrleansTransportFailure_IsUnavailable(string failure)
    {
        var error = Create(failure);
        var options = new CacheClusterClientOptions();
        options.Resilience.ReadFailureMode = CacheCluster.Resilience.CacheReadFailureMode.Throw;
        var cache = new ClusterCache(FailingClient.Create(error), Options.Create(options), monitor: new ClusterConnectionMonitor(started: true));

        var get = await Assert.ThrowsAsync<CacheClusterUnavailableException>(() => cache.TryGetAsync<string>("k"));
        // Another key: a key whose call timed out is short-circuited for a while (its own test is elsewhere).
        var set = await Assert.ThrowsAsync<CacheClusterUnavailableException>(() => cache.SetAsync("k2", "v"));
        var scan = await Assert.ThrowsAsync<CacheClusterUnavailableException>(() => cache.ScanAsync("*"));
        var publish = await Assert.ThrowsAsync<CacheClusterUnavailableException>(() => cache.RemoveByTagAsync("t"));

        Assert.Same(error, get.InnerException);
        Assert.Equal(("Get", "Set", "Scan", "RemoveByTag"), (get.Operation, set.Operation, scan.Operation, publish.Operation));
        Assert.EndsWith("The outcome is unknown.", set.Message, StringComparison.Ordinal);
    }

    private static Exception Create(string failure) => failure switch
    {
        "ConnectionFailed" => new ConnectionFailedException("Unable to connect to any of the 1 available gateways."),
        "SiloUnavailable" => new SiloUnavailableException("The target silo became unavailable."),

        // Its constructors are internal: Orleans alone raises it (after RejectedCalls' retries here).
        "MessageRejection" => (Exception)typeof(OrleansMessageRejectionException)
            .GetConstructor(BindingFlags.Instance | BindingFlags.NonPublic, [typeof(string)])!.Invoke(["Silo stopping"]),
        "Timeout" => new TimeoutException("Response did not arrive on time in 00:00:10."),

        // What a stopped Orleans client throws (OutsideRuntimeClient.ThrowIfDisposed), its source being Orleans.
        "ObjectDisposed" => new ObjectDisposedException("OutsideRuntimeClient") { Source = "Orleans.Core" },
        _ => new OrleansException("Orleans failed."),
    };
}
