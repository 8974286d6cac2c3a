using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CacheCluster.Bench.Cli;

/// <summary>
/// <c>cli</c>: the <see cref="CliScenario"/> against a running silo (its HTTP API and gateway) and a redis-server,
/// printed as a Markdown table with each target's median next to redis-cli's.
/// </summary>
internal static class CliCommand
{
    public static Command Create()
    {
        var cli = new Option<string>("--cli") { Description = "The cachecluster CLI dll", HelpName = "DLL", Required = true };
        var url = new Option<string>("--url") { Description = "The silo's HTTP API", HelpName = "URL", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var gateway = new Option<string>("--gateway") { Description = "The silo's gateway", HelpName = "HOST:PORT", DefaultValueFactory = _ => "127.0.0.1:30000" };
        var clusterId = new Option<string>("--cluster-id") { HelpName = "ID", DefaultValueFactory = _ => "cachecluster" };
        var serviceId = new Option<string>("--service-id") { HelpName = "ID", DefaultValueFactory = _ => "cachecluster" };
        var redis = new Option<string>("--redis") { Description = "A redis-server for redis-cli", HelpName = "HOST:PORT", DefaultValueFactory = _ => "127.0.0.1:6379" };
        var calls = new Option<int>("--calls") { Description = "Measured calls per target", HelpName = "N", DefaultValueFactory = _ => 20 };
        var command = new Command("cli", "cachecluster get over HTTP and over the gateway, and a closed URL, beside redis-cli GET: median and p95 wall time of whole processes")
        {
            cli, url, gateway, clusterId, serviceId, redis, calls,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new CliBenchSettings(
                Path.GetFullPath(parse.GetRequiredValue(cli)),
                parse.GetRequiredValue(url),
                parse.GetRequiredValue(gateway),
                parse.GetRequiredValue(clusterId),
                parse.GetRequiredValue(serviceId),
                parse.GetRequiredValue(redis),
                ClosedPort(),
                Math.Max(1, parse.GetValue(calls)));
            Console.WriteLine($"cli: {settings.Calls} calls per target, {Environment.ProcessorCount} cores");
            try
            {
                var rows = await CliScenario.RunAsync(settings, Console.Out, cancellationToken);
                Console.WriteLine();
                Console.Write(ToMarkdown(rows));
                return 0;
            }
            catch (BenchFailureException ex)
            {
                await Console.Error.WriteLineAsync($"cachecluster-bench: the run is not valid: {ex.Message}");
                return 1;
            }
        });

        return command;
    }

    private static string ToMarkdown(IReadOnlyList<CliRow> rows)
    {
        var culture = CultureInfo.InvariantCulture;
        var redis = rows[0].MedianMs;
        var text = new StringBuilder()
            .AppendLine("| Target | Calls | Median ms | p95 ms | Min–max ms | Median ÷ redis-cli's |")
            .AppendLine("|---|---|---|---|---|---|");
        foreach (var row in rows)
        {
            text.AppendLine(string.Create(culture, $"| {row.Target} | {row.Calls} | {row.MedianMs:0} | {row.P95Ms:0} | {row.MinMs:0}–{row.MaxMs:0} | {row.MedianMs / redis:0.0}× |"));
        }

        return text.ToString();
    }

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
