using System.Globalization;
using CacheCluster.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace CacheCluster.Operations;

/// <summary>
/// The operator's view of the cluster: asks every active silo's <see cref="ISiloOperationsGrain"/> at once and merges
/// the answers. A silo that does not answer within <see cref="SiloTimeout"/> is reported with an error, not waited for.
/// </summary>
public sealed class ClusterOperations
{
    /// <summary>How long one silo may take to answer.</summary>
    public static readonly TimeSpan SiloTimeout = TimeSpan.FromSeconds(5);

    private readonly IGrainFactory _grains;
    private readonly TimeProvider _clock;
    private readonly TimeProvider _runtimeClock;
    private readonly SiloOperations? _local;

    /// <summary>Initializes a new instance of the <see cref="ClusterOperations"/> class.</summary>
    /// <param name="grains">The grain factory.</param>
    /// <param name="services">The silo's services: the cache clock and this silo's operations feature.</param>
    public ClusterOperations(IGrainFactory grains, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(services);
        _grains = grains;
        _clock = services.GetKeyedService<TimeProvider>(CacheClusterClock.ServiceKey) ?? TimeProvider.System;
        _runtimeClock = services.GetService<TimeProvider>() ?? TimeProvider.System;
        _local = services.GetService<SiloOperations>();
    }

    /// <summary>Gets or sets this silo's HTTP API address, which its report shows (the HTTP API sets it when it starts).</summary>
    public string? LocalHttpAddress
    {
        get => _local?.HttpAddress;
        set
        {
            if (_local is not null)
            {
                _local.HttpAddress = value;
            }
        }
    }

    /// <summary>Gets every silo of the membership table with its figures, and the cluster's totals.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The status.</returns>
    public async Task<ClusterStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
#pragma warning disable CA2016 // IManagementGrain takes no token; the wait for it is cancelled instead.
        var hosts = await _grains.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: false).WaitAsync(cancellationToken).ConfigureAwait(false);
#pragma warning restore CA2016
        var now = _clock.GetUtcNow();
        var reports = await Task.WhenAll(hosts
            .OrderBy(host => host.Status == SiloStatus.Active ? 0 : 1)
            .ThenBy(host => host.SiloAddress.ToParsableString(), StringComparer.Ordinal)
            .Select(host => ReportAsync(host, now, cancellationToken))).ConfigureAwait(false);
        return new ClusterStatus(reports, ClusterTotals.Of(reports));
    }

    /// <summary>Gets the hottest keys of the cluster: each silo's top keys, summed by key.</summary>
    /// <param name="count">How many keys, 1 to 1,000.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>Up to <paramref name="count"/> keys, hottest first.</returns>
    public async Task<IReadOnlyList<HotKey>> GetHotKeysAsync(int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var answers = await AskActiveSilosAsync(silo => silo.GetHotKeysAsync(count), cancellationToken).ConfigureAwait(false);
        return [.. answers.SelectMany(answer => answer.Value)
            .GroupBy(key => key.Key, StringComparer.Ordinal)
            .Select(group => new HotKey(group.Key, group.First().Hash, group.Sum(key => key.Count)))
            .OrderByDescending(key => key.Count)
            .ThenBy(key => key.Key, StringComparer.Ordinal)
            .Take(count)];
    }

    /// <summary>Gets the cluster's most recent slow operations, each with the silo that logged it.</summary>
    /// <param name="count">How many, 1 to 10,000.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>Up to <paramref name="count"/> operations, the most recent first.</returns>
    public async Task<IReadOnlyList<SlowOperation>> GetSlowLogAsync(int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var answers = await AskActiveSilosAsync(silo => silo.GetSlowLogAsync(count), cancellationToken).ConfigureAwait(false);
        return [.. answers.SelectMany(answer => answer.Value.Select(operation => operation with { Silo = answer.Key }))
            .OrderByDescending(operation => operation.At)
            .ThenByDescending(operation => operation.DurationMs)
            .Take(count)];
    }

    private async Task<SiloReport> ReportAsync(MembershipEntry host, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var startedAt = new DateTimeOffset(DateTime.SpecifyKind(host.StartTime, DateTimeKind.Utc));
        var report = new SiloReport
        {
            Silo = host.SiloAddress.ToParsableString(),
            Status = host.Status.ToString(),
            Gateway = host.ProxyPort > 0 ? string.Create(CultureInfo.InvariantCulture, $"{host.SiloAddress.Endpoint.Address}:{host.ProxyPort}") : null,
            StartedAt = startedAt,
            UptimeSeconds = host.Status == SiloStatus.Active ? Math.Max(0, (now - startedAt).TotalSeconds) : 0,
        };
        if (host.Status != SiloStatus.Active)
        {
            return report;
        }

        try
        {
            var figures = await Silo(host.SiloAddress).GetFiguresAsync().WaitAsync(SiloTimeout, _runtimeClock, cancellationToken).ConfigureAwait(false);
            return report with { Figures = figures, Http = figures.Http, Version = figures.Version };
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return report with { Error = ex is TimeoutException ? $"no answer within {SiloTimeout.TotalSeconds:0} s" : ClusterFailure.FirstLine(ex.Message) };
        }
    }

    private async Task<IReadOnlyList<KeyValuePair<string, T>>> AskActiveSilosAsync<T>(Func<ISiloOperationsGrain, Task<T>> ask, CancellationToken cancellationToken)
    {
#pragma warning disable CA2016 // IManagementGrain takes no token; the wait for it is cancelled instead.
        var hosts = await _grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(cancellationToken).ConfigureAwait(false);
#pragma warning restore CA2016
        var answers = await Task.WhenAll(hosts.Keys.Select(async silo =>
        {
            try
            {
                return new KeyValuePair<string, T>?(new(silo.ToParsableString(), await ask(Silo(silo)).WaitAsync(SiloTimeout, _runtimeClock, cancellationToken).ConfigureAwait(false)));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // A silo that is leaving or slow is left out of the merge.
                return null;
            }
        })).ConfigureAwait(false);
        return [.. answers.OfType<KeyValuePair<string, T>>()];
    }

    private ISiloOperationsGrain Silo(SiloAddress silo) => _grains.GetGrain<ISiloOperationsGrain>(silo.ToParsableString());
}
