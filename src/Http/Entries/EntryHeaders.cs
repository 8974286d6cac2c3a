using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace CacheCluster.Http.Entries;

/// <summary>
/// The validators and caching headers of an entry's representation. The silo is the origin and generates each response
/// when asked, so <c>Age</c> is 0 (RFC 9111 §5.1: time since the origin generated it), <c>max-age</c> is the seconds the
/// entry has left fresh, and <c>stale-while-revalidate</c> the seconds from then to its hard expiry (the stale window):
/// a downstream cache computes exactly the entry's own freshness, never counting its age twice. <c>Last-Modified</c>
/// tells when it was written.
/// </summary>
internal static class EntryHeaders
{
    public const string CacheStatus = "Cache-Status";
    public const string CacheLease = "Cache-Lease";
    public const string CacheTag = "Cache-Tag";
    public const string SurrogateKey = "Surrogate-Key";
    public const string XKey = "xkey";
    private const string CacheName = "CacheCluster";

    /// <summary>The strong entity tag of a version: <c>"version"</c>.</summary>
    public static EntityTagHeaderValue ETagOf(long version) => new($"\"{version.ToString(CultureInfo.InvariantCulture)}\"");

    public static void SetETag(HttpResponse response, long version) => response.Headers.ETag = ETagOf(version).ToString();

    /// <summary>Sets ETag, Cache-Control, Date and Vary: what a 200 and a 304 both carry.</summary>
    public static void SetValidators(HttpResponse response, CacheReadResult entry, DateTimeOffset now)
    {
        var headers = response.Headers;
        headers.ETag = ETagOf(entry.Version).ToString();
        if (CacheControl(entry, now) is { Length: > 0 } cacheControl)
        {
            headers.CacheControl = cacheControl;
        }

        headers.Date = HeaderUtilities.FormatDate(now);
        headers.Vary = HeaderNames.Authorization;
    }

    /// <summary>Sets Last-Modified, Age and Cache-Status, which only a 200 carries.</summary>
    public static void SetRepresentationMetadata(HttpResponse response, CacheReadResult entry, DateTimeOffset now, bool refreshLease)
    {
        var headers = response.Headers;
        headers.LastModified = HeaderUtilities.FormatDate(Preconditions.TruncateToSeconds(entry.LastModified));
        headers.Age = "0";
        headers.AcceptRanges = "none";
        headers[CacheStatus] = Status(entry, now, refreshLease);
        if (entry.Tags is { Count: > 0 } tags)
        {
            // For CDNs to purge by tag: Fastly (space-separated), Cloudflare (comma-separated), Varnish xkey.
            headers[SurrogateKey] = string.Join(' ', tags);
            headers[CacheTag] = string.Join(',', tags);
            headers[XKey] = string.Join(' ', tags);
        }
    }

    /// <summary>The Cache-Control of an entry at <paramref name="now"/>: its policy directives, then max-age and stale-while-revalidate from its expiry.</summary>
    public static string CacheControl(CacheReadResult entry, DateTimeOffset now)
    {
        var parts = new List<string>(8);
        if (entry.HttpPolicy is { } policy)
        {
            if (policy.Public)
            {
                parts.Add("public");
            }

            if (policy.Private)
            {
                parts.Add("private");
            }

            if (policy.NoStore)
            {
                parts.Add("no-store");
            }

            if (policy.MustRevalidate)
            {
                parts.Add("must-revalidate");
            }

            if (policy.Immutable)
            {
                parts.Add("immutable");
            }
        }

        if (entry.FreshUntil is { } freshUntil)
        {
            parts.Add(Invariant($"max-age={Seconds(freshUntil - now)}"));
            var staleFrom = freshUntil > now ? freshUntil : now;
            if (entry.ExpiresAt is { } expiresAt && Seconds(expiresAt - staleFrom) > 0)
            {
                parts.Add(Invariant($"stale-while-revalidate={Seconds(expiresAt - staleFrom)}"));
            }
        }

        if (entry.HttpPolicy?.SharedMaxAge is { } sharedMaxAge)
        {
            parts.Add(Invariant($"s-maxage={Seconds(sharedMaxAge)}"));
        }

        if (entry.HttpPolicy?.StaleIfError is { } staleIfError)
        {
            parts.Add(Invariant($"stale-if-error={Seconds(staleIfError)}"));
        }

        // No expiry and no freshness of its own: say so, or shared caches guess a heuristic freshness from
        // Last-Modified (RFC 9111 §4.2.2) and serve a rewritten entry stale. no-cache makes them revalidate (a 304).
        if (entry.FreshUntil is null && entry.HttpPolicy is not { SharedMaxAge: not null } and not { NoStore: true } and not { Immutable: true })
        {
            parts.Add("no-cache");
        }

        return string.Join(", ", parts);
    }

    /// <summary>
    /// Sets what a 404 for a missing or expired key carries: its freshness (<c>max-age</c>, or <c>no-store</c> when
    /// <paramref name="maxAgeSeconds"/> is 0), <c>Vary: Authorization</c> as a 200 has, and a miss Cache-Status.
    /// </summary>
    public static void SetNotFound(HttpResponse response, int maxAgeSeconds)
    {
        var headers = response.Headers;
        headers.CacheControl = maxAgeSeconds > 0 ? Invariant($"max-age={maxAgeSeconds}") : "no-store";
        headers.Vary = HeaderNames.Authorization;
        headers[CacheStatus] = MissStatus;
    }

    /// <summary>A response that hands out a lease (fill or fill-pending): no cache may store or replay it.</summary>
    public static void SetNotStorable(HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        response.Headers.Vary = HeaderNames.Authorization;
    }

    /// <summary>
    /// RFC 9211 Cache-Status: a fresh hit with its remaining freshness (<c>ttl</c>), a stale hit with a negative
    /// <c>ttl</c>, or <c>fwd=stale</c> for the caller that was handed the refresh lease and goes to the origin.
    /// </summary>
    public static string Status(CacheReadResult entry, DateTimeOffset now, bool refreshLease)
    {
        var builder = new StringBuilder(CacheName);
        builder.Append(refreshLease ? "; fwd=stale" : "; hit");
        if (entry.FreshUntil is { } freshUntil)
        {
            var left = freshUntil - now;
            var ttl = left >= TimeSpan.Zero ? Seconds(left) : -(long)Math.Ceiling(-left.TotalSeconds);
            builder.Append(CultureInfo.InvariantCulture, $"; ttl={ttl}");
        }

        return builder.ToString();
    }

    /// <summary>Cache-Status of a miss.</summary>
    public static string MissStatus => CacheName + "; fwd=uri-miss";

    /// <summary>Whole seconds, rounded down (never overstating freshness), at least 0.</summary>
    public static long Seconds(TimeSpan span) => span <= TimeSpan.Zero ? 0 : (long)Math.Floor(span.TotalSeconds);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
