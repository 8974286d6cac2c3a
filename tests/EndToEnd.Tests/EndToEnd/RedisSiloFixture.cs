using System.Diagnostics.Metrics;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CacheCluster.Tests.EndToEnd;

/// <summary>
/// One silo process in Redis mode (Redis clustering, Redis entries) on a redis-server of its own, with one rate-limit
/// policy configured by arguments, and a .NET client connected to its gateway. The tests that use it may stop Redis or
/// the silo, and start them again before they end. Redis keeps an append-only file, so a Redis restart keeps the
/// silo's membership row and the entries.
/// </summary>
public sealed class RedisSiloFixture : IAsyncLifetime
{
    /// <summary>A token bucket of 2 refilled by 1 an hour: two permits, then limited for the rest of any test run.</summary>
    public const string Policy = "e2e-bucket";

    public const int PolicyCapacity = 2;

    public static readonly TimeSpan PolicyPeriod = TimeSpan.FromHours(1);

    private IHost? _client;

    public RedisServer Redis { get; private set; } = null!;

    public ClusterIdentity Identity { get; } = ClusterIdentity.New("e2e-redis");

    /// <summary>Gets the silo; a test that stops it starts it again (<see cref="RestartSiloAsync"/>).</summary>
    public SiloProcess Silo { get; private set; } = null!;

    /// <summary>Gets the cache of a client connected to the silo's gateway.</summary>
    public IClusterCache Cache => _client!.Services.GetRequiredService<IClusterCache>();

    /// <summary>Gets the scope of the client's meters, for a <see cref="MetricRecorder"/>.</summary>
    public object ClientMeters => _client!.Services.GetRequiredService<IMeterFactory>();

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        try
        {
            Redis = await RedisServer.StartAsync(appendOnly: true);
            Silo = await SiloProcess.StartAsync(
                Identity,
                $"--CacheCluster:Redis={Redis.ConnectionString}",
                $"--CacheCluster:RateLimits:{Policy}:Algorithm=TokenBucket",
                $"--CacheCluster:RateLimits:{Policy}:Capacity={PolicyCapacity}",
                $"--CacheCluster:RateLimits:{Policy}:TokensPerPeriod=1",
                $"--CacheCluster:RateLimits:{Policy}:Period={PolicyPeriod:c}");
            Http = new HttpClient { BaseAddress = Silo.HttpAddress };
            _client = await StartClientAsync();
        }
        catch
        {
            // Nothing started may outlive a failed start.
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the stopped silo again on the same ports and arguments.</summary>
    public async Task RestartSiloAsync()
    {
        var stopped = Silo;
        Silo = await stopped.RestartAsync();
        await stopped.DisposeAsync();
    }

    /// <summary>Runs <c>cachecluster</c> against the silo's gateway.</summary>
    public Task<ProcessResult> CliAsync(params string[] command) => CliRunner.RunAsync([.. Silo.CliConnection, .. command]);

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_client is not null)
        {
            await _client.StopAsync();
            _client.Dispose();
        }

        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
    }

    private async Task<IHost> StartClientAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddMetrics();
        builder.Services.AddCacheClusterClient(options =>
        {
            options.WaitForCluster = true;
            options.Gateways.Add(Silo.Gateway);
            options.ClusterId = Identity.ClusterId;
            options.ServiceId = Identity.ServiceId;

            // A restarted silo's gateway is tried again within a second, not the default ten.
            options.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1);

            // The tests check what fails: a read the cluster cannot answer must say so, not pass for a miss.
            options.Resilience.ReadFailureMode = CacheCluster.Resilience.CacheReadFailureMode.Throw;
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
