namespace CacheCluster.FaultLoad.Application.Report;

/// <summary>A read that returned a value older than a Set or Remove the client had completed before the read started.</summary>
/// <param name="Operation"><see cref="AppOperations.Get"/> or <see cref="AppOperations.GetOrSet"/>.</param>
/// <param name="Key">The key.</param>
/// <param name="StartedAtMs">When the read started.</param>
/// <param name="EndedAtMs">When it returned.</param>
/// <param name="Generation">The generation it returned.</param>
/// <param name="Known">The generation of the last Set acknowledged or Remove completed (returned or thrown) before it started.</param>
internal sealed record AppBehindRead(string Operation, string Key, long StartedAtMs, long EndedAtMs, long Generation, long Known);
