using System.CommandLine;
using System.Globalization;
using System.Reflection;
using CacheCluster.Bench.Reporting;
using CacheCluster.Bench.Invalidation;
using CacheCluster.Bench.Memory;
using CacheCluster.Bench.RateLimiting;
using CacheCluster.Bench.Reads;
using CacheCluster.Bench.Stampede;
using CacheCluster.Bench.Targets;
using CacheCluster.Bench.Workload;
using CacheCluster.Bench.Writes;
using StackExchange.Redis;

namespace CacheCluster.Bench;

/// <summary>
/// <c>all</c>: every scenario against a running cluster and its Redis, each beside its peers in the same process run,
/// with one combined report (console, <c>all-DATE.json</c> and <c>.md</c>). <c>scripts/bench.sh</c> starts the
/// services and calls it.
/// </summary>
internal static class AllCommand
{
    public static Command Create()
    {
        var redis = new Option<string>("--redis") { Description = "The Redis the silos use, as HOST:PORT (the peers use it too)", HelpName = "HOST:PORT", Required = true };
        var gateway = new Option<string[]>("--gateway") { Description = "A silo gateway as HOST:PORT; repeat for several", HelpName = "HOST:PORT", Required = true };
        var clusterId = new Option<string>("--cluster-id") { HelpName = "ID", DefaultValueFactory = _ => "cachecluster" };
        var serviceId = new Option<string>("--service-id") { HelpName = "ID", DefaultValueFactory = _ => "cachecluster" };
        var siloPid = new Option<int[]>("--silo-pid") { Description = "A silo's process id (S7 reads its RSS); repeat for each silo", HelpName = "PID" };
        var siloMetrics = new Option<string[]>("--silo-metrics") { Description = "A silo's /metrics URL (S7 looks for the GC heap there); repeat for each silo", HelpName = "URL" };
        var cli = new Option<string?>("--cli") { Description = "The cachecluster CLI dll, for S4's CacheCluster processes", HelpName = "DLL" };
        var quick = new Option<bool>("--quick") { Description = "10,000 keys, 3 s runs, one stampede round, 50,000 entries in S7: about three minutes" };
        var scenario = new Option<string>("--scenario") { Description = "Comma-separated scenarios to run", HelpName = "S1,S3,...", DefaultValueFactory = _ => string.Join(',', AllSettings.AllScenarios) };
        var silos = new Option<int>("--silos") { Description = "How many silos the cluster has (for the report)", HelpName = "N", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out") { Description = "Directory for all-<date>.json and .md", HelpName = "DIR", DefaultValueFactory = _ => Path.Combine("bench", "results") };
        var command = new Option<string?>("--command") { Description = "The command to record as the way to reproduce the run", HelpName = "TEXT" };
        var memoryEntries = new Option<string?>("--memory-entries") { Description = "S7's entry counts, comma-separated (default: 50,000 quick; 100,000, and 1,000,000 too when S7 runs alone)", HelpName = "N,N,..." };
        var all = new Command("all", "S1–S7: CacheCluster beside Redis, FusionCache, HybridCache and RedisRateLimiting, one combined report")
        {
            redis, gateway, clusterId, serviceId, siloPid, siloMetrics, cli, quick, scenario, silos, output, command, memoryEntries,
        };

        all.SetAction(async (parse, cancellationToken) =>
        {
            var names = parse.GetRequiredValue(scenario).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => s.ToUpperInvariant()).ToHashSet(StringComparer.Ordinal);
            if (names.Count == 0 || names.Except(AllSettings.AllScenarios).Any())
            {
                await Console.Error.WriteLineAsync($"cachecluster-bench: --scenario takes a comma-separated list of {string.Join(", ", AllSettings.AllScenarios)}");
                return 2;
            }

            var isQuick = parse.GetValue(quick);
            return await RunAsync(
                AllSettings.Create(isQuick, names) is var settings && parse.GetValue(memoryEntries) is { } entries
                    ? settings with { MemoryEntries = [.. entries.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(n => int.Parse(n, System.Globalization.CultureInfo.InvariantCulture))] }
                    : AllSettings.Create(isQuick, names),
                parse.GetRequiredValue(redis),
                parse.GetRequiredValue(gateway),
                parse.GetRequiredValue(clusterId),
                parse.GetRequiredValue(serviceId),
                parse.GetValue(siloPid) ?? [],
                parse.GetValue(siloMetrics) ?? [],
                parse.GetValue(cli),
                parse.GetValue(silos),
                parse.GetRequiredValue(output),
                parse.GetValue(command) ?? $"dotnet tests/Bench/bin/Release/net10.0/CacheCluster.Bench.dll {string.Join(' ', parse.Tokens.Select(t => t.Value))}",
                cancellationToken);
        });
        return all;
    }

    private static async Task<int> RunAsync(
        AllSettings settings,
        string redisEndpoint,
        string[] gateways,
        string clusterId,
        string serviceId,
        int[] siloPids,
        string[] siloMetrics,
        string? cliDll,
        int silos,
        string outputDirectory,
        string command,
        CancellationToken cancellationToken)
    {
        var clock = TimeProvider.System;
        var started = clock.GetTimestamp();
        var startedAt = clock.GetUtcNow();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(redisEndpoint);
        var adminOptions = ConfigurationOptions.Parse(redisEndpoint);
        adminOptions.AllowAdmin = true;
        await using var admin = await ConnectionMultiplexer.ConnectAsync(adminOptions);
        var server = admin.GetServer(admin.GetEndPoints()[0]);
        using var cluster = await ClusterClientHost.StartAsync(gateways, clusterId, serviceId, configure: null, cancellationToken);
        Directory.CreateDirectory(outputDirectory);

        var context = new BenchContext
        {
            Settings = settings,
            RedisEndpoint = redisEndpoint,
            Redis = redis.GetDatabase(),
            RedisServer = server,
            Gateways = gateways,
            ClusterId = clusterId,
            ServiceId = serviceId,
            SiloPids = siloPids,
            SiloMetricsUrls = siloMetrics,
            Cluster = cluster.Services,
            BenchDll = typeof(AllCommand).Assembly.Location,
            CliDll = cliDll,
            OutputDirectory = outputDirectory,
            Command = command,
        };

        try
        {
            // S7 first: RSS deltas mean something only on a silo that has not yet freed garbage (run last, the 100k
            // delta came out negative). S5 last, as it runs in a process of its own.
            var readKeys = new ReadKeys(new KeySpace(settings.Keys, settings.ValueBytes, seed: 11));
            var scenarios = new (string Name, Func<Task> Run)[]
            {
                ("S7", () => MemoryScenario.RunAsync(context, cancellationToken)),
                ("S1", () => ReadScenario.RunS1Async(context, readKeys, cancellationToken)),
                ("S2", () => ReadScenario.RunS2Async(context, readKeys, cancellationToken)),
                ("S3", () => WriteScenario.RunAsync(context, new KeySpace(settings.Keys, settings.ValueBytes, seed: 13), cancellationToken)),
                ("BATCH", () => CacheCluster.Bench.Batches.BatchScenario.RunAsync(context, new KeySpace(settings.Keys, settings.ValueBytes, seed: 17), cancellationToken)),
                ("S4", () => StampedeScenario.RunAsync(context, cancellationToken)),
                ("S6", () => InvalidationScenario.RunAsync(context, cancellationToken)),
                ("S5", () => RateLimitScenario.RunAsync(context, cancellationToken)),
            };
            foreach (var (name, run) in scenarios.Where(s => settings.Runs(s.Name)))
            {
                var scenarioStarted = clock.GetTimestamp();
                await run();
                context.ScenarioSeconds[name] = Math.Round(clock.GetElapsedTime(scenarioStarted).TotalSeconds, 1);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ({name}: {context.ScenarioSeconds[name]:0.0} s)"));
            }
        }
        catch (BenchFailureException ex)
        {
            await Console.Error.WriteLineAsync($"cachecluster-bench: the run is not valid, no report written: {ex.Message}");
            return 1;
        }

        var report = new BenchReport(
            startedAt,
            command,
            settings.Quick ? "quick" : "full",
            silos,
            clock.GetElapsedTime(started).TotalSeconds,
            await MachineInfo.ReadAsync(server),
            PeerPackages(),
            settings,
            context.Throughput,
            context.Stampede,
            context.RateLimiting,
            context.Invalidation,
            context.Memory,
            context.HybridComparison,
            Goals.Evaluate(context),
            context.ScenarioSeconds,
            context.Notes);
        var markdown = BenchReportWriter.ToMarkdown(report);
        Console.WriteLine();
        Console.Write(markdown);
        var path = Path.Combine(outputDirectory, string.Create(CultureInfo.InvariantCulture, $"all-{startedAt:yyyy-MM-dd'T'HHmmss'Z'}"));
        await File.WriteAllTextAsync(path + ".json", BenchReportWriter.ToJson(report), cancellationToken);
        await File.WriteAllTextAsync(path + ".md", markdown, cancellationToken);
        Console.WriteLine($"wrote {path}.json and {path}.md");
        await cluster.StopAsync(CancellationToken.None);
        return 0;
    }

    private static SortedDictionary<string, string> PeerPackages() => new(StringComparer.Ordinal)
    {
        ["ZiggyCreatures.FusionCache"] = VersionOf(typeof(ZiggyCreatures.Caching.Fusion.FusionCache)),
        ["Microsoft.Extensions.Caching.Hybrid"] = VersionOf(typeof(Microsoft.Extensions.DependencyInjection.HybridCacheServiceExtensions)),
        ["Microsoft.Extensions.Caching.StackExchangeRedis"] = VersionOf(typeof(Microsoft.Extensions.Caching.StackExchangeRedis.RedisCache)),
    };

    private static string VersionOf(Type type)
    {
        var version = type.Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var end = version.IndexOf('+', StringComparison.Ordinal);
        return end < 0 ? version : version[..end];
    }
}
