using System.CommandLine;
using System.Globalization;
using CacheCluster.Bench.Measurement;
using CacheCluster.Hosting;
using CacheCluster.Invalidation;
using CacheCluster.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CacheCluster.Bench.Invalidation;

/// <summary>
/// <c>pattern-index</c> (issue 18 §4): one pattern invalidation's key index read with N keys indexed and a pattern
/// matching 10 of them, before (every partition read whole, as the key index grains did) and after (each partition
/// read over the pattern's literal prefix), alternating in the same run: wall time and redis-server CPU per pattern,
/// on a redis-server and in the embedded (memory) index. The deletes of the 10 matches are the same either way and
/// are left out.
/// </summary>
internal static class PatternIndexCommand
{
    private const int Matches = 10;

    public static Command Create()
    {
        var redis = new Option<string>("--redis") { Description = "A redis-server (its keys under a fresh service id are written, then removed)", HelpName = "HOST:PORT", DefaultValueFactory = _ => "127.0.0.1:6379" };
        var keys = new Option<int>("--keys") { Description = "How many keys to index", HelpName = "N", DefaultValueFactory = _ => 1_000_000 };
        var runs = new Option<int>("--runs") { Description = "Measured patterns per side, after one warm-up each", HelpName = "N", DefaultValueFactory = _ => 5 };
        var command = new Command("pattern-index", "Pattern invalidation's key index read, whole partitions against prefix ranges, with 1M keys and 10 matches")
        {
            redis, keys, runs,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            await RunAsync(parse.GetRequiredValue(redis), parse.GetRequiredValue(keys), parse.GetRequiredValue(runs), cancellationToken);
            return 0;
        });
        return command;
    }

    private static async Task RunAsync(string endpoint, int count, int runs, CancellationToken cancellationToken)
    {
        var clock = TimeProvider.System;
        var serviceId = "bench-pidx-" + Guid.NewGuid().ToString("N")[..8];
        var options = Options.Create(new CacheClusterOptions { ServiceId = serviceId });
        var adminOptions = ConfigurationOptions.Parse(endpoint);
        adminOptions.AllowAdmin = true;
        await using var admin = await ConnectionMultiplexer.ConnectAsync(adminOptions);
        var server = admin.GetServer(admin.GetEndPoints()[0]);
        var cpu = new CpuMeter(server, siloPid: null);
        await using var connection = new RedisConnection(endpoint);
        var redisIndex = new RedisKeyIndex(connection, options, NullLogger<RedisKeyIndex>.Instance);
        var memoryIndex = new MemoryKeyIndex();

        // Keys item:0000000 …; the pattern item:{n/10}* matches exactly ten, item:{n}0 to item:{n}9.
        var width = Math.Max(7, (count - 1).ToString(CultureInfo.InvariantCulture).Length);
        string KeyOf(int i) => "item:" + i.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0');
        var loadStarted = clock.GetTimestamp();
        await LoadAsync(admin.GetDatabase(), serviceId, count, KeyOf, clock.GetUtcNow().AddHours(1), cancellationToken);
        for (var i = 0; i < count; i++)
        {
            var key = KeyOf(i);
            memoryIndex.Add([IKeyIndex.PartitionOf(key)], key, clock.GetUtcNow().AddHours(1));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pattern-index: {count:N0} keys indexed (Redis and memory) in {clock.GetElapsedTime(loadStarted).TotalSeconds:0.0} s; a pattern matches {Matches}"));

        try
        {
            foreach (var (name, index, redisCpu) in new (string, IKeyIndex, bool)[] { ("redis", redisIndex, true), ("memory", memoryIndex, false) })
            {
                var before = new List<(double Ms, double? CpuMs)>();
                var after = new List<(double Ms, double? CpuMs)>();
                for (var run = 0; run <= runs; run++)
                {
                    var target = Random.Shared.Next(count / Matches);
                    var pattern = CacheKeyPattern.Parse(KeyOf(target * Matches)[..^1] + "*");
                    var whole = await MeasureAsync(cpu, clock, redisCpu, () => ReadWholeAsync(index, pattern, clock.GetUtcNow()));
                    var prefix = await MeasureAsync(cpu, clock, redisCpu, () => ReadPrefixAsync(index, pattern, clock.GetUtcNow()));
                    if (whole.Found != Matches || prefix.Found != Matches)
                    {
                        throw new BenchFailureException($"pattern-index {name}: {pattern.Text} found {whole.Found} (whole) and {prefix.Found} (prefix) of {Matches} keys");
                    }

                    if (run > 0)
                    {
                        before.Add((whole.Ms, whole.CpuMs));
                        after.Add((prefix.Ms, prefix.CpuMs));
                    }
                }

                Report(name, "before: every partition read whole", count, before);
                Report(name, "after: each partition's prefix range", count, after);
            }
        }
        finally
        {
            var database = admin.GetDatabase();
            for (var partition = 0; partition < IKeyIndex.Partitions; partition++)
            {
                await database.KeyDeleteAsync([RedisKeyIndex.ScorePrefix(serviceId) + partition, RedisKeyIndex.LexPrefix(serviceId) + partition, RedisKeyIndex.ReadyPrefix(serviceId) + partition]);
            }
        }
    }

    /// <summary>The index as the entry store's writes leave it, written by pipelined batches: both sets and the ready markers.</summary>
    private static async Task LoadAsync(IDatabase database, string serviceId, int count, Func<int, string> keyOf, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        const int Batch = 1000;
        var score = (double)expiresAt.ToUnixTimeMilliseconds();
        var partitions = Enumerable.Range(0, IKeyIndex.Partitions).Select(_ => new List<string>()).ToArray();
        var pending = new List<Task>();
        async Task FlushAsync(int partition)
        {
            var members = partitions[partition];
            pending.Add(database.SortedSetAddAsync(RedisKeyIndex.ScorePrefix(serviceId) + partition, [.. members.Select(m => new SortedSetEntry(m, score))]));
            pending.Add(database.SortedSetAddAsync(RedisKeyIndex.LexPrefix(serviceId) + partition, [.. members.Select(m => new SortedSetEntry(m, 0))]));
            members.Clear();
            if (pending.Count >= 64)
            {
                await Task.WhenAll(pending);
                pending.Clear();
            }
        }

        for (var i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = keyOf(i);
            var partition = int.Parse(IKeyIndex.PartitionOf(key), CultureInfo.InvariantCulture);
            partitions[partition].Add(key);
            if (partitions[partition].Count == Batch)
            {
                await FlushAsync(partition);
            }
        }

        for (var partition = 0; partition < IKeyIndex.Partitions; partition++)
        {
            await FlushAsync(partition);
            pending.Add(database.StringSetAsync(RedisKeyIndex.ReadyPrefix(serviceId) + partition, "1"));
        }

        await Task.WhenAll(pending);
    }

    /// <summary>The previous read: each partition's live keys, all of them, matched here.</summary>
    private static async Task<int> ReadWholeAsync(IKeyIndex index, CacheKeyPattern pattern, DateTimeOffset now)
    {
        var reads = Enumerable.Range(0, IKeyIndex.Partitions).Select(p => index.MembersAsync(p.ToString(CultureInfo.InvariantCulture), now));
        return (await Task.WhenAll(reads)).Sum(members => members.Count(pattern.IsMatch));
    }

    /// <summary>The key index grains' read now: each partition's range of the pattern's literal prefix.</summary>
    private static async Task<int> ReadPrefixAsync(IKeyIndex index, CacheKeyPattern pattern, DateTimeOffset now)
    {
        var reads = Enumerable.Range(0, IKeyIndex.Partitions).Select(p => index.RangeAsync(p.ToString(CultureInfo.InvariantCulture), pattern.LiteralPrefix, null, KeyIndexGrain.PageSize, now));
        return (await Task.WhenAll(reads)).Sum(members => members.Count(pattern.IsMatch));
    }

    private static async Task<(int Found, double Ms, double? CpuMs)> MeasureAsync(CpuMeter cpu, TimeProvider clock, bool redisCpu, Func<Task<int>> read)
    {
        var cpuBefore = redisCpu ? await cpu.TakeAsync() : null;
        var started = clock.GetTimestamp();
        var found = await read();
        var ms = clock.GetElapsedTime(started).TotalMilliseconds;
        var cpuAfter = redisCpu ? await cpu.TakeAsync() : null;
        return (found, ms, cpuBefore?.Redis is { } b && cpuAfter?.Redis is { } a ? (a - b) * 1000 : null);
    }

    private static void Report(string store, string side, int count, List<(double Ms, double? CpuMs)> samples)
    {
        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
        }

        var cpu = samples.Where(s => s.CpuMs is not null).Select(s => s.CpuMs!.Value).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {store,-6} {count:N0} keys, {side}: median {Median(samples.Select(s => s.Ms)):0.00} ms per pattern (max {samples.Max(s => s.Ms):0.00}){(cpu.Count > 0 ? $", redis-server CPU {Median(cpu):0.00} ms" : "")}"));
    }
}
