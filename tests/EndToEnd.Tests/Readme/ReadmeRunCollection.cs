namespace CacheCluster.Tests.Readme;

/// <summary>
/// README's shell blocks that a newcomer runs as they are, on README's own fixed ports (6379, 11111–11113,
/// 30000–30002, 5080–5082): alone, after every parallel collection, so that nothing else holds those ports.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReadmeRunCollection
{
    public const string Name = "readme-run";
}
