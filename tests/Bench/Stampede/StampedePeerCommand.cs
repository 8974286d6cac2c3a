using System.CommandLine;
using System.Text.Json;
using CacheCluster.Bench.Targets;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using ZiggyCreatures.Caching.Fusion;

namespace CacheCluster.Bench.Stampede;

/// <summary>
/// <c>stampede-peer</c> (hidden; S4 starts it): one process of a peer's stampede (or of CacheCluster's HybridCache, on
/// the given gateways). Builds the peer on the given Redis,
/// warms it up on a key of its own, waits for the common start instant, then runs the callers' GetOrSet on one cold
/// key and prints the same JSON fields as <c>cachecluster stampede --json --latencies</c>.
/// </summary>
internal static class StampedePeerCommand
{
    public const string Fusion = "fusion";
    public const string FusionLocker = "fusion-locker";
    public const string Hybrid = "hybrid";
    public const string ClusterHybrid = "cachecluster-hybrid";

    public static Command Create()
    {
        var redis = new Option<string>("--redis") { Required = true, HelpName = "HOST:PORT" };
        var target = new Option<string>("--target") { Required = true, HelpName = $"{Fusion}|{FusionLocker}|{Hybrid}|{ClusterHybrid}" };
        target.AcceptOnlyFromAmong(Fusion, FusionLocker, Hybrid, ClusterHybrid);
        var gateway = new Option<string[]>("--gateway") { Description = $"A silo gateway as HOST:PORT, for {ClusterHybrid}; repeat for several", HelpName = "HOST:PORT" };
        var clusterId = new Option<string>("--cluster-id") { HelpName = "ID", DefaultValueFactory = _ => "cachecluster" };
        var serviceId = new Option<string>("--service-id") { HelpName = "ID", DefaultValueFactory = _ => "cachecluster" };
        var key = new Option<string>("--key") { Required = true };
        var callers = new Option<int>("--callers") { DefaultValueFactory = _ => 250 };
        var factoryMs = new Option<int>("--factory-ms") { DefaultValueFactory = _ => 100 };
        var startAt = new Option<long>("--start-at") { Required = true, Description = "Unix milliseconds at which all callers start" };
        var command = new Command("stampede-peer", "S4 peer process (started by 'all')") { redis, target, gateway, clusterId, serviceId, key, callers, factoryMs, startAt };
        command.Hidden = true;
        command.SetAction(async (parse, cancellationToken) =>
        {
            var clock = TimeProvider.System;
            var name = parse.GetRequiredValue(target);
            using var clusterHost = name == ClusterHybrid
                ? await ClusterHybridCaches.StartAsync(parse.GetValue(gateway) ?? [], parse.GetRequiredValue(clusterId), parse.GetRequiredValue(serviceId), cancellationToken)
                : null;
            await using var services = clusterHost is not null
                ? null
                : name == Hybrid
                    ? PeerCaches.CreateHybrid(parse.GetRequiredValue(redis))
                    : PeerCaches.CreateFusion(parse.GetRequiredValue(redis), distributedLocker: name == FusionLocker);
            Func<string, Func<CancellationToken, Task<string>>, CancellationToken, Task<string>> getOrSet = name switch
            {
                ClusterHybrid => HybridGetOrSet(clusterHost!.Services.GetRequiredService<HybridCache>()),
                Hybrid => HybridGetOrSet(services!.GetRequiredService<HybridCache>()),
                _ => FusionGetOrSet(services!.GetRequiredService<IFusionCache>()),
            };

            var factoryRuns = 0;
            var factoryDelay = TimeSpan.FromMilliseconds(parse.GetValue(factoryMs));
            var value = $"{Environment.ProcessId}";
            async Task<string> Factory(CancellationToken ct)
            {
                var run = Interlocked.Increment(ref factoryRuns);
                await Task.Delay(factoryDelay, clock, ct);
                return $"{value}:{run}";
            }

            await getOrSet($"{parse.GetRequiredValue(key)}:warmup:{value}", _ => Task.FromResult(value), cancellationToken);

            var start = DateTimeOffset.FromUnixTimeMilliseconds(parse.GetValue(startAt));
            var wait = start - clock.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, clock, cancellationToken);
            }

            var count = parse.GetValue(callers);
            var stampedeKey = parse.GetRequiredValue(key);
            var results = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => Task.Run(async () =>
            {
                var before = clock.GetTimestamp();
                try
                {
                    var got = await getOrSet(stampedeKey, Factory, cancellationToken);
                    return (Latency: clock.GetElapsedTime(before), Value: got, Error: (string?)null);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    return (Latency: clock.GetElapsedTime(before), Value: (string?)null, Error: ex.GetType().Name);
                }
            }, cancellationToken)));

            using var stdout = Console.OpenStandardOutput();
            await using var json = new Utf8JsonWriter(stdout);
            json.WriteStartObject();
            json.WriteNumber("factoryRuns", factoryRuns);
            json.WriteNumber("errors", results.Count(r => r.Error is not null));
            json.WriteNumber("readyBeforeStartMs", wait.TotalMilliseconds);
            json.WriteStartArray("latenciesMs");
            foreach (var r in results)
            {
                json.WriteNumberValue(r.Latency.TotalMilliseconds);
            }

            json.WriteEndArray();
            json.WriteStartObject("values");
            foreach (var group in results.Where(r => r.Value is not null).GroupBy(r => r.Value!, StringComparer.Ordinal))
            {
                json.WriteNumber(group.Key, group.Count());
            }

            json.WriteEndObject();
            json.WriteEndObject();
            await json.FlushAsync(cancellationToken);
            if (clusterHost is not null)
            {
                await clusterHost.StopAsync(CancellationToken.None);
            }

            return 0;
        });
        return command;
    }

    private static Func<string, Func<CancellationToken, Task<string>>, CancellationToken, Task<string>> FusionGetOrSet(IFusionCache cache) =>
        async (key, factory, ct) => await cache.GetOrSetAsync<string>(key, (_, token) => factory(token), token: ct);

    private static Func<string, Func<CancellationToken, Task<string>>, CancellationToken, Task<string>> HybridGetOrSet(HybridCache cache) =>
        async (key, factory, ct) => await cache.GetOrCreateAsync(key, async token => await factory(token), cancellationToken: ct);
}
