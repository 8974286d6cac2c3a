using Microsoft.Extensions.Options;

namespace CacheCluster.Samples.Shop.Hosting;

/// <summary>Checks <see cref="ShopOptions"/> at start-up, naming the key at fault.</summary>
internal sealed class ShopOptionsValidator : IValidateOptions<ShopOptions>
{
    public ValidateOptionsResult Validate(string? name, ShopOptions options)
    {
        var failures = new List<string>();
        if (options.DatabaseLatency < TimeSpan.Zero || options.DatabaseLatency > TimeSpan.FromSeconds(10))
        {
            failures.Add($"{ShopOptions.SectionName}:{nameof(options.DatabaseLatency)} must be between 00:00:00 and 00:00:10.");
        }

        if (string.IsNullOrWhiteSpace(options.CheckoutPolicy))
        {
            failures.Add($"{ShopOptions.SectionName}:{nameof(options.CheckoutPolicy)} must name a rate-limit policy.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
