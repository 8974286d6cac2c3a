using System.Diagnostics;
using CacheCluster.Hosting;
using CacheCluster.Internal;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.Options;
using Orleans.Diagnostics;

namespace CacheCluster.Tests.Client;

/// <summary>
/// Concurrent single-key reads coalesced on the shared cluster. The test holds the coalescer's in-flight slots itself,
/// so that the reads it starts queue, then frees one: they go as one batch, counted from Orleans' client spans.
/// </summary>
[Collection(MemoryClusterCollection.Name)]
public sealed partial class ReadCoalescingTests(MemoryClusterFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);
    private readonly CacheTestCluster _cluster = fixture.Cluster;

    private ClusterCache NewCache(Action<CacheClusterClientOptions>? configure = null)
    {
        var options = new CacheClusterClientOptions { ReadCoalescing = true };
        configure?.Invoke(options);
        return new ClusterCache(_cluster.Client, Options.Create(options), _cluster.Clock);
    }

    private async Task<string[]> NewKeysAsync(int count)
    {
        var keys = Enumerable.Range(0, count).Select(_ => CacheTestCluster.NewKey("coalesce")).ToArray();
        await _cluster.Cache.SetManyAsync(keys.Select(key => KeyValuePair.Create(key, "value of " + key)));
        return keys;
    }

    /// <summary>Takes every in-flight slot of the coalescer, so that reads queue until <see cref="ReadCoalescer{T}.Exit"/>.</summary>
    private static void HoldSlots(ReadCoalescer<CacheTrackedRead> coalescer)
    {
        for (var i = 0; i < ClusterCache.CoalescedReadsInFlight; i++)
        {
            Assert.True(coalescer.TryEnter("held", default, out _));
        }
    }

    private static void ReleaseSlots(ReadCoalescer<CacheTrackedRead> coalescer)
    {
        for (var i = 0; i < ClusterCache.CoalescedReadsInFlight; i++)
        {
            coalescer.Exit();
        }
    }

    [Fact]
    public async Task Coalescing_QueuedReads_GoAsOneBatchCall_EachCallerGetsItsOwnKeysValue()
    {
        var keys = await NewKeysAsync(64);
        var cache = NewCache();
        var coalescer = cache.Coalescer(near: null);
        using var calls = GrainCalls.Record();
        CacheResult<string>[] values;
        using (calls.Start())
        {
            HoldSlots(coalescer);
            Task<CacheResult<string>>[] reads = [.. keys.Select(key => cache.TryGetAsync<string>(key)), cache.TryGetAsync<string>(keys[0])];
            Assert.DoesNotContain(reads, read => read.IsCompleted);
            ReleaseSlots(coalescer);
            values = await Task.WhenAll(reads).WaitAsync(WaitLimit);
        }

        Assert.All(keys.Select((key, i) => (key, i)), pair => Assert.Equal("value of " + pair.key, values[pair.i].Value));
        Assert.Equal("value of " + keys[0], values[^1].Value);
        // One batch, one message per silo holding its keys (3 silos), no other call.
        Assert.Equal((0, 0), (calls.Count("ICacheEntryGrain"), calls.Count("ICacheBatchGrain")));
        Assert.InRange(calls.Count("ISiloReadGrain"), 1, _cluster.Cluster.Silos.Count);
        Assert.Equal(1, coalescer.BatchesSent);
    }

    [Fact]
    public async Task Coalescing_OneReadAlone_IsOneEntryGrainCall()
    {
        var key = (await NewKeysAsync(1))[0];
        var cache = NewCache();
        using var calls = GrainCalls.Record();
        CacheResult<string> read;
        using (calls.Start())
        {
            read = await cache.TryGetAsync<string>(key);
        }

        Assert.Equal("value of " + key, read.Value);
        Assert.Equal((1, 0), (calls.Count("ICacheEntryGrain"), calls.Count("ICacheBatchGrain")));
    }

    [Fact]
    public async Task Coalescing_Off_ConcurrentReads_OneEntryGrainCallEach()
    {
        var keys = await NewKeysAsync(32);
        var cache = NewCache(options => options.ReadCoalescing = false);
        using var calls = GrainCalls.Record();
        CacheResult<string>[] reads;
        using (calls.Start())
        {
            reads = await Task.WhenAll(keys.Select(key => cache.TryGetAsync<string>(key))).WaitAsync(WaitLimit);
        }

        Assert.All(keys.Select((key, i) => (key, i)), pair => Assert.Equal("value of " + pair.key, reads[pair.i].Value));
        Assert.Equal((32, 0), (calls.Count("ICacheEntryGrain"), calls.Count("ICacheBatchGrain")));
        Assert.Null(cache.NearField);
    }

    [Fact]
    public async Task Coalescing_CallerCancelsWhileQueued_OnlyItsReadIsCancelled_OthersAnswered()
    {
        var keys = await NewKeysAsync(3);
        var cache = NewCache();
        var coalescer = cache.Coalescer(near: null);
        using var cancel = new CancellationTokenSource();
        HoldSlots(coalescer);
        var before = cache.TryGetBytesAsync(keys[0]);
        var cancelled = cache.TryGetBytesAsync(keys[1], cancel.Token);
        var after = cache.TryGetBytesAsync(keys[2]);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(WaitLimit));
        ReleaseSlots(coalescer);

        Assert.True((await before.WaitAsync(WaitLimit)).Found);
        Assert.True((await after.WaitAsync(WaitLimit)).Found);
    }

    [Fact]
    public async Task Coalescing_KeyHoldingAList_FailsOnlyThatCaller_AsTheSingleReadFails()
    {
        var keys = await NewKeysAsync(2);
        var list = CacheTestCluster.NewKey("coalesce");
        await _cluster.Cache.ListPushAsync(list, ListEnd.Tail, ["a"]);
        var single = await Assert.ThrowsAsync<CacheWrongTypeException>(() => NewCache(options => options.ReadCoalescing = false).TryGetAsync<string>(list));
        var cache = NewCache();
        var coalescer = cache.Coalescer(near: null);

        HoldSlots(coalescer);
        var first = cache.TryGetAsync<string>(keys[0]);
        var wrong = cache.TryGetAsync<string>(list);
        var last = cache.TryGetAsync<string>(keys[1]);
        ReleaseSlots(coalescer);

        var coalesced = await Assert.ThrowsAsync<CacheWrongTypeException>(() => wrong.WaitAsync(WaitLimit));
        Assert.Equal((single.Key, single.Operation, single.Message), (coalesced.Key, coalesced.Operation, coalesced.Message));
        Assert.Equal("value of " + keys[0], (await first.WaitAsync(WaitLimit)).Value);
        Assert.Equal("value of " + keys[1], (await last.WaitAsync(WaitLimit)).Value);
        Assert.Equal(1, coalescer.BatchesSent);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\u0001")]
    [InlineData(null)]
    public async Task Coalescing_BadKey_ThrowsInvalidKey_AsBefore_NothingQueued(string? bad)
    {
        var key = bad ?? new string('k', 1025);
        var cache = NewCache();
        var coalescer = cache.Coalescer(near: null);
        HoldSlots(coalescer);

        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => cache.TryGetBytesAsync(key));
        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => NewCache(options => options.ReadCoalescing = false).TryGetBytesAsync(key));

        ReleaseSlots(coalescer);
        Assert.Equal(0, coalescer.BatchesSent);
    }

    [Fact]
    public async Task Coalescing_NearCacheReadsQueued_StayTracked_ALaterSetInvalidatesTheNearCopy()
    {
        var keys = await NewKeysAsync(2);
        var cache = NewCache(options => options.NearCache.Enabled = true);
        var coalescer = cache.Coalescer(cache.Near);

        HoldSlots(coalescer);
        var reads = keys.Select(key => cache.TryGetAsync<string>(key)).ToArray();
        ReleaseSlots(coalescer);
        await Task.WhenAll(reads).WaitAsync(WaitLimit);

        Assert.Equal(1, coalescer.BatchesSent);
        Assert.All(keys, key => Assert.True(cache.Near.TryGetCompleted(key, out _), "kept near"));
        var invalidated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cache.Near.Invalidated += k =>
        {
            if (k == keys[1])
            {
                invalidated.TrySetResult();
            }
        };

        await _cluster.Cache.SetAsync(keys[1], "changed");
        await invalidated.Task.WaitAsync(WaitLimit);

        Assert.False(cache.Near.TryGetCompleted(keys[1], out _));
        Assert.Equal("changed", (await cache.TryGetAsync<string>(keys[1])).Value);
        Assert.Equal("value of " + keys[0], (await cache.TryGetAsync<string>(keys[0])).Value);
    }

    /// <summary>
    /// Counts the client's grain calls under one root span of the test: Orleans' client spans whose parent is the root
    /// or a client span of CacheCluster (the silo's own calls, from the batch grain, sit under Orleans' server spans).
    /// </summary>
    private sealed class GrainCalls : IDisposable
    {
        private static readonly ActivitySource Root = new("CacheCluster.Tests.ReadCoalescing");
        private readonly ActivityListener _listener;
        private readonly List<string> _calls = [];
        private ActivityTraceId _trace;

        private GrainCalls()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name is "CacheCluster.Tests.ReadCoalescing" or CacheClusterDiagnostics.ActivitySourceName or ActivitySources.ApplicationGrainActivitySourceName,
                Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                    options.Source == Root || (_trace != default && options.Parent.TraceId == _trace) ? ActivitySamplingResult.AllData : ActivitySamplingResult.None,
                ActivityStarted = activity =>
                {
                    if (activity.Kind == ActivityKind.Client
                        && activity.Source.Name == ActivitySources.ApplicationGrainActivitySourceName
                        && activity.TraceId == _trace
                        && activity.Parent is { } parent
                        && parent.Source.Name != ActivitySources.ApplicationGrainActivitySourceName)
                    {
                        lock (_calls)
                        {
                            _calls.Add(activity.OperationName);
                        }
                    }
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public static GrainCalls Record() => new();

        /// <summary>Starts the root span: the client's calls made under it are counted.</summary>
        public Activity Start()
        {
            var activity = Root.StartActivity("coalescing-test");
            Assert.NotNull(activity);
            _trace = activity.TraceId;
            return activity;
        }

        public int Count(string grainInterface)
        {
            lock (_calls)
            {
                return _calls.Count(name => name.Contains(grainInterface, StringComparison.Ordinal));
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
