namespace CacheCluster.Tests.AspNetCore;

[CollectionDefinition(Name)]
public sealed class OutputCacheCollection : ICollectionFixture<OutputCacheFixture>
{
    public const string Name = "output-cache";
}
