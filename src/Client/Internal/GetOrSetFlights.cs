using System.Collections.Concurrent;

namespace CacheCluster.Internal;

/// <summary>
/// The GetOrSet flights under way in this client, one per key: a caller of a key asks the cluster only if no flight of
/// the key is flying, and otherwise joins it. A caller asking for another type, or with other options, runs on its own.
/// </summary>
internal sealed class GetOrSetFlights
{
    private readonly ConcurrentDictionary<string, object> _flights = new(StringComparer.Ordinal);

    public int Count => _flights.Count;

    /// <summary>
    /// Joins the key's flight, or starts one when none flies (<paramref name="leader"/>: this caller runs it);
    /// <see langword="null"/> when the key's flight is for another type or options.
    /// </summary>
    public GetOrSetFlight<T>? Join<T>(string key, GetOrSetOptions options, out bool leader)
    {
        while (true)
        {
            if (_flights.TryGetValue(key, out var flying))
            {
                leader = false;
                if (flying is not GetOrSetFlight<T> flight || !flight.Fits(options))
                {
                    return null;
                }

                if (flight.TryJoin())
                {
                    return flight;
                }

                // Every caller left it: it no longer answers anyone.
                _flights.TryRemove(new KeyValuePair<string, object>(key, flying));
                continue;
            }

            var started = new GetOrSetFlight<T>(options);
            if (_flights.TryAdd(key, started))
            {
                leader = true;
                return started;
            }
        }
    }

    /// <summary>Forgets the key's flight, if it is still <paramref name="flight"/>.</summary>
    public void Remove(string key, object flight) => _flights.TryRemove(new KeyValuePair<string, object>(key, flight));
}
