using System.CommandLine;
using System.Globalization;
using CacheCluster.Cli.Connection;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Cli.Commands;

/// <summary><c>del</c>, <c>exists</c>, <c>ttl</c> and <c>info</c>: questions about a key rather than its value.</summary>
internal static class KeyCommands
{
    public static Command Delete(ClusterConnection connection)
    {
        var key = KeyArgument.Create();
        var command = new Command("del", "Remove KEY; print 1 if it existed, else 0 and exit 1") { key };
        command.SetAction((parse, cancellationToken) => connection.RunAsync(parse, async (cache, ct) =>
            YesOrNo(await cache.RemoveAsync(parse.GetRequiredValue(key), ct)), cancellationToken));

        return command;
    }

    public static Command Exists(ClusterConnection connection)
    {
        var key = KeyArgument.Create();
        var command = new Command("exists", "Print 1 if KEY exists (fresh or stale), else 0 and exit 1") { key };
        command.SetAction((parse, cancellationToken) => connection.RunAsync(parse, async (cache, ct) =>
            YesOrNo(await cache.ExistsAsync(parse.GetRequiredValue(key), ct)), cancellationToken));

        return command;
    }

    public static Command TimeToLive(ClusterConnection connection)
    {
        var key = KeyArgument.Create();
        var command = new Command("ttl", "Print the seconds left before KEY expires (rounded up), -1 for no expiry, -2 and exit 1 when missing") { key };
        command.SetAction((parse, cancellationToken) => connection.RunAsync(parse, async (cache, ct) =>
        {
            var ttl = await cache.GetTimeToLiveAsync(parse.GetRequiredValue(key), ct);
            Console.WriteLine(ttl switch
            {
                { Exists: false } => -2,
                { TimeToLive: null } => -1,
                { TimeToLive: { } left } => (long)Math.Ceiling(left.TotalSeconds),
            });

            return ttl.Exists ? ExitCodes.Success : ExitCodes.No;
        }, cancellationToken));

        return command;
    }

    public static Command Info(ClusterConnection connection)
    {
        var key = KeyArgument.Create();
        var command = new Command("info", "Print KEY's metadata as 'name: value' lines, with its lease, waiters, near-cache trackers and last invalidation; exit 1 when missing") { key };
        command.SetAction((parse, cancellationToken) => connection.RunAsync(parse, async (IServiceProvider services, CancellationToken ct) =>
        {
            var name = parse.GetRequiredValue(key);
            var info = await services.GetRequiredService<IClusterCache>().GetInfoAsync(name, ct);
            var diagnostics = services.GetService<IGrainFactory>() is { } grains
                ? await grains.GetGrain<ICacheEntryGrain>(name).GetDiagnosticsAsync().WaitAsync(ct)
                : null;
            if (info is null)
            {
                // Why it is missing, when this silo remembers: the invalidation that removed it.
                Console.Error.WriteLine(diagnostics?.LastInvalidation is { } cause ? $"(nil) removed by {cause} at {Timestamp(diagnostics.LastInvalidatedAt)}" : "(nil)");
                return ExitCodes.No;
            }

            Console.Write(
                $"""
                kind: {(info.Kind == CacheEntryKind.List ? "list" : "value")}
                version: {info.Version}
                state: {(info.State == CacheEntryState.Stale ? "stale" : "fresh")}
                content-type: {info.ContentType}
                size: {info.SizeBytes}
                length: {info.Length}
                last-modified: {Timestamp(info.LastModified)}
                fresh-until: {Timestamp(info.FreshUntil)}
                expires-at: {Timestamp(info.ExpiresAt)}
                sliding: {(info.SlidingExpiration is { } sliding ? sliding.TotalSeconds.ToString(CultureInfo.InvariantCulture) : "none")}
                absolute-expires-at: {Timestamp(info.AbsoluteExpiresAt)}
                tags: {string.Join(',', info.Tags)}

                """);
            if (diagnostics is not null)
            {
                Console.Write(
                    $"""
                    lease: {(diagnostics.Lease is { } lease ? $"{(lease.Kind == CacheLeaseKind.Fill ? "fill" : "refresh")} until {Timestamp(lease.ExpiresAt)}" : "none")}
                    waiters: {diagnostics.Waiters}
                    trackers: {diagnostics.Trackers}
                    last-invalidation: {(diagnostics.LastInvalidation is { } cause ? $"{cause} at {Timestamp(diagnostics.LastInvalidatedAt)}" : "none")}

                    """);
            }

            return ExitCodes.Success;
        }, cancellationToken));

        return command;
    }

    internal static int YesOrNo(bool answer)
    {
        Console.WriteLine(answer ? 1 : 0);
        return answer ? ExitCodes.Success : ExitCodes.No;
    }

    private static string Timestamp(DateTimeOffset? time) =>
        time is { } value ? value.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) : "never";
}
