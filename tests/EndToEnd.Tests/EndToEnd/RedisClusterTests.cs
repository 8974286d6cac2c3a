using System.Globalization;
using System.Text.Json;
using CacheCluster.Tests.Fixtures;
using Xunit.Abstractions;

namespace CacheCluster.Tests.EndToEnd;

/// <summary>Three silo processes on one machine sharing one Redis: one cluster, and entries that outlive a silo.</summary>
[Collection(EndToEndRedisCollection.Name)]
public sealed class RedisClusterTests(ITestOutputHelper output)
{
    private const int KeyCount = 20;

    /// <summary>CLI processes at once: each is CPU-bound for about a second while it starts and connects.</summary>
    private const int CliParallelism = 3;

    /// <summary>How long the reads after a silo is killed may keep failing while the cluster declares it dead.</summary>
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ThreeSilosOnOneRedis_FormOneCluster_AndServeEveryEntryAfterOneIsKilled()
    {
        await using var redis = await RedisServer.StartAsync();
        var identity = ClusterIdentity.New("e2e");
        await using var silos = await SiloGroup.StartAsync(3, identity, $"--CacheCluster:Redis={redis.ConnectionString}");
        var (first, second, third) = (silos[0], silos[1], silos[2]);

        // One membership table in Redis lists all three silos as active: they joined one cluster.
        Assert.Equal(silos.Select(silo => silo.SiloPort).Order(), await ActiveSiloPortsAsync(redis, identity));

        var entries = Enumerable.Range(0, KeyCount).ToDictionary(i => $"key:{i}", i => $"value-{i}");

        // Written through Redis membership (the CLI finds the gateways itself), read through the second silo's gateway.
        var started = TimeProvider.System.GetTimestamp();
        var writes = await RunAllAsync(entries.Keys, key =>
            CliRunner.RunAsync([.. identity.CliArguments, "--redis", redis.ConnectionString, .. CliRunner.PatientConnect, "set", key, entries[key]]));
        Assert.All(writes, write => Assert.True(write.ExitCode == 0 && write.Stdout.StartsWith("OK version=", StringComparison.Ordinal), write.ToString()));
        output.WriteLine($"{KeyCount} writes through --redis: {TimeProvider.System.GetElapsedTime(started).TotalSeconds:0.0} s");

        started = TimeProvider.System.GetTimestamp();
        var reads = await RunAllAsync(entries.Keys, key => CliRunner.RunAsync([.. second.CliConnection, "get", key]));
        Assert.Equal(entries, reads.ToDictionary(read => read.Arguments[^1], ValueOf));
        output.WriteLine($"{KeyCount} reads through the second silo: {TimeProvider.System.GetElapsedTime(started).TotalSeconds:0.0} s");

        // The first silo dies without a word. Until the cluster declares it dead, calls to its activations fail with
        // exit 3; each such read is retried (a new CLI process) until the recovery timeout. Any other answer is final.
        await first.KillAsync();
        var killed = TimeProvider.System.GetTimestamp();
        var retries = 0;
        var recovered = await RunAllAsync(entries.Keys, async key =>
        {
            while (true)
            {
                var read = await CliRunner.RunAsync([.. third.CliConnection, "get", key]);
                if (read.ExitCode != 3 || TimeProvider.System.GetElapsedTime(killed) > RecoveryTimeout)
                {
                    return read;
                }

                Interlocked.Increment(ref retries);
                output.WriteLine($"retry {TimeProvider.System.GetElapsedTime(killed).TotalSeconds:0.0} s after the kill: {read}");
            }
        });
        Assert.Equal(entries, recovered.ToDictionary(read => read.Arguments[^1], ValueOf));
        output.WriteLine(
            $"{KeyCount} reads through the third silo after the kill: {TimeProvider.System.GetElapsedTime(killed).TotalSeconds:0.0} s, {retries} retries");
    }

    private static string ValueOf(ProcessResult read) =>
        read.ExitCode == 0 && read.Stderr.Length == 0 ? read.Stdout : throw new Xunit.Sdk.XunitException($"The read failed:\n{read}");

    private static async Task<ProcessResult[]> RunAllAsync(IEnumerable<string> keys, Func<string, Task<ProcessResult>> run)
    {
        var keyList = keys.ToList();
        var results = new ProcessResult[keyList.Count];
        await Parallel.ForAsync(0, keyList.Count, new ParallelOptions { MaxDegreeOfParallelism = CliParallelism }, async (i, _) =>
            results[i] = await run(keyList[i]));
        return results;
    }

    /// <summary>
    /// Reads the Orleans Redis membership table (<c>{serviceId}/members/{clusterId}</c>, one JSON entry per silo) and
    /// returns the silo ports of the entries whose status is Active.
    /// </summary>
    private static async Task<IEnumerable<int>> ActiveSiloPortsAsync(RedisServer redis, ClusterIdentity identity)
    {
        var table = await redis.Connection.GetDatabase().HashGetAllAsync($"{identity.ServiceId}/members/{identity.ClusterId}");
        var ports = new List<int>();
        foreach (var row in table.Where(row => row.Name.ToString().StartsWith('S')))
        {
            using var entry = JsonDocument.Parse(row.Value.ToString());
            if (entry.RootElement.GetProperty("Status").GetInt32() == (int)SiloStatus.Active)
            {
                // "127.0.0.1:11111@123456789": endpoint, then generation.
                var address = entry.RootElement.GetProperty("SiloAddress").GetProperty("SiloAddress").GetString()!;
                var endpoint = address[..address.IndexOf('@', StringComparison.Ordinal)];
                ports.Add(int.Parse(endpoint[(endpoint.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture));
            }
        }

        return ports.Order();
    }
}
