using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.Logging;

namespace CacheCluster.Invalidation;

/// <summary>
/// Listens for Orleans' gateway telling that it dropped a client (the <c>Orleans.Gateway</c> diagnostic listener's
/// <c>ClientDropped</c> event, raised once the client has been disconnected for <c>SiloMessagingOptions.ClientDropTimeout</c>)
/// and asks every active silo to forget that client's near-cache trackers (<see cref="ISiloInvalidationGrain.ForgetClientAsync"/>),
/// so that no silo keeps sending notices to a client that is gone. Nothing is scanned on a change: only on a drop.
/// </summary>
internal sealed partial class ClientDropWatcher(IGrainFactory grains, IClusterMembershipService membership, ILocalSiloDetails silo, ILogger<ClientDropWatcher> logger)
    : ILifecycleParticipant<ISiloLifecycle>, IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
{
    /// <summary>Orleans' listener and event names (Orleans.Core's internal <c>GatewayEvents</c>).</summary>
    internal const string ListenerName = "Orleans.Gateway";

    internal const string ClientDroppedEvent = "ClientDropped";

    private readonly List<IDisposable> _subscriptions = [];

    void ILifecycleParticipant<ISiloLifecycle>.Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(
            nameof(ClientDropWatcher),
            ServiceLifecycleStage.Active,
            _ =>
            {
                lock (_subscriptions)
                {
                    _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
                }

                return Task.CompletedTask;
            },
            _ =>
            {
                lock (_subscriptions)
                {
                    _subscriptions.ForEach(s => s.Dispose());
                    _subscriptions.Clear();
                }

                return Task.CompletedTask;
            });

    /// <summary>The client id of a <c>ClientDropped</c> payload (a public field of an internal Orleans type).</summary>
    internal static GrainId? ClientOf(object? payload) => FieldOf(payload, "ClientId") as GrainId?;

    private static object? FieldOf(object? payload, string name) =>
        payload?.GetType().GetField(name, BindingFlags.Public | BindingFlags.Instance)?.GetValue(payload);

    /// <summary>Asks every active silo to forget <paramref name="client"/>'s trackers.</summary>
    internal async Task ForgetAsync(GrainId client)
    {
        var silos = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress);
        await Task.WhenAll(silos.Select(async silo =>
        {
            try
            {
                await grains.GetGrain<ISiloInvalidationGrain>(silo.ToParsableString()).ForgetClientAsync(client);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogWarningForgetFailed(ex, client.ToString(), silo.ToString());
            }
        })).ConfigureAwait(false);
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener value)
    {
        if (value.Name == ListenerName)
        {
            lock (_subscriptions)
            {
                _subscriptions.Add(value.Subscribe(this, static (name, _, _) => name == ClientDroppedEvent));
            }
        }
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key != ClientDroppedEvent || ClientOf(value.Value) is not { } client)
        {
            return;
        }

        // One process may host several silos (tests): each acts on its own gateway's drops.
        if (FieldOf(value.Value, "SiloAddress") is SiloAddress gateway && !gateway.Equals(silo.SiloAddress))
        {
            return;
        }

        _ = ForgetAsync(client);
    }

    void IObserver<DiagnosticListener>.OnCompleted()
    {
    }

    void IObserver<DiagnosticListener>.OnError(Exception error)
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnCompleted()
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error)
    {
    }

    [LoggerMessage(1044, LogLevel.Warning, "Silo {Silo} could not be asked to forget the trackers of dropped client {Client}")]
    private partial void LogWarningForgetFailed(Exception exception, string client, string silo);
}
