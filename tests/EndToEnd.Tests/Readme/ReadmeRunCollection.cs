namespace CacheCluster.Tests.Readme;

/// <summary>
/// README's shell blocks that a newcomer runs as they are, on README's own fixed ports (6379, 11111–11113,
/// 30000–30002, 5080–5082): one at a time, never beside each other. Every other test takes its ports from the
/// kernel's ephemeral range (<c>LoopbackPorts</c>), which holds none of these, so this collection runs beside the
/// other end-to-end streams (at most as many tests at once as the machine has cores).
/// </summary>
[CollectionDefinition(Name)]
public sealed class ReadmeRunCollection
{
    public const string Name = "readme-run";
}
