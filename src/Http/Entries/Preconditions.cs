using System.Globalization;
using CacheCluster.Http.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace CacheCluster.Http.Entries;

/// <summary>What evaluating a request's preconditions decided.</summary>
internal enum PreconditionOutcome
{
    /// <summary>Perform the method.</summary>
    Proceed,

    /// <summary>Answer 304 (GET or HEAD).</summary>
    NotModified,

    /// <summary>Answer 412.</summary>
    Failed,
}

/// <summary>
/// A request's conditional headers, parsed with ASP.NET Core's header types and evaluated in the order of RFC 9110
/// §13.2.2: If-Match (strong), If-Unmodified-Since, If-None-Match (weak), If-Modified-Since. Stricter than the
/// parsers: <c>*</c> mixed with tags and a lower-case <c>w/</c> are rejected (400), and a date must be one of the three
/// HTTP-date forms or it is ignored, as the RFC says for invalid dates.
/// </summary>
internal sealed class Preconditions
{
    private static readonly string[] HttpDateFormats =
    [
        "ddd, dd MMM yyyy HH:mm:ss 'GMT'",   // IMF-fixdate
        "dddd, dd-MMM-yy HH:mm:ss 'GMT'",    // RFC 850
        "ddd MMM  d HH:mm:ss yyyy",          // asctime, one-digit day
        "ddd MMM dd HH:mm:ss yyyy",          // asctime, two-digit day
    ];

    private IList<EntityTagHeaderValue>? _ifMatch;
    private DateTimeOffset? _ifUnmodifiedSince;
    private IList<EntityTagHeaderValue>? _ifNoneMatch;
    private DateTimeOffset? _ifModifiedSince;

    /// <summary>Gets a value indicating whether the request carries any precondition that will be evaluated.</summary>
    public bool Any => _ifMatch is not null || _ifUnmodifiedSince is not null || _ifNoneMatch is not null || _ifModifiedSince is not null;

    /// <summary>Parses the conditional headers of <paramref name="request"/>.</summary>
    /// <exception cref="HttpRequestHeaderException">An entity-tag list is malformed, or mixes <c>*</c> with tags.</exception>
    public static Preconditions Parse(HttpRequest request)
    {
        var headers = request.Headers;
        var result = new Preconditions
        {
            _ifMatch = ParseTags(headers.IfMatch, HeaderNames.IfMatch),
            _ifNoneMatch = ParseTags(headers.IfNoneMatch, HeaderNames.IfNoneMatch),
        };

        // If-Unmodified-Since is ignored with If-Match; If-Modified-Since with If-None-Match or on other methods.
        if (result._ifMatch is null)
        {
            result._ifUnmodifiedSince = ParseDate(headers.IfUnmodifiedSince);
        }

        if (result._ifNoneMatch is null && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)))
        {
            result._ifModifiedSince = ParseDate(headers.IfModifiedSince);
        }

        return result;
    }

    /// <summary>Evaluates the preconditions against the current representation.</summary>
    /// <param name="method">The request method.</param>
    /// <param name="etag">The current entity tag, or <see langword="null"/> when there is no current representation.</param>
    /// <param name="lastModified">The current modification time, or <see langword="null"/>.</param>
    public PreconditionOutcome Evaluate(string method, EntityTagHeaderValue? etag, DateTimeOffset? lastModified)
    {
        var exists = etag is not null;
        var lastModifiedSeconds = lastModified is { } time ? TruncateToSeconds(time) : (DateTimeOffset?)null;

        // 1. If-Match: strong comparison; * is true when a current representation exists.
        if (_ifMatch is not null)
        {
            var matched = exists && (IsAny(_ifMatch) || _ifMatch.Any(tag => tag.Compare(etag, useStrongComparison: true)));
            if (!matched)
            {
                return PreconditionOutcome.Failed;
            }
        }

        // 2. If-Unmodified-Since (only without If-Match; ignored without a modification date).
        else if (_ifUnmodifiedSince is { } unmodifiedSince && lastModifiedSeconds is { } modified && modified > unmodifiedSince)
        {
            return PreconditionOutcome.Failed;
        }

        var safe = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);

        // 3. If-None-Match: weak comparison; * is false when a current representation exists.
        if (_ifNoneMatch is not null)
        {
            var matched = exists && (IsAny(_ifNoneMatch) || _ifNoneMatch.Any(tag => tag.Compare(etag, useStrongComparison: false)));
            if (matched)
            {
                return safe ? PreconditionOutcome.NotModified : PreconditionOutcome.Failed;
            }
        }

        // 4. If-Modified-Since (GET/HEAD without If-None-Match): not modified when Last-Modified <= the date.
        else if (safe && _ifModifiedSince is { } modifiedSince && lastModifiedSeconds is { } lm && lm <= modifiedSince)
        {
            return PreconditionOutcome.NotModified;
        }

        return PreconditionOutcome.Proceed;
    }

    /// <summary>HTTP dates have whole seconds: compare the modification time as it was sent in Last-Modified.</summary>
    public static DateTimeOffset TruncateToSeconds(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    private static bool IsAny(IList<EntityTagHeaderValue> tags) => tags.Count == 1 && tags[0].Tag == EntityTagHeaderValue.Any.Tag;

    private static IList<EntityTagHeaderValue>? ParseTags(StringValues values, string header)
    {
        if (StringValues.IsNullOrEmpty(values))
        {
            return null;
        }

        foreach (var value in values)
        {
            if (HasLowerCaseWeakPrefix(value))
            {
                throw new HttpRequestHeaderException($"{header} has a weak tag written 'w/'; the weak indicator is 'W/'.");
            }
        }

        IList<EntityTagHeaderValue>? tags;
        bool parsed;
        try
        {
            parsed = EntityTagHeaderValue.TryParseStrictList(values, out tags);
        }
        catch (ArgumentOutOfRangeException)
        {
            // The framework's parser can run off the end of some malformed values (such as "W/" then whitespace),
            // found by FuzzTests: that is a malformed header, not a server error.
            parsed = false;
            tags = null;
        }

        if (!parsed || tags is null || tags.Count == 0)
        {
            throw new HttpRequestHeaderException($"{header} is not a list of entity tags, nor '*'.");
        }

        if (tags.Count > 1 && tags.Any(tag => tag.Tag == EntityTagHeaderValue.Any.Tag))
        {
            throw new HttpRequestHeaderException($"{header} mixes '*' with entity tags; '*' must stand alone.");
        }

        return tags;
    }

    /// <summary>Finds a <c>w/</c> that starts a list member (outside quotes): the parser accepts it, RFC 9110 does not.</summary>
    private static bool HasLowerCaseWeakPrefix(string? value)
    {
        if (value is null)
        {
            return false;
        }

        var quoted = false;
        var memberStart = true;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '"')
            {
                quoted = !quoted;
                memberStart = false;
            }
            else if (!quoted && c == ',')
            {
                memberStart = true;
            }
            else if (!quoted && memberStart && c is not (' ' or '\t'))
            {
                if (c == 'w' && i + 1 < value.Length && value[i + 1] == '/')
                {
                    return true;
                }

                memberStart = false;
            }
        }

        return false;
    }

    /// <summary>Parses one HTTP-date; several members or any other form count as invalid, and so as absent.</summary>
    private static DateTimeOffset? ParseDate(StringValues values)
    {
        if (values.Count != 1 || values[0] is not { } text)
        {
            return null;
        }

        text = text.Trim();
        if (!DateTimeOffset.TryParseExact(text, HttpDateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out _))
        {
            return null;
        }

        return HeaderUtilities.TryParseDate(text, out var date) ? date.ToUniversalTime() : null;
    }
}
