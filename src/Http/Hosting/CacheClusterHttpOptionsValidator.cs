using CacheCluster.Http.Auth;
using Microsoft.Extensions.Options;

namespace CacheCluster.Http.Hosting;

/// <summary>Checks <see cref="CacheClusterHttpOptions"/>; each message names the configuration key at fault, never a key's secret.</summary>
internal sealed class CacheClusterHttpOptionsValidator : IValidateOptions<CacheClusterHttpOptions>
{
    private const string Prefix = CacheClusterHttpOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, CacheClusterHttpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (keyName, key) in options.ApiKeys)
        {
            var path = $"{Prefix}{nameof(options.ApiKeys)}:{keyName}";
            if (string.IsNullOrWhiteSpace(key.Key))
            {
                failures.Add($"{path}:{nameof(key.Key)} must not be empty.");
            }
            else if (key.Key.Length < ApiKeyOptions.MinimumKeyLength)
            {
                failures.Add($"{path}:{nameof(key.Key)} is {key.Key.Length} characters; an API key needs at least {ApiKeyOptions.MinimumKeyLength} (a random one, such as the output of 'openssl rand -hex 32').");
            }
            else if (seen.TryGetValue(key.Key, out var other))
            {
                failures.Add($"{path}:{nameof(key.Key)} is the same key as {Prefix}{nameof(options.ApiKeys)}:{other}:{nameof(key.Key)}; give each name its own key.");
            }
            else
            {
                seen.Add(key.Key, keyName);
            }

            if (key.Scopes.Count == 0)
            {
                failures.Add($"{path}:{nameof(key.Scopes)} must name at least one scope ({string.Join(", ", ApiScopes.All)}).");
            }

            KeyPrefixRules.Validate(key, path, failures);
            foreach (var scope in key.Scopes)
            {
                if (!ApiScopes.All.Contains(scope, StringComparer.Ordinal))
                {
                    failures.Add($"{path}:{nameof(key.Scopes)} has an unknown scope '{CacheKey.Describe(scope).Trim('"')}'; the scopes are {string.Join(", ", ApiScopes.All)}.");
                }
            }
        }

        if (options.LeaseWait < TimeSpan.Zero || options.LeaseWait > CacheLeaseRequest.MaxWait)
        {
            failures.Add($"{Prefix}{nameof(options.LeaseWait)} must be between 0 and {CacheLeaseRequest.MaxWait.TotalSeconds:0} seconds (was {options.LeaseWait}).");
        }

        if (options.LeaseTimeout <= TimeSpan.Zero || options.LeaseTimeout > TimeSpan.FromHours(1))
        {
            failures.Add($"{Prefix}{nameof(options.LeaseTimeout)} must be greater than zero and at most 1 hour (was {options.LeaseTimeout}).");
        }

        if (options.NotFoundMaxAge < 0 || options.NotFoundMaxAge > CacheClusterHttpOptions.MaxNotFoundMaxAge)
        {
            failures.Add($"{Prefix}{nameof(options.NotFoundMaxAge)} must be whole seconds from 0 (no-store) to {CacheClusterHttpOptions.MaxNotFoundMaxAge} (was {options.NotFoundMaxAge}).");
        }

        if (options.FailedKeyAttempts is < 1 or > 10_000)
        {
            failures.Add($"{Prefix}{nameof(options.FailedKeyAttempts)} must be between 1 and 10000 (was {options.FailedKeyAttempts}).");
        }

        if (options.FailedKeyWindow <= TimeSpan.Zero || options.FailedKeyWindow > TimeSpan.FromHours(1))
        {
            failures.Add($"{Prefix}{nameof(options.FailedKeyWindow)} must be greater than zero and at most 1 hour (was {options.FailedKeyWindow}).");
        }

        foreach (var (setting, value) in new[] { (nameof(options.MaxLeaseWaitersPerKey), options.MaxLeaseWaitersPerKey), (nameof(options.MaxLeaseWaitersPerClient), options.MaxLeaseWaitersPerClient) })
        {
            if (value is < 1 or > 10_000)
            {
                failures.Add($"{Prefix}{setting} must be from 1 to 10000 (was {value}).");
            }
        }

        ValidateOrigins(options, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Each origin is <c>*</c> (with API keys only) or an absolute http/https origin: scheme, host, optional port.</summary>
    private static void ValidateOrigins(CacheClusterHttpOptions options, List<string> failures)
    {
        var path = $"{Prefix}{nameof(options.Cors)}:{nameof(options.Cors.Origins)}";
        foreach (var origin in options.Cors.Origins)
        {
            if (origin == "*")
            {
                if (options.ApiKeys.Count == 0)
                {
                    failures.Add($"{path} may be '*' only when API keys are configured ({Prefix}{nameof(options.ApiKeys)}): without keys any web page the user visits could read and write the cache. List the pages' origins instead.");
                }
                else if (options.Cors.Origins.Count > 1)
                {
                    failures.Add($"{path} lists '*' with other origins; give '*' alone or only origins.");
                }

                continue;
            }

            if (!IsOrigin(origin))
            {
                failures.Add($"{path} has '{origin}', which is not an origin: give scheme, host and optional port, such as https://app.example.com or http://localhost:3000 (no path, query or user info).");
            }
        }
    }

    private static bool IsOrigin(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && origin.StartsWith(uri.Scheme + "://", StringComparison.OrdinalIgnoreCase)
        && uri.UserInfo.Length == 0
        && uri.AbsolutePath == "/"
        && !origin.EndsWith('/')
        && uri.Query.Length == 0
        && uri.Fragment.Length == 0
        && !string.IsNullOrEmpty(uri.Host);
}
