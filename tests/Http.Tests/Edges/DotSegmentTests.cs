using CacheCluster.Http.Edges;

namespace CacheCluster.Tests.Edges;

/// <summary>Dot segments in the raw request target, plain or percent-encoded, are found; keys that merely contain dots are not.</summary>
public sealed class DotSegmentTests
{
    [Theory]
    [InlineData("/v1/./cache/other")]
    [InlineData("/v1/cache/../cache/other")]
    [InlineData("/v1/cache/%2e")]
    [InlineData("/v1/cache/%2E%2E/x")]
    [InlineData("/v1/cache/.%2e/x")]
    [InlineData("/v1/cache/%2e./x")]
    [InlineData("/v1/cache/..")]
    [InlineData("/./v1/cache/x?a=b")]
    public void DotSegment_IsFound(string target) => Assert.True(DotSegmentMiddleware.HasDotSegment(target));

    [Theory]
    [InlineData("/v1/cache/a.b")]
    [InlineData("/v1/cache/...")]
    [InlineData("/v1/cache/.hidden")]
    [InlineData("/v1/cache/%2e%2e%2e")]
    [InlineData("/v1/cache/%2ex")]
    [InlineData("/v1/cache/x?path=/../")]
    [InlineData("/v1/cache/%252e")]
    public void OtherDots_AreNotSegments(string target) => Assert.False(DotSegmentMiddleware.HasDotSegment(target));
}
