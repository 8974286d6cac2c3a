namespace CacheCluster.FaultLoad.Application.Report;

/// <summary>One Remove the load issued, whatever its outcome.</summary>
/// <param name="Key">The key.</param>
/// <param name="Generation">The key's generation in the database when the Remove was issued: a value of this generation or later was written after it.</param>
/// <param name="IssuedAtMs">When it was issued.</param>
/// <param name="CompletedAtMs">When it returned or threw.</param>
/// <param name="Outcome"><c>ok</c>, or the type name of the exception it threw.</param>
/// <param name="AfterFailedSet">Whether it followed a Set of the same generation that threw.</param>
internal sealed record AppRemove(string Key, long Generation, long IssuedAtMs, long CompletedAtMs, string Outcome, bool AfterFailedSet)
{
    public const string Ok = "ok";
}
