using System.CommandLine;
using System.Globalization;
using CacheCluster.Cli.Connection;
using CacheCluster.Invalidation;

namespace CacheCluster.Cli.Commands;

/// <summary><c>invalidate --key K | --tag T | --pattern P</c> (each repeatable): removes entries, prints how many.</summary>
internal static class InvalidateCommand
{
    public static Command Create(ClusterConnection connection)
    {
        var keys = new Option<string[]>("--key") { Description = "A key to remove (repeatable)", HelpName = "K", AllowMultipleArgumentsPerToken = false };
        var tags = new Option<string[]>("--tag") { Description = "Remove every entry carrying this tag (repeatable)", HelpName = "T" };
        var patterns = new Option<string[]>("--pattern") { Description = "Remove every key matching this glob (repeatable)", HelpName = "P" };
        var allowAll = new Option<bool>("--allow-all") { Description = "Required for a pattern with no literal prefix, such as '*' or '?*'" };
        var command = new Command("invalidate", "Remove entries by key, tag and glob pattern; print how many were invalidated")
        {
            keys, tags, patterns, allowAll,
        };

        command.Validators.Add(result =>
        {
            if (new Option[] { keys, tags, patterns }.All(option => result.GetResult(option) is null))
            {
                result.AddError("Give at least one --key, --tag or --pattern.");
            }
        });

        command.SetAction((parse, cancellationToken) =>
        {
            var keyList = parse.GetValue(keys) ?? [];
            var tagList = parse.GetValue(tags) ?? [];
            var patternList = parse.GetValue(patterns) ?? [];

            // Checked before connecting, so bad input is exit 2 even with no cluster.
            try
            {
                foreach (var key in keyList)
                {
                    CacheKey.Validate(key);
                }

                foreach (var tag in tagList)
                {
                    CacheKey.ValidateTag(tag);
                }

                foreach (var pattern in patternList)
                {
                    if (CacheKeyPattern.Parse(pattern).IsUnanchored && !parse.GetValue(allowAll))
                    {
                        throw new InvalidCacheOptionsException($"The pattern '{pattern}' has no literal prefix, so it may clear every key; add --allow-all to do that.");
                    }
                }
            }
            catch (InvalidCacheRequestException ex)
            {
                Console.Error.WriteLine($"cachecluster: {ex.Message}");
                return Task.FromResult(ExitCodes.Usage);
            }

            return connection.RunAsync(parse, async (cache, ct) =>
            {
                // Patterns first: the silo checks them again, so one it refuses is refused before anything is removed.
                long invalidated = 0;
                foreach (var pattern in patternList)
                {
                    invalidated += await cache.RemoveByPatternAsync(pattern, parse.GetValue(allowAll), ct);
                }

                foreach (var key in keyList)
                {
                    invalidated += await cache.RemoveAsync(key, ct) ? 1 : 0;
                }

                foreach (var tag in tagList)
                {
                    invalidated += await cache.RemoveByTagAsync(tag, ct);
                }

                Console.WriteLine(invalidated.ToString(CultureInfo.InvariantCulture));
                return ExitCodes.Success;
            }, cancellationToken);
        });

        return command;
    }
}
