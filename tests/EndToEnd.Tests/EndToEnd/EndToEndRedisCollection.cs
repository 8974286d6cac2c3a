namespace CacheCluster.Tests.EndToEnd;

/// <summary>
/// The three-silo Redis test, apart from <see cref="EndToEndCollection"/> so that the two overlap: most of their
/// time is CLI processes starting, and on two cores two streams of them finish sooner than one after the other.
/// </summary>
[CollectionDefinition(Name)]
public sealed class EndToEndRedisCollection
{
    public const string Name = "end-to-end redis";
}
