using System.CommandLine;
using CacheCluster.Cli.Connection;

namespace CacheCluster.Cli.Commands;

/// <summary>
/// <c>stampede KEY</c>: many concurrent GetOrSet calls on one cold key, started at an agreed wall-clock time so that
/// several processes hit the cluster together; prints how often the factory ran here and the callers' latencies.
/// </summary>
internal static class StampedeCommand
{
    private static readonly TimeProvider Clock = TimeProvider.System;

    // A start time further ahead than this is a mistake (seconds instead of milliseconds, say), not a plan.
    private static readonly TimeSpan MaxStartAhead = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan DefaultTimeToLive = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan WarmupTimeToLive = TimeSpan.FromSeconds(10);

    public static Command Create(ClusterConnection connection)
    {
        var key = KeyArgument.Create();
        var callers = new Option<int>("--callers")
        {
            Description = "How many concurrent GetOrSet calls this process makes",
            HelpName = "N",
            DefaultValueFactory = _ => 250,
            CustomParser = result => Numbers.AtLeast(result, "--callers", 1),
        };
        var factoryMs = new Option<int>("--factory-ms")
        {
            Description = "How long the factory takes (a simulated slow database), in milliseconds",
            HelpName = "MS",
            DefaultValueFactory = _ => 100,
            CustomParser = result => Numbers.AtLeast(result, "--factory-ms", 0),
        };
        var startAt = new Option<long?>("--start-at")
        {
            Description = "Start the callers at this wall-clock time, in Unix milliseconds, so several processes start together [default: at once]",
            HelpName = "UNIX_MS",
            CustomParser = result => Numbers.AtLeast(result, "--start-at", 0L),
        };
        var ttl = Seconds.Option("--ttl", "Hard expiry of the computed value [default: 60]");
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text" };
        var latencies = new Option<bool>("--latencies") { Description = "With --json, include each caller's latency (latenciesMs) and start after the first caller's (startOffsetsMs), in ms" };
        var noWarmup = new Option<bool>("--no-warmup")
        {
            Description = "Skip the GetOrSet on a key of this process's own, made before waiting, that keeps JIT and connection set-up out of the latencies",
        };

        var command = new Command(
            "stampede",
            "Make many concurrent GetOrSet calls on KEY with a slow factory; print the factory runs in this process, errors, latency percentiles and the distinct values returned")
        {
            key, callers, factoryMs, startAt, ttl, json, latencies, noWarmup,
        };

        command.SetAction((parse, cancellationToken) =>
        {
            DateTimeOffset? start = parse.GetValue(startAt) is { } unixMs ? DateTimeOffset.FromUnixTimeMilliseconds(unixMs) : null;
            if (start - Clock.GetUtcNow() > MaxStartAhead)
            {
                Console.Error.WriteLine($"cachecluster: --start-at is more than {MaxStartAhead.TotalMinutes:0} minutes ahead; it takes Unix milliseconds.");
                return Task.FromResult(ExitCodes.Usage);
            }

            return connection.RunAsync(parse, async (cache, ct) =>
            {
                var options = new GetOrSetOptions { Entry = new CacheEntryOptions { TimeToLive = parse.GetValue(ttl) ?? DefaultTimeToLive } };
                TimeSpan? warmup = parse.GetValue(noWarmup) ? null : await WarmUpAsync(cache, ct);

                TimeSpan? readyBeforeStart = null;
                if (start is { } at)
                {
                    readyBeforeStart = at - Clock.GetUtcNow();
                    if (readyBeforeStart > TimeSpan.Zero)
                    {
                        await Task.Delay(readyBeforeStart.Value, Clock, ct);
                    }
                }

                var startLag = start is { } agreed ? Clock.GetUtcNow() - agreed : TimeSpan.Zero;
                var run = new StampedeRun(cache, parse.GetRequiredValue(key), parse.GetValue(callers), TimeSpan.FromMilliseconds(parse.GetValue(factoryMs)), options);
                var report = await run.RunAsync(ct) with
                {
                    StartAt = start,
                    ReadyBeforeStart = readyBeforeStart,
                    StartLag = startLag,
                    Warmup = warmup,
                    ProcessCpu = Environment.CpuUsage.TotalTime,
                };

                if (parse.GetValue(json))
                {
                    await using var stdout = Console.OpenStandardOutput();
                    await report.WriteJsonAsync(stdout, parse.GetValue(latencies), ct);
                }
                else
                {
                    report.WriteText(Console.Out);
                }

                return ExitCodes.Success;
            }, cancellationToken);
        });

        return command;
    }

    /// <summary>One GetOrSet on a fresh key of this process's own: loads the code paths and the gateway connection.</summary>
    private static async Task<TimeSpan> WarmUpAsync(IClusterCache cache, CancellationToken cancellationToken)
    {
        var started = Clock.GetTimestamp();
        var options = new GetOrSetOptions { Entry = new CacheEntryOptions { TimeToLive = WarmupTimeToLive } };
        await cache.GetOrSetAsync<string>($"cachecluster:stampede-warmup:{Guid.NewGuid():N}", static _ => Task.FromResult<string?>("warmup"), options, cancellationToken);
        return Clock.GetElapsedTime(started);
    }
}
