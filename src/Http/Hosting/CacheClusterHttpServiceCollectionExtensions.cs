using CacheCluster;
using CacheCluster.Hosting;
using CacheCluster.Http.Auth;
using CacheCluster.Http.Edges;
using CacheCluster.Http.Entries;
using CacheCluster.Http.Health;
using CacheCluster.Http.Hosting;
using CacheCluster.Http.Problems;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the CacheCluster HTTP API's services.</summary>
public static class CacheClusterHttpServiceCollectionExtensions
{
    /// <summary>
    /// Adds the HTTP API's services with options bound from <c>CacheCluster:Http</c>: API keys, problem details, health
    /// checks and the Prometheus exporter (the cache's meter and Orleans'). The host must provide an
    /// <see cref="IGrainFactory"/> and the silo's <c>CacheClusterOptions</c> and <c>InvalidationOptions</c>, as a silo
    /// with <c>AddCacheCluster</c> does.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration root.</param>
    /// <returns>The services.</returns>
    /// <exception cref="OptionsValidationException">The configuration is invalid; each message names its key.</exception>
    public static IServiceCollection AddCacheClusterHttp(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        var failures = new List<string>();
        ValidatedOptions.Collect(failures, () => ValidatedOptions.Add(
            services, null, options => Bind(configuration.GetSection(CacheClusterHttpOptions.SectionName), options), new CacheClusterHttpOptionsValidator(), out _));
        var options = ValidatedOptions.Find<CacheClusterHttpOptions>(services)!;
        ValidatedOptions.Collect(failures, () => ValidatedOptions.Add(
            services, configuration.GetSection(TelemetryTracing.SectionName), null, new TelemetryOptionsValidator(), out _));
        var telemetry = ValidatedOptions.Find<CacheClusterTelemetryOptions>(services);
        if (options.ApiKeys.Count == 0 && NonLoopbackUrls(configuration).FirstOrDefault() is { } exposed)
        {
            failures.Add($"The HTTP API would listen on '{exposed}', which is not loopback, with no API keys: configure {CacheClusterHttpOptions.SectionName}:ApiKeys:{{name}}:Key and :Scopes, or listen on 127.0.0.1.");
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.Options.DefaultName, typeof(CacheClusterHttpOptions), failures);
        }

        services.TryAddKeyedSingleton(CacheClusterClock.ServiceKey, TimeProvider.System);
        services.TryAddSingleton<ApiKeyAuthenticator>();
        services.TryAddSingleton<ApiKeyFailureThrottle>();
        services.TryAddSingleton<CacheHttpApi>();
        services.AddMetrics();
        services.TryAddSingleton<LeaseWaiters>();
        services.TryAddSingleton(HostAllowList.Create(configuration, options.ApiKeys.Count > 0));
        services.Configure<KestrelServerOptions>(kestrel => KestrelLimits.Apply(kestrel.Limits, configuration));

        // The API checks hosts itself (HostCheckMiddleware, problem+json, loopback by default when keyless); ASP.NET
        // Core's own host filter, which reads the same AllowedHosts, is left open so that it does not answer first.
        services.PostConfigure<HostFilteringOptions>(filtering => filtering.AllowedHosts = ["*"]);

        // A silo registers it (AddCacheCluster); a host that only holds a grain factory gets one that asks the cluster.
        services.TryAddSingleton<CacheCluster.Operations.ClusterOperations>();

        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            // Bare status codes (no endpoint, wrong method, a body the server refused) get our problem types too.
            if (context.ProblemDetails.Type?.StartsWith(ProblemKind.TypePrefix, StringComparison.Ordinal) != true
                && HttpProblems.KindOfStatus(context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode) is { } kind)
            {
                context.ProblemDetails.Type = kind.Type;
                context.ProblemDetails.Title = kind.Title;
            }

            context.ProblemDetails.Extensions.Remove("traceId");
        });
        services.AddExceptionHandler<CacheClusterExceptionHandler>();
        HttpCors.Add(services, options.Cors);

        services.AddHealthChecks()
            .AddCheck<SiloMembershipHealthCheck>("membership", tags: ["ready"], timeout: TimeSpan.FromSeconds(5))
            .AddCheck<RedisHealthCheck>("redis", tags: ["ready"], timeout: TimeSpan.FromSeconds(5));

        // System.Runtime adds the GC heap and the process's memory (the bench's S7 reads them).
        var openTelemetry = services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(CacheClusterDiagnostics.MeterName, "Microsoft.Orleans", "System.Runtime")
            .AddView(MetricStreams.Configure)
            .AddPrometheusExporter());
        TelemetryTracing.AddOtlp(openTelemetry, telemetry);
        return services;
    }

    /// <summary>
    /// The configured listen URLs (<c>urls</c>, <c>http_ports</c>, <c>https_ports</c>, <c>Kestrel:Endpoints:*:Url</c>)
    /// whose host is not a loopback address or <c>localhost</c>; wildcards (<c>*</c>, <c>+</c>, <c>0.0.0.0</c>,
    /// <c>[::]</c>) and bare ports listen everywhere.
    /// </summary>
    private static IEnumerable<string> NonLoopbackUrls(IConfiguration configuration)
    {
        var urls = (configuration["urls"] ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(endpoint => endpoint["Url"]).OfType<string>());
        foreach (var url in urls)
        {
            var authority = url.Contains("://", StringComparison.Ordinal) ? url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..] : url;
            var host = authority.Split('/')[0];
            host = host.StartsWith('[') ? host[..(host.IndexOf(']', StringComparison.Ordinal) + 1)] : host.Split(':')[0];
            var loopback = host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
                || (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var address) && System.Net.IPAddress.IsLoopback(address));
            if (!loopback)
            {
                yield return url;
            }
        }

        foreach (var ports in new[] { configuration["http_ports"], configuration["https_ports"] })
        {
            if (!string.IsNullOrWhiteSpace(ports))
            {
                yield return $"*:{ports}";
            }
        }
    }

    /// <summary>
    /// Binds <c>CacheCluster:Http</c>. Scopes may be a list (<c>Scopes:0=read</c>) or one comma-separated value
    /// (<c>Scopes=read,write</c>), which plain binding would not split.
    /// </summary>
    private static void Bind(IConfigurationSection section, CacheClusterHttpOptions options)
    {
        if (section[nameof(options.LeaseWait)] is { } leaseWait)
        {
            options.LeaseWait = ParseDuration(leaseWait, nameof(options.LeaseWait));
        }

        if (section[nameof(options.LeaseTimeout)] is { } leaseTimeout)
        {
            options.LeaseTimeout = ParseDuration(leaseTimeout, nameof(options.LeaseTimeout));
        }

        if (section[nameof(options.NotFoundMaxAge)] is { } notFoundMaxAge)
        {
            options.NotFoundMaxAge = int.TryParse(notFoundMaxAge, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
                ? seconds
                : throw new FormatException($"{CacheClusterHttpOptions.SectionName}:{nameof(options.NotFoundMaxAge)} must be whole seconds, such as 1 (was '{notFoundMaxAge}').");
        }

        if (section[nameof(options.FailedKeyAttempts)] is { } attempts)
        {
            options.FailedKeyAttempts = int.TryParse(attempts, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var count)
                ? count
                : throw new FormatException($"{CacheClusterHttpOptions.SectionName}:{nameof(options.FailedKeyAttempts)} must be a whole number, such as 10 (was '{attempts}').");
        }

        if (section[nameof(options.FailedKeyWindow)] is { } failedKeyWindow)
        {
            options.FailedKeyWindow = ParseDuration(failedKeyWindow, nameof(options.FailedKeyWindow));
        }

        options.MaxLeaseWaitersPerKey = ParseCount(section, nameof(options.MaxLeaseWaitersPerKey), options.MaxLeaseWaitersPerKey);
        options.MaxLeaseWaitersPerClient = ParseCount(section, nameof(options.MaxLeaseWaitersPerClient), options.MaxLeaseWaitersPerClient);
        options.Cors.Origins.AddRange(ListOrCommaSeparated(section.GetSection($"{nameof(options.Cors)}:{nameof(options.Cors.Origins)}")));

        foreach (var entry in section.GetSection(nameof(options.ApiKeys)).GetChildren())
        {
            var key = new ApiKeyOptions { Key = entry[nameof(ApiKeyOptions.Key)] };
            key.Scopes.AddRange(ListOrCommaSeparated(entry.GetSection(nameof(ApiKeyOptions.Scopes))));
            var prefixes = entry.GetSection(nameof(ApiKeyOptions.KeyPrefixes));
            key.KeyPrefixes.AddRange(prefixes.GetChildren().Any() ? prefixes.GetChildren().Select(child => child.Value ?? string.Empty) : prefixes.Value is { } one ? [one] : []);
            options.ApiKeys[entry.Key] = key;
        }
    }

    /// <summary>A list (<c>Name:0</c>, <c>Name:1</c>) or one value separated by commas or spaces.</summary>
    private static IEnumerable<string> ListOrCommaSeparated(IConfigurationSection section)
    {
        var listed = section.GetChildren().Select(child => child.Value).ToList();
        IEnumerable<string?> values = listed.Count > 0 ? listed : [section.Value];
        return values.SelectMany(value => (value ?? string.Empty).Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    private static int ParseCount(IConfigurationSection section, string name, int fallback) => section[name] is not { } text
        ? fallback
        : int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"{CacheClusterHttpOptions.SectionName}:{name} must be a whole number (was '{text}').");

    private static TimeSpan ParseDuration(string text, string name) =>
        TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"{CacheClusterHttpOptions.SectionName}:{name} must be a duration such as 00:00:10 (was '{text}').");
}
