namespace CacheCluster.Tests.Faults;

/// <summary>One read of a limiter checkpoint from Redis (<see cref="CheckpointWatch"/>).</summary>
/// <param name="Identifier">The limiter's identifier.</param>
/// <param name="ReadAtMs">When the read finished: the checkpoint was in Redis by then.</param>
/// <param name="WindowStartMs">The start of the window the checkpoint counts.</param>
/// <param name="Count">What the limiter had admitted in that window when it wrote the checkpoint.</param>
internal sealed record CheckpointSample(string Identifier, long ReadAtMs, long WindowStartMs, long Count);
