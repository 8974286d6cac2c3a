namespace CacheCluster.Http.Auth;

/// <summary>The scopes an API key can carry.</summary>
public static class ApiScopes
{
    /// <summary>GET and HEAD of entries, and the gets of a batch (<c>POST /v1/cache/_batch</c>, which takes read or write).</summary>
    public const string Read = "read";

    /// <summary>PUT, DELETE, increment, expire, persist, touch, taking a fill lease (<c>GET ?fill=1</c>), and the sets and deletes of a batch.</summary>
    public const string Write = "write";

    /// <summary>POST /v1/invalidate.</summary>
    public const string Invalidate = "invalidate";

    /// <summary>POST /v1/ratelimit.</summary>
    public const string RateLimit = "ratelimit";

    /// <summary>Everything, including /metrics and the operator's view (/v1/cluster, /v1/cluster/hotkeys, /v1/cluster/slowlog).</summary>
    public const string Admin = "admin";

    /// <summary>Gets every scope.</summary>
    public static IReadOnlyList<string> All { get; } = [Read, Write, Invalidate, RateLimit, Admin];
}
