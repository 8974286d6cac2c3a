using System.Globalization;
using System.Text;
using CacheCluster.Http.Entries;
using CacheCluster.Http.Problems;
using CacheCluster.Invalidation;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace CacheCluster.Tests.Hardening;

/// <summary>
/// Bounded fuzzing with a fixed seed (so a failure replays): random conditional and caching headers, and random globs
/// against random keys. Every input either parses or is rejected with a typed error; nothing else may escape.
/// </summary>
public sealed class FuzzTests
{
    private const int Iterations = 20_000;

    private static readonly string[] HeaderPieces =
    [
        "\"1\"", "W/\"1\"", "w/\"1\"", "\"", "*", ",", ", ", " ", "\"a b\"", "W/", "\"\u00e9\"", "\"\\\"\"",
        "Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "Sun, 31 Feb 2026 25:61:61 GMT",
        "max-age=60", "max-age=-1", "max-age=99999999999999999999", "stale-while-revalidate=5", "s-maxage=1", "public", "private",
        "no-store", "immutable", "must-revalidate", "stale-if-error=NaN", "=", ";", "\t", "\u0001", "%00", "\u00ff",
    ];

    [Fact]
    public void RandomConditionalAndCachingHeaders_ParseOrAreRejectedWithATypedError()
    {
        var random = new Random(20261127);
        var etag = new EntityTagHeaderValue("\"1\"");
        var lastModified = new DateTimeOffset(1994, 11, 6, 8, 49, 37, TimeSpan.Zero);
        for (var i = 0; i < Iterations; i++)
        {
            var context = new DefaultHttpContext();
            foreach (var name in new[] { HeaderNames.IfMatch, HeaderNames.IfNoneMatch, HeaderNames.IfModifiedSince, HeaderNames.IfUnmodifiedSince, HeaderNames.CacheControl, "Cache-Tag" })
            {
                if (random.Next(3) != 0)
                {
                    context.Request.Headers[name] = RandomHeader(random);
                }
            }

            context.Request.Method = random.Next(2) == 0 ? "GET" : "PUT";
            try
            {
                var preconditions = Preconditions.Parse(context.Request);
                _ = preconditions.Evaluate(context.Request.Method, random.Next(2) == 0 ? etag : null, random.Next(2) == 0 ? lastModified : null);
                if (context.Request.Method == "PUT")
                {
                    _ = WriteRequest.Parse(context.Request);
                }
            }
            catch (Exception ex) when (ex is HttpRequestHeaderException or InvalidCacheRequestException)
            {
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
            }
            catch (Exception ex)
            {
                Assert.Fail($"Iteration {i}: {ex.GetType().Name} escaped for headers {Describe(context.Request.Headers)}: {ex}");
            }
        }
    }

    [Fact]
    public void RandomGlobs_AgreeWithAReferenceMatcher_OrAreRejectedWithATypedError()
    {
        var random = new Random(1127);
        const string patternAlphabet = "ab*?[]!^-\\";
        const string keyAlphabet = "ab-[]*?\\";
        var compared = 0;
        for (var i = 0; i < Iterations; i++)
        {
            var pattern = RandomText(random, patternAlphabet, random.Next(0, 12));
            CacheKeyPattern glob;
            try
            {
                glob = CacheKeyPattern.Parse(pattern);
            }
            catch (InvalidCacheOptionsException ex)
            {
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
                continue;
            }

            for (var k = 0; k < 8; k++)
            {
                var key = RandomText(random, keyAlphabet, random.Next(0, 10));
                var matched = glob.IsMatch(key);

                // The reference covers patterns of literals, '*' and '?' only.
                if (pattern.IndexOfAny(['[', ']', '\\']) < 0)
                {
                    Assert.True(ReferenceMatch(pattern, 0, key, 0) == matched, $"'{pattern}' vs '{key}': matcher said {matched}");
                    compared++;
                }
            }
        }

        Assert.True(compared > 10_000, $"only {compared} comparisons");
    }

    [Fact]
    public void EscapedText_MatchesOnlyItself()
    {
        var random = new Random(42);
        for (var i = 0; i < Iterations; i++)
        {
            var text = RandomText(random, "ab*?[]!\\-", random.Next(1, 10));
            var escaped = string.Concat(text.Select(c => c is '*' or '?' or '[' or ']' or '\\' ? $"\\{c}" : c.ToString()));
            var glob = CacheKeyPattern.Parse(escaped);

            Assert.True(glob.IsMatch(text), $"'{escaped}' should match '{text}'");
            Assert.False(glob.IsMatch(text + "a"));
            Assert.False(glob.IsMatch(text[..^1]));
        }
    }

    /// <summary>Plain backtracking over '*', '?' and literals: exponential in the worst case, fine for short inputs.</summary>
    private static bool ReferenceMatch(string pattern, int p, string key, int k)
    {
        if (p == pattern.Length)
        {
            return k == key.Length;
        }

        return pattern[p] switch
        {
            '*' => ReferenceMatch(pattern, p + 1, key, k) || (k < key.Length && ReferenceMatch(pattern, p, key, k + 1)),
            '?' => k < key.Length && ReferenceMatch(pattern, p + 1, key, k + 1),
            var c => k < key.Length && key[k] == c && ReferenceMatch(pattern, p + 1, key, k + 1),
        };
    }

    private static string RandomHeader(Random random)
    {
        var text = new StringBuilder();
        var pieces = random.Next(1, 5);
        for (var i = 0; i < pieces; i++)
        {
            text.Append(random.Next(6) == 0 ? RandomText(random, "\"W/*, =;-0123456789abcdefGMT:", random.Next(1, 20)) : HeaderPieces[random.Next(HeaderPieces.Length)]);
        }

        return random.Next(50) == 0 ? text.Append(new string('9', 5000)).ToString() : text.ToString();
    }

    private static string RandomText(Random random, string alphabet, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = alphabet[random.Next(alphabet.Length)];
        }

        return new string(chars);
    }

    private static string Describe(IHeaderDictionary headers) =>
        string.Join("; ", headers.Select(h => string.Create(CultureInfo.InvariantCulture, $"{h.Key}: {h.Value}")));
}
