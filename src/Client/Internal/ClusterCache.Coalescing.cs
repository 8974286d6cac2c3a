using System.Runtime.ExceptionServices;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Internal;

/// <summary>
/// Single-key reads coalesced (<see cref="Hosting.CacheClusterClientOptions.ReadCoalescing"/>): a read goes alone while
/// few are out, else it joins the next batch (<see cref="ReadCoalescer{T}"/>): one <see cref="ISiloReadGrain.GetManyAsync"/>
/// message per silo holding the keys of the reads that queued meanwhile (<see cref="SiloReadRoutes"/>). Each caller keeps a single read's semantics: its own span
/// (<c>ReadAsync</c>), cancellation and <c>ClusterTimeout</c>, its key's circuit, its key's error exactly as the single
/// call throws it, and near-cache tracking through the batch (the near cache's observer and a marker per caller).
/// </summary>
internal sealed partial class ClusterCache
{
    /// <summary>
    /// How many coalesced reads may be out at once before reads queue for a batch. Measured with S1 (64 callers, 1 silo,
    /// a shared 2-core machine): 8 used the least CPU per read of 1, 2, 4, 8 and 16; fewer left the client and silo
    /// idling between bursts, more made batches too small to save messages.
    /// </summary>
    internal const int CoalescedReadsInFlight = 8;

    private ReadCoalescer<CacheTrackedRead>? _reads;
    private ReadCoalescer<CacheTrackedRead>? _trackedReads;
    private SiloReadRoutes? _routes;

    /// <summary>Gets the coalescer of untracked reads, or of reads tracked by <paramref name="near"/> (this client's near cache).</summary>
    internal ReadCoalescer<CacheTrackedRead> Coalescer(NearCache.NearCache? near) =>
        near is null
            ? LazyInitializer.EnsureInitialized(ref _reads, () => NewCoalescer(tracker: null))
            : LazyInitializer.EnsureInitialized(ref _trackedReads, () => NewCoalescer(near));

    /// <summary>A cluster read of <paramref name="key"/>, coalesced with this client's other reads when many are out.</summary>
    private async Task<CacheReadResult> ReadCoalescedAsync(string key, NearCache.NearCache? near, CancellationToken cancellationToken)
    {
        // What CallAsync checks before a read goes out, checked before the read may join a batch.
        cancellationToken.ThrowIfCancellationRequested();
        var keys = Resilience.Keys;
        if (keys.IsOpen(key))
        {
            throw Refused(key, ClusterOperation.Get, $"the key's last call timed out; it is not called again for {_options.Resilience.BreakerDuration.TotalSeconds:0.###} s");
        }

        monitor?.ThrowIfNotConnected(key, ClusterOperation.Get);
        object? marker = null;
        if (near is not null)
        {
            // Taken before the read may be sent: a change reported after it keeps the answer out of the near cache.
            _metrics.NearMiss();
            marker = near.BeginRead(key);
        }

        var coalescer = Coalescer(near);
        if (!coalescer.TryEnter(key, cancellationToken, out var queued))
        {
            return await QueuedReadAsync(key, near, marker, queued, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            if (near is null)
            {
                return await CallAsync(key, ClusterOperation.Get, static g => g.GetAsync(), cancellationToken).ConfigureAwait(false);
            }

            var read = await CallAsync(key, ClusterOperation.Get, g => g.GetTrackedAsync(near.Reference), cancellationToken).ConfigureAwait(false);
            KeepNear(near, key, marker!, read, bound: null);
            return read.Result;
        }
        finally
        {
            coalescer.Exit();
        }
    }

    private ReadCoalescer<CacheTrackedRead> NewCoalescer(NearCache.NearCache? tracker) =>
        new(CoalescedReadsInFlight, ICacheBatchGrain.MaxKeys, keys => SendReadsAsync(keys, tracker));

    /// <summary>Gets or sets (tests) where this client's coalesced reads go (<see cref="SiloReadRoutes"/>).</summary>
    internal SiloReadRoutes Routes
    {
        get => LazyInitializer.EnsureInitialized(ref _routes, NewRoutes);
        set => _routes = value;
    }

    private SiloReadRoutes NewRoutes()
    {
        // A stand-in client without Orleans' services (tests) has no manifest: its batches go through any gateway.
        var manifests = client.ServiceProvider?.GetService<IClusterManifestProvider>();
        return new SiloReadRoutes(manifests is null ? static () => null : () => manifests.Current, client);
    }

    /// <summary>
    /// One batch of coalesced reads: one message per silo holding its keys, all through the connection check, the
    /// breaker and the soft timeout as one call.
    /// </summary>
    private Task<CacheBatchAnswer<CacheTrackedRead>[]> SendReadsAsync(string[] keys, NearCache.NearCache? tracker)
    {
        var target = keys.Length == 1 ? keys[0] : $"{keys[0]} and {keys.Length - 1} more";
        return SendAsync(target, ClusterOperation.Get, static s => s.Cache.RoutedReadsAsync(s.Keys, s.Tracker), (Cache: this, Keys: keys, Tracker: tracker), extraWait: default, CancellationToken.None);
    }

    private Task<CacheBatchAnswer<CacheTrackedRead>[]> RoutedReadsAsync(string[] keys, NearCache.NearCache? tracker)
    {
        var routes = Routes;
        var plan = routes.Plan(keys);
        return plan switch
        {
            null => client.GetGrain<ICacheBatchGrain>(0).GetManyAsync(keys, tracker?.Reference),
            [var only] => SiloReadsAsync(routes, only, keys, tracker),
            _ => SplitReadsAsync(routes, plan, keys, tracker),
        };
    }

    private async Task<CacheBatchAnswer<CacheTrackedRead>[]> SplitReadsAsync(SiloReadRoutes routes, List<SiloReadRoutes.Route> plan, string[] keys, NearCache.NearCache? tracker)
    {
        var answers = new CacheBatchAnswer<CacheTrackedRead>[keys.Length];
        var sends = new Task[plan.Count];
        for (var i = 0; i < sends.Length; i++)
        {
            sends[i] = IntoAsync(plan[i]);
        }

        await Task.WhenAll(sends).ConfigureAwait(false);
        return answers;

        async Task IntoAsync(SiloReadRoutes.Route route)
        {
            var positions = route.Positions;
            var share = new string[positions.Count];
            for (var i = 0; i < share.Length; i++)
            {
                share[i] = keys[positions[i]];
            }

            var read = await SiloReadsAsync(routes, route, share, tracker).ConfigureAwait(false);
            for (var i = 0; i < share.Length; i++)
            {
                answers[positions[i]] = read[i];
            }
        }
    }

    /// <summary>
    /// One silo's share of a batch, sent with a worker key that lands on that silo when one is known, and what its answer
    /// says about where the worker key lands and where the keys are. A silo that cannot take it (gone, not yet or no
    /// longer a member) loses its hints, and the share goes through any gateway instead.
    /// </summary>
    private async Task<CacheBatchAnswer<CacheTrackedRead>[]> SiloReadsAsync(SiloReadRoutes routes, SiloReadRoutes.Route route, string[] keys, NearCache.NearCache? tracker)
    {
        SiloReads reads;
        try
        {
            reads = await route.Grain.GetManyAsync(keys, tracker?.Reference).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not TimeoutException and not OperationCanceledException)
        {
            routes.Forget(route.Silo);
            if (routes.LandsOn(route.Worker) is { } landed)
            {
                routes.Forget(landed);
            }

            return await client.GetGrain<ICacheBatchGrain>(0).GetManyAsync(keys, tracker?.Reference).ConfigureAwait(false);
        }

        // The silo that answered (the worker key's gateway), which may not be the one the batch was meant for.
        var answered = reads.Silo ?? route.Silo;
        routes.Landed(route.Worker, answered);
        routes.Learn(keys, answered, reads.Here, reads.Elsewhere);
        return reads.Answers;
    }

    /// <summary>Waits for a queued read's answer, and turns it into what the single read would have answered or thrown.</summary>
    private async Task<CacheReadResult> QueuedReadAsync(string key, NearCache.NearCache? near, object? marker, Task<CacheBatchAnswer<CacheTrackedRead>> queued, CancellationToken cancellationToken)
    {
        var keys = Resilience.Keys;
        var timeout = _options.ClusterTimeout;
        var sentAt = _clock.GetTimestamp();
        CacheBatchAnswer<CacheTrackedRead> answer;
        try
        {
            answer = await queued.WaitAsync(timeout, _clock, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // As SendAsync counts a single read that timed out: the breaker and the key's circuit.
            Resilience.Breaker.OnFailure();
            keys.Open(key, sentAt);
            throw new CacheClusterUnavailableException($"The cluster did not answer {ClusterOperation.Get.Name} within {timeout.TotalSeconds:0.###} s (ClusterTimeout).", ex)
            {
                Key = CacheKey.Describe(key),
                Operation = ClusterOperation.Get.Name,
            };
        }
        catch (CacheClusterUnavailableException ex)
        {
            // The batch failed as a whole (refused, timed out, unreachable): this caller's error names its own key.
            if (ex.InnerException is TimeoutException)
            {
                keys.Open(key, sentAt);
            }

            throw new CacheClusterUnavailableException(ex.Message, ex.InnerException) { Key = CacheKey.Describe(key), Operation = ClusterOperation.Get.Name };
        }

        if (answer.Error is { } error)
        {
            if (error is TimeoutException)
            {
                keys.Open(key, sentAt);
            }

            ExceptionDispatchInfo.Throw(KeyError(error, key, ClusterOperation.Get));
        }

        keys.Close(key);
        var read = answer.Result!;
        if (near is not null)
        {
            KeepNear(near, key, marker!, read, bound: null);
        }

        return read.Result;
    }
}
