using System.Globalization;
using System.Text.Json;
using CacheCluster.FaultLoad.Recording;
using CacheCluster.Hosting;
using CacheCluster.Resilience;
using CacheCluster.Tests.EndToEnd;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace CacheCluster.Tests.Faults;

/// <summary>
/// What every fault test starts from: a redis-server with AOF on, three silo processes in Redis mode with the
/// <see cref="Policy"/> rate limit, a client in the test process, and two load-client processes on all gateways.
/// </summary>
internal sealed class FaultCluster : IAsyncDisposable
{
    /// <summary>The load clients' policy: fixed window, fail closed.</summary>
    public const string Policy = "faults";

    /// <summary>The same limit, failing open.</summary>
    public const string OpenPolicy = "faults-open";

    /// <summary>The policy's limit per <see cref="Window"/>. Both clients together ask 40 times a second per identifier.</summary>
    public const int Limit = 80;

    public const int Identifiers = 4;

    public const int SiloCount = 3;

    public static readonly TimeSpan Window = TimeSpan.FromSeconds(4);

    /// <summary>The silos' failure detection: the product defaults, which the tests hold to their documented bound.</summary>
    public static readonly CacheClusterMembershipOptions Membership = new();

    /// <summary>The rate-limit checkpoint interval: the product default.</summary>
    public static readonly TimeSpan CheckpointInterval = new RateLimitingOptions().RateLimitCheckpointInterval;

    /// <summary>The client's response timeout: the product default, which the load clients use too.</summary>
    public static readonly TimeSpan ResponseTimeout = new CacheClusterClientOptions().ResponseTimeout;

    private readonly SiloProcess?[] _silos;
    private readonly List<LoadClient> _loads = [];
    private readonly string _directory;
    private IHost? _client;

    private FaultCluster(RedisServer redis, ClusterIdentity identity, SiloProcess[] silos, string directory)
    {
        Redis = redis;
        Identity = identity;
        _silos = silos;
        _directory = directory;
    }

    public RedisServer Redis { get; }

    public ClusterIdentity Identity { get; }

    /// <summary>Gets the cache as an application in the test process sees it, on every gateway.</summary>
    public IClusterCache Cache => Client.Services.GetRequiredService<IClusterCache>();

    public IClusterClient Orleans => Client.Services.GetRequiredService<IClusterClient>();

    public IClusterRateLimiter RateLimiter => Client.Services.GetRequiredService<IClusterRateLimiter>();

    private IHost Client => _client ?? throw new InvalidOperationException("The cluster has not started.");

    public SiloProcess this[int index] => _silos[index] ?? throw new InvalidOperationException($"Silo {index} is not running.");

    /// <summary>
    /// Starts a cluster named after <paramref name="prefix"/>, puts the steady load on (unless
    /// <paramref name="steadyLoad"/> is <see langword="false"/>: the test starts its own) and runs <paramref name="test"/>;
    /// when it fails, writes the cluster's state (silos, load clients, their output) to the test output.
    /// <paramref name="siloArguments"/> go to every silo after the cluster's own.
    /// </summary>
    public static async Task RunAsync(string prefix, ITestOutputHelper output, Func<FaultCluster, Phases, Task> test, bool steadyLoad = true, params string[] siloArguments)
    {
        var phases = new Phases();
        await using var cluster = await StartAsync(prefix, siloArguments);
        phases.Mark("cluster up");
        try
        {
            if (steadyLoad)
            {
                await cluster.StartLoadAsync();
                phases.Mark("load on");
            }

            await test(cluster, phases);
        }
        catch
        {
            output.WriteLine(cluster.Describe());
            throw;
        }
    }

    public static async Task<FaultCluster> StartAsync(string prefix, params string[] siloArguments)
    {
        var redis = await RedisServer.StartAsync(appendOnly: true);
        var identity = ClusterIdentity.New(prefix);
        SiloGroup? silos = null;
        try
        {
            silos = await SiloGroup.StartAsync(
                SiloCount,
                identity,
                [
                    $"--CacheCluster:Redis={redis.ConnectionString}",
                    $"--CacheCluster:RateLimits:{Policy}:Algorithm=FixedWindow",
                    $"--CacheCluster:RateLimits:{Policy}:Limit={Limit.ToString(CultureInfo.InvariantCulture)}",
                    $"--CacheCluster:RateLimits:{Policy}:Window={Window.ToString("c", CultureInfo.InvariantCulture)}",
                    $"--CacheCluster:RateLimits:{OpenPolicy}:Algorithm=FixedWindow",
                    $"--CacheCluster:RateLimits:{OpenPolicy}:Limit={Limit.ToString(CultureInfo.InvariantCulture)}",
                    $"--CacheCluster:RateLimits:{OpenPolicy}:Window={Window.ToString("c", CultureInfo.InvariantCulture)}",
                    $"--CacheCluster:RateLimits:{OpenPolicy}:FailureMode=Open",
                    .. siloArguments,
                ]);
            var cluster = new FaultCluster(redis, identity, [.. silos], Directory.CreateTempSubdirectory("cachecluster-faults-").FullName);
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Services.AddCacheClusterClient(options =>
            {
                options.WaitForCluster = true;
                foreach (var silo in silos)
                {
                    options.Gateways.Add(silo.Gateway);
                }

                options.ClusterId = identity.ClusterId;
                options.ServiceId = identity.ServiceId;

                // The checks read what the cluster holds: a read it cannot answer must say so, not pass for a miss.
                options.Resilience.ReadFailureMode = CacheReadFailureMode.Throw;
                options.ClusterTimeout = options.ResponseTimeout;
            });
            cluster._client = builder.Build();
            await cluster._client.StartAsync();
            return cluster;
        }
        catch
        {
            if (silos is not null)
            {
                await silos.DisposeAsync();
            }

            await redis.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the two load clients and returns once both have had writes acknowledged: the load is on.</summary>
    public async Task<IReadOnlyList<LoadClient>> StartLoadAsync()
    {
        var gateways = _silos.Select(silo => silo!.Gateway).ToList();
        var starts = new[] { "load1", "load2" }.Select(name => LoadClient.StartAsync(name, gateways, Identity, _directory, Policy, Identifiers)).ToArray();
        try
        {
            _loads.AddRange(await Task.WhenAll(starts));
        }
        finally
        {
            _loads.AddRange(starts.Where(start => start.IsCompletedSuccessfully && !_loads.Contains(start.Result)).Select(start => start.Result));
        }

        await Task.WhenAll(_loads.Select(load => load.WaitForAcknowledgedAsync(200, TimeSpan.FromSeconds(60))));
        return _loads;
    }

    /// <summary>
    /// Starts one load client in application mode (<c>--mode app</c>, near cache on unless <paramref name="nearCache"/>
    /// is <see langword="false"/>) on every gateway, and returns once it has had Sets acknowledged. Stop it with
    /// <see cref="LoadClient.StopAsync{TReport}"/>, not <see cref="StopLoadAsync"/>.
    /// </summary>
    public async Task<LoadClient> StartApplicationLoadAsync(bool nearCache = true)
    {
        var gateways = _silos.Select(silo => silo!.Gateway).ToList();
        var load = await LoadClient.StartAsync("app", gateways, Identity, _directory, ["--mode", "app", .. nearCache ? new[] { "--near-cache" } : []]);
        _loads.Add(load);
        await load.WaitForAcknowledgedAsync(50, TimeSpan.FromSeconds(60));
        return load;
    }

    /// <summary>Waits until every load client has had <paramref name="more"/> writes acknowledged since now.</summary>
    public Task WaitForMoreWritesAsync(long more, TimeSpan timeout) =>
        Task.WhenAll(_loads.Select(load => load.WaitForAcknowledgedAsync(load.Acknowledged + more, timeout)));

    /// <summary>Waits until every load client has had a rate-limit request refused (not degraded) since now: limits are enforced.</summary>
    public Task WaitForEnforcedLimitsAsync(TimeSpan timeout) =>
        Task.WhenAll(_loads.Select(load => load.WaitForLimitedAsync(load.Limited + 1, timeout)));

    /// <summary>Waits until the load clients together have had <paramref name="more"/> operations fail since now.</summary>
    public async Task WaitForMoreFailuresAsync(long more, TimeSpan timeout)
    {
        var target = _loads.Sum(load => load.Failed) + more;
        var started = TimeProvider.System.GetTimestamp();
        while (_loads.Sum(load => load.Failed) < target)
        {
            var left = timeout - TimeProvider.System.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"The load clients did not report {more} more failed operations within {timeout.TotalSeconds} s.");
            }

            // Progress lines come every 500 ms; any client's next one may carry the failures.
            await Task.WhenAny([.. _loads.Select(load => load.NextProgress), Task.Delay(left, TimeProvider.System)]);
        }
    }

    /// <summary>Stops the load clients and returns their results.</summary>
    public async Task<IReadOnlyList<LoadReport>> StopLoadAsync() =>
        await Task.WhenAll(_loads.Select(load => load.StopAsync(ResponseTimeout + TimeSpan.FromSeconds(30))));

    /// <summary>Kills silo <paramref name="index"/> at once (SIGKILL) and returns the Unix milliseconds just before.</summary>
    public async Task<long> KillAsync(int index)
    {
        var silo = this[index];
        var at = NowMs;
        await silo.KillAsync();
        return at;
    }

    /// <summary>Starts silo <paramref name="index"/> again on its ports, after it was killed or stopped.</summary>
    public async Task<SiloProcess> RestartAsync(int index)
    {
        var restarted = await this[index].RestartAsync();
        await this[index].DisposeAsync();
        _silos[index] = restarted;
        return restarted;
    }

    public static long NowMs => TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Polls the membership table in Redis until the newest row of <paramref name="silo"/>'s port has
    /// <paramref name="status"/>, and returns the Unix milliseconds at which it was seen.
    /// </summary>
    public Task<long> WaitForStatusAsync(SiloProcess silo, SiloStatus status, TimeSpan timeout) =>
        WaitForStatusAsync(silo, seen => seen == status, status.ToString(), timeout);

    /// <summary>
    /// Polls the membership table in Redis until the status of the newest row of <paramref name="silo"/>'s port satisfies
    /// <paramref name="wanted"/>, and returns the Unix milliseconds at which it was seen.
    /// </summary>
    public async Task<long> WaitForStatusAsync(SiloProcess silo, Func<SiloStatus?, bool> wanted, string what, TimeSpan timeout)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            if (wanted(await StatusAsync(silo)))
            {
                return NowMs;
            }

            if (TimeProvider.System.GetElapsedTime(started) > timeout)
            {
                throw new TimeoutException(
                    $"The membership table did not show the silo on port {silo.SiloPort} as {what} within {timeout.TotalSeconds} s (it shows {await StatusAsync(silo)}).");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System);
        }
    }

    /// <summary>Reads the status of the newest generation of the silo on <paramref name="silo"/>'s port from the membership table.</summary>
    public async Task<SiloStatus?> StatusAsync(SiloProcess silo)
    {
        var table = await Redis.Connection.GetDatabase().HashGetAllAsync($"{Identity.ServiceId}/members/{Identity.ClusterId}");
        (long Generation, SiloStatus Status)? newest = null;
        foreach (var row in table.Where(row => row.Name.ToString().StartsWith('S')))
        {
            using var entry = JsonDocument.Parse(row.Value.ToString());

            // "127.0.0.1:11111@123456789": endpoint, then generation.
            var address = entry.RootElement.GetProperty("SiloAddress").GetProperty("SiloAddress").GetString()!;
            var at = address.IndexOf('@', StringComparison.Ordinal);
            var endpoint = address[..at];
            var port = int.Parse(endpoint[(endpoint.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
            var generation = long.Parse(address[(at + 1)..], CultureInfo.InvariantCulture);
            if (port == silo.SiloPort && (newest is null || generation > newest.Value.Generation))
            {
                newest = (generation, (SiloStatus)entry.RootElement.GetProperty("Status").GetInt32());
            }
        }

        return newest?.Status;
    }

    /// <summary>Output of every process, for a failure message.</summary>
    public string Describe() =>
        string.Join(
            "\n",
            _loads.Select(load => $"--- {load.Name}:\n{load.Output}")
                .Concat(_silos.Where(silo => silo is not null).Select((silo, i) => $"--- silo {i} (gateway {silo!.Gateway}):\n{Tail(silo.Output)}")));

    public async ValueTask DisposeAsync()
    {
        foreach (var load in _loads)
        {
            await load.DisposeAsync();
        }

        if (_client is not null)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _client.StopAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
            }

            _client.Dispose();
        }

        await Task.WhenAll(_silos.Where(silo => silo is not null).Select(silo => silo!.DisposeAsync().AsTask()));
        await Redis.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string Tail(string output) => output.Length <= 4000 ? output : output[^4000..];
}
