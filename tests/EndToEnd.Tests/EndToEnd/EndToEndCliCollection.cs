namespace CacheCluster.Tests.EndToEnd;

/// <summary>
/// The CLI's end-to-end tests (each class with its own embedded silo), apart from <see cref="EndToEndCollection"/> so
/// that the two streams overlap: most of their time is CLI processes starting and waiting on the silo. xUnit's
/// conservative scheduler runs at most as many tests at once as the machine has cores, so this adds no third process
/// stream on two cores.
/// </summary>
[CollectionDefinition(Name)]
public sealed class EndToEndCliCollection
{
    public const string Name = "end-to-end cli";
}
