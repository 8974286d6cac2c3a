using System.Net;
using CacheCluster.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CacheCluster.Http.Cdn;

/// <summary>
/// Sends purge requests: spaced per provider, retried with exponential backoff (or the CDN's <c>Retry-After</c>) on
/// 408, 429, 5xx and transport errors, and counted. A purge that still fails is logged and counted as failed, never
/// reported as done. Tokens are never logged.
/// </summary>
internal sealed partial class CdnPurgeSender(
    HttpClient http,
    TimeProvider timeProvider,
    IOptions<CdnOptions> options,
    CdnMetrics metrics,
    ILogger<CdnPurgeSender> logger)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);
    private readonly Dictionary<string, DateTimeOffset> _nextSlot = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Sends one request until it succeeds or the attempts run out.</summary>
    /// <returns>Whether the CDN confirmed the purge.</returns>
    public async Task<bool> SendAsync(ICdnPurgeTarget target, PurgeRequest purge, CancellationToken cancellationToken)
    {
        using var activity = CdnTracing.StartPurge(purge);
        if (purge.Create is null)
        {
            activity?.Tag(CacheClusterTracing.Outcome, "unsupported");
            metrics.Purged(purge.Provider, purge.Kind, "unsupported", purge.Count);
            LogWarningUnsupported(purge.Provider, purge.Kind, purge.Count);
            return false;
        }

        var attempts = Math.Max(1, options.Value.MaxAttempts);
        for (var attempt = 1; ; attempt++)
        {
            await PaceAsync(target, cancellationToken).ConfigureAwait(false);
            TimeSpan? retryAfter = null;
            string failure;
            try
            {
                using var request = purge.Create();
                using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    CdnTracing.End(activity, "purged", attempt);
                    metrics.Purged(purge.Provider, purge.Kind, "purged", purge.Count);
                    return true;
                }

                failure = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
                var retryable = response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500;
                if (!retryable)
                {
                    attempt = attempts;
                }

                retryAfter = response.Headers.RetryAfter switch
                {
                    { Delta: { } delta } => delta,
                    { Date: { } date } => date - timeProvider.GetUtcNow(),
                    _ => null,
                };
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                failure = $"{ex.GetType().Name}: {ex.Message}";
            }

            if (attempt >= attempts)
            {
                CdnTracing.End(activity, "failed", attempt);
                metrics.Purged(purge.Provider, purge.Kind, "failed", purge.Count);
                LogErrorPurgeFailed(purge.Provider, purge.Kind, purge.Count, attempt, failure);
                return false;
            }

            var backoff = TimeSpan.FromSeconds(Math.Pow(2, attempt - 1));
            var delay = retryAfter is { } wait && wait > backoff ? (wait < MaxBackoff ? wait : MaxBackoff) : backoff;
            metrics.Retried(purge.Provider);
            LogWarningPurgeRetry(purge.Provider, purge.Kind, attempt, failure, delay);
            await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task PaceAsync(ICdnPurgeTarget target, CancellationToken cancellationToken)
    {
        if (target.Spacing <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }

        TimeSpan wait;
        lock (_lock)
        {
            var now = timeProvider.GetUtcNow();
            var slot = _nextSlot.TryGetValue(target.Name, out var next) && next > now ? next : now;
            _nextSlot[target.Name] = slot + target.Spacing;
            wait = slot - now;
        }

        return wait > TimeSpan.Zero ? Task.Delay(wait, timeProvider, cancellationToken) : Task.CompletedTask;
    }

    [LoggerMessage(1501, LogLevel.Warning, "CDN purge ({Provider}, {Kind}) attempt {Attempt} failed: {Failure}; retrying in {Delay}")]
    private partial void LogWarningPurgeRetry(string provider, string kind, int attempt, string failure, TimeSpan delay);

    [LoggerMessage(1502, LogLevel.Error, "CDN purge ({Provider}, {Kind}, {Count} items) FAILED after {Attempts} attempts: {Failure}; the CDN may still serve invalidated content")]
    private partial void LogErrorPurgeFailed(string provider, string kind, int count, int attempts, string failure);

    [LoggerMessage(1503, LogLevel.Warning, "CDN purge ({Provider}, {Kind}, {Count} items) is not supported by the provider and was not done")]
    private partial void LogWarningUnsupported(string provider, string kind, int count);
}
