using CacheCluster.Http.Edges;

namespace CacheCluster.Tests.Edges;

/// <summary>Only application/json (with parameters, any case) is JSON: what a page can send cross-origin without a preflight is not.</summary>
public sealed class JsonContentTypeTests
{
    [Theory]
    [InlineData("application/json", true)]
    [InlineData("application/json; charset=utf-8", true)]
    [InlineData("Application/JSON", true)]
    [InlineData("text/plain", false)]
    [InlineData("text/plain; charset=utf-8", false)]
    [InlineData("application/x-www-form-urlencoded", false)]
    [InlineData("multipart/form-data; boundary=x", false)]
    [InlineData("application/jsonx", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsJson_AcceptsOnlyApplicationJson(string? contentType, bool json) =>
        Assert.Equal(json, JsonContentTypeMiddleware.IsJson(contentType));
}
