namespace CacheCluster.Tests.Fixtures;

/// <summary>The tests that share one <see cref="CoHostedSilo"/>.</summary>
[CollectionDefinition(Name)]
public sealed class CoHostedSiloCollection : ICollectionFixture<CoHostedSilo>
{
    public const string Name = "co-hosted silo";
}
