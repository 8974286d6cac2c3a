using System.Collections.Concurrent;
using Orleans.Metadata;

namespace CacheCluster.Internal;

/// <summary>
/// Where a client sends its coalesced reads: to the silo that holds each key's entry activation, learnt from the silos'
/// answers (<see cref="SiloReads.Here"/>, <see cref="SiloReads.Elsewhere"/>), so that the silo reads the key from its
/// active records with no grain call.
/// </summary>
/// <remarks>
/// <para>
/// A key with no hint goes to a silo chosen by its hash and how many silos already answered that it is not theirs; a
/// silo that answers "here" becomes its hint, and a silo that answers "elsewhere, on silo B" makes B the hint at once
/// when B is in the manifest, so a key is usually learnt in one read. A silo that answers "not here" without knowing
/// where drops the hint: the key then finds its silo in at most as many reads as there are silos, and a key whose
/// activation moved is still answered (by a grain call on the silo asked) and routed anew.
/// </para>
/// <para>
/// The silos are those of the client's cluster manifest. When one leaves it (or a call to it fails), every hint naming
/// it is dropped. The map is bounded: past <see cref="MaxHints"/> keys it starts over.
/// </para>
/// <para>
/// A batch reaches its silo with no forwarding hop through a read worker key (<see cref="ISiloReadGrain"/>, a stateless
/// worker activated where the call arrives) that lands on that silo: Orleans sends a client's calls for one grain id
/// through one gateway, kept until its connection fails. Each answer names the silo that answered, and so teaches which
/// silo its worker key lands on; a batch for a silo no key is known to reach goes with a key not yet learnt (a new
/// grain id, bound to the next gateway), and a key whose answer comes from another silo than learnt is re-learnt. The
/// keys an answer teaches are learnt for the silo that answered, whichever silo the batch was meant for.
/// </para>
/// </remarks>
internal sealed class SiloReadRoutes(Func<ClusterManifest?> manifest, IGrainFactory grains)
{
    /// <summary>The most keys the client remembers a silo for.</summary>
    internal const int MaxHints = 1 << 17;

    private readonly ConcurrentDictionary<string, Hint> _hints = new(StringComparer.Ordinal);
    private readonly SiloAddress?[] _landsOn = new SiloAddress?[ISiloReadGrain.WorkerKeys];
    private readonly ISiloReadGrain[] _workers = [.. Enumerable.Range(0, ISiloReadGrain.WorkerKeys).Select(i => grains.GetGrain<ISiloReadGrain>(i))];
    private int _nextWorker = -1;
    private Silos? _silos;
    private int _added;
    private GrainType? _readGrainType;

    /// <summary>Gets the read grain's type, or <see langword="null"/> while no silo known to the client has it.</summary>
    private GrainType? ReadGrainType
    {
        get
        {
            if (_readGrainType is null)
            {
                try
                {
                    _readGrainType = grains.GetGrain<ISiloReadGrain>(0).GetGrainId().Type;
                }
                catch (ArgumentException)
                {
                    return null;
                }
            }

            return _readGrainType;
        }
    }

    /// <summary>Gets how many keys have a hint or a probe count (for tests; takes the map's locks).</summary>
    internal int Count => _hints.Count;

    /// <summary>Gets the silo <paramref name="key"/> is sent to now, or <see langword="null"/> when no silo is known.</summary>
    internal SiloAddress? SiloOf(string key)
    {
        var silos = Current();
        return silos is null ? null : silos.Addresses[IndexOf(silos, key)];
    }

    /// <summary>
    /// Splits <paramref name="keys"/> by silo: each group's silo and the positions of its keys in <paramref name="keys"/>.
    /// <see langword="null"/> when no silo is known (the caller sends them through any gateway).
    /// </summary>
    public List<Route>? Plan(string[] keys)
    {
        var silos = Current();
        if (silos is null)
        {
            return null;
        }

        var routes = new List<Route>(Math.Min(silos.Addresses.Length, keys.Length));
        for (var i = 0; i < keys.Length; i++)
        {
            var index = IndexOf(silos, keys[i]);
            Route? route = null;
            foreach (var candidate in routes)
            {
                if (candidate.SiloIndex == index)
                {
                    route = candidate;
                    break;
                }
            }

            if (route is null)
            {
                var worker = WorkerFor(silos.Addresses[index]);
                route = new Route(index, silos.Addresses[index], worker, _workers[worker]);
                routes.Add(route);
            }

            route.Positions.Add(i);
        }

        return routes;
    }

    /// <summary>
    /// Learns from <paramref name="silo"/>'s answer which of <paramref name="keys"/> are active there and, for the
    /// others, on which silo when it said (<paramref name="elsewhere"/>; a silo not in the manifest is ignored).
    /// </summary>
    public void Learn(string[] keys, SiloAddress silo, bool[] here, SiloAddress?[]? elsewhere = null)
    {
        var known = elsewhere is null ? null : Current()?.Index;
        for (var i = 0; i < keys.Length && i < here.Length; i++)
        {
            var key = keys[i];
            if (key is null)
            {
                continue;
            }

            _hints.TryGetValue(key, out var hint);
            if (here[i])
            {
                if (!silo.Equals(hint.Silo))
                {
                    Set(key, new Hint(silo, 0));
                }
            }
            else if (known is not null && i < elsewhere!.Length && elsewhere[i] is { } other && known.ContainsKey(other))
            {
                if (!other.Equals(hint.Silo))
                {
                    Set(key, new Hint(other, 0));
                }
            }
            else if (hint.Silo is null || silo.Equals(hint.Silo))
            {
                // Not (or no longer) there: the next read asks the next silo.
                Set(key, new Hint(null, hint.Probe + 1));
            }
        }
    }

    /// <summary>
    /// Gets the read worker key a batch for <paramref name="silo"/> goes with: one learnt to land there; else one not yet
    /// learnt, taken in turn (its answer teaches where it lands); else, when every key lands elsewhere (the silo is no
    /// gateway of this client), any key, and the silo answering it reads the keys through their entry grains.
    /// </summary>
    internal int WorkerFor(SiloAddress silo)
    {
        for (var i = 0; i < _landsOn.Length; i++)
        {
            if (silo.Equals(Volatile.Read(ref _landsOn[i])))
            {
                return i;
            }
        }

        var start = (int)((uint)Interlocked.Increment(ref _nextWorker) % (uint)_landsOn.Length);
        for (var i = 0; i < _landsOn.Length; i++)
        {
            var worker = (start + i) % _landsOn.Length;
            if (Volatile.Read(ref _landsOn[worker]) is null)
            {
                return worker;
            }
        }

        return start;
    }

    /// <summary>Gets the silo read worker key <paramref name="worker"/> was last answered from, or <see langword="null"/>.</summary>
    internal SiloAddress? LandsOn(int worker) => Volatile.Read(ref _landsOn[worker]);

    /// <summary>Learns that read worker key <paramref name="worker"/> was answered by <paramref name="silo"/> (its gateway now).</summary>
    public void Landed(int worker, SiloAddress silo)
    {
        if (!silo.Equals(Volatile.Read(ref _landsOn[worker])))
        {
            Volatile.Write(ref _landsOn[worker], silo);
        }
    }

    /// <summary>Drops every hint naming <paramref name="silo"/>, and what worker keys landed there (it left, or a call to it failed).</summary>
    public void Forget(SiloAddress silo)
    {
        for (var i = 0; i < _landsOn.Length; i++)
        {
            if (silo.Equals(Volatile.Read(ref _landsOn[i])))
            {
                Interlocked.CompareExchange(ref _landsOn[i], null, silo);
            }
        }

        foreach (var pair in _hints)
        {
            if (silo.Equals(pair.Value.Silo))
            {
                _hints.TryRemove(pair);
            }
        }
    }

    private int IndexOf(Silos silos, string key)
    {
        if (key is not null && _hints.TryGetValue(key, out var hint))
        {
            if (hint.Silo is null)
            {
                return Probe(silos, key, hint.Probe);
            }

            if (silos.Index.TryGetValue(hint.Silo, out var index))
            {
                return index;
            }

            _hints.TryRemove(KeyValuePair.Create(key, hint));
        }

        return Probe(silos, key, 0);
    }

    private static int Probe(Silos silos, string? key, int probe) =>
        (int)(((uint)(key?.GetHashCode(StringComparison.Ordinal) ?? 0) + (uint)probe) % (uint)silos.Addresses.Length);

    private void Set(string key, Hint hint)
    {
        if (_hints.TryGetValue(key, out _))
        {
            _hints[key] = hint;
        }
        else if (_hints.TryAdd(key, hint) && Interlocked.Increment(ref _added) > MaxHints)
        {
            _hints.Clear();
            Volatile.Write(ref _added, 0);
        }
    }

    /// <summary>The manifest's silos, rebuilt when the manifest changed (and the hints of silos gone dropped).</summary>
    private Silos? Current()
    {
        var current = manifest();
        var silos = Volatile.Read(ref _silos);
        if (current is null || current.Silos.Count == 0)
        {
            return null;
        }

        if (silos is not null && ReferenceEquals(silos.Manifest, current))
        {
            return silos.Addresses.Length == 0 ? null : silos;
        }

        // Only the silos whose manifest has the read grain: a client's own entry, or a silo older than this client, has not.
        var type = ReadGrainType;
        var addresses = type is not { } readType
            ? []
            : current.Silos.Where(s => s.Value.Grains.ContainsKey(readType)).Select(s => s.Key).OrderBy(s => s.ToParsableString(), StringComparer.Ordinal).ToArray();
        var next = new Silos(current, addresses, addresses.Select((s, i) => KeyValuePair.Create(s, i)).ToDictionary());
        if (silos is not null)
        {
            foreach (var gone in silos.Addresses.Where(s => !next.Index.ContainsKey(s)))
            {
                Forget(gone);
            }
        }

        Volatile.Write(ref _silos, next);
        return addresses.Length == 0 ? null : next;
    }

    /// <summary>The silos of one manifest, in a stable order.</summary>
    private sealed record Silos(ClusterManifest Manifest, SiloAddress[] Addresses, Dictionary<SiloAddress, int> Index);

    /// <summary>A key's silo when known, else how many silos answered that it is not theirs.</summary>
    private readonly record struct Hint(SiloAddress? Silo, int Probe);

    /// <summary>One silo's share of a batch, and the read worker key (and its grain) it goes with.</summary>
    internal sealed class Route(int siloIndex, SiloAddress silo, int worker, ISiloReadGrain grain)
    {
        public int SiloIndex { get; } = siloIndex;

        public SiloAddress Silo { get; } = silo;

        public int Worker { get; } = worker;

        public ISiloReadGrain Grain { get; } = grain;

        public List<int> Positions { get; } = [];
    }
}
