using CacheCluster.FaultLoad.Recording;

namespace CacheCluster.FaultLoad;

/// <summary>
/// The steady mixed load: paced writers of their own keys, readers of those keys, GetOrSet on keys all clients share,
/// rate-limit requests against one policy, and domain events. Every operation's outcome goes to the recorder. Once
/// <c>stop</c> is signalled no new operation starts; those in flight finish and are recorded.
/// </summary>
internal sealed class LoadRun(IClusterCache cache, IClusterRateLimiter limiter, LoadSettings settings, LoadRecorder recorder, TimeProvider clock)
{
    public async Task RunAsync(CancellationToken stop)
    {
        var workers = new List<Task>();
        for (var w = 0; w < settings.Writers; w++)
        {
            var writer = w;
            workers.Add(Task.Run(() => WriteAsync(writer, stop), CancellationToken.None));
        }

        for (var r = 0; r < settings.Readers; r++)
        {
            var seed = r;
            workers.Add(Task.Run(() => ReadAsync(seed, stop), CancellationToken.None));
        }

        for (var j = 0; j < settings.GetOrSetKeys; j++)
        {
            var slot = j;
            workers.Add(Task.Run(() => GetOrSetAsync(slot, stop), CancellationToken.None));
        }

        if (settings.Policy is { } policy)
        {
            for (var i = 0; i < settings.Identifiers; i++)
            {
                var identifier = $"id-{i}";
                workers.Add(Task.Run(() => RateLimitAsync(policy, identifier, stop), CancellationToken.None));
            }
        }

        workers.Add(Task.Run(() => PublishAsync(stop), CancellationToken.None));
        await Task.WhenAll(workers);
    }

    public string WriteKey(int writer, int index) => $"w:{settings.Client}:{writer}:{index}";

    private async Task WriteAsync(int writer, CancellationToken stop)
    {
        var values = new long[settings.KeysPerWriter];
        var index = 0;
        await EveryAsync(settings.WriteInterval, async () =>
        {
            var key = WriteKey(writer, index);
            var value = ++values[index];
            index = (index + 1) % values.Length;
            if (await TryAsync(LoadOperations.Set, key, () => cache.SetAsync(key, value)))
            {
                recorder.Acknowledge(key, value);
            }
            else
            {
                recorder.Unknown(key, value);
            }
        }, stop);
    }

    private async Task ReadAsync(int seed, CancellationToken stop)
    {
        var random = new Random(seed + settings.Client.GetHashCode(StringComparison.Ordinal));
        await EveryAsync(settings.ReadInterval, async () =>
        {
            var key = WriteKey(random.Next(settings.Writers), random.Next(settings.KeysPerWriter));
            var acknowledged = recorder.LastAcknowledged(key);
            CacheResult<long> read = default;
            if (await TryAsync(LoadOperations.Get, key, async () => read = await cache.TryGetAsync<long>(key)) && read.Value < acknowledged)
            {
                recorder.ReadBehind();
            }
        }, stop);
    }

    private async Task GetOrSetAsync(int slot, CancellationToken stop)
    {
        var options = new GetOrSetOptions { Entry = new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(5) }, WaitTimeout = TimeSpan.FromSeconds(30) };
        await EveryAsync(settings.GetOrSetInterval, async () =>
        {
            var round = recorder.NowMs / (long)settings.GetOrSetRound.TotalMilliseconds;
            var key = $"gos:{round}:{slot}";
            var ok = await TryAsync(LoadOperations.GetOrSet, key, () => cache.GetOrSetAsync<string>(
                key,
                async ct =>
                {
                    recorder.FactoryRan(key);
                    await Task.Delay(settings.FactoryDelay, clock, ct);
                    return $"{settings.Client}:{round}:{slot}";
                },
                options));
            if (ok)
            {
                recorder.GetOrSetCompleted(key);
            }
            else
            {
                recorder.GetOrSetFailed(key);
            }
        }, stop);
    }

    private async Task RateLimitAsync(string policy, string identifier, CancellationToken stop)
    {
        await EveryAsync(settings.RateLimitInterval, async () =>
        {
            var started = recorder.NowMs;
            try
            {
                var decision = await limiter.AcquireAsync(policy, identifier);
                if (decision.Degraded)
                {
                    // The client library answers by the failure mode when the cluster does not: an error for the run.
                    recorder.Degraded(identifier);
                    recorder.Failure(LoadOperations.RateLimit, identifier, started, LoadOperations.RateLimitDegraded, null, $"The cluster could not decide; the client failed {decision.FailureMode}.");
                    return;
                }

                recorder.Succeeded(LoadOperations.RateLimit, started);
                if (decision.Allowed)
                {
                    recorder.Admitted(identifier, decision);
                }
                else
                {
                    recorder.Refused(identifier);
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                recorder.Failure(LoadOperations.RateLimit, identifier, started, ex);
            }
        }, stop);
    }

    private async Task PublishAsync(CancellationToken stop)
    {
        var n = 0;
        await EveryAsync(settings.PublishInterval, async () =>
        {
            var domainEvent = DomainEvent.Create("faultload.tick", new { client = settings.Client, n = ++n }, clock);
            await TryAsync(LoadOperations.Publish, domainEvent.Id, () => cache.PublishAsync(domainEvent));
        }, stop);
    }

    private async Task<bool> TryAsync(string operation, string key, Func<Task> call)
    {
        var started = recorder.NowMs;
        try
        {
            await call();
            recorder.Succeeded(operation, started);
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            recorder.Failure(operation, key, started, ex);
            return false;
        }
    }

    /// <summary>Runs <paramref name="operation"/> every <paramref name="interval"/> (sooner after a slow one) until stopped.</summary>
    private async Task EveryAsync(TimeSpan interval, Func<Task> operation, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval, clock);
        while (!stop.IsCancellationRequested)
        {
            await operation();
            try
            {
                await timer.WaitForNextTickAsync(stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
