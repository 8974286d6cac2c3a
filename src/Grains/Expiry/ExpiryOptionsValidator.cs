using Microsoft.Extensions.Options;

namespace CacheCluster.Hosting;

/// <summary>Checks <see cref="ExpiryOptions"/>; each message names the configuration key at fault.</summary>
internal sealed class ExpiryOptionsValidator : IValidateOptions<ExpiryOptions>
{
    private const string Prefix = CacheClusterOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, ExpiryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ExpirySweepInterval <= TimeSpan.Zero || options.ExpirySweepInterval > TimeSpan.FromMinutes(10))
        {
            return ValidateOptionsResult.Fail($"{Prefix}{nameof(options.ExpirySweepInterval)} must be greater than zero and at most 10 minutes (was {options.ExpirySweepInterval}).");
        }

        return ValidateOptionsResult.Success;
    }
}
