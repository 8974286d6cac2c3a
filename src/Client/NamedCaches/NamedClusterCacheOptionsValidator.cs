using System.Text;
using CacheCluster.Hosting;
using Microsoft.Extensions.Options;

namespace CacheCluster.NamedCaches;

/// <summary>Checks a named cache's name and <see cref="NamedClusterCacheOptions"/>; each message names the cache and the option.</summary>
internal sealed class NamedClusterCacheOptionsValidator(int maxKeyBytes) : IValidateOptions<NamedClusterCacheOptions>
{
    /// <summary>Throws unless <paramref name="name"/> can name a cache.</summary>
    /// <exception cref="ArgumentNullException">The name is null.</exception>
    /// <exception cref="ArgumentException">The name is empty, white space, or holds a control character.</exception>
    public static void ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (string.IsNullOrWhiteSpace(name) || name.Any(char.IsControl))
        {
            throw new ArgumentException($"A named cache's name must not be empty, white space or hold control characters (was {CacheKey.Describe(name)}).", nameof(name));
        }
    }

    public ValidateOptionsResult Validate(string? name, NamedClusterCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var at = $"Named cache '{options.Name}': {nameof(NamedClusterCacheOptions)}.";
        var failures = new List<string>();
        if (options.KeyPrefix is null)
        {
            failures.Add($"{at}{nameof(options.KeyPrefix)} must not be null (use an empty string for no prefix).");
        }
        else if (options.KeyPrefix.Length > 0)
        {
            try
            {
                CacheKey.Validate(options.KeyPrefix, maxKeyBytes);
                if (Encoding.UTF8.GetByteCount(options.KeyPrefix) >= maxKeyBytes)
                {
                    failures.Add($"{at}{nameof(options.KeyPrefix)} leaves no room for a key under MaxKeyBytes ({maxKeyBytes}).");
                }
            }
            catch (InvalidCacheKeyException ex)
            {
                failures.Add($"{at}{nameof(options.KeyPrefix)}: {ex.Message}");
            }
        }

        try
        {
            options.DefaultEntryOptions?.Validate();
        }
        catch (InvalidCacheOptionsException ex)
        {
            failures.Add($"{at}{nameof(options.DefaultEntryOptions)}: {ex.Message}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
