using System.CommandLine;
using CacheCluster.Bench.RateLimiting;

var root = new RootCommand("CacheCluster benchmarks, each measured beside a peer in the same run. Exit codes: 0 valid run, 1 invalid run or failure, 2 usage, 3 unreachable.")
{
    RateLimitCommand.Create(),
    RateLimitCommand.CreateSiloArguments(),
    CacheCluster.Bench.Invalidation.InvalidationCommand.Create(),
    CacheCluster.Bench.Scenarios.AllCommand.Create(),
    CacheCluster.Bench.Scenarios.Stampede.StampedePeerCommand.Create(),
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
