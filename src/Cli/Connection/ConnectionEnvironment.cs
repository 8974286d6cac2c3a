namespace CacheCluster.Cli.Connection;

/// <summary>
/// The environment variables that say how to reach the cluster, so that a shell set up once (for example by
/// <c>scripts/cluster.sh status</c>) needs no connection flags. A flag on the command line always wins over its variable.
/// </summary>
internal static class ConnectionEnvironment
{
    /// <summary>A silo's HTTP API, such as <c>http://127.0.0.1:5080</c> (<c>--url</c>).</summary>
    public const string Url = "CACHECLUSTER_URL";

    /// <summary>The API key sent as <c>Authorization: Bearer</c> to the HTTP API (<c>--api-key</c>).</summary>
    public const string ApiKey = "CACHECLUSTER_API_KEY";

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
