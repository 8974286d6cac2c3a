namespace CacheCluster.Tests.Faults;

/// <summary>
/// The fault tests: each starts Redis, three silos and two load clients, and breaks something under load. They run
/// alone, after every other collection (xUnit runs collections that disable parallelization by themselves), so that
/// their timing bounds measure the cluster, not the other tests' processes.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultsCollection
{
    public const string Name = "faults";
}
