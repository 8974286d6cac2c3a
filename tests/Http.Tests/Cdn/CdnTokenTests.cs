using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using CacheCluster.Hosting;
using CacheCluster.Http.Cdn;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CacheCluster.Tests.Cdn;

/// <summary>CDN API tokens travel only over https (or to loopback), and never follow a redirect.</summary>
public sealed class CdnTokenTests
{
    private static CdnOptions Configured(string cloudflareUrl, string fastlyUrl)
    {
        var options = new CdnOptions { PublicBaseUrl = "https://cache.example.com" };
        options.Cloudflare.ZoneId = "zone1";
        options.Cloudflare.ApiToken = "cf-token";
        options.Cloudflare.ApiUrl = cloudflareUrl;
        options.Fastly.ServiceId = "svc1";
        options.Fastly.ApiToken = "fastly-token";
        options.Fastly.ApiUrl = fastlyUrl;
        return options;
    }

    [Fact]
    public void PlainHttpApiUrl_IsRefused_NamingTheKey_AndNotTheToken()
    {
        var result = new CdnOptionsValidator().Validate(null, Configured("http://api.cloudflare.com/client/v4", "http://10.0.0.5"));

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Equal(2, failures.Count);
        Assert.StartsWith("CacheCluster:Cdn:Cloudflare:ApiUrl must be an absolute https:// URL", failures[0], StringComparison.Ordinal);
        Assert.StartsWith("CacheCluster:Cdn:Fastly:ApiUrl must be an absolute https:// URL", failures[1], StringComparison.Ordinal);
        Assert.DoesNotContain(failures, f => f.Contains("token", StringComparison.Ordinal) && f.Contains("cf-token", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://api.cloudflare.com/client/v4")]
    [InlineData("http://127.0.0.1:8080/cf")]
    [InlineData("http://[::1]:8080/cf")]
    [InlineData("http://localhost:8080/cf")]
    public void HttpsOrLoopbackApiUrl_IsAccepted(string url) =>
        Assert.True(new CdnOptionsValidator().Validate(null, Configured(url, url)).Succeeded);

    [Fact]
    public async Task RedirectingCdnApi_IsAFailedPurge_AndTheTokenIsNotSentOn()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var requests = new List<string>();
        var serving = Task.Run(async () =>
        {
            // Answers every request with a redirect to another path of itself, and records what arrives.
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync();
                using var stream = client.GetStream();
                using var reader = new StreamReader(stream);
                var head = new List<string>();
                for (var line = await reader.ReadLineAsync(); !string.IsNullOrEmpty(line); line = await reader.ReadLineAsync())
                {
                    head.Add(line);
                }

                lock (requests)
                {
                    requests.Add(string.Join("\n", head));
                }

                var answer = $"HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.1:{port}/elsewhere\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(answer));
            }
        });

        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var metrics = new MetricRecorder([meters]);
        using var http = CdnHttpClient.Create();
        var sender = new CdnPurgeSender(http, TimeProvider.System, Options.Create(new CdnOptions { MaxAttempts = 3 }), new CdnMetrics(meters), NullLogger<CdnPurgeSender>.Instance);
        var purge = new PurgeRequest("test", "url", 1, () => new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}/purge")
        {
            Headers = { Authorization = new("Bearer", "secret-token") },
        });

        var purged = await sender.SendAsync(new TestTarget(TimeSpan.Zero), purge, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(purged);
        Assert.Equal(1, metrics["cachecluster.cdn.purges{kind=url,outcome=failed,provider=test}"]);
        lock (requests)
        {
            var only = Assert.Single(requests);
            Assert.StartsWith("POST /purge ", only, StringComparison.Ordinal);
        }

        listener.Stop();
        await Assert.ThrowsAnyAsync<Exception>(() => serving);
    }

    private sealed class TestTarget(TimeSpan spacing) : ICdnPurgeTarget
    {
        public string Name => "test";

        public TimeSpan Spacing => spacing;

        public IEnumerable<PurgeRequest> Plan(IReadOnlyList<string> keys, IReadOnlyList<string> tags, IReadOnlyList<string> patterns) => [];

        public IEnumerable<PurgeRequest> PlanPurgeAll() => [];
    }
}
