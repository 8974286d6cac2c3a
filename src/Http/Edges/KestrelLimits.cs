using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;

namespace CacheCluster.Http.Edges;

/// <summary>
/// The API's Kestrel connection and request limits. Kestrel leaves concurrent connections unlimited and idle
/// keep-alive connections open for 130 s, so a client that opens connections and sends nothing holds them; these
/// defaults bound that. Every value can be set under <c>Kestrel:Limits:*</c> (bound here after the defaults, so a
/// configured value wins), such as <c>Kestrel:Limits:MaxConcurrentConnections=4096</c>.
/// </summary>
internal static class KestrelLimits
{
    /// <summary>The configuration section Kestrel's limits are bound from.</summary>
    public const string SectionName = "Kestrel:Limits";

    /// <summary>Open connections per silo (Kestrel: unlimited); past it a new connection is closed at once.</summary>
    public const long MaxConcurrentConnections = 1024;

    /// <summary>How long an idle keep-alive connection stays open (Kestrel: 130 s).</summary>
    public static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long a client may take to send a request's headers (Kestrel: 30 s).</summary>
    public static readonly TimeSpan RequestHeadersTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Headers per request (Kestrel: 100).</summary>
    public const int MaxRequestHeaderCount = 64;

    /// <summary>Bytes of all request headers (Kestrel's default, stated).</summary>
    public const int MaxRequestHeadersTotalSize = 32 * 1024;

    /// <summary>Bytes of the request line (Kestrel's default, stated): room for a key of 1 KiB escaped three times over.</summary>
    public const int MaxRequestLineSize = 8 * 1024;

    /// <summary>Applies the defaults, then whatever <c>Kestrel:Limits</c> configures.</summary>
    public static void Apply(KestrelServerLimits limits, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(configuration);
        limits.MaxConcurrentConnections = MaxConcurrentConnections;
        limits.KeepAliveTimeout = KeepAliveTimeout;
        limits.RequestHeadersTimeout = RequestHeadersTimeout;
        limits.MaxRequestHeaderCount = MaxRequestHeaderCount;
        limits.MaxRequestHeadersTotalSize = MaxRequestHeadersTotalSize;
        limits.MaxRequestLineSize = MaxRequestLineSize;
        configuration.GetSection(SectionName).Bind(limits);
    }
}
