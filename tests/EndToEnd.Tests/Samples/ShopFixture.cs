using CacheCluster.Tests.EndToEnd;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Samples;

/// <summary>
/// One embedded-mode silo process (the real src/Silo with its shipped rules, plus the <c>checkout</c> rate-limit
/// policy the shop uses) and two instances of the sample shop as its clients, on their own ports, sharing one
/// data-protection key ring as a shop's servers would.
/// </summary>
public sealed class ShopFixture : IAsyncLifetime
{
    /// <summary>The checkout policy's capacity: a token bucket that refills one token an hour, so nothing refills during a test.</summary>
    public const int CheckoutCapacity = 4;

    private string? _keysDirectory;

    public SiloProcess Silo { get; private set; } = null!;

    public ShopProcess A { get; private set; } = null!;

    public ShopProcess B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Silo = await SiloProcess.StartAsync(
            identity: null,
            "--CacheCluster:RateLimits:checkout:Algorithm=TokenBucket",
            $"--CacheCluster:RateLimits:checkout:Capacity={CheckoutCapacity}",
            "--CacheCluster:RateLimits:checkout:TokensPerPeriod=1",
            "--CacheCluster:RateLimits:checkout:Period=01:00:00");
        _keysDirectory = TestProcesses.CreateDirectory("shop-keys-");
        A = await ShopProcess.StartAsync(Silo.Gateway, _keysDirectory);
        B = await ShopProcess.StartAsync(Silo.Gateway, _keysDirectory);
    }

    public async Task DisposeAsync()
    {
        // Each one even if another fails to stop: the test host kills what is left at exit (TestProcesses).
        foreach (var process in new IAsyncDisposable?[] { B, A, Silo })
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }
        }

        if (_keysDirectory is not null)
        {
            TestProcesses.DeleteDirectory(_keysDirectory);
        }
    }
}
