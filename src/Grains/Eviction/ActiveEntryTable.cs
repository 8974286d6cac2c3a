namespace CacheCluster.Eviction;

/// <summary>
/// The silo's entry activations in one array, for the eviction monitor to pick the coldest from. Activations join and
/// leave under a short lock (once per activation, never per call); their recency is a stamp each keeps itself.
/// </summary>
internal sealed class ActiveEntryTable(EvictionTrigger trigger)
{
    private const int InitialCapacity = 1024;

    private readonly Lock _lock = new();
    private readonly ColdestSelector _selector = new();
    private IResidentActivation?[] _items = new IResidentActivation?[InitialCapacity];
    private int _count;
    private int _going;

    /// <summary>Gets how many activations the table holds, those still going included.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Gets how many of them were told to go (<see cref="Evict"/>) and have not yet.</summary>
    public int Going => Math.Max(0, Volatile.Read(ref _going));

    public void Add(IResidentActivation activation)
    {
        int count;
        lock (_lock)
        {
            if (_count == _items.Length)
            {
                Array.Resize(ref _items, _items.Length * 2);
            }

            activation.ResidentIndex = _count;
            _items[_count] = activation;
            count = ++_count;
        }

        trigger.OnActivationAdded(count);
    }

    public void Remove(IResidentActivation activation)
    {
        lock (_lock)
        {
            var index = activation.ResidentIndex;
            if (index < 0 || index >= _count || !ReferenceEquals(_items[index], activation))
            {
                return;
            }

            var last = _items[--_count]!;
            _items[index] = last;
            last.ResidentIndex = index;
            _items[_count] = null;
            activation.ResidentIndex = -1;
            if (activation.IsGoing)
            {
                _going--;
            }

            // Give back the array a flood of activations grew, once most have gone.
            if (_items.Length > InitialCapacity && _count < _items.Length / 4)
            {
                Array.Resize(ref _items, Math.Max(InitialCapacity, _items.Length / 2));
            }
        }
    }

    /// <summary>Tells the <paramref name="count"/> least recently used evictable activations to go; returns how many were told.</summary>
    public int Evict(int count, int nowStamp, EvictionReason reason)
    {
        var told = 0;
        foreach (var activation in Coldest(count, nowStamp))
        {
            lock (_lock)
            {
                // Counted before it can leave, and only while it is still here.
                if (activation.ResidentIndex < 0 || !activation.TryEvict(reason))
                {
                    continue;
                }

                _going++;
            }

            told++;
        }

        return told;
    }

    /// <summary>Counts the activations with a lease out (for the cluster status: one pass under the lock).</summary>
    public int CountLeases()
    {
        lock (_lock)
        {
            var leases = 0;
            for (var i = 0; i < _count; i++)
            {
                if (_items[i]!.HoldsLease)
                {
                    leases++;
                }
            }

            return leases;
        }
    }

    /// <summary>Returns up to <paramref name="count"/> evictable activations, least recently used first.</summary>
    public List<IResidentActivation> Coldest(int count, int nowStamp)
    {
        lock (_lock)
        {
            return _selector.Select(
                new ArraySegment<IResidentActivation>(_items!, 0, _count),
                static activation => activation.IsEvictable ? activation.LastUsed : null,
                nowStamp,
                count);
        }
    }
}
