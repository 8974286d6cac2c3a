namespace CacheCluster.Tests.Entries;

/// <summary>The tag character set and the content-type grammar: what an entry may carry into response headers.</summary>
public sealed class HeaderGrammarTests
{
    [Theory]
    [InlineData("products")]
    [InlineData("product:42")]
    [InlineData("team/a")]
    [InlineData("a.b-c_d~e!#$%&'*+^`|")]
    public void Tag_OfTokenCharactersColonAndSlash_IsAccepted(string tag) => CacheKey.ValidateTag(tag);

    [Theory]
    [InlineData("team a")]
    [InlineData("a,b")]
    [InlineData("a\"b")]
    [InlineData("a\\b")]
    [InlineData("a;b")]
    [InlineData("équipe")]
    [InlineData("a\tb")]
    [InlineData("(a)")]
    [InlineData("")]
    public void Tag_WithASeparatorSpaceOrNonAscii_IsRefused(string tag)
    {
        var error = Assert.Throws<InvalidCacheOptionsException>(() => CacheKey.ValidateTag(tag));

        Assert.DoesNotContain("\n", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tag_OverTheLengthLimit_IsRefused()
    {
        CacheKey.ValidateTag(new string('t', CacheEntryOptions.MaxTagBytes));
        Assert.Throws<InvalidCacheOptionsException>(() => CacheKey.ValidateTag(new string('t', CacheEntryOptions.MaxTagBytes + 1)));
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain; charset=utf-8")]
    [InlineData("text/plain;charset=\"utf-8\"")]
    [InlineData("multipart/form-data; boundary=\"a b\\\"c\"; x=1")]
    [InlineData("application/vnd.cachecluster.absent")]
    [InlineData("text/plain ; charset=utf-8")]
    public void ContentType_ThatIsAnAsciiMediaType_IsAccepted(string contentType) => CacheKey.ValidateContentType(contentType);

    [Theory]
    [InlineData("")]
    [InlineData("plain text")]
    [InlineData("text")]
    [InlineData("text/")]
    [InlineData("/plain")]
    [InlineData("text/plain; charset")]
    [InlineData("text/plain; charset=")]
    [InlineData("text/plain; charset=\"utf-8")]
    [InlineData("text/plain;; a=b")]
    [InlineData("text/plain; charset=é")]
    [InlineData("text/pl\u00e4in")]
    [InlineData("text/plain\r\nX-Injected: 1")]
    [InlineData("text/plain; a=\"\u0001\"")]
    public void ContentType_ThatIsNotAnAsciiMediaType_IsRefused(string contentType) =>
        Assert.Throws<InvalidCacheRequestException>(() => CacheKey.ValidateContentType(contentType));

    [Fact]
    public void ContentType_Absent_IsAccepted_AndOverTheLengthLimit_IsRefused()
    {
        CacheKey.ValidateContentType(null);
        Assert.Throws<InvalidCacheRequestException>(() => CacheKey.ValidateContentType("text/" + new string('p', CacheKey.MaxContentTypeLength)));
    }
}
