namespace CacheCluster.Bench.Targets;

/// <summary>One cache measured in a scenario: a byte-array get (null on a miss) and set, as each library does them.</summary>
internal interface ICacheTarget
{
    /// <summary>The name in reports: <c>CacheCluster</c>, <c>Redis</c>, <c>FusionCache</c>, <c>HybridCache</c>.</summary>
    string Name { get; }

    /// <summary>How it is set up, for the report.</summary>
    string Setup { get; }

    ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken);

    ValueTask SetAsync(string key, byte[] value, CancellationToken cancellationToken);
}
