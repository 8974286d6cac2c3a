using System.Globalization;
using System.Text.RegularExpressions;
using CacheCluster.Hosting;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace CacheCluster.Tests.EndToEnd;

/// <summary>
/// <c>CacheCluster:MaxMemoryMB</c> on a real silo process: a write load beyond what the bound can hold keeps the
/// silo's resident memory (VmRSS, sampled every 50 ms throughout) under the bound, and the evictions are counted.
/// Every bound asserted is one README promises, computed from the configured <c>MaxMemoryMB</c>, never a figure
/// measured on one machine: RSS at most <c>MaxMemoryMB</c> MiB; active entries at most a tenth of the bound at 3 KiB
/// each (<see cref="ActivationCap"/>), so every activation over that was shed; every record written either stored or
/// evicted; least recently used first.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class BoundedMemoryTests(ITestOutputHelper output)
{
    /// <summary>
    /// The bound. README asks to leave room above what the silo itself takes under load (code, runtime, connection
    /// buffers); entries go from 80 % of it on.
    /// </summary>
    private const int MaxMemoryMB = 320;

    /// <summary>Far more new keys than the activation cap (<see cref="ActivationCap"/>: 10,922 at 320 MiB): most activations must go.</summary>
    private const int EmbeddedEntries = 150_000;

    /// <summary>In Redis mode records live in Redis, so only activations count: a tighter bound, fewer writes.</summary>
    private const int RedisMaxMemoryMB = 192;

    private const int RedisEntries = 20_000;
    private const int Concurrency = 64;
    private static readonly TimeSpan SampleEvery = TimeSpan.FromMilliseconds(50);

    /// <summary>How long the silo's monitor (a pass every 100 ms) may take to settle the counts after the last write.</summary>
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(30);

    /// <summary>README: "Active entries are also capped by count at a tenth of the bound (at 3 KiB each)".</summary>
    private static long ActivationCap(int maxMemoryMB) => maxMemoryMB * 1024L * 1024 / 10 / (3 * 1024);

    [Fact]
    public async Task Embedded_TenTimesWhatTheBoundHolds_KeepsRssUnderTheBound_EvictingTheLeastRecentlyUsed()
    {
        var identity = ClusterIdentity.New("bounded");
        await using var silo = await SiloProcess.StartAsync(identity, $"--CacheCluster:MaxMemoryMB={MaxMemoryMB}");
        using var http = new HttpClient { BaseAddress = silo.HttpAddress, Timeout = TimeSpan.FromSeconds(30) };
        await using var sampler = RssSampler.Start(silo.ProcessId, SampleEvery);
        using var client = await StartClientAsync(silo, identity);
        var cache = client.Services.GetRequiredService<IClusterCache>();

        var started = TimeProvider.System.GetTimestamp();
        var bytes = await WriteAsync(cache, "emb:", EmbeddedEntries);
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        var samples = await sampler.StopAsync();

        // Once the monitor has settled: every record written is either stored or evicted, and the activations are
        // within their cap.
        var cap = ActivationCap(MaxMemoryMB);
        var metrics = await SettledMetricsAsync(http, m =>
            Counter(m, "cachecluster_entries", "state=\"active\"") <= cap
            && Counter(m, "cachecluster_entries", "state=\"stored\"") + Counter(m, "cachecluster_evictions_total", "outcome=\"removed\",reason=\"memory\"") == EmbeddedEntries);
        var removed = Counter(metrics, "cachecluster_evictions_total", "outcome=\"removed\",reason=\"memory\"");
        var deactivated = Counter(metrics, "cachecluster_evictions_total", "outcome=\"deactivated\",reason=\"memory\"");
        var stored = Counter(metrics, "cachecluster_entries", "state=\"stored\"");
        var active = Counter(metrics, "cachecluster_entries", "state=\"active\"");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            wrote {EmbeddedEntries:N0} entries ({bytes / 1e6:0.0} MB of values) in {elapsed.TotalSeconds:0.0} s ({EmbeddedEntries / elapsed.TotalSeconds:0} /s)
            RSS: idle {samples[0] / 1e6:0.0} MB, max {samples.Max() / 1e6:0.0} MB over {samples.Count} samples (bound {MaxMemoryMB} MiB)
            evictions: {deactivated:N0} activations released, {removed:N0} records evicted; {stored:N0} records stored and {active:N0} active at the end (cap {cap:N0})
            """));

        output.WriteLine($"RSS samples (MB): {string.Join(' ', samples.Select(b => (b / 1_000_000).ToString(CultureInfo.InvariantCulture)))}");
        Assert.True(samples.Max() <= MaxMemoryMB * 1024L * 1024, $"RSS reached {samples.Max() / 1e6:0.0} MB over the {MaxMemoryMB} MiB bound.");
        Assert.True(deactivated >= EmbeddedEntries - active, $"{deactivated} activations were released; {EmbeddedEntries:N0} were made and {active} are left (cap {cap}).");
        Assert.Equal(EmbeddedEntries, stored + removed);

        // Least recently used first: the last written are there, the first are gone.
        Assert.Equal(ValueOf(EmbeddedEntries - 1), (await cache.TryGetBytesAsync($"emb:{EmbeddedEntries - 1}")).Value?.Data);
        Assert.Null((await cache.TryGetBytesAsync("emb:0")).Value);
    }

    [Fact]
    public async Task Redis_ActivationsOverTheBound_Deactivate_AndTheirEntriesStayReadableFromRedis()
    {
        await using var redis = await RedisServer.StartAsync();
        var identity = ClusterIdentity.New("bounded-redis");
        await using var silo = await SiloProcess.StartAsync(identity, $"--CacheCluster:Redis={redis.ConnectionString}", $"--CacheCluster:MaxMemoryMB={RedisMaxMemoryMB}");
        using var http = new HttpClient { BaseAddress = silo.HttpAddress, Timeout = TimeSpan.FromSeconds(30) };
        await using var sampler = RssSampler.Start(silo.ProcessId, SampleEvery);
        using var client = await StartClientAsync(silo, identity);
        var cache = client.Services.GetRequiredService<IClusterCache>();

        await WriteAsync(cache, "red:", RedisEntries);
        var samples = await sampler.StopAsync();
        var cap = ActivationCap(RedisMaxMemoryMB);
        var metrics = await SettledMetricsAsync(http, m => Counter(m, "cachecluster_entries", "state=\"active\"") <= cap);
        var deactivated = Counter(metrics, "cachecluster_evictions_total", "outcome=\"deactivated\",reason=\"memory\"");
        var active = Counter(metrics, "cachecluster_entries", "state=\"active\"");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RSS max {samples.Max() / 1e6:0.0} MB over {samples.Count} samples; {deactivated:N0} activations released, {active:N0} active (cap {cap:N0})"));

        Assert.True(samples.Max() <= RedisMaxMemoryMB * 1024L * 1024, $"RSS reached {samples.Max() / 1e6:0.0} MB over the {RedisMaxMemoryMB} MiB bound.");
        Assert.True(deactivated >= RedisEntries - active, $"{deactivated} activations were released; {RedisEntries:N0} were made and {active} are left (cap {cap}).");
        Assert.Equal(0, Counter(metrics, "cachecluster_evictions_total", "outcome=\"removed\",reason=\"memory\""));

        // Nothing was lost: every entry reads back, reloaded from Redis where its activation went.
        var values = new byte[RedisEntries][];
        await Parallel.ForAsync(0, RedisEntries, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (i, ct) =>
            values[i] = (await cache.TryGetBytesAsync($"red:{i}", ct)).Value?.Data ?? []);
        Assert.All(Enumerable.Range(0, RedisEntries), i => Assert.Equal(ValueOf(i), values[i]));
    }

    /// <summary>
    /// Reads <c>/metrics</c> until <paramref name="settled"/> holds (the monitor acts every 100 ms, and a scrape may
    /// fall between a pass's steps) and returns that scrape; fails with the last scrape after <see cref="SettleTimeout"/>.
    /// </summary>
    private static async Task<string> SettledMetricsAsync(HttpClient http, Func<string, bool> settled)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            if (settled(metrics))
            {
                return metrics;
            }

            if (TimeProvider.System.GetElapsedTime(started) > SettleTimeout)
            {
                Assert.Fail($"The silo's entry counts did not settle within {SettleTimeout.TotalSeconds} s:\n{string.Join('\n', metrics.Split('\n').Where(l => l.StartsWith("cachecluster_e", StringComparison.Ordinal)))}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
        }
    }

    /// <summary>Writes <paramref name="count"/> entries of 100 B to 1 KiB (by a fixed seed) and returns their bytes.</summary>
    private static async Task<long> WriteAsync(IClusterCache cache, string prefix, int count)
    {
        long bytes = 0;
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (i, ct) =>
        {
            var value = ValueOf(i);
            await cache.SetBytesAsync($"{prefix}{i}", new CacheValue(value), cancellationToken: ct);
            Interlocked.Add(ref bytes, value.Length);
        });
        return bytes;
    }

    private static byte[] ValueOf(int i)
    {
        var random = new Random(i);
        var value = new byte[random.Next(100, 1025)];
        random.NextBytes(value);
        return value;
    }

    private static async Task<IHost> StartClientAsync(SiloProcess silo, ClusterIdentity identity)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddCacheClusterClient(options =>
        {
            options.WaitForCluster = true;
            options.Gateways.Add(silo.Gateway);
            options.ClusterId = identity.ClusterId;
            options.ServiceId = identity.ServiceId;
            options.ConnectTimeout = TimeSpan.FromSeconds(30);
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>Sums one Prometheus series' values, matched by its labels (the order the exporter writes them in).</summary>
    private static long Counter(string metrics, string name, string labels)
    {
        long sum = 0;
        foreach (Match match in SeriesLine().Matches(metrics))
        {
            if (match.Groups["name"].Value == name && match.Groups["labels"].Value.Contains(labels, StringComparison.Ordinal))
            {
                sum += (long)double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }

    [GeneratedRegex(@"^(?<name>[a-z_]+)\{(?<labels>[^}]*)\} (?<value>[0-9.e+-]+)", RegexOptions.Multiline)]
    private static partial Regex SeriesLine();

    /// <summary>Reads a process's VmRSS every <c>period</c> until stopped; the first sample is taken at once.</summary>
    private sealed class RssSampler : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly List<long> _samples = [];
        private Task _loop = Task.CompletedTask;

        public static RssSampler Start(int pid, TimeSpan period)
        {
            var sampler = new RssSampler();
            sampler._samples.Add(ReadRss(pid));
            sampler._loop = sampler.RunAsync(pid, period);
            return sampler;
        }

        public async Task<List<long>> StopAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            return _samples;
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            _stop.Dispose();
        }

        private static long ReadRss(int pid)
        {
            // "VmRSS:	  123456 kB"
            var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }

        private async Task RunAsync(int pid, TimeSpan period)
        {
            using var timer = new PeriodicTimer(period, TimeProvider.System);
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token))
                {
                    _samples.Add(ReadRss(pid));
                }
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
