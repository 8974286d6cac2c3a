using CacheCluster.Bench.Targets;
using CacheCluster.Bench.Workload;

namespace CacheCluster.Bench.Reads;

/// <summary>
/// The read scenarios' key space, loaded at most once per key prefix: S1 and S2 read the same CacheCluster and Redis
/// keys. The FusionCache and HybridCache prefixes are loaded through those libraries, so each holds its own L2 format.
/// </summary>
internal sealed class ReadKeys(KeySpace space)
{
    private readonly Dictionary<string, string[]> _loaded = new(StringComparer.Ordinal);

    public KeySpace Space => space;

    public async Task<string[]> EnsureLoadedAsync(BenchContext context, ICacheTarget target, string prefix, CancellationToken cancellationToken)
    {
        if (!_loaded.TryGetValue(prefix, out var keys))
        {
            keys = space.Keys(prefix);
            await TimedRun.LoadAsync(context, target, keys, space, cancellationToken);
            _loaded[prefix] = keys;
        }

        return keys;
    }
}
