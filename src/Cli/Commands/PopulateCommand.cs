using System.CommandLine;
using System.Security.Cryptography;
using CacheCluster.Cli.Connection;
using CacheCluster.Serialization;

namespace CacheCluster.Cli.Commands;

/// <summary><c>populate COUNT</c>: writes many entries of a given size, to measure memory per entry and write rate.</summary>
internal static class PopulateCommand
{
    public static Command Create(ClusterConnection connection)
    {
        var count = new Argument<long>("COUNT")
        {
            Description = "How many entries to write",
            CustomParser = result => Numbers.AtLeast(result, "COUNT", 0L),
        };
        var size = new Option<int>("--size")
        {
            Description = "The size of each value in bytes",
            HelpName = "BYTES",
            DefaultValueFactory = _ => 100,
            CustomParser = result => Numbers.AtLeast(result, "--size", 0),
        };
        var prefix = new Option<string>("--prefix") { Description = "Keys are PREFIX0, PREFIX1, ...", HelpName = "PREFIX", DefaultValueFactory = _ => "key:" };
        var ttl = Seconds.Option("--ttl", "Hard expiry of each entry");
        var concurrency = new Option<int>("--concurrency")
        {
            Description = "How many writes are in flight at once",
            HelpName = "N",
            DefaultValueFactory = _ => 64,
            CustomParser = result => Numbers.AtLeast(result, "--concurrency", 1),
        };

        var command = new Command("populate", "Write COUNT entries of random bytes and print how many were written and how long it took")
        {
            count, size, prefix, ttl, concurrency,
        };

        command.SetAction((parse, cancellationToken) => connection.RunAsync(parse, async (cache, ct) =>
        {
            var keyPrefix = parse.GetRequiredValue(prefix);
            var valueSize = parse.GetValue(size);
            var options = parse.GetValue(ttl) is { } timeToLive ? new CacheEntryOptions { TimeToLive = timeToLive } : null;
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = parse.GetValue(concurrency), CancellationToken = ct };
            long written = 0;
            var started = TimeProvider.System.GetTimestamp();
            try
            {
                await Parallel.ForAsync(0, parse.GetValue(count), parallel, async (i, token) =>
                {
                    var data = new byte[valueSize];
                    RandomNumberGenerator.Fill(data);
                    await cache.SetBytesAsync($"{keyPrefix}{i}", new CacheValue(data, CacheSerializer.BinaryContentType), options, cancellationToken: token);
                    Interlocked.Increment(ref written);
                });
            }
            finally
            {
                var elapsed = TimeProvider.System.GetElapsedTime(started);
                Console.WriteLine($"wrote {written} entries of {valueSize} bytes in {elapsed.TotalSeconds:0.000} s ({written / Math.Max(elapsed.TotalSeconds, 1e-9):0} entries/s)");
            }

            return ExitCodes.Success;
        }, cancellationToken));

        return command;
    }
}
