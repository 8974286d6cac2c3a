using CacheCluster.Invalidation;

namespace CacheCluster.Tests.Invalidation;

/// <summary>What one direct invalidation may ask for: checked as a whole, before anything is removed.</summary>
public sealed class InvalidationBudgetTests
{
    private static string[] Patterns(int count) => [.. Enumerable.Range(0, count).Select(i => $"p{i}:*")];

    [Fact]
    public void PatternsOverTheBudget_AreRefused_NamingTheLimitAndItsKey()
    {
        var error = Assert.Throws<InvalidCacheRequestException>(() => InvalidationRemoval.Validate([], [], Patterns(33), allowAll: false, CacheKey.DefaultMaxKeyBytes, maxPatterns: 32));

        Assert.Contains("at most 32 distinct patterns (was 33)", error.Message, StringComparison.Ordinal);
        Assert.Contains("CacheCluster:Invalidation:MaxPatternsPerRequest", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RepeatedPatterns_CountOnce()
    {
        string[] repeated = [.. Enumerable.Repeat("p:*", 1000)];

        InvalidationRemoval.Validate([], [], repeated, allowAll: false, CacheKey.DefaultMaxKeyBytes, maxPatterns: 1);
        InvalidationRemoval.Validate([], [], Patterns(32), allowAll: false, CacheKey.DefaultMaxKeyBytes, maxPatterns: 32);
        Assert.Throws<InvalidCacheRequestException>(() => InvalidationRemoval.Validate([], [], [.. repeated, "q:*"], allowAll: false, CacheKey.DefaultMaxKeyBytes, maxPatterns: 1));
    }

    [Theory]
    [InlineData("*")]
    [InlineData("?*")]
    [InlineData("??")]
    [InlineData("[a-z]*")]
    [InlineData("*:42")]
    public void PatternWithoutLiteralPrefix_NeedsAllowAll(string pattern)
    {
        var error = Assert.Throws<InvalidCacheOptionsException>(() => InvalidationRemoval.Validate([], [], [pattern], allowAll: false, CacheKey.DefaultMaxKeyBytes));

        Assert.Contains("no literal prefix", error.Message, StringComparison.Ordinal);
        InvalidationRemoval.Validate([], [], [pattern], allowAll: true, CacheKey.DefaultMaxKeyBytes);
    }
}
