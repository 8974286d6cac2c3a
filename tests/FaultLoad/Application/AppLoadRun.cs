using CacheCluster.FaultLoad.Application.Report;

namespace CacheCluster.FaultLoad.Application;

/// <summary>
/// The application-side load: GetOrSet on shared keys with a factory that reads the key's generation from an
/// in-process "database" after <see cref="AppLoadSettings.FactoryDelay"/>, TryGet reads, and mutators that bump a
/// key's generation and then Set or Remove it. Every read is held to the generations the client already knew of when it
/// started. Once <c>stop</c> is signalled no new call starts; those in flight finish and are recorded.
/// </summary>
internal sealed class AppLoadRun
{
    private readonly IClusterCache _cache;
    private readonly AppLoadSettings _settings;
    private readonly AppLoadRecorder _recorder;
    private readonly PhaseMarks _marks;
    private readonly TimeProvider _clock;
    private readonly GetOrSetOptions _getOrSetOptions;

    /// <summary>The database: each key's current generation, bumped by its mutator before it Sets or Removes the key.</summary>
    private readonly long[] _generations;

    public AppLoadRun(IClusterCache cache, AppLoadSettings settings, AppLoadRecorder recorder, PhaseMarks marks, TimeProvider clock)
    {
        _marks = marks;
        _cache = cache;
        _settings = settings;
        _recorder = recorder;
        _clock = clock;
        _getOrSetOptions = new GetOrSetOptions { Entry = new CacheEntryOptions { TimeToLive = settings.EntryTimeToLive } };
        _generations = [.. Enumerable.Repeat(1L, settings.Keys)];
    }

    public async Task RunAsync(CancellationToken stop)
    {
        var workers = new List<Task>();
        for (var i = 0; i < _settings.GetOrSetWorkers; i++)
        {
            var random = new Random(100 + i);
            workers.Add(Task.Run(() => EveryAsync(_settings.GetOrSetInterval, () => GetOrSetAsync(random.Next(_settings.Keys)), stop), CancellationToken.None));
        }

        for (var i = 0; i < _settings.Readers; i++)
        {
            var random = new Random(200 + i);
            workers.Add(Task.Run(() => EveryAsync(_settings.ReadInterval, () => ReadAsync(random.Next(_settings.Keys)), stop), CancellationToken.None));
        }

        for (var m = 0; m < _settings.Mutators; m++)
        {
            var mutator = m;
            workers.Add(Task.Run(() => MutateAsync(mutator, stop), CancellationToken.None));
        }

        await Task.WhenAll(workers);
    }

    private async Task GetOrSetAsync(int index)
    {
        var key = AppLoadSettings.Key(index);
        var known = _recorder.Known(index);
        var startedAtMs = _recorder.NowMs;
        var started = _clock.GetTimestamp();
        try
        {
            var generation = await _cache.GetOrSetAsync<long>(
                key,
                async ct =>
                {
                    _recorder.FactoryRan();
                    await Task.Delay(_settings.FactoryDelay, _clock, ct);
                    return Volatile.Read(ref _generations[index]);
                },
                _getOrSetOptions);
            var behind = generation < known;
            if (behind)
            {
                _recorder.Behind(AppOperations.GetOrSet, key, startedAtMs, generation, known);
            }

            _recorder.Completed(AppOperations.GetOrSet, startedAtMs, _clock.GetElapsedTime(started), found: true, behind);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _recorder.Threw(AppOperations.GetOrSet, startedAtMs, _clock.GetElapsedTime(started), ex);
        }
    }

    private async Task ReadAsync(int index)
    {
        var key = AppLoadSettings.Key(index);
        var known = _recorder.Known(index);
        var startedAtMs = _recorder.NowMs;
        var started = _clock.GetTimestamp();
        try
        {
            var read = await _cache.TryGetAsync<long>(key);
            var behind = read.Found && read.Value < known;
            if (behind)
            {
                _recorder.Behind(AppOperations.Get, key, startedAtMs, read.Value, known);
            }

            _recorder.Completed(AppOperations.Get, startedAtMs, _clock.GetElapsedTime(started), read.Found, behind);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _recorder.Threw(AppOperations.Get, startedAtMs, _clock.GetElapsedTime(started), ex);
        }
    }

    private async Task MutateAsync(int mutator, CancellationToken stop)
    {
        var own = Enumerable.Range(0, _settings.Keys).Where(k => k % _settings.Mutators == mutator).ToArray();
        if (own.Length == 0)
        {
            return;
        }

        var random = new Random(300 + mutator);
        var turn = 0;
        await EveryAsync(_settings.MutateInterval, async () =>
        {
            var index = own[turn++ % own.Length];
            if (_settings.IsQuiet(index) && _marks.Reached(_settings.QuietAfterPhase, _recorder.NowMs))
            {
                return;
            }

            var generation = Interlocked.Increment(ref _generations[index]);
            if (random.Next(2) == 0)
            {
                await RemoveAsync(index, generation, afterFailedSet: false);
            }
            else if (!await SetAsync(index, generation))
            {
                await RemoveAsync(index, generation, afterFailedSet: true);
            }
        }, stop);
    }

    private async Task<bool> SetAsync(int index, long generation)
    {
        var startedAtMs = _recorder.NowMs;
        var started = _clock.GetTimestamp();
        try
        {
            await _cache.SetAsync(AppLoadSettings.Key(index), generation, new CacheEntryOptions { TimeToLive = _settings.EntryTimeToLive });
            _recorder.Learn(index, generation);
            _recorder.Completed(AppOperations.Set, startedAtMs, _clock.GetElapsedTime(started));
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _recorder.Threw(AppOperations.Set, startedAtMs, _clock.GetElapsedTime(started), ex);
            return false;
        }
    }

    /// <summary>Removes the key; thrown or not, the client now knows of the Remove (removes are kept and replayed).</summary>
    private async Task RemoveAsync(int index, long generation, bool afterFailedSet)
    {
        var key = AppLoadSettings.Key(index);
        var issuedAtMs = _recorder.NowMs;
        var started = _clock.GetTimestamp();
        string outcome;
        try
        {
            await _cache.RemoveAsync(key);
            _recorder.Completed(AppOperations.Remove, issuedAtMs, _clock.GetElapsedTime(started));
            outcome = AppRemove.Ok;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _recorder.Threw(AppOperations.Remove, issuedAtMs, _clock.GetElapsedTime(started), ex);
            outcome = ex.GetType().Name;
        }

        _recorder.Learn(index, generation);
        _recorder.Removed(new AppRemove(key, generation, issuedAtMs, _recorder.NowMs, outcome, afterFailedSet));
    }

    /// <summary>Runs <paramref name="operation"/> every <paramref name="interval"/> (sooner after a slow one) until stopped.</summary>
    private async Task EveryAsync(TimeSpan interval, Func<Task> operation, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval, _clock);
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
