using System.Net;
using CacheCluster.Tests.Http;

namespace CacheCluster.Tests.EndToEnd;

/// <summary>
/// Redis stopped under the silo, and the silo stopped under its clients. Each test starts what it stopped again and
/// waits until it serves, so the fixture stays usable for the others.
/// </summary>
public sealed partial class RedisSiloTests
{
    /// <summary>How long a reconnect (StackExchange.Redis to Redis, the client to a restarted gateway) may take.</summary>
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task HealthReady_RedisStopped_Answers503WhileLiveStays200_AndReadyAgainOnceRedisIsBack()
    {
        var http = fixture.Http;
        var before = await http.GetAsync("/health/ready");
        Assert.Equal((HttpStatusCode.OK, "Healthy"), (before.StatusCode, await before.Content.ReadAsStringAsync()));

        await fixture.Redis.StopAsync();
        try
        {
            // The silo notices the closed connection within moments; until then a PING may still be on its way out.
            var down = await PollAsync(() => http.GetAsync("/health/ready"), response => response.StatusCode != HttpStatusCode.OK, Timeout);
            var live = await http.GetAsync("/health/live");

            Assert.Equal((HttpStatusCode.ServiceUnavailable, "Unhealthy"), (down.StatusCode, await down.Content.ReadAsStringAsync()));
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            await HttpAssert.ProblemAsync(await http.PutKeyAsync(NewKey(), "v"), HttpStatusCode.ServiceUnavailable, "storage-unavailable");
        }
        finally
        {
            await fixture.Redis.RestartAsync();
        }

        var up = await PollAsync(() => http.GetAsync("/health/ready"), response => response.StatusCode == HttpStatusCode.OK, RecoveryTimeout);
        Assert.Equal("Healthy", await up.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Created, (await http.PutKeyAsync(NewKey(), "v")).StatusCode);
    }

    [Fact]
    public async Task SiloStopped_ClientCallsFailUnavailable_CliExitsThree_AndBothWorkAgainAfterARestart()
    {
        var key = NewKey();
        await Cache.SetAsync(key, "before the stop");
        var gateway = fixture.Silo.Gateway;

        var started = TimeProvider.System.GetTimestamp();
        Assert.Equal(0, await fixture.Silo.TerminateAsync(SiloProcess.GracefulExitTimeout));
        output.WriteLine($"silo stopped: {TimeProvider.System.GetElapsedTime(started).TotalSeconds:0.0} s");
        try
        {
            var read = await Assert.ThrowsAsync<CacheClusterUnavailableException>(() => Cache.TryGetAsync<string>(key));
            var write = await Assert.ThrowsAsync<CacheClusterUnavailableException>(() => Cache.SetAsync(key, "during the stop"));

            // Either the client has seen its only gateway go (nothing is sent), or the call was under way.
            Assert.Equal("Get", read.Operation);
            Assert.True(read.Message.StartsWith("The client is not connected", StringComparison.Ordinal) || read.Message.StartsWith("The cluster did not complete Get: ", StringComparison.Ordinal), read.Message);
            Assert.Equal("Set", write.Operation);
            Assert.True(write.Message.EndsWith(" was not sent.", StringComparison.Ordinal) || write.Message.EndsWith(" The outcome is unknown.", StringComparison.Ordinal), write.Message);
            output.WriteLine($"client calls failed: {TimeProvider.System.GetElapsedTime(started).TotalSeconds:0.0} s ({read.Message})");

            var cli = await CliRunner.RunAsync(["--gateway", gateway, .. fixture.Identity.CliArguments, "--connect-timeout", "2", "get", key]);
            Assert.True(cli.ExitCode == 3 && cli.Stdout.Length == 0, cli.ToString());
            Assert.StartsWith($"cachecluster: could not connect to the cluster (gateway {gateway}) within 2 s: ", cli.Stderr, StringComparison.Ordinal);
            output.WriteLine($"CLI exited: {TimeProvider.System.GetElapsedTime(started).TotalSeconds:0.0} s");
        }
        finally
        {
            await fixture.RestartSiloAsync();
            output.WriteLine($"silo restarted: {TimeProvider.System.GetElapsedTime(started).TotalSeconds:0.0} s");
        }

        // The client finds the restarted gateway again, and the entry written before the stop is still in Redis.
        var value = await PollAsync(
            async () =>
            {
                try
                {
                    return (await Cache.TryGetAsync<string>(key)).Value;
                }
                catch (CacheClusterUnavailableException)
                {
                    return null;
                }
            },
            answer => answer is not null,
            RecoveryTimeout);
        Assert.Equal("before the stop", value);
        output.WriteLine($"client served again: {TimeProvider.System.GetElapsedTime(started).TotalSeconds:0.0} s");
        var cliRead = await fixture.CliAsync("get", key);
        Assert.Equal((0, "before the stop"), (cliRead.ExitCode, cliRead.Stdout));
    }

    /// <summary>Calls <paramref name="call"/> until <paramref name="done"/> accepts its answer; fails after <paramref name="timeout"/>.</summary>
    private static async Task<T> PollAsync<T>(Func<Task<T>> call, Func<T, bool> done, TimeSpan timeout)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var answer = await call();
            if (done(answer))
            {
                return answer;
            }

            Assert.True(TimeProvider.System.GetElapsedTime(started) < timeout, $"Still not done after {timeout.TotalSeconds} s; the last answer: {answer}");
            await Task.Delay(PollInterval, TimeProvider.System);
        }
    }
}
