using System.CommandLine;
using CacheCluster.Cli.Connection;

namespace CacheCluster.Cli.Commands;

/// <summary><c>lpush</c>, <c>rpush</c>, <c>lrange</c> and <c>llen</c>, as in Redis.</summary>
internal static class ListCommands
{
    public static Command Push(ClusterConnection connection, ListEnd end)
    {
        var key = KeyArgument.Create();
        var values = new Argument<string[]>("VALUE")
        {
            Description = "The values, stored as UTF-8 text",
            Arity = ArgumentArity.OneOrMore,
        };

        var (name, description) = end == ListEnd.Head
            ? ("lpush", "Push VALUEs onto the head of the list at KEY (the last one ends up first) and print its length")
            : ("rpush", "Append VALUEs to the tail of the list at KEY and print its length");
        var command = new Command(name, description) { key, values };
        command.SetAction((parse, cancellationToken) => connection.RunAsync(parse, async (cache, ct) =>
        {
            Console.WriteLine(await cache.ListPushAsync(parse.GetRequiredValue(key), end, parse.GetRequiredValue(values), cancellationToken: ct));
            return ExitCodes.Success;
        }, cancellationToken));

        return command;
    }

    public static Command Range(ClusterConnection connection)
    {
        var key = KeyArgument.Create();
        var start = new Argument<long>("START") { Description = "The first index; negative counts from the end" };
        var stop = new Argument<long>("STOP") { Description = "The last index, inclusive; -1 is the last element" };
        var command = new Command("lrange", "Print elements START to STOP of the list at KEY, one per line") { key, start, stop };
        command.SetAction((parse, cancellationToken) => connection.RunAsync(parse, async (cache, ct) =>
        {
            var elements = await cache.ListRangeAsync<byte[]>(parse.GetRequiredValue(key), parse.GetValue(start), parse.GetValue(stop), ct);
            await StandardOutput.WriteLinesAsync(elements, ct);
            return ExitCodes.Success;
        }, cancellationToken));

        return command;
    }

    public static Command Length(ClusterConnection connection)
    {
        var key = KeyArgument.Create();
        var command = new Command("llen", "Print the length of the list at KEY (0 when missing)") { key };
        command.SetAction((parse, cancellationToken) => connection.RunAsync(parse, async (cache, ct) =>
        {
            Console.WriteLine(await cache.ListLengthAsync(parse.GetRequiredValue(key), ct));
            return ExitCodes.Success;
        }, cancellationToken));

        return command;
    }
}
