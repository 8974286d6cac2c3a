using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.EndToEnd;

/// <summary>
/// Secrets never reach a silo's output, at the most verbose log level, Orleans' option dump included: the Redis
/// password, the TLS certificate password, HTTP API keys and CDN API tokens — neither while it serves requests
/// (authenticated, refused, purging a CDN that fails) nor when Redis refuses its password.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SiloSecretsTests
{
    [Fact]
    public async Task Silo_WithSecretsConfigured_NeverPrintsThem_WhileServingOrWhenRedisRefusesItsPassword()
    {
        using var certificates = TestCertificates.Create();
        var unique = Guid.NewGuid().ToString("N")[..12];
        var redisPassword = $"redis-pw-{unique}";
        var wrongRedisPassword = $"wrong-redis-pw-{unique}";
        var apiKey = $"api-key-{unique}";
        var cloudflareToken = $"cloudflare-token-{unique}";
        var fastlyToken = $"fastly-token-{unique}";
        string[] secrets = [redisPassword, wrongRedisPassword, certificates.PfxPassword, apiKey, cloudflareToken, fastlyToken];

        await using var redis = await RedisServer.StartAsync(appendOnly: false, redisPassword, tls: null);
        string[] settings =
        [
            $"--CacheCluster:Tls:CertificatePath={certificates.ClusterPfx}",
            $"--CacheCluster:Tls:CertificatePassword={certificates.PfxPassword}",
            $"--CacheCluster:Http:ApiKeys:ops:Key={apiKey}",
            "--CacheCluster:Http:ApiKeys:ops:Scopes=admin",
            "--CacheCluster:Cdn:PublicBaseUrl=https://cdn.example",
            "--CacheCluster:Cdn:MaxAttempts=1",
            "--CacheCluster:Cdn:Cloudflare:ZoneId=zone-1",
            $"--CacheCluster:Cdn:Cloudflare:ApiToken={cloudflareToken}",
            "--CacheCluster:Cdn:Cloudflare:ApiUrl=http://127.0.0.1:1/client/v4",
            "--CacheCluster:Cdn:Fastly:ServiceId=service-1",
            $"--CacheCluster:Cdn:Fastly:ApiToken={fastlyToken}",
            "--CacheCluster:Cdn:Fastly:ApiUrl=http://127.0.0.1:1",
            "--Logging:LogLevel:Default=Trace",
            "--Logging:LogLevel:Orleans.Runtime.Silo=Trace",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Trace",
        ];

        string serving;
        await using (var silo = await SiloProcess.StartAsync(ClusterIdentity.New("secrets"), [$"--CacheCluster:Redis={redis.ConnectionString}", .. settings]))
        {
            using var http = new HttpClient { BaseAddress = silo.HttpAddress };
            var key = $"secret-test-{unique}";
            Assert.Equal(HttpStatusCode.Created, (await SendAsync(http, HttpMethod.Put, key, apiKey, new StringContent("v"))).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(http, HttpMethod.Delete, key, apiKey)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, HttpMethod.Get, key, apiKey + "x")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "metrics") { Headers = { Authorization = new("Bearer", apiKey) } })).StatusCode);
            Assert.Equal(0, await silo.TerminateAsync(SiloProcess.GracefulExitTimeout));
            serving = silo.Output;
        }

        var refused = await SiloProcess.RunToExitOnFreePortsAsync(
        [
            $"--CacheCluster:Redis=127.0.0.1:{redis.Port.ToString(CultureInfo.InvariantCulture)},password={wrongRedisPassword},connectTimeout=2000",
            .. ClusterIdentity.New("refused").SiloArguments,
            .. settings,
        ]);

        // Not vacuous: the option dump was written, requests were logged, and the refusal says why.
        Assert.Contains("Configuration Orleans.Configuration.ClusterOptions", serving, StringComparison.Ordinal);
        Assert.Contains("was refused", serving, StringComparison.Ordinal);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("cachecluster-silo: stopped on an error: Redis (CacheCluster:Redis) is unreachable: AuthenticationFailure", refused.Stderr, StringComparison.Ordinal);
        foreach (var secret in secrets)
        {
            Assert.False(serving.Contains(secret, StringComparison.Ordinal), $"A serving silo printed a secret ({secret[..8]}…).");
            Assert.False((refused.Stdout + refused.Stderr).Contains(secret, StringComparison.Ordinal), $"A silo refused by Redis printed a secret ({secret[..8]}…).");
        }
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string key, string apiKey, HttpContent? content = null) =>
        http.SendAsync(new HttpRequestMessage(method, "v1/cache/" + Uri.EscapeDataString(key))
        {
            Content = content,
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", apiKey) },
        });
}
