using System.Globalization;
using CacheCluster.Http.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace CacheCluster.Http.Entries;

/// <summary>
/// What a PUT asks for besides its body: expiry from <c>Cache-Control: max-age=N, stale-while-revalidate=M</c> (fresh
/// for N, gone after N + M) or <c>?ttl=N&amp;fresh=M</c> (seconds, decimals allowed), the entry's HTTP policy from the same Cache-Control, tags
/// from <c>Cache-Tag</c>, a lease token from <c>Cache-Lease</c>, and when the write is acknowledged from
/// <c>?durability=stored|writebehind</c>.
/// </summary>
internal sealed class WriteRequest
{
    public required CacheEntryOptions Options { get; init; }

    public long? LeaseToken { get; init; }

    public static WriteRequest Parse(HttpRequest request)
    {
        var (freshFor, timeToLive, policy) = ParseCacheControl(request.Headers.CacheControl);
        var queryTtl = QuerySeconds.Read(request, "ttl");
        var queryFresh = QuerySeconds.Read(request, "fresh");
        if ((freshFor is not null || timeToLive is not null) && (queryTtl is not null || queryFresh is not null))
        {
            throw new InvalidCacheOptionsException("Give the expiry either in Cache-Control (max-age, stale-while-revalidate) or as ?ttl=&fresh=, not both.");
        }

        if (queryTtl is not null || queryFresh is not null)
        {
            (timeToLive, freshFor) = (queryTtl, queryFresh);
        }

        var options = new CacheEntryOptions
        {
            TimeToLive = timeToLive,
            FreshFor = freshFor,
            Tags = ParseTags(request.Headers[EntryHeaders.CacheTag]),
            HttpPolicy = policy,
            Durability = QueryDurability.Read(request),
        };
        options.Validate();

        long? lease = null;
        if (request.Headers[EntryHeaders.CacheLease] is { Count: > 0 } leaseHeader)
        {
            if (leaseHeader.Count != 1 || !long.TryParse(leaseHeader[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var token) || token == 0)
            {
                throw new HttpRequestHeaderException($"{EntryHeaders.CacheLease} must be the token a GET ?fill=1 returned.");
            }

            lease = token;
        }

        return new WriteRequest { Options = options, LeaseToken = lease };
    }

    private static (TimeSpan? FreshFor, TimeSpan? TimeToLive, CacheHttpPolicy? Policy) ParseCacheControl(StringValues values)
    {
        if (StringValues.IsNullOrEmpty(values))
        {
            return (null, null, null);
        }

        if (!CacheControlHeaderValue.TryParse(string.Join(", ", values.ToArray()), out var cacheControl) || cacheControl is null)
        {
            throw new HttpRequestHeaderException("Cache-Control is malformed.");
        }

        var staleWhileRevalidate = ExtensionSeconds(cacheControl, "stale-while-revalidate");
        if (staleWhileRevalidate is not null && cacheControl.MaxAge is null)
        {
            throw new InvalidCacheOptionsException("stale-while-revalidate needs max-age: the stale window starts when the entry stops being fresh.");
        }

        var freshFor = cacheControl.MaxAge;
        var timeToLive = freshFor is { } fresh ? fresh + (staleWhileRevalidate ?? TimeSpan.Zero) : (TimeSpan?)null;
        var policy = new CacheHttpPolicy
        {
            Public = cacheControl.Public,
            Private = cacheControl.Private,
            SharedMaxAge = cacheControl.SharedMaxAge,
            NoStore = cacheControl.NoStore,
            MustRevalidate = cacheControl.MustRevalidate,
            Immutable = NameValueHeaderValue.Find(cacheControl.Extensions, "immutable") is not null,
            StaleIfError = ExtensionSeconds(cacheControl, "stale-if-error"),
        };
        return (freshFor, timeToLive, policy.IsEmpty ? null : policy);
    }

    private static TimeSpan? ExtensionSeconds(CacheControlHeaderValue cacheControl, string name)
    {
        if (NameValueHeaderValue.Find(cacheControl.Extensions, name) is not { } extension)
        {
            return null;
        }

        return long.TryParse(extension.Value.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= (long)CacheEntryOptions.MaxTimeToLive.TotalSeconds
            ? TimeSpan.FromSeconds(seconds)
            : throw new InvalidCacheOptionsException($"Cache-Control {name} must be a number of seconds (was '{extension.Value}').");
    }

    private static string[]? ParseTags(StringValues values)
    {
        if (StringValues.IsNullOrEmpty(values))
        {
            return null;
        }

        var tags = values.SelectMany(value => (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToArray();
        return tags.Length == 0 ? null : tags;
    }
}
