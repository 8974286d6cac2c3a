using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Storage;

/// <summary>
/// Redis with a password and TLS, configured through the connection string alone (<c>password=…,ssl=true</c>); a
/// private CA is trusted through StackExchange.Redis' <c>SERedis_IssuerCertPath</c>. A wrong password is a clear
/// error that never repeats the password. The variable is process-wide, so these tests run with no other test beside
/// them (<see cref="AloneCollection"/>) and put its previous value back when done.
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class RedisSecurityTests
{
    private const string IssuerVariable = "SERedis_IssuerCertPath";

    [Fact]
    public async Task RedisWithPasswordAndTls_SiloStoresEntriesThroughTheConnectionString()
    {
        using var certificates = TestCertificates.Create();
        var password = "redis-" + Guid.NewGuid().ToString("N");
        await using var redis = await RedisServer.StartAsync(appendOnly: false, password, new RedisTlsFiles(certificates.ServerCertificatePem, certificates.ServerKeyPem, certificates.CaPem));
        Assert.Contains($"password={password}", redis.ConnectionString, StringComparison.Ordinal);
        Assert.Contains("ssl=true", redis.ConnectionString, StringComparison.Ordinal);

        // Read by StackExchange.Redis at each connect; only TLS connections look at it.
        var previous = Environment.GetEnvironmentVariable(IssuerVariable);
        Environment.SetEnvironmentVariable(IssuerVariable, certificates.CaPem);
        try
        {
            await using var cluster = await CacheTestCluster.StartAsync(1, redis.ConnectionString);
            var key = CacheTestCluster.NewKey("secure");

            var written = await cluster.Cache.SetAsync(key, "over-tls");

            Assert.Equal("over-tls", (await cluster.Cache.TryGetAsync<string>(key)).Value);
            Assert.True(await redis.Connection.GetDatabase().KeyExistsAsync($"{cluster.ServiceId}/e/{key}"));
            Assert.True(written.Version > 0);
        }
        finally
        {
            Environment.SetEnvironmentVariable(IssuerVariable, previous);
        }
    }

    [Fact]
    public async Task RedisWrongPassword_WritesFailWithAnAuthenticationError_ThatDoesNotRepeatThePassword()
    {
        var password = "right-" + Guid.NewGuid().ToString("N");
        var wrong = "wrong-" + Guid.NewGuid().ToString("N");
        await using var redis = await RedisServer.StartAsync(appendOnly: false, password, tls: null);
        await using var cluster = await CacheTestCluster.StartAsync(1, $"127.0.0.1:{redis.Port},password={wrong},connectTimeout=1000");
        // The storage error comes once Redis' connect attempt has failed (connectTimeout); the client waits well past
        // it, so that a loaded machine cannot turn the storage error into the client's own timeout.
        var cache = CacheTestCluster.NewCache(cluster.Client, options => options.ClusterTimeout = TimeSpan.FromSeconds(20));

        var error = await Assert.ThrowsAsync<CacheStorageException>(() => cache.SetAsync(CacheTestCluster.NewKey(), "v"));

        Assert.Contains("AuthenticationFailure", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(password, error.ToString(), StringComparison.Ordinal);
    }
}
