using CacheCluster;
using CacheCluster.Http.Auth;
using CacheCluster.Http.Health;
using CacheCluster.Http.Hosting;
using CacheCluster.Http.Problems;
using Microsoft.AspNetCore.Http;
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
    /// <see cref="IGrainFactory"/> and the silo's <c>CacheClusterOptions</c>, as a silo does.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration root.</param>
    /// <returns>The services.</returns>
    /// <exception cref="OptionsValidationException">The configuration is invalid; each message names its key.</exception>
    public static IServiceCollection AddCacheClusterHttp(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        var options = Bind(configuration.GetSection(CacheClusterHttpOptions.SectionName));
        var validation = new CacheClusterHttpOptionsValidator().Validate(Options.Options.DefaultName, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.Options.DefaultName, typeof(CacheClusterHttpOptions), validation.Failures);
        }

        services.AddSingleton<IOptions<CacheClusterHttpOptions>>(Options.Options.Create(options));
        services.TryAddKeyedSingleton(CacheClusterClock.ServiceKey, TimeProvider.System);
        services.TryAddSingleton<ApiKeyAuthenticator>();
        services.TryAddSingleton<CacheHttpApi>();

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

        services.AddHealthChecks()
            .AddCheck<SiloMembershipHealthCheck>("membership", tags: ["ready"], timeout: TimeSpan.FromSeconds(5))
            .AddCheck<RedisHealthCheck>("redis", tags: ["ready"], timeout: TimeSpan.FromSeconds(5));

        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(CacheClusterDiagnostics.MeterName, "Microsoft.Orleans")
            .AddPrometheusExporter());
        return services;
    }

    /// <summary>
    /// Binds <c>CacheCluster:Http</c>. Scopes may be a list (<c>Scopes:0=read</c>) or one comma-separated value
    /// (<c>Scopes=read,write</c>), which plain binding would not split.
    /// </summary>
    private static CacheClusterHttpOptions Bind(IConfigurationSection section)
    {
        var options = new CacheClusterHttpOptions();
        if (section[nameof(options.LeaseWait)] is { } leaseWait)
        {
            options.LeaseWait = ParseDuration(leaseWait, nameof(options.LeaseWait));
        }

        if (section[nameof(options.LeaseTimeout)] is { } leaseTimeout)
        {
            options.LeaseTimeout = ParseDuration(leaseTimeout, nameof(options.LeaseTimeout));
        }

        foreach (var entry in section.GetSection(nameof(options.ApiKeys)).GetChildren())
        {
            var key = new ApiKeyOptions { Key = entry[nameof(ApiKeyOptions.Key)] };
            var scopes = entry.GetSection(nameof(ApiKeyOptions.Scopes));
            var listed = scopes.GetChildren().Select(child => child.Value).ToList();
            IEnumerable<string?> values = listed.Count > 0 ? listed : [scopes.Value];
            key.Scopes.AddRange(values
                .SelectMany(value => (value ?? string.Empty).Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
            options.ApiKeys[entry.Key] = key;
        }

        return options;
    }

    private static TimeSpan ParseDuration(string text, string name) =>
        TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"{CacheClusterHttpOptions.SectionName}:{name} must be a duration such as 00:00:10 (was '{text}').");
}
