using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CacheCluster.Tests.EndToEnd;

/// <summary>The CLI's populate, stampede, ratelimit, keys and the environment against the Redis-mode silo process.</summary>
public sealed partial class RedisSiloTests
{
    [Fact]
    public async Task CliFromEnvironment_KeysListsTheRedisKeyIndex_AndScanPagesItOnce()
    {
        var prefix = NewKey();
        string[] keys = [$"{prefix}:a", $"{prefix}:b", $"{prefix}:c", $"{prefix}:d"];
        foreach (var key in keys)
        {
            await Cache.SetAsync(key, "v");
        }

        // Membership and identity from the environment alone, as scripts/cluster.sh env sets them.
        var environment = new Dictionary<string, string>
        {
            ["CACHECLUSTER_REDIS"] = fixture.Redis.ConnectionString,
            ["CACHECLUSTER_CLUSTER_ID"] = fixture.Identity.ClusterId,
            ["CACHECLUSTER_SERVICE_ID"] = fixture.Identity.ServiceId,
        };
        var listed = await CliRunner.RunAsync([.. CliRunner.PatientConnect, "keys", $"{prefix}:*"], environment);
        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Equal(keys, listed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));

        var found = new List<string>();
        var cursor = CacheScanPage.Start;
        do
        {
            var page = await Cache.ScanAsync($"{prefix}:*", cursor, count: 1);
            Assert.InRange(page.Keys.Count, 0, 1);
            found.AddRange(page.Keys);
            cursor = page.Cursor;
        }
        while (cursor != CacheScanPage.Start);

        Assert.Equal(keys, found.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CliPopulate_WritesCountEntriesOfTheSize_AndNoMore()
    {
        var prefix = NewKey() + ":";

        var populate = await fixture.CliAsync("populate", "5", "--size", "32", "--prefix", prefix, "--ttl", "600", "--concurrency", "2");

        Assert.True(populate.ExitCode == 0 && populate.Stderr.Length == 0, populate.ToString());
        Assert.Matches(PopulateLine(), populate.Stdout);
        for (var i = 0; i < 5; i++)
        {
            var read = await Cache.TryGetBytesAsync($"{prefix}{i}");
            Assert.True(read.Found, $"{prefix}{i}");
            Assert.Equal((32, "application/octet-stream"), (read.Value!.Data.Length, read.Value.ContentType));
            Assert.Equal(TimeSpan.FromSeconds(600), read.ExpiresAt - read.LastModified);
            Assert.True(await StoredInRedisAsync($"{prefix}{i}"));
        }

        Assert.False(await Cache.ExistsAsync($"{prefix}5"));
    }

    [Fact]
    public async Task CliStampede_ManyCallersOnAColdKey_RunTheFactoryOnce_AndAllGetItsValue()
    {
        var key = NewKey();

        var stampede = await fixture.CliAsync("stampede", key, "--callers", "50", "--factory-ms", "200", "--json");

        Assert.True(stampede.ExitCode == 0 && stampede.Stderr.Length == 0, stampede.ToString());
        using var report = JsonDocument.Parse(stampede.Stdout);
        var root = report.RootElement;
        Assert.Equal((key, 50, 1, 0), (root.GetProperty("key").GetString(), root.GetProperty("callers").GetInt32(), root.GetProperty("factoryRuns").GetInt32(), root.GetProperty("errors").GetInt32()));
        var values = root.GetProperty("values").EnumerateObject().ToList();
        var value = Assert.Single(values);
        Assert.Equal(50, value.Value.GetInt32());
        Assert.EndsWith(":" + root.GetProperty("processId").GetInt32().ToString(CultureInfo.InvariantCulture), value.Name, StringComparison.Ordinal);

        // The one computed value is what the cluster stored.
        Assert.Equal(value.Name, (await Cache.TryGetAsync<string>(key)).Value);
    }

    [Fact]
    public async Task CliRatelimit_AllowsTheCapacity_ThenLimitsWithExitOne()
    {
        var identifier = Guid.NewGuid().ToString("N");

        var allowed = await fixture.CliAsync("ratelimit", RedisSiloFixture.Policy, identifier, "--permits", "2");
        var limited = await fixture.CliAsync("ratelimit", RedisSiloFixture.Policy, identifier);

        Assert.Equal((0, "allowed", "limit: 2", "remaining: 0", "retry-after: 0"), Decision(allowed));
        var (exitCode, outcome, limit, remaining, retryAfter) = Decision(limited);
        Assert.Equal((1, "limited", "limit: 2", "remaining: 0"), (exitCode, outcome, limit, remaining));

        // One token comes back an hour after the two were taken: the wait is the hour less the seconds since then.
        var seconds = double.Parse(retryAfter["retry-after: ".Length..], CultureInfo.InvariantCulture);
        Assert.InRange(seconds, RedisSiloFixture.PolicyPeriod.TotalSeconds - CliRunner.Timeout.TotalSeconds, RedisSiloFixture.PolicyPeriod.TotalSeconds);
    }

    private static (int ExitCode, string Outcome, string Limit, string Remaining, string RetryAfter) Decision(ProcessResult result)
    {
        Assert.True(result.Stderr.Length == 0, result.ToString());
        var lines = result.Stdout.Split(NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 5 && lines[4].StartsWith("reset-after: ", StringComparison.Ordinal), result.ToString());
        return (result.ExitCode, lines[0], lines[1], lines[2], lines[3]);
    }

    [GeneratedRegex(@"\Awrote 5 entries of 32 bytes in [0-9]+\.[0-9]{3} s \([0-9]+ entries/s\)\n\z")]
    private static partial Regex PopulateLine();
}
