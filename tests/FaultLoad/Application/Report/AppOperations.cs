namespace CacheCluster.FaultLoad.Application.Report;

/// <summary>The operation names of the application-load report.</summary>
internal static class AppOperations
{
    public const string GetOrSet = "getOrSet";
    public const string Get = "get";
    public const string Set = "set";
    public const string Remove = "remove";

    public static readonly IReadOnlyList<string> All = [GetOrSet, Get, Set, Remove];
}
