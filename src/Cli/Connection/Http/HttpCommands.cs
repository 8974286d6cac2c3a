namespace CacheCluster.Cli.Connection.Http;

/// <summary>
/// The commands that run over the silo's HTTP API when it is the transport. The others need a call the API does not
/// have with the same answer (ttl, info, keys, scan, lists, persist's "had no expiry", publish's receipt, populate,
/// stampede) and always use the Orleans gateway.
/// </summary>
internal static class HttpCommands
{
    private static readonly HashSet<string> Served = new(StringComparer.Ordinal)
    {
        "get", "mget", "set", "mset", "del", "exists", "incr", "expire", "touch", "invalidate", "ratelimit",

        // Only over HTTP: the operator's view is an admin endpoint of the API.
        "cluster", "stats", "hotkeys", "slowlog",
    };

    /// <summary>Whether <paramref name="command"/> runs over HTTP when a URL is the transport.</summary>
    public static bool Serves(string command) => Served.Contains(command);
}
