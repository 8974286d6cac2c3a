namespace CacheCluster.Tests.EndToEnd;

/// <summary>
/// The end-to-end tests with one silo process or none (embedded mode, lifecycle, unreachable cluster). They run one
/// at a time: each starts CPU-bound processes, and the machine may have only two cores.
/// </summary>
[CollectionDefinition(Name)]
public sealed class EndToEndCollection
{
    public const string Name = "end-to-end";
}
