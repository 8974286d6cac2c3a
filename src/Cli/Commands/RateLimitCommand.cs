using System.CommandLine;
using System.Globalization;
using CacheCluster.Cli.Connection;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Cli.Commands;

/// <summary><c>ratelimit POLICY IDENTIFIER [--permits N]</c>: asks the cluster's limiter and prints its decision.</summary>
internal static class RateLimitCommand
{
    public static Command Create(ClusterConnection connection)
    {
        var policy = new Argument<string>("POLICY") { Description = "A policy configured on the silos (CacheCluster:RateLimits:{name})" };
        var identifier = new Argument<string>("IDENTIFIER") { Description = "Who is counted: a client IP, a user id" };
        var permits = new Option<int>("--permits")
        {
            Description = "Permits to take; 0 peeks without counting",
            DefaultValueFactory = _ => 1,
            CustomParser = result => Numbers.AtLeast(result, "--permits", 0),
        };
        var command = new Command("ratelimit", "Take permits from POLICY's limiter for IDENTIFIER; exit 0 allowed, 1 limited, 2 input error") { policy, identifier, permits };
        command.SetAction((parse, cancellationToken) =>
        {
            // Checked before connecting, so bad input is exit 2 even with no cluster.
            try
            {
                RateLimiterKey.For(parse.GetRequiredValue(policy), parse.GetRequiredValue(identifier));
            }
            catch (InvalidRateLimitRequestException ex)
            {
                Console.Error.WriteLine($"cachecluster: {ex.Message}");
                return Task.FromResult(ExitCodes.Usage);
            }

            return connection.RunAsync(parse, async (IServiceProvider services, CancellationToken ct) =>
            {
                var decision = await services.GetRequiredService<IClusterRateLimiter>()
                    .AcquireAsync(parse.GetRequiredValue(policy), parse.GetRequiredValue(identifier), parse.GetValue(permits), ct);
                Print(decision);
                return decision.Allowed ? ExitCodes.Success : ExitCodes.No;
            }, cancellationToken);
        });

        return command;
    }

    private static void Print(RateLimitDecision decision)
    {
        var culture = CultureInfo.InvariantCulture;
        Console.WriteLine(decision.Allowed ? "allowed" : "limited");
        Console.WriteLine(string.Create(culture, $"limit: {decision.Limit}"));
        Console.WriteLine(string.Create(culture, $"remaining: {decision.Remaining}"));
        Console.WriteLine(string.Create(culture, $"retry-after: {decision.RetryAfter.TotalSeconds:0.###}"));
        Console.WriteLine(string.Create(culture, $"reset-after: {decision.ResetAfter.TotalSeconds:0.###}"));
        if (decision.ShadowLimited)
        {
            Console.WriteLine("shadow: would be limited");
        }

        if (decision.Degraded)
        {
            Console.WriteLine($"degraded: cluster unreachable, failing {decision.FailureMode.ToString().ToLowerInvariant()}");
        }
    }
}
