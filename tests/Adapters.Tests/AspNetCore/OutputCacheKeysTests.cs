using CacheCluster.AspNetCore.OutputCaching;

namespace CacheCluster.Tests.AspNetCore;

public sealed class OutputCacheKeysTests
{
    [Theory]
    [InlineData("GET\u001EHTTP\u001ELOCALHOST/A", "__outputcache:GET%1EHTTP%1ELOCALHOST/A")]
    [InlineData("Q\u001Fx", "__outputcache:Q%1Fx")]
    [InlineData("100%#top", "__outputcache:100%25%23top")]
    [InlineData("a%1Eb", "__outputcache:a%251Eb")]
    [InlineData("caf\u00E9 \U0001F600", "__outputcache:caf\u00E9 \U0001F600")]
    [InlineData("del\u007F\u0085", "__outputcache:del%7F%85")]
    public void ToClusterKey_ControlAndEscapeCharacters_EscapedAfterThePrefix(string key, string expected)
    {
        var clusterKey = OutputCacheKeys.ToClusterKey(key, CacheKey.DefaultMaxKeyBytes);

        Assert.Equal(expected, clusterKey);
        CacheKey.Validate(clusterKey);
    }

    [Fact]
    public void ToClusterKey_UnpairedSurrogate_EscapedAsPercentU()
    {
        // Not an InlineData case: xUnit's serialization of attribute arguments replaces a lone surrogate.
        Assert.Equal("__outputcache:%uD800x%uDC00", OutputCacheKeys.ToClusterKey("\uD800x\uDC00", CacheKey.DefaultMaxKeyBytes));
    }

    [Fact]
    public void ToClusterKey_EscapedFormExactlyAtTheLimit_KeptReadable()
    {
        var key = new string('q', 100 - "__outputcache:".Length);

        Assert.Equal("__outputcache:" + key, OutputCacheKeys.ToClusterKey(key, 100));
    }

    [Fact]
    public void ToClusterKey_EscapedFormOverTheLimit_HashedUnderThePrefix()
    {
        var key = new string('q', 101 - "__outputcache:".Length);
        var other = key[..^1] + "r";

        var clusterKey = OutputCacheKeys.ToClusterKey(key, 100);

        Assert.StartsWith("__outputcache:#sha256:", clusterKey, StringComparison.Ordinal);
        Assert.Equal("__outputcache:#sha256:".Length + 64, clusterKey.Length);
        Assert.Equal(clusterKey, OutputCacheKeys.ToClusterKey(key, 100));
        Assert.NotEqual(clusterKey, OutputCacheKeys.ToClusterKey(other, 100));
        CacheKey.Validate(clusterKey, 100);
    }

    [Fact]
    public void ToClusterKey_KeysDifferingOnlyInUnpairedSurrogates_HashToDifferentKeys()
    {
        // UTF-8 would turn both into U+FFFD; the hash is over UTF-16 code units, so they stay apart.
        var tail = new string('q', 2000);

        Assert.NotEqual(OutputCacheKeys.ToClusterKey("\uD800" + tail, 1024), OutputCacheKeys.ToClusterKey("\uD801" + tail, 1024));
    }
}
