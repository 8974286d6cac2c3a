using System.Diagnostics.Metrics;
using CacheCluster.Http.Hosting;
using Microsoft.Extensions.Options;

namespace CacheCluster.Http.Entries;

/// <summary>
/// Counts the <c>GET ?fill=1</c> calls in flight on this silo's HTTP API, per key and per client address, and refuses
/// one past <see cref="CacheClusterHttpOptions.MaxLeaseWaitersPerKey"/> or
/// <see cref="CacheClusterHttpOptions.MaxLeaseWaitersPerClient"/>: each such call can hold a connection for up to
/// <see cref="CacheClusterHttpOptions.LeaseWait"/>. Refusals are counted in <c>cachecluster.http.lease_waiters.rejected</c>.
/// </summary>
internal sealed class LeaseWaiters
{
    /// <summary>The instrument counting refusals, tagged <c>limit=key|client</c>.</summary>
    public const string RejectedInstrument = "cachecluster.http.lease_waiters.rejected";

    private readonly Dictionary<string, int> _perKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _perClient = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly int _maxPerKey;
    private readonly int _maxPerClient;
    private readonly Counter<long> _rejected;

    public LeaseWaiters(IOptions<CacheClusterHttpOptions> options, IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meterFactory);
        _maxPerKey = options.Value.MaxLeaseWaitersPerKey;
        _maxPerClient = options.Value.MaxLeaseWaitersPerClient;
        _rejected = meterFactory.Create(CacheClusterDiagnostics.MeterName)
            .CreateCounter<long>(RejectedInstrument, "{request}", "GET ?fill=1 calls refused with 503 because the key or the client address had too many waiting, tagged limit=key|client.");
    }

    /// <summary>Enters a waiter, or says which limit refused it (and counts the refusal).</summary>
    /// <returns><see langword="null"/> when entered (call <see cref="Leave"/> after), else <c>"key"</c> or <c>"client"</c>.</returns>
    public string? TryEnter(string key, string client)
    {
        string? refused;
        lock (_lock)
        {
            var forKey = _perKey.GetValueOrDefault(key);
            var forClient = _perClient.GetValueOrDefault(client);
            refused = forKey >= _maxPerKey ? "key" : forClient >= _maxPerClient ? "client" : null;
            if (refused is null)
            {
                _perKey[key] = forKey + 1;
                _perClient[client] = forClient + 1;
            }
        }

        if (refused is not null)
        {
            _rejected.Add(1, new KeyValuePair<string, object?>("limit", refused));
        }

        return refused;
    }

    /// <summary>Leaves a waiter entered by <see cref="TryEnter"/>.</summary>
    public void Leave(string key, string client)
    {
        lock (_lock)
        {
            Decrement(_perKey, key);
            Decrement(_perClient, client);
        }
    }

    /// <summary>Gets how many waiters a key and a client have now.</summary>
    public (int Key, int Client) Count(string key, string client)
    {
        lock (_lock)
        {
            return (_perKey.GetValueOrDefault(key), _perClient.GetValueOrDefault(client));
        }
    }

    private static void Decrement(Dictionary<string, int> counts, string name)
    {
        var left = counts.GetValueOrDefault(name) - 1;
        if (left > 0)
        {
            counts[name] = left;
        }
        else
        {
            counts.Remove(name);
        }
    }
}
