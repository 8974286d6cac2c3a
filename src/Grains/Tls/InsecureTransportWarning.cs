using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CacheCluster.Hosting;

/// <summary>
/// Refuses a silo whose gateway would be open off this host (see <see cref="GatewayExposure"/>), or, when
/// <see cref="CacheClusterOptions.AllowInsecureTransport"/> lets it start anyway, says so in a warning at every start.
/// </summary>
internal sealed partial class InsecureTransportWarning(string problem, ILogger<InsecureTransportWarning> logger) : IHostedService
{
    /// <summary>
    /// Adds a failure when the silo's gateway would be open and it is not allowed, or registers the warning when it is.
    /// Runs once the host and TLS options are bound and valid.
    /// </summary>
    public static void Check(IServiceCollection services, CacheClusterOptions options, List<string> failures)
    {
        var tls = ValidatedOptions.Find<CacheClusterTlsOptions>(services) ?? new CacheClusterTlsOptions();
        if (GatewayExposure.Problem(options, tls) is not { } problem)
        {
            return;
        }

        if (!options.AllowInsecureTransport)
        {
            failures.Add(problem);
        }
        else if (!services.Any(d => d.ServiceType == typeof(InsecureTransportWarning)))
        {
            services.AddSingleton(provider => new InsecureTransportWarning(problem, provider.GetRequiredService<ILogger<InsecureTransportWarning>>()));
            services.AddHostedService(provider => provider.GetRequiredService<InsecureTransportWarning>());
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogWarningInsecureTransport(problem);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1500, Level = LogLevel.Warning, Message = "CacheCluster:AllowInsecureTransport=true lets this silo start although: {Problem}")]
    private partial void LogWarningInsecureTransport(string problem);
}
