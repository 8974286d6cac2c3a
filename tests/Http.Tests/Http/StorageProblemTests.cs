using CacheCluster.Http.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Tests.Http;

/// <summary>A storage failure answers 503 with a fixed detail: Redis' own text stays in the silo's log.</summary>
public sealed class StorageProblemTests
{
    [Fact]
    public async Task StorageFailure_Answers503_WithoutRedisText()
    {
        const string RedisText = "Redis refused the command; could not read: ERR user-data-7f3a NOAUTH 10.0.0.9:6379 internal";
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        context.Response.Body = new MemoryStream();

        await HttpProblems.For(context, new CacheStorageException(RedisText)).ExecuteAsync(context);

        context.Response.Body.Position = 0;
        var body = await new StreamReader(context.Response.Body).ReadToEndAsync();
        Assert.Equal((503, "1"), (context.Response.StatusCode, context.Response.Headers.RetryAfter.ToString()));
        Assert.Contains(HttpProblems.StorageUnavailableDetail, body, StringComparison.Ordinal);
        Assert.DoesNotContain("ERR", body, StringComparison.Ordinal);
        Assert.DoesNotContain("10.0.0.9", body, StringComparison.Ordinal);
        Assert.DoesNotContain("user-data-7f3a", body, StringComparison.Ordinal);
    }
}
