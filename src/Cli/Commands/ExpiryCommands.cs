using System.CommandLine;
using CacheCluster.Cli.Connection;

namespace CacheCluster.Cli.Commands;

/// <summary>
/// <c>expire</c>, <c>persist</c> and <c>touch</c>: a key's expiry changed without rewriting it. Each prints the integer
/// Redis prints, 1 or 0, and exits 1 for 0.
/// </summary>
internal static class ExpiryCommands
{
    public static Command Expire(ClusterConnection connection)
    {
        var key = KeyArgument.Create();
        var seconds = Seconds.Argument("SECONDS", "The new time to live in seconds, decimals allowed (1.5); 0 removes the key");
        var command = new Command("expire", "Make KEY expire SECONDS from now, replacing its sliding window; print 1, or 0 and exit 1 when the key is missing") { key, seconds };
        command.SetAction((parse, cancellationToken) => connection.RunAsync(parse, async (cache, ct) =>
            KeyCommands.YesOrNo(await cache.ExpireAsync(parse.GetRequiredValue(key), parse.GetRequiredValue(seconds), ct)), cancellationToken));

        return command;
    }

    public static Command Persist(ClusterConnection connection)
    {
        var key = KeyArgument.Create();
        var command = new Command("persist", "Remove KEY's expiry; print 1, or 0 and exit 1 when the key is missing or had no expiry") { key };
        command.SetAction((parse, cancellationToken) => connection.RunAsync(parse, async (cache, ct) =>
            KeyCommands.YesOrNo(await cache.PersistAsync(parse.GetRequiredValue(key), ct)), cancellationToken));

        return command;
    }

    public static Command Touch(ClusterConnection connection)
    {
        var key = KeyArgument.Create();
        var command = new Command("touch", "Extend KEY's expiry by its sliding window (capped by its absolute expiry); print 1, or 0 and exit 1 when the key is missing") { key };
        command.SetAction((parse, cancellationToken) => connection.RunAsync(parse, async (cache, ct) =>
            KeyCommands.YesOrNo(await cache.TouchAsync(parse.GetRequiredValue(key), ct)), cancellationToken));

        return command;
    }
}
