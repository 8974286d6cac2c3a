using CacheCluster.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CacheCluster.Operations;

/// <summary>
/// What this silo keeps for its operators, fed by <see cref="EntryCallRecorder"/> and the stream partitions: the
/// operation rate, the hot-key sketch and the slow log (each <see langword="null"/> when switched off).
/// </summary>
internal sealed class SiloOperations
{
    public SiloOperations([FromKeyedServices(CacheClusterClock.ServiceKey)] TimeProvider clock, IOptions<OperationsOptions> options)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        Clock = clock;
        Rate = new OperationRate(clock);
        HotKeys = settings.HotKeys.Enabled ? new HotKeySketch(clock, settings.HotKeys.Capacity, settings.HotKeys.HalfLife) : null;
        SlowLog = settings.SlowLog.Enabled
            ? new SlowLog(clock, TimeSpan.FromMilliseconds(settings.SlowLog.ThresholdMs), settings.SlowLog.MaxLength, settings.SlowLog.IncludeKeys)
            : null;
    }

    /// <summary>Gets the cache clock, which durations and rates are read from.</summary>
    public TimeProvider Clock { get; }

    public OperationRate Rate { get; }

    public HotKeySketch? HotKeys { get; }

    public SlowLog? SlowLog { get; }

    /// <summary>Gets or sets the silo's HTTP API address, when the silo hosts one (the HTTP feature sets it).</summary>
    public string? HttpAddress { get; set; }
}
