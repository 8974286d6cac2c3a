using Microsoft.Extensions.Options;

namespace CacheCluster.Hosting;

/// <summary>Checks <see cref="CdnOptions"/>; each message names the configuration key at fault, never a token.</summary>
internal sealed class CdnOptionsValidator : IValidateOptions<CdnOptions>
{
    /// <summary>The section the options are bound from.</summary>
    public const string SectionName = "CacheCluster:Cdn";

    private const string Prefix = SectionName + ":";

    public ValidateOptionsResult Validate(string? name, CdnOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var varnish = options.Varnish;
        var cloudflare = options.Cloudflare;
        var fastly = options.Fastly;
        const string VarnishPrefix = Prefix + nameof(options.Varnish) + ":";
        const string CloudflarePrefix = Prefix + nameof(options.Cloudflare) + ":";
        const string FastlyPrefix = Prefix + nameof(options.Fastly) + ":";

        if (varnish.Url is { } url && !IsHttpUrl(url))
        {
            failures.Add($"{VarnishPrefix}{nameof(varnish.Url)} must be an absolute http(s) URL (was '{url}').");
        }

        if ((cloudflare.ZoneId is not null || fastly.ServiceId is not null) && !IsHttpUrl(options.PublicBaseUrl))
        {
            failures.Add($"{Prefix}{nameof(options.PublicBaseUrl)} must be the absolute http(s) URL the CDN serves the HTTP API under when Cloudflare or Fastly is configured.");
        }

        if (cloudflare.ZoneId is not null)
        {
            if (string.IsNullOrWhiteSpace(cloudflare.ApiToken))
            {
                failures.Add($"{CloudflarePrefix}{nameof(cloudflare.ApiToken)} is required when {nameof(options.Cloudflare)}:{nameof(cloudflare.ZoneId)} is set.");
            }

            if (!IsTokenUrl(cloudflare.ApiUrl))
            {
                failures.Add($"{CloudflarePrefix}{nameof(cloudflare.ApiUrl)} must be an absolute https:// URL (plain http only to a loopback address): the API token travels with every purge.");
            }

            if (!(cloudflare.RequestsPerSecond > 0 && cloudflare.RequestsPerSecond <= 1000))
            {
                failures.Add($"{CloudflarePrefix}{nameof(cloudflare.RequestsPerSecond)} must be greater than 0 and at most 1000 (was {cloudflare.RequestsPerSecond}).");
            }
        }

        if (fastly.ServiceId is not null)
        {
            if (string.IsNullOrWhiteSpace(fastly.ApiToken))
            {
                failures.Add($"{FastlyPrefix}{nameof(fastly.ApiToken)} is required when {nameof(options.Fastly)}:{nameof(fastly.ServiceId)} is set.");
            }

            if (!IsTokenUrl(fastly.ApiUrl))
            {
                failures.Add($"{FastlyPrefix}{nameof(fastly.ApiUrl)} must be an absolute https:// URL (plain http only to a loopback address): the API token travels with every purge.");
            }
        }

        if (options.MaxAttempts is < 1 or > 20)
        {
            failures.Add($"{Prefix}{nameof(options.MaxAttempts)} must be between 1 and 20 (was {options.MaxAttempts}).");
        }

        if (options.MaxQueueLength is < 1 or > 1_000_000)
        {
            failures.Add($"{Prefix}{nameof(options.MaxQueueLength)} must be between 1 and 1000000 (was {options.MaxQueueLength}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>An https URL, or an http URL to this machine (a local proxy or test double): never a token in clear text over a network.</summary>
    private static bool IsTokenUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback));

    private static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
