using CacheCluster.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CacheCluster.Hosting;

/// <summary>
/// Starts the Orleans client in the background, in place of Orleans' own hosted service (whose start waits for the
/// cluster): the application starts at once, unconnected, and the client connects when it can (its retry filter never
/// gives up), telling the <see cref="ClusterConnectionMonitor"/>. With <see cref="CacheClusterClientOptions.WaitForCluster"/>
/// the start waits for the connection instead, and fails with <see cref="CacheClusterUnavailableException"/>.
/// </summary>
internal sealed partial class ClusterClientStarter(
    IServiceProvider services,
    ClusterClientRegistration registration,
    ClusterConnectionMonitor monitor,
    IOptions<CacheClusterClientOptions> options,
    ILogger<ClusterClientStarter>? logger = null) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger = logger ?? NullLogger<ClusterClientStarter>.Instance;
    private IHostedService? _client;
    private Task? _start;
    private int _disposed;

    /// <summary>Gets the background start: completes when the client has connected, or gave up, or was stopped first.</summary>
    internal Task Started => _start ?? Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (registration.ClientReplaced)
        {
            // The application's own client: the application starts it.
            return;
        }

        // Orleans' ClusterClient is its own hosted service; resolving it checks Orleans' configuration at once.
        _client = (IHostedService)services.GetRequiredService<IClusterClient>();
        var client = _client;
        var stopping = _stopping.Token;
        _start = Task.Run(() => ConnectAsync(client, stopping), CancellationToken.None);
        if (options.Value.WaitForCluster)
        {
            await _start.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        monitor.OnClientStopping();
        if (Volatile.Read(ref _disposed) != 0)
        {
            // Stopped again after the host was disposed: the client is stopped already.
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_start is null || _client is null)
        {
            return;
        }

        try
        {
            await _start.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (CacheClusterUnavailableException)
        {
            // Reported when it happened.
        }

        try
        {
            await _client.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ClusterErrors.IsUnavailable(ex) && !cancellationToken.IsCancellationRequested)
        {
            // Nothing to do about a connection that failed while closing: the client is stopped either way.
            LogWarningStopFailed(ex);
        }
    }

    public void Dispose()
    {
        // Disposed twice: as itself and as the hosted service registered over it.
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stopping.Cancel();
            _stopping.Dispose();
        }
    }

    private async Task ConnectAsync(IHostedService client, CancellationToken stopping)
    {
        try
        {
            await client.StartAsync(stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException && stopping.IsCancellationRequested)
        {
            // Stopping: a start cancelled, or one whose attempt failed as the stop came (Orleans then throws its
            // ConnectionFailedException, not a cancellation), is moot; the stop must not fail for it.
            return;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Only a start that waits gives up (the retry filter); anything else is logged, and calls keep failing with
            // CacheClusterUnavailableException, which is what the application's fallbacks expect.
            var timeout = options.Value.ConnectTimeout;
            LogErrorStartFailed(ex, timeout);
            throw new CacheClusterUnavailableException(
                $"Could not connect to the cluster within {timeout.TotalSeconds:0.###} s: {ex.GetType().Name}: {ClusterFailure.FirstLine(ex.Message)}", ex);
        }

        if (stopping.IsCancellationRequested)
        {
            return;
        }

        monitor.OnClientStarted();
        LogInformationConnected();
    }

    [LoggerMessage(42, LogLevel.Information, "Connected to the cluster")]
    private partial void LogInformationConnected();

    [LoggerMessage(43, LogLevel.Error, "The client could not connect to the cluster (connect timeout {ConnectTimeout}); calls fail with CacheClusterUnavailableException")]
    private partial void LogErrorStartFailed(Exception exception, TimeSpan connectTimeout);

    [LoggerMessage(44, LogLevel.Warning, "The client's connection failed while it stopped")]
    private partial void LogWarningStopFailed(Exception exception);
}
