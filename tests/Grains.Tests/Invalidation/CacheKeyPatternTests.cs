using CacheCluster.Invalidation;

namespace CacheCluster.Tests.Invalidation;

public sealed class CacheKeyPatternTests
{
    [Theory]
    [InlineData("user:42*", "user:42", true)]
    [InlineData("user:42*", "user:42:orders", true)]
    [InlineData("user:42*", "user:4", false)]
    [InlineData("user:?2", "user:42", true)]
    [InlineData("user:?2", "user:442", false)]
    [InlineData("product:[0-9]", "product:7", true)]
    [InlineData("product:[0-9]", "product:x", false)]
    [InlineData("product:[!0-9]", "product:x", true)]
    [InlineData("product:[^0-9]", "product:7", false)]
    [InlineData("k[abc]", "kb", true)]
    [InlineData("k[]]", "k]", true)]
    [InlineData(@"literal\*star", "literal*star", true)]
    [InlineData(@"literal\*star", "literalXstar", false)]
    [InlineData("*:orders", "user:1:orders", true)]
    [InlineData("a*b*c", "aXXbYYc", true)]
    [InlineData("a*b*c", "aXXbYY", false)]
    [InlineData("***", "", true)]
    [InlineData("exact", "exact", true)]
    [InlineData("exact", "exactly", false)]
    public void Matches_LikeRedisGlob(string pattern, string key, bool expected)
    {
        Assert.Equal(expected, CacheKeyPattern.Parse(pattern).IsMatch(key));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[abc")]
    [InlineData("trailing\\")]
    [InlineData("bad\ncontrol")]
    [InlineData("[z-a]")]
    public void Malformed_IsAClearError(string pattern)
    {
        Assert.Throws<InvalidCacheOptionsException>(() => CacheKeyPattern.Parse(pattern));
    }

    [Fact]
    public void TooLong_IsRejected()
    {
        Assert.Throws<InvalidCacheOptionsException>(() => CacheKeyPattern.Parse(new string('a', CacheKeyPattern.MaxLength + 1)));
    }

    [Fact]
    public void PathologicalPattern_MatchesInBoundedSteps()
    {
        // Exponential for a backtracking matcher; here 120 pattern positions × 1,000 characters, once.
        var pattern = CacheKeyPattern.Parse(string.Concat(Enumerable.Repeat("a*", 60)) + "b");

        Assert.False(pattern.IsMatch(new string('a', 1000)));
        Assert.True(pattern.IsMatch(new string('a', 1000) + "b"));
    }

    [Theory]
    [InlineData("*", "")]
    [InlineData("**", "")]
    [InlineData("?*", "")]
    [InlineData("[a-z]*", "")]
    [InlineData("*a", "")]
    [InlineData("a*", "a")]
    [InlineData("user:42:*", "user:42:")]
    [InlineData(@"a\*b*", "a*b")]
    [InlineData("user:4?", "user:4")]
    [InlineData("exact", "exact")]
    public void LiteralPrefix_IsTheTextBeforeTheFirstWildcard_AndEmptyMeansUnanchored(string pattern, string prefix)
    {
        var parsed = CacheKeyPattern.Parse(pattern);

        Assert.Equal(prefix, parsed.LiteralPrefix);
        Assert.Equal(prefix.Length == 0, parsed.IsUnanchored);
    }
}
