namespace CacheCluster.Cli.Connection;

/// <summary>
/// The environment variables that say how to reach the cluster, so that a shell set up once (for example by
/// <c>scripts/cluster.sh status</c>) needs no connection flags. A flag on the command line always wins over its variable.
/// </summary>
/// <remarks>
/// <c>CACHECLUSTER_URL</c> and <c>CACHECLUSTER_API_KEY</c> are reserved for an HTTP mode of the CLI and not read: the CLI
/// talks to the silos' Orleans gateways.
/// </remarks>
internal static class ConnectionEnvironment
{
    /// <summary>Silo gateways as <c>HOST:PORT</c>, comma-separated for several (<c>--gateway</c>).</summary>
    public const string Gateway = "CACHECLUSTER_GATEWAY";

    /// <summary>A StackExchange.Redis connection string for Redis membership (<c>--redis</c>).</summary>
    public const string Redis = "CACHECLUSTER_REDIS";

    /// <summary>The silos' cluster id (<c>--cluster-id</c>).</summary>
    public const string ClusterId = "CACHECLUSTER_CLUSTER_ID";

    /// <summary>The silos' service id (<c>--service-id</c>).</summary>
    public const string ServiceId = "CACHECLUSTER_SERVICE_ID";

    /// <summary>Returns the variable's value, or <see langword="null"/> when it is unset, empty or only whitespace.</summary>
    public static string? Read(string name) =>
        Environment.GetEnvironmentVariable(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    /// <summary>Splits a comma-separated list, dropping blanks.</summary>
    public static string[] Split(string list) => list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
