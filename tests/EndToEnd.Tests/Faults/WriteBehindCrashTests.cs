using System.Collections.Concurrent;
using System.Globalization;
using CacheCluster.Hosting;
using Xunit.Abstractions;

namespace CacheCluster.Tests.Faults;

/// <summary>
/// kill -9 of one of three silos whose writes are write-behind (<c>CacheCluster:Durability=WriteBehind</c>): the
/// acknowledged writes lost are counted, and each must be from the last <c>MaxWriteDelay</c> (plus a generous bound for
/// the flush's round trip on a loaded machine) before the kill. Stored writes lose none (<see cref="SiloCrashTests"/>).
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class WriteBehindCrashTests(ITestOutputHelper output)
{
    private const int Writers = 8;
    private const int KeysPerWriter = 16;
    private const int WritesBeforeKill = 1500;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>Beyond the write delay: the flush's round trip, a change queued behind one in flight, and GC pauses, on two loaded cores.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);

    /// <summary>The longest write delay there is, so that the kill finds writes waiting: the check then has some to hold to the window.</summary>
    private static readonly TimeSpan Delay = CacheClusterOptions.MaxWriteDelayLimit;

    private static readonly TimeSpan Window = Delay + Bound;

    [Fact]
    public Task WriteBehindSiloKilled_LosesOnlyWritesAcknowledgedWithinTheWriteDelayBeforeTheKill() =>
        FaultCluster.RunAsync("writebehind", output, RunAsync, steadyLoad: false, "--CacheCluster:Durability=WriteBehind", "--CacheCluster:MaxWriteDelay=00:00:01");

    private async Task RunAsync(FaultCluster cluster, Phases phases)
    {
        var acknowledged = new ConcurrentDictionary<string, List<(long Value, long AtMs)>>(StringComparer.Ordinal);
        var unknown = new ConcurrentDictionary<string, List<long>>(StringComparer.Ordinal);
        var total = 0;
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            var keys = Enumerable.Range(0, KeysPerWriter).Select(i => $"wb:{writer}:{i}:{Guid.NewGuid():N}").ToArray();
            for (long value = 1; !stop.IsCancellationRequested; value++)
            {
                var key = keys[value % KeysPerWriter];
                try
                {
                    await cluster.Cache.SetAsync(key, value);
                    acknowledged.GetOrAdd(key, _ => []).Add((value, FaultCluster.NowMs));
                    if (Interlocked.Increment(ref total) == WritesBeforeKill)
                    {
                        enough.TrySetResult();
                    }
                }
                catch (CacheClusterException)
                {
                    unknown.GetOrAdd(key, _ => []).Add(value);
                }
            }
        })).ToArray();

        await enough.Task.WaitAsync(Patience, TimeProvider.System);
        phases.Mark("writes on");
        const int victimIndex = 1;
        var victim = cluster[victimIndex];
        var killedAt = await cluster.KillAsync(victimIndex);
        await stop.CancelAsync();
        await Task.WhenAll(writers).WaitAsync(Patience, TimeProvider.System);
        phases.Mark("killed, writes stopped");
        await cluster.WaitForStatusAsync(victim, Orleans.Runtime.SiloStatus.Dead, Patience);
        phases.Mark("declared dead");

        var lost = new List<(string Key, long Value, long AtMs)>();
        var wrong = new List<string>();
        foreach (var (key, writes) in acknowledged)
        {
            var final = await ReadAsync(cluster.Cache, key);
            var known = unknown.GetValueOrDefault(key) ?? [];
            if (final != 0 && !writes.Any(w => w.Value == final) && !known.Contains(final))
            {
                wrong.Add($"{key}: final {final} was never written");
            }

            lost.AddRange(writes.Where(w => w.Value > final).Select(w => (key, w.Value, w.AtMs)));
        }

        phases.Mark("checked");
        Assert.True(wrong.Count == 0, string.Join("\n", wrong.Take(20)));
        var early = lost.Where(w => w.AtMs < killedAt - (long)Window.TotalMilliseconds).ToList();
        Assert.True(
            early.Count == 0,
            $"{early.Count} lost writes were acknowledged more than {FaultFigures.Ms(Window)} before the kill:\n" +
            string.Join("\n", early.Take(20).Select(w => $"{w.Key} = {w.Value}, acknowledged {killedAt - w.AtMs} ms before the kill")));

        var oldest = lost.Count == 0 ? 0 : killedAt - lost.Min(w => w.AtMs);
        FaultFigures.Report(output, "kill -9 of one of three silos with Durability=WriteBehind", [
            string.Create(CultureInfo.InvariantCulture, $"acknowledged writes: {acknowledged.Values.Sum(w => w.Count):N0} over {acknowledged.Count} keys ({Writers} writers), MaxWriteDelay {FaultFigures.Ms(Delay)}"),
            string.Create(CultureInfo.InvariantCulture, $"acknowledged writes lost on kill -9: {lost.Count} over {lost.Select(w => w.Key).Distinct().Count()} keys; the oldest was acknowledged {oldest} ms before the kill (allowed: {FaultFigures.Ms(Window)})"),
            $"wall time: {phases.Elapsed.TotalSeconds:0.0} s ({phases})",
        ]);
    }

    /// <summary>Reads the key's final value (0: missing), calling until the cluster answers for it.</summary>
    private static async Task<long> ReadAsync(IClusterCache cache, string key)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            try
            {
                var read = await cache.TryGetAsync<long>(key);
                return read.Found ? read.Value : 0;
            }
            catch (CacheClusterUnavailableException) when (TimeProvider.System.GetElapsedTime(started) < Patience)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
            }
        }
    }
}
