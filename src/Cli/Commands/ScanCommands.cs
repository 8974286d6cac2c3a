using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text;
using CacheCluster.Cli.Connection;
using CacheCluster.Invalidation;

namespace CacheCluster.Cli.Commands;

/// <summary><c>keys PATTERN</c> and <c>scan PATTERN [--cursor C] [--count N]</c>, paged through the cluster's key index.</summary>
internal static class ScanCommands
{
    public static Command Keys(ClusterConnection connection)
    {
        var pattern = PatternArgument();
        var command = new Command("keys", "Print every live key matching PATTERN, one per line (pages through the key index; no call blocks it for long)") { pattern };
        command.SetAction((parse, cancellationToken) => connection.RunAsync(parse, async (cache, ct) =>
        {
            var cursor = CacheScanPage.Start;
            do
            {
                var page = await cache.ScanAsync(parse.GetRequiredValue(pattern), cursor, CacheScanPage.MaxCount, ct);
                await StandardOutput.WriteLinesAsync(page.Keys.Select(Encoding.UTF8.GetBytes), ct);
                cursor = page.Cursor;
            }
            while (cursor != CacheScanPage.Start);

            return ExitCodes.Success;
        }, cancellationToken));

        return command;
    }

    public static Command Scan(ClusterConnection connection)
    {
        var pattern = PatternArgument();
        var cursor = new Option<string>("--cursor")
        {
            Description = "Where to continue: the cursor the previous page printed [default: 0, the start]",
            HelpName = "C",
            DefaultValueFactory = _ => CacheScanPage.Start,
        };
        var count = new Option<int>("--count")
        {
            Description = $"How many keys the page examines, 1 to {CacheScanPage.MaxCount} [default: {CacheScanPage.DefaultCount}]",
            HelpName = "N",
            DefaultValueFactory = _ => CacheScanPage.DefaultCount,
            CustomParser = result => AtMost(Numbers.AtLeast(result, "--count", 1), result),
        };

        var command = new Command("scan", "Print the next cursor, then this page's keys matching PATTERN, one per line; the cursor is 0 when the scan is complete")
        {
            pattern, cursor, count,
        };
        command.SetAction((parse, cancellationToken) => connection.RunAsync(parse, async (cache, ct) =>
        {
            var page = await cache.ScanAsync(parse.GetRequiredValue(pattern), parse.GetRequiredValue(cursor), parse.GetValue(count), ct);
            await StandardOutput.WriteLinesAsync([Encoding.UTF8.GetBytes(page.Cursor), .. page.Keys.Select(Encoding.UTF8.GetBytes)], ct);
            return ExitCodes.Success;
        }, cancellationToken));

        return command;
    }

    private static int AtMost(int count, ArgumentResult result)
    {
        if (count > CacheScanPage.MaxCount)
        {
            result.AddError($"--count must be at most {CacheScanPage.MaxCount} (was {count}).");
        }

        return count;
    }

    private static Argument<string> PatternArgument()
    {
        var pattern = new Argument<string>("PATTERN") { Description = "A glob: * any run, ? one character, [abc] a set, \\ escapes; * lists every key" };
        pattern.Validators.Add(result =>
        {
            try
            {
                CacheKeyPattern.Parse(result.GetValueOrDefault<string>());
            }
            catch (InvalidCacheOptionsException ex)
            {
                result.AddError(ex.Message);
            }
        });

        return pattern;
    }
}
