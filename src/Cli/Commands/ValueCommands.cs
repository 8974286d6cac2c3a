using System.CommandLine;
using CacheCluster.Cli.Connection;

namespace CacheCluster.Cli.Commands;

/// <summary><c>get</c> and <c>incr</c>.</summary>
internal static class ValueCommands
{
    public static Command Get(ClusterConnection connection)
    {
        var key = KeyArgument.Create();
        var command = new Command("get", "Write the value's bytes to stdout; exit 1 when the key is missing") { key };
        command.SetAction((parse, cancellationToken) => connection.RunAsync(parse, async (cache, ct) =>
        {
            var read = await cache.TryGetBytesAsync(parse.GetRequiredValue(key), ct);
            if (read.Value is null)
            {
                Console.Error.WriteLine("(nil)");
                return ExitCodes.No;
            }

            await StandardOutput.WriteValueAsync(read.Value.Data, ct);
            return ExitCodes.Success;
        }, cancellationToken));

        return command;
    }

    public static Command Increment(ClusterConnection connection)
    {
        var key = KeyArgument.Create();
        var by = new Argument<long>("BY")
        {
            Description = "The amount to add, a 64-bit integer that may be negative",
            Arity = ArgumentArity.ZeroOrOne,
            DefaultValueFactory = _ => 1,
        };

        var command = new Command("incr", "Add BY to the integer at KEY, creating it at 0, and print the new value") { key, by };
        command.SetAction((parse, cancellationToken) => connection.RunAsync(parse, async (cache, ct) =>
        {
            Console.WriteLine(await cache.IncrementAsync(parse.GetRequiredValue(key), parse.GetValue(by), cancellationToken: ct));
            return ExitCodes.Success;
        }, cancellationToken));

        return command;
    }
}
