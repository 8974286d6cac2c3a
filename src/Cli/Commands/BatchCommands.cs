using System.CommandLine;
using System.Text;
using CacheCluster.Cli.Connection;
using CacheCluster.Serialization;

namespace CacheCluster.Cli.Commands;

/// <summary><c>mget KEY...</c> and <c>mset KEY VALUE [KEY VALUE ...]</c>: many keys in one request, as Redis MGET and MSET.</summary>
internal static class BatchCommands
{
    private static readonly byte[] Nil = "(nil)"u8.ToArray();

    public static Command Get(ClusterConnection connection)
    {
        var keys = Keys("KEY", "The keys");
        var command = new Command("mget", "Print each KEY's value on its own line, (nil) for a missing key (as redis-cli); exit 1 when any is missing") { keys };
        command.SetAction((parse, cancellationToken) => connection.RunAsync(parse, async (cache, ct) =>
        {
            var reads = await cache.GetManyBytesAsync(parse.GetRequiredValue(keys), cancellationToken: ct);
            await StandardOutput.WriteLinesAsync(reads.Select(read => read.Value?.Data ?? Nil), ct);
            return reads.All(read => read.Value is not null) ? ExitCodes.Success : ExitCodes.No;
        }, cancellationToken));

        return command;
    }

    public static Command Set(ClusterConnection connection)
    {
        var pairs = Keys("KEY VALUE", "Keys, each followed by its value (stored as UTF-8 text)", checkEvery: 2);
        var command = new Command("mset", "Store each VALUE at its KEY (unconditionally, as Redis MSET) and print OK") { pairs };
        command.Validators.Add(result =>
        {
            if (result.GetValue(pairs) is { Length: > 0 } given && given.Length % 2 != 0)
            {
                result.AddError("mset takes KEY VALUE pairs: the last key has no value.");
            }
        });
        command.SetAction((parse, cancellationToken) => connection.RunAsync(parse, async (cache, ct) =>
        {
            var words = parse.GetRequiredValue(pairs);
            var items = Enumerable.Range(0, words.Length / 2)
                .Select(i => KeyValuePair.Create(words[2 * i], new CacheValue(Encoding.UTF8.GetBytes(words[(2 * i) + 1]), CacheSerializer.TextContentType)))
                .ToArray();
            await cache.SetManyBytesAsync(items, cancellationToken: ct);
            Console.WriteLine("OK");
            return ExitCodes.Success;
        }, cancellationToken));

        return command;
    }

    /// <summary>One or more words, every <paramref name="checkEvery"/>-th of them a key checked before connecting (exit 2).</summary>
    private static Argument<string[]> Keys(string name, string description, int checkEvery = 1)
    {
        var argument = new Argument<string[]>(name) { Description = description, Arity = ArgumentArity.OneOrMore };
        argument.Validators.Add(result =>
        {
            var words = result.GetValueOrDefault<string[]>() ?? [];
            try
            {
                for (var i = 0; i < words.Length; i += checkEvery)
                {
                    CacheKey.Validate(words[i]);
                }
            }
            catch (InvalidCacheKeyException ex)
            {
                result.AddError(ex.Message);
            }
        });

        return argument;
    }
}
