using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CacheCluster.Bench.Invalidation;

/// <summary>
/// <c>invalidation</c>: against a running cluster whose silos have the rule <c>bench.tagged</c> → tag
/// <c>entity:{id}</c>, times (a) publish → all N tagged entries invalidated and → the subscriber notified, and (b)
/// publish → subscriber notified for an event touching one key; p50 and p90 over the runs.
/// </summary>
internal static class InvalidationCommand
{
    public const string RuleArgument = "--CacheCluster:Invalidation:Rules:bench.tagged:Tags:0=entity:{id}";

    public static Command Create()
    {
        var gateway = new Option<string[]>("--gateway") { Description = "A gateway as HOST:PORT; repeat for several", HelpName = "HOST:PORT", Required = true };
        var clusterId = new Option<string>("--cluster-id") { Description = "The cluster id", HelpName = "ID", DefaultValueFactory = _ => "cachecluster" };
        var serviceId = new Option<string>("--service-id") { Description = "The service id", HelpName = "ID", DefaultValueFactory = _ => "cachecluster" };
        var entries = new Option<int>("--entries") { Description = "Tagged entries per run", HelpName = "N", DefaultValueFactory = _ => 10_000 };
        var runs = new Option<int>("--runs") { Description = "Runs of the tag scenario (the single-key one runs 10× as often)", HelpName = "N", DefaultValueFactory = _ => 7 };
        var output = new Option<string?>("--out") { Description = "Directory for invalidation-<date>.md (none: print only)", HelpName = "DIR" };
        var command = new Command("invalidation", "S6: publish → 10,000 tagged entries invalidated, and publish → subscriber notified")
        {
            gateway, clusterId, serviceId, entries, runs, output,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Services.AddCacheClusterClient(options =>
            {
                foreach (var g in parse.GetRequiredValue(gateway))
                {
                    options.Gateways.Add(g);
                }

                options.ClusterId = parse.GetRequiredValue(clusterId);
                options.ServiceId = parse.GetRequiredValue(serviceId);
                options.ConnectTimeout = TimeSpan.FromSeconds(30);
            });
            using var host = builder.Build();
            await host.StartAsync(cancellationToken);
            var report = (await MeasureAsync(host.Services, parse.GetValue(entries), parse.GetValue(runs), cancellationToken)).Report;
            Console.Write(report);
            if (parse.GetValue(output) is { } directory)
            {
                Directory.CreateDirectory(directory);
                var path = Path.Combine(directory, $"invalidation-{DateTime.UtcNow:yyyy-MM-dd}.md");
                await File.WriteAllTextAsync(path, report, cancellationToken);
                Console.WriteLine($"written: {path}");
            }

            await host.StopAsync(CancellationToken.None);
            return 0;
        });

        return command;
    }

    /// <summary>Runs the measurement on a started client host; <c>all</c> calls it too, for its combined report.</summary>
    internal static async Task<InvalidationFigures> MeasureAsync(IServiceProvider services, int entries, int runs, CancellationToken cancellationToken)
    {
        var cache = services.GetRequiredService<IClusterCache>();
        var client = services.GetRequiredService<IClusterClient>();
        var clock = TimeProvider.System;
        var listener = new Listener();
        await using var subscription = await cache.SubscribeAsync(listener, cancellationToken);
        var applied = new List<double>();
        var notified = new List<double>();
        var single = new List<double>();

        for (var run = 0; run <= runs; run++)
        {
            var id = Guid.NewGuid().ToString("N")[..12];
            var options = new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(10), Tags = [$"entity:{id}"] };
            for (var start = 0; start < entries; start += 500)
            {
                await Task.WhenAll(Enumerable.Range(start, Math.Min(500, entries - start)).Select(i => cache.SetAsync($"bench:{id}:{i}", "v", options, cancellationToken: cancellationToken)));
            }

            var domainEvent = new DomainEvent(Guid.NewGuid().ToString("N"), "bench.tagged", clock.GetUtcNow(), JsonSerializer.Serialize(new { id }));
            var heard = listener.Expect(domainEvent.Id);
            var started = clock.GetTimestamp();
            var receipt = await cache.PublishAsync(domainEvent, cancellationToken);
            await client.GetGrain<IInvalidationStreamGrain>(receipt.Partition).WaitForAppliedAsync(receipt.Sequence);
            var appliedMs = clock.GetElapsedTime(started).TotalMilliseconds;
            var notice = await heard.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            var notifiedMs = clock.GetElapsedTime(started).TotalMilliseconds;
            if (notice.Invalidated != entries || await cache.ExistsAsync($"bench:{id}:{entries - 1}", cancellationToken))
            {
                throw new InvalidOperationException($"run {run}: the event invalidated {notice.Invalidated} of {entries} entries");
            }

            // The first run warms up.
            if (run > 0)
            {
                applied.Add(appliedMs);
                notified.Add(notifiedMs);
            }
        }

        for (var run = 0; run <= runs * 10; run++)
        {
            var id = Guid.NewGuid().ToString("N")[..12];
            await cache.SetAsync($"bench:{id}:0", "v", new CacheEntryOptions { Tags = [$"entity:{id}"] }, cancellationToken: cancellationToken);
            var domainEvent = new DomainEvent(Guid.NewGuid().ToString("N"), "bench.tagged", clock.GetUtcNow(), JsonSerializer.Serialize(new { id }));
            var heard = listener.Expect(domainEvent.Id);
            var started = clock.GetTimestamp();
            await cache.PublishAsync(domainEvent, cancellationToken);
            await heard.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            if (run > 0)
            {
                single.Add(clock.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# S6 invalidation, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores; one client process; p50 and p90 over the runs after one warm-up run.");
        text.AppendLine();
        text.AppendLine("| measurement | runs | p50 ms | p90 ms |");
        text.AppendLine("|---|---:|---:|---:|");
        Row(text, $"publish → {entries:N0} tagged entries invalidated", applied);
        Row(text, $"publish → subscriber notified ({entries:N0} entries)", notified);
        Row(text, "publish → subscriber notified (1 entry)", single);
        return new InvalidationFigures(text.ToString(), applied, notified, single);
    }

    private static void Row(StringBuilder text, string name, List<double> samples)
    {
        samples.Sort();
        double At(double q) => samples[Math.Min(samples.Count - 1, (int)Math.Floor(q * samples.Count))];
        text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {samples.Count} | {At(0.5):F1} | {At(0.9):F1} |");
    }

    private sealed class Listener : IInvalidationListener
    {
        private readonly Dictionary<string, TaskCompletionSource<InvalidationNotice>> _expected = [];
        private readonly Lock _lock = new();

        public Task<InvalidationNotice> Expect(string eventId)
        {
            var done = new TaskCompletionSource<InvalidationNotice>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                _expected[eventId] = done;
            }

            return done.Task;
        }

        public ValueTask OnInvalidatedAsync(InvalidationNotice notice)
        {
            lock (_lock)
            {
                if (_expected.Remove(notice.EventId, out var done))
                {
                    done.TrySetResult(notice);
                }
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask OnFlushAsync(InvalidationFlushReason reason) => ValueTask.CompletedTask;
    }
}
