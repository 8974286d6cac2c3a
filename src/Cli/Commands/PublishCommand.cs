using System.CommandLine;
using System.Globalization;
using CacheCluster.Cli.Connection;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Cli.Commands;

/// <summary>
/// <c>publish TYPE JSON [--id ID] [--subject S] [--wait]</c>: publishes a domain event to the invalidation stream and
/// prints <c>accepted|unmatched|duplicate PARTITION:SEQUENCE</c>.
/// </summary>
internal static class PublishCommand
{
    public static Command Create(ClusterConnection connection)
    {
        var type = new Argument<string>("TYPE") { Description = "The event type, such as user.updated" };
        var json = new Argument<string>("JSON") { Description = "The event's data, a JSON object such as '{\"user_id\": 42}'" };
        var id = new Option<string?>("--id") { Description = "The event id; publishing an id again within the duplicate window is a no-op (default: a new id)", HelpName = "ID" };
        var subject = new Option<string?>("--subject") { Description = "The entity the event is about; events about one entity keep their order (default: from the rule)", HelpName = "S" };
        var wait = new Option<bool>("--wait") { Description = "Return only once the event has been applied and announced" };
        var command = new Command("publish", "Publish a domain event; print accepted|unmatched|duplicate PARTITION:SEQUENCE")
        {
            type, json, id, subject, wait,
        };

        command.SetAction((parse, cancellationToken) =>
        {
            var domainEvent = new DomainEvent(
                parse.GetValue(id) ?? Guid.NewGuid().ToString("N"),
                parse.GetValue(type)!,
                TimeProvider.System.GetUtcNow(),
                parse.GetValue(json)!)
            {
                Subject = parse.GetValue(subject),
            };

            // Checked before connecting, so a malformed event is exit 2 even with no cluster.
            try
            {
                domainEvent.ParseData(int.MaxValue).Dispose();
            }
            catch (InvalidDomainEventException ex)
            {
                Console.Error.WriteLine($"cachecluster: {ex.Message}");
                return Task.FromResult(ExitCodes.Usage);
            }

            return connection.RunAsync(parse, async (IServiceProvider services, CancellationToken ct) =>
            {
                var receipt = await services.GetRequiredService<IClusterCache>().PublishAsync(domainEvent, ct);
                if (parse.GetValue(wait))
                {
                    await services.GetRequiredService<IClusterClient>().GetGrain<IInvalidationStreamGrain>(receipt.Partition)
                        .WaitForAppliedAsync(receipt.Sequence).WaitAsync(ct);
                }

                var outcome = receipt.Duplicate ? "duplicate" : receipt.Matched ? "accepted" : "unmatched";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{outcome} {receipt.Partition}:{receipt.Sequence}"));
                return ExitCodes.Success;
            }, cancellationToken);
        });

        return command;
    }
}
