using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace CacheCluster.Http.Edges;

/// <summary>
/// Which <c>Host</c> header values the API answers. With <c>AllowedHosts</c> set (ASP.NET Core's key: host names
/// separated by <c>;</c>, <c>*.example.com</c> wildcards, <c>*</c> for any) that list; otherwise, when no API keys are
/// configured, only the loopback names, so that a page served from another name (DNS rebinding) cannot reach an open
/// API; otherwise any host. Ports are not compared.
/// </summary>
internal sealed class HostAllowList
{
    /// <summary>The configuration key, shared with ASP.NET Core's host filtering.</summary>
    public const string ConfigurationKey = "AllowedHosts";

    /// <summary>The host names an open (keyless) API answers by default.</summary>
    public static readonly IReadOnlyList<string> LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    private readonly StringSegment[]? _patterns;

    private HostAllowList(IReadOnlyList<string>? patterns)
    {
        _patterns = patterns?.Select(pattern => new StringSegment(pattern)).ToArray();
        Description = patterns is null ? "any host" : string.Join(", ", patterns);
    }

    /// <summary>Gets the accepted hosts, for the problem's detail.</summary>
    public string Description { get; }

    /// <summary>Builds the list from <c>AllowedHosts</c> and whether API keys are configured.</summary>
    public static HostAllowList Create(IConfiguration configuration, bool keysConfigured)
    {
        var configured = (configuration[ConfigurationKey] ?? string.Empty)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (configured.Contains("*", StringComparer.Ordinal))
        {
            return new HostAllowList(null);
        }

        if (configured.Length > 0)
        {
            return new HostAllowList(configured);
        }

        return new HostAllowList(keysConfigured ? null : LoopbackHosts);
    }

    /// <summary>Tells whether a request's <c>Host</c> is accepted; an empty or missing host is not, unless any host is.</summary>
    public bool Allows(HostString host) =>
        _patterns is null || (host.HasValue && HostString.MatchesAny(host.Value, _patterns));
}
