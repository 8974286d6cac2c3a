using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace CacheCluster.Hosting;

/// <summary>
/// At start-up, after the membership table was read and before this silo joins, declares dead every other silo the
/// table still lists as Active or Joining whose silo port refuses connections: nothing listens there, so its process
/// is gone. Without it, a silo started after every silo of its cluster was killed waits until the dead rows' heartbeats
/// grow stale (Orleans' <c>IAmAliveTablePublishTimeout</c> × <c>NumMissedTableIAmAliveLimit</c>, 30 s with
/// CacheCluster's defaults): it cannot win the two votes Orleans needs from silos that are all dead, and its
/// connectivity check before joining fails on each of them until then.
/// </summary>
/// <remarks>
/// A connection that is accepted (a live or a frozen silo: the kernel still accepts for a stopped process) or that
/// times out (a host that is down or unreachable) proves nothing, and is left to Orleans' probes and votes. The
/// declaration is the one Orleans makes: the row's status set to Dead with this silo added to its suspects, written
/// with the row's etag and the next table version, retried when another write got there first. It is awaited, and
/// this silo's view refreshed, before the start goes on: Orleans' <see cref="IClusterMembershipService.TryKill"/> only
/// queues the declaration, which then races this silo's own Joining write and loses. Any failure here is logged and
/// the start goes on as without the sweep.
/// </remarks>
internal sealed partial class DeadSiloSweep(
    IMembershipTable table,
    IClusterMembershipService membership,
    ILocalSiloDetails localSilo,
    IOptions<ClusterMembershipOptions> membershipOptions,
    TimeProvider timeProvider,
    ILogger<DeadSiloSweep> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>
    /// Right after Orleans' membership table manager has read the table (<see cref="ServiceLifecycleStage.RuntimeGrainServices"/>)
    /// and before the silo writes its Joining row (<see cref="ServiceLifecycleStage.AfterRuntimeGrainServices"/>).
    /// </summary>
    public const int Stage = ServiceLifecycleStage.RuntimeGrainServices + 1;

    private const int MaxWriteAttempts = 5;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(DeadSiloSweep), Stage, SweepAsync, _ => Task.CompletedTask);

    /// <summary>Checks each other Active or Joining silo at once and declares those that refuse connections dead.</summary>
    internal async Task SweepAsync(CancellationToken cancellationToken)
    {
        var timeout = membershipOptions.Value.ProbeTimeout;
        try
        {
            var self = localSilo.SiloAddress;
            var rows = await table.ReadAllAsync(cancellationToken).WaitAsync(timeout * 5, timeProvider, cancellationToken).ConfigureAwait(false);
            var suspects = rows.Members
                .Select(row => row.Item1)
                .Where(entry => entry.Status is SiloStatus.Active or SiloStatus.Joining && !entry.SiloAddress.Endpoint.Equals(self.Endpoint))
                .ToList();
            if (suspects.Count == 0)
            {
                return;
            }

            var refused = await Task.WhenAll(suspects.Select(entry => SiloPortProbe.RefusesAsync(entry.SiloAddress.Endpoint, timeout, timeProvider, cancellationToken))).ConfigureAwait(false);
            var declared = 0;
            for (var i = 0; i < suspects.Count; i++)
            {
                if (refused[i] && await DeclareDeadAsync(suspects[i].SiloAddress, timeout, cancellationToken).ConfigureAwait(false))
                {
                    declared++;
                }
            }

            if (declared > 0)
            {
                // The silo's own view (which its connectivity check before joining reads) must show them dead now.
                await membership.Refresh(default, cancellationToken).AsTask().WaitAsync(timeout * 5, timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogWarningSweepFailed(ex);
        }
    }

    /// <summary>Writes the silo's row as Dead, conditionally on its etag and the table version; retries a lost race.</summary>
    private async Task<bool> DeclareDeadAsync(SiloAddress silo, TimeSpan timeout, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxWriteAttempts; attempt++)
        {
            var rows = await table.ReadAllAsync(cancellationToken).WaitAsync(timeout * 5, timeProvider, cancellationToken).ConfigureAwait(false);
            if (rows.TryGet(silo) is not { } row || row.Item1.Status is not (SiloStatus.Active or SiloStatus.Joining))
            {
                return false;
            }

            var entry = row.Item1;
            var status = entry.Status;
            entry.AddSuspector(localSilo.SiloAddress, timeProvider.GetUtcNow().UtcDateTime);
            entry.Status = SiloStatus.Dead;
            if (await table.UpdateRowAsync(entry, row.Item2, rows.Version.Next(), cancellationToken).WaitAsync(timeout * 5, timeProvider, cancellationToken).ConfigureAwait(false))
            {
                LogWarningDeclaredDead(silo, status);
                return true;
            }
        }

        LogWarningNotDeclared(silo, MaxWriteAttempts);
        return false;
    }

    [LoggerMessage(EventId = 1701, Level = LogLevel.Warning,
        Message = "Declared silo {Silo} dead at start-up: the membership table listed it as {Status}, but its silo port refused connections (nothing listens there: its process is gone)")]
    private partial void LogWarningDeclaredDead(SiloAddress silo, SiloStatus status);

    [LoggerMessage(EventId = 1702, Level = LogLevel.Warning,
        Message = "Silo {Silo} refused connections, but could not be declared dead at start-up ({Attempts} writes lost to others); Orleans' probes will decide")]
    private partial void LogWarningNotDeclared(SiloAddress silo, int attempts);

    [LoggerMessage(EventId = 1703, Level = LogLevel.Warning,
        Message = "The start-up check for dead silos failed; Orleans' probes will decide")]
    private partial void LogWarningSweepFailed(Exception exception);
}
