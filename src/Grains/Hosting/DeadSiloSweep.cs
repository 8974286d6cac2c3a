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
/// declaration goes through Orleans' own <see cref="IClusterMembershipService.TryKill"/>: a conditional update of the
/// row with its etag and the table version, as Orleans declares a silo dead, which also refreshes this silo's view and
/// tells the others. Any failure here is logged and the start goes on as without the sweep.
/// </remarks>
internal sealed partial class DeadSiloSweep(
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

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(DeadSiloSweep), Stage, SweepAsync, _ => Task.CompletedTask);

    /// <summary>Checks each other Active or Joining silo at once and declares those that refuse connections dead.</summary>
    internal async Task SweepAsync(CancellationToken cancellationToken)
    {
        var self = localSilo.SiloAddress;
        var suspects = membership.CurrentSnapshot.Members.Values
            .Where(member => member.Status is SiloStatus.Active or SiloStatus.Joining && !member.SiloAddress.Endpoint.Equals(self.Endpoint))
            .ToList();
        if (suspects.Count == 0)
        {
            return;
        }

        var timeout = membershipOptions.Value.ProbeTimeout;
        await Task.WhenAll(suspects.Select(member => SweepOneAsync(member, timeout, cancellationToken))).ConfigureAwait(false);
    }

    private async Task SweepOneAsync(ClusterMember member, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            if (!await SiloPortProbe.RefusesAsync(member.SiloAddress.Endpoint, timeout, timeProvider, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            LogWarningDeclaringDead(member.SiloAddress, member.Status);
            var declared = await membership.TryKill(member.SiloAddress).WaitAsync(timeout * 5, timeProvider, cancellationToken).ConfigureAwait(false);
            if (!declared)
            {
                LogWarningNotDeclared(member.SiloAddress);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogWarningSweepFailed(ex, member.SiloAddress);
        }
    }

    [LoggerMessage(EventId = 1701, Level = LogLevel.Warning,
        Message = "Declaring silo {Silo} dead at start-up: the membership table lists it as {Status}, but its silo port refused connections (nothing listens there: its process is gone)")]
    private partial void LogWarningDeclaringDead(SiloAddress silo, SiloStatus status);

    [LoggerMessage(EventId = 1702, Level = LogLevel.Warning,
        Message = "Silo {Silo} could not be declared dead at start-up (its row changed meanwhile); Orleans' probes will decide")]
    private partial void LogWarningNotDeclared(SiloAddress silo);

    [LoggerMessage(EventId = 1703, Level = LogLevel.Warning,
        Message = "The start-up check of silo {Silo} failed; Orleans' probes will decide")]
    private partial void LogWarningSweepFailed(Exception exception, SiloAddress silo);
}
