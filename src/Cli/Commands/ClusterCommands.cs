using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CacheCluster.Cli.Connection;
using CacheCluster.Cli.Connection.Http;

namespace CacheCluster.Cli.Commands;

/// <summary>
/// <c>cluster</c>, <c>stats</c>, <c>hotkeys [--count N]</c> and <c>slowlog [--count N]</c>: the operator's view, over
/// the silo's HTTP API only (an admin endpoint). <c>--json</c> prints the API's answer as it is.
/// </summary>
internal static class ClusterCommands
{
    public static Command Cluster(ClusterConnection connection) =>
        Create(connection, "cluster", "Print every silo: status, addresses, uptime, version, entries, memory, hits, ops/s, evictions, leases, rate limits, invalidation lag", "v1/cluster", null, ClusterReport.Silos);

    public static Command Stats(ClusterConnection connection) =>
        Create(connection, "stats", "Print the cluster's totals, one name:value line each (like Redis INFO stats); --json prints the silos too", "v1/cluster", null, ClusterReport.Totals);

    public static Command HotKeys(ClusterConnection connection) =>
        Create(connection, "hotkeys", "Print the hottest keys across the silos (approximate recent access counts), hottest first", "v1/cluster/hotkeys", 10, ClusterReport.HotKeys);

    public static Command SlowLog(ClusterConnection connection) =>
        Create(connection, "slowlog", "Print the most recent slow operations of every silo, newest first: time, duration, phase, operation, key hash, silo", "v1/cluster/slowlog", 32, ClusterReport.SlowLog);

    private static Command Create(ClusterConnection connection, string name, string description, string path, int? defaultCount, Action<TextWriter, JsonElement> print)
    {
        var json = new Option<bool>("--json") { Description = "Print the HTTP API's JSON answer" };
        var command = new Command(name, description) { json };
        Option<int>? count = null;
        if (defaultCount is { } initial)
        {
            count = new Option<int>("--count") { Description = $"How many (default {initial})", DefaultValueFactory = _ => initial, CustomParser = result => Numbers.AtLeast(result, "--count", 1) };
            command.Options.Add(count);
        }

        command.SetAction((parse, cancellationToken) => connection.RunAsync(parse, async (IServiceProvider services, CancellationToken ct) =>
        {
            if (services.GetService(typeof(HttpOperations)) is not HttpOperations operations)
            {
                throw new InvalidCacheRequestException($"'{name}' needs the silo's HTTP API (its admin endpoint /{path}); drop --gateway and --redis, or give --url.");
            }

            var query = count is null ? path : $"{path}?count={parse.GetValue(count).ToString(CultureInfo.InvariantCulture)}";
            using var answer = await operations.GetAsync(query, ct);
            if (parse.GetValue(json))
            {
                ClusterReport.Json(Console.Out, answer);
            }
            else
            {
                print(Console.Out, answer.RootElement);
            }

            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
