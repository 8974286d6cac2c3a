namespace CacheCluster.Tests.Fixtures;

/// <summary>
/// The tests of this assembly that share one <see cref="MemoryClusterFixture"/>. xUnit finds collection definitions
/// only in the assembly of the tests that use them, so each test project that uses the fixture declares its own.
/// </summary>
[CollectionDefinition(Name)]
public sealed class MemoryClusterCollection : ICollectionFixture<MemoryClusterFixture>
{
    public const string Name = "memory cluster";
}
