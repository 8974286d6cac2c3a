namespace CacheCluster.FaultLoad.Application.Report;

/// <summary>The operation names of the application-load report.</summary>
internal static class AppOperations
{
    public const string GetOrSet = "getOrSet";
    public const string Get = "get";
    public const string Set = "set";
    public const string Remove = "remove";

    public static readonly IReadOnlyList<string> All = [GetOrSet, Get, Set, Remove];

    /// <summary>How many shared keys (<c>app:0</c> …) the load uses unless told otherwise.</summary>
    public const int DefaultKeys = 16;

    /// <summary>The shared key <paramref name="index"/>.</summary>
    public static string Key(int index) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"app:{index}");
}
