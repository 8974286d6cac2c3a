namespace CacheCluster.Tests.Http;

/// <summary>The HTTP tests that share one <see cref="HttpClusterFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class HttpCollection : ICollectionFixture<HttpClusterFixture>
{
    public const string Name = "http";
}
