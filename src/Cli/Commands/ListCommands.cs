using System.CommandLine;
using CacheCluster.Cli.Connection;

namespace CacheCluster.Cli.Commands;

/// <summary><c>lpush</c>, <c>rpush</c>, <c>lrange</c>, <c>llen</c>, <c>lrem</c> and <c>ltrim</c>, as in Redis.</summary>
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

    public static Command Remove(ClusterConnection connection)
    {
        var key = KeyArgument.Create();
        var count = new Argument<long>("COUNT") { Description = "How many to remove: N > 0 the first N from the head, N < 0 the last N from the tail, 0 all" };
        var value = new Argument<string>("VALUE") { Description = "The element to remove, compared as UTF-8 text" };
        var command = new Command("lrem", "Remove elements equal to VALUE from the list at KEY and print how many were removed (0 when missing)") { key, count, value };
        command.SetAction((parse, cancellationToken) => connection.RunAsync(parse, async (cache, ct) =>
        {
            Console.WriteLine(await cache.ListRemoveAsync(parse.GetRequiredValue(key), parse.GetRequiredValue(value), parse.GetValue(count), ct));
            return ExitCodes.Success;
        }, cancellationToken));

        return command;
    }

    public static Command Trim(ClusterConnection connection)
    {
        var key = KeyArgument.Create();
        var start = new Argument<long>("START") { Description = "The first index kept; negative counts from the end" };
        var stop = new Argument<long>("STOP") { Description = "The last index kept, inclusive; -1 is the last element" };
        var command = new Command("ltrim", "Keep only elements START to STOP of the list at KEY and print OK (an empty range removes the list)") { key, start, stop };
        command.SetAction((parse, cancellationToken) => connection.RunAsync(parse, async (cache, ct) =>
        {
            await cache.ListTrimAsync(parse.GetRequiredValue(key), parse.GetValue(start), parse.GetValue(stop), ct);
            Console.WriteLine("OK");
            return ExitCodes.Success;
        }, cancellationToken));

        return command;
    }
}
