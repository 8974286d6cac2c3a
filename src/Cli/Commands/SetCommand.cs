using System.CommandLine;
using System.CommandLine.Parsing;
using CacheCluster.Cli.Connection;

namespace CacheCluster.Cli.Commands;

/// <summary>
/// <c>set KEY VALUE [--ttl S] [--fresh S] [--nx|--xx|--version-match N] [--tags a,b] [--durability stored|writebehind]</c>; VALUE <c>-</c> reads the value's
/// bytes from stdin, like redis-cli's <c>-x</c>.
/// </summary>
internal static class SetCommand
{
    public static Command Create(ClusterConnection connection)
    {
        var key = KeyArgument.Create();
        var value = new Argument<string>("VALUE")
        {
            Description = "The value, stored as UTF-8 text; - reads the bytes from stdin as they are (up to 64 MiB; the cluster's limit, 1 MiB by default, applies)",
        };
        var ttl = Seconds.Option("--ttl", "Hard expiry: the key is gone after this many seconds");
        var fresh = Seconds.Option("--fresh", "Soft expiry: the value is fresh for this many seconds, stale after (default: half of --ttl)");
        var ifNotExists = new Option<bool>("--nx") { Description = "Only set if KEY does not exist" };
        var ifExists = new Option<bool>("--xx") { Description = "Only set if KEY exists" };
        var versionMatch = new Option<long?>("--version-match")
        {
            Description = "Compare-and-set: only set if KEY is at version N (exit 1 on a conflict)",
            HelpName = "N",
            CustomParser = result => Numbers.AtLeast(result, "--version-match", 1L),
        };
        var tags = new Option<string?>("--tags") { Description = "Comma-separated tags for invalidation", HelpName = "a,b" };
        var durability = new Option<string?>("--durability")
        {
            Description = "When the write is acknowledged: stored (once Redis has it) or writebehind (once the key's grain has it; Redis within the silo's MaxWriteDelay) [default: the silo's CacheCluster:Durability]",
            HelpName = "stored|writebehind",
        };
        durability.AcceptOnlyFromAmong("stored", "writebehind");

        var command = new Command("set", "Store VALUE at KEY and print 'OK version=N'; exit 1 when --nx/--xx is not met")
        {
            key, value, ttl, fresh, ifNotExists, ifExists, versionMatch, tags, durability,
        };

        // Contradictions are usage errors (exit 2), found before connecting.
        command.Validators.Add(result =>
        {
            if (new Option[] { ifNotExists, ifExists, versionMatch }.Count(option => result.GetResult(option) is not null) > 1)
            {
                result.AddError("--nx, --xx and --version-match cannot be combined.");
            }

            try
            {
                Options(result).Validate();
            }
            catch (InvalidCacheOptionsException ex)
            {
                result.AddError(ex.Message);
            }
            catch (InvalidOperationException)
            {
                // A value that does not parse (--ttl abc) reports its own error; System.CommandLine throws here.
            }
        });

        command.SetAction(async (parse, cancellationToken) =>
        {
            byte[]? input = null;
            if (parse.GetRequiredValue(value) == StandardInput.Marker)
            {
                try
                {
                    input = await StandardInput.ReadAsync(cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return ExitCodes.Cancelled;
                }

                if (input is null)
                {
                    Console.Error.WriteLine($"cachecluster: the value on stdin is larger than {StandardInput.MaxBytes} bytes (64 MiB), the most a cluster accepts; nothing was written.");
                    return ExitCodes.Usage;
                }
            }

            return await connection.RunAsync(parse, (cache, ct) => WriteAsync(cache, parse, input, ct), cancellationToken);
        });

        return command;

        async Task<int> WriteAsync(IClusterCache cache, ParseResult parse, byte[]? input, CancellationToken ct)
        {
            var condition = parse.GetValue(versionMatch) is { } version ? CacheWriteCondition.IfVersion(version)
                : parse.GetValue(ifNotExists) ? CacheWriteCondition.IfNotExists
                : parse.GetValue(ifExists) ? CacheWriteCondition.IfExists
                : CacheWriteCondition.Always;
            var result = input is null
                ? await cache.SetAsync(parse.GetRequiredValue(key), parse.GetRequiredValue(value), Options(parse.CommandResult), condition, ct)
                : await cache.SetBytesAsync(parse.GetRequiredValue(key), new CacheValue(input, "application/octet-stream"), Options(parse.CommandResult), condition, ct);
            if (!result.Written)
            {
                Console.Error.WriteLine(result.Outcome == CacheWriteOutcome.KeyExists ? "not set: the key exists (--nx)" : "not set: the key does not exist (--xx)");
                return ExitCodes.No;
            }

            Console.WriteLine($"OK version={result.Version}");
            return ExitCodes.Success;
        }

        CacheEntryOptions Options(SymbolResult result) => new()
        {
            TimeToLive = result.GetValue(ttl),
            FreshFor = result.GetValue(fresh),
            Tags = result.GetValue(tags)?.Split(',', StringSplitOptions.TrimEntries),
            Durability = result.GetValue(durability) switch
            {
                "stored" => CacheDurability.Stored,
                "writebehind" => CacheDurability.WriteBehind,
                _ => null,
            },
        };
    }
}
