using System.CommandLine;
using CacheCluster.Bench;
using CacheCluster.Bench.Cli;
using CacheCluster.Bench.Invalidation;
using CacheCluster.Bench.RateLimiting;
using CacheCluster.Bench.Stampede;

// `all` runs the scenarios S1-S7 (scripts/bench.sh calls it); `ratelimit` and `stampede-peer` are the processes S5 and
// S4 start, and `ratelimit-silo-args` prints the policies scripts/bench.sh gives the silos. `cli` times whole
// `cachecluster get` processes beside redis-cli against a running silo and redis-server. `pattern-index` times one
// pattern's key index read, the whole-partition read against the prefix range, on a redis-server and in memory.
var root = new RootCommand("CacheCluster benchmarks, each measured beside a peer in the same run. Exit codes: 0 valid run, 1 invalid run or failure, 2 usage, 3 unreachable.")
{
    AllCommand.Create(),
    RateLimitCommand.Create(),
    RateLimitCommand.CreateSiloArguments(),
    StampedePeerCommand.Create(),
    CliCommand.Create(),
    PatternIndexCommand.Create(),
};

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        Console.Error.WriteLine($"cachecluster-bench: {error.Message}");
    }

    return 2;
}

return await parse.InvokeAsync();
