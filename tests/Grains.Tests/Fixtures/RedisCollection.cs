namespace CacheCluster.Tests.Fixtures;

/// <summary>
/// The Redis-backed tests of this assembly that share one <see cref="RedisFixture"/>. xUnit finds collection
/// definitions only in the assembly of the tests that use them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>
{
    public const string Name = "redis";
}
