using System.Collections.Concurrent;

namespace CacheCluster.Resilience;

/// <summary>
/// Single flight in this process, per key: while the cluster cannot be reached, concurrent GetOrSet calls for one key
/// share one factory run. A caller's cancellation stops its own wait, not the run the others share.
/// </summary>
internal sealed class LocalFlights
{
    private readonly ConcurrentDictionary<string, Task> _flights = new(StringComparer.Ordinal);

    public int Count => _flights.Count;

    public Task<T?> RunAsync<T>(string key, Func<Task<T?>> run)
    {
        while (true)
        {
            if (_flights.TryGetValue(key, out var running))
            {
                // The same key asked for as another type runs on its own.
                return running as Task<T?> ?? run();
            }

            var flight = new TaskCompletionSource<T?>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_flights.TryAdd(key, flight.Task))
            {
                _ = FlyAsync(key, flight, run);
                return flight.Task;
            }
        }
    }

    private async Task FlyAsync<T>(string key, TaskCompletionSource<T?> flight, Func<Task<T?>> run)
    {
        try
        {
            flight.SetResult(await run().ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            flight.SetException(ex);
        }
        finally
        {
            _flights.TryRemove(new KeyValuePair<string, Task>(key, flight.Task));
        }
    }
}
