using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using CacheCluster.Bench.Reporting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace CacheCluster.Bench.RateLimiting;

/// <summary>
/// <c>ratelimit</c>: runs S5 against a running silo and a Redis; <c>ratelimit-silo-args</c>: prints the silo arguments
/// that configure the policies the benchmark uses.
/// </summary>
internal static class RateLimitCommand
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    public static Command Create()
    {
        var redis = new Option<string>("--redis") { Description = "The Redis the silo uses, as HOST:PORT (RedisRateLimiting runs on it too)", HelpName = "HOST:PORT", Required = true };
        var gateway = new Option<string[]>("--gateway") { Description = "The silo's gateway as HOST:PORT; repeat for several", HelpName = "HOST:PORT", Required = true };
        var clusterId = new Option<string>("--cluster-id") { Description = "The silo's cluster id", HelpName = "ID", DefaultValueFactory = _ => "cachecluster" };
        var serviceId = new Option<string>("--service-id") { Description = "The silo's service id", HelpName = "ID", DefaultValueFactory = _ => "cachecluster" };
        var seconds = new Option<double?>("--seconds") { Description = "Length of each timed run [default: 10; 2 with --quick]", HelpName = "S", CustomParser = r => Positive(r, "--seconds") };
        var callers = new Option<int>("--callers") { Description = "Concurrent callers", HelpName = "N", DefaultValueFactory = _ => 64, CustomParser = r => (int)Positive(r, "--callers") };
        var identifiers = new Option<int>("--ids") { Description = "Identifiers the many-ids runs spread over", HelpName = "N", DefaultValueFactory = _ => 10_000, CustomParser = r => (int)Positive(r, "--ids") };
        var attempts = new Option<int>("--attempts") { Description = "Attempts in each exactness run (limit 1,000)", HelpName = "N", DefaultValueFactory = _ => 5_000, CustomParser = r => (int)Positive(r, "--attempts") };
        var quick = new Option<bool>("--quick") { Description = "2 s runs and 0.5 s warm-ups: a smoke test, not a measurement" };
        var output = new Option<string>("--out") { Description = "Directory for ratelimit-<date>.json and .md", HelpName = "DIR", DefaultValueFactory = _ => Path.Combine("bench", "results") };
        var siloPid = new Option<int?>("--silo-pid") { Description = "The silo's process id, to report its CPU time per decision", HelpName = "PID" };
        var command = new Option<string?>("--command") { Description = "The command to record as the way to reproduce the run [default: this one]", HelpName = "TEXT" };

        var ratelimit = new Command("ratelimit", "S5: rate-limit decisions per second, CacheCluster beside RedisRateLimiting on the same Redis, and exact admitted counts")
        {
            redis, gateway, clusterId, serviceId, seconds, callers, identifiers, attempts, quick, output, siloPid, command,
        };

        ratelimit.SetAction(async (parse, cancellationToken) =>
        {
            var isQuick = parse.GetValue(quick);
            var settings = new RateLimitBenchSettings(
                parse.GetValue(callers),
                TimeSpan.FromSeconds(parse.GetValue(seconds) ?? (isQuick ? 2 : 10)),
                TimeSpan.FromSeconds(isQuick ? 0.5 : 1),
                parse.GetValue(identifiers),
                parse.GetValue(attempts),
                parse.GetValue(siloPid),
                parse.GetValue(command) ?? $"dotnet run --project tests/Bench -c Release -- {string.Join(' ', parse.Tokens.Select(t => t.Value))}");
            return await RunAsync(
                parse.GetRequiredValue(redis),
                parse.GetRequiredValue(gateway),
                parse.GetRequiredValue(clusterId),
                parse.GetRequiredValue(serviceId),
                parse.GetRequiredValue(output),
                settings,
                cancellationToken);
        });

        return ratelimit;
    }

    public static Command CreateSiloArguments()
    {
        var command = new Command("ratelimit-silo-args", "Print, one per line, the silo arguments that configure the policies 'ratelimit' uses");
        command.SetAction(_ =>
        {
            foreach (var argument in BenchPolicy.All.SelectMany(policy => policy.SiloArguments()))
            {
                Console.WriteLine(argument);
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(
        string redisEndpoint,
        string[] gateways,
        string clusterId,
        string serviceId,
        string outputDirectory,
        RateLimitBenchSettings settings,
        CancellationToken cancellationToken)
    {
        var clock = TimeProvider.System;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddCacheClusterClient(options =>
        {
            options.WaitForCluster = true;
            foreach (var gateway in gateways)
            {
                options.Gateways.Add(gateway);
            }

            options.ClusterId = clusterId;
            options.ServiceId = serviceId;
            options.ConnectTimeout = ConnectTimeout;
        });

        using var host = builder.Build();
        using (var connecting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            connecting.CancelAfter(ConnectTimeout + TimeSpan.FromSeconds(5));
            try
            {
                await host.StartAsync(connecting.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or OrleansException or CacheClusterException)
            {
                await Console.Error.WriteLineAsync($"cachecluster-bench: could not connect to the cluster at {string.Join(", ", gateways)}: {ex.Message}");
                return 3;
            }
        }

        try
        {
            ConnectionMultiplexer redis, monitor;
            try
            {
                // RedisRateLimiting gets a plain connection; INFO (CPU time, version) goes over a second, admin one.
                redis = await ConnectionMultiplexer.ConnectAsync(redisEndpoint);
                var monitorOptions = ConfigurationOptions.Parse(redisEndpoint);
                monitorOptions.AllowAdmin = true;
                monitor = await ConnectionMultiplexer.ConnectAsync(monitorOptions);
            }
            catch (RedisConnectionException ex)
            {
                await Console.Error.WriteLineAsync($"cachecluster-bench: could not connect to Redis at {redisEndpoint}: {ex.Message}");
                return 3;
            }

            await using (redis)
            await using (monitor)
            {
                var benchmark = new RateLimitBenchmark(
                    host.Services.GetRequiredService<IClusterRateLimiter>(), redis, monitor.GetServer(monitor.GetEndPoints()[0]), settings, clock, Console.Out);
                RateLimitReport report;
                try
                {
                    report = await benchmark.RunAsync();
                }
                catch (InvalidOperationException ex)
                {
                    await Console.Error.WriteLineAsync($"cachecluster-bench: {ex.Message}");
                    return 1;
                }

                Console.WriteLine();
                Console.Write(RateLimitReportWriter.ToConsoleTable(report));
                Directory.CreateDirectory(outputDirectory);
                var path = Path.Combine(outputDirectory, string.Create(CultureInfo.InvariantCulture, $"ratelimit-{report.StartedAt:yyyy-MM-dd'T'HHmmss'Z'}"));
                await File.WriteAllTextAsync(path + ".json", RateLimitReportWriter.ToJson(report), cancellationToken);
                await File.WriteAllTextAsync(path + ".md", RateLimitReportWriter.ToMarkdown(report), cancellationToken);
                Console.WriteLine($"wrote {path}.json and {path}.md");
                if (!report.Valid)
                {
                    await Console.Error.WriteLineAsync("cachecluster-bench: the run is not valid: a decision failed or degraded, or an exactness run was not exact.");
                    return 1;
                }

                return 0;
            }
        }
        finally
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5), clock);
            try
            {
                await host.StopAsync(stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or OrleansException or TimeoutException)
            {
                // Best effort: the results are written.
            }
        }
    }

    private static double Positive(ArgumentResult result, string name)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value > 0) || !double.IsFinite(value))
        {
            result.AddError($"{name} must be a positive number (was '{text}').");
            return 1;
        }

        return value;
    }
}
