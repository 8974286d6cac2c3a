using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace CacheCluster.Tests.Fixtures;

/// <summary>
/// The fixture itself: a Redis restart keeps its port (clients and silos were told it), so while something else holds
/// that port the restart keeps trying, and comes back on the same port once it is free.
/// </summary>
public sealed class RedisServerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RedisServer_RestartWhileItsPortIsHeld_RetriesUntilThePortIsFree_OnTheSamePort()
    {
        await using var redis = await RedisServer.StartAsync();
        var port = redis.Port;
        await redis.StopAsync();
        var holder = new TcpListener(IPAddress.Loopback, port);
        holder.Start();
        Task restart;
        try
        {
            restart = redis.RestartAsync();

            // Armed by the fixture's own count: at least one start has failed on the held port, and it has not given up.
            var started = TimeProvider.System.GetTimestamp();
            while (redis.PortHeldRetries == 0)
            {
                Assert.False(restart.IsCompleted, $"The restart ended while its port was held: {restart.Exception?.GetBaseException().Message}");
                Assert.True(TimeProvider.System.GetElapsedTime(started) < Patience, "The restart did not try the held port.");
                await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System);
            }

            Assert.False(redis.IsRunning);
        }
        finally
        {
            holder.Stop();
        }

        await restart.WaitAsync(Patience, TimeProvider.System);

        Assert.Equal(port, redis.Port);
        Assert.True(redis.IsRunning);
        await using var connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},abortConnect=true");
        Assert.Equal("PONG", (await connection.GetDatabase().ExecuteAsync("PING")).ToString());
    }
}
