using System.Globalization;
using StackExchange.Redis;

namespace CacheCluster.Bench.Measurement;

/// <summary>
/// Reads the CPU time of the processes in a run: this process, the silos (by pid, from <c>/proc</c>, summed),
/// redis-server (from <c>INFO cpu</c>) and the whole machine (<c>/proc/stat</c>), so a report can say where the time went.
/// </summary>
internal sealed class CpuMeter(IServer redis, IReadOnlyList<int> siloPids)
{
    public CpuMeter(IServer redis, int? siloPid)
        : this(redis, siloPid is { } pid ? [pid] : [])
    {
    }

    // USER_HZ, the unit of /proc/[pid]/stat and /proc/stat times; 100 on every mainstream Linux architecture.
    private const double ClockTicksPerSecond = 100;

    public async Task<CpuSnapshot> TakeAsync()
    {
        var redisSeconds = await ReadRedisSecondsAsync();
        var (busy, total) = ReadMachineTicks();
        return new CpuSnapshot(Environment.CpuUsage.TotalTime.TotalSeconds, ReadSilosSeconds(), redisSeconds, busy, total);
    }

    private async Task<double?> ReadRedisSecondsAsync()
    {
        try
        {
            var info = await redis.InfoAsync("cpu");
            double sum = 0;
            foreach (var pair in info.SelectMany(group => group))
            {
                if (pair.Key is "used_cpu_sys" or "used_cpu_user")
                {
                    sum += double.Parse(pair.Value, CultureInfo.InvariantCulture);
                }
            }

            return sum;
        }
        catch (RedisException)
        {
            return null;
        }
    }

    private double? ReadSilosSeconds()
    {
        double sum = 0;
        foreach (var pid in siloPids)
        {
            if (ReadProcessSeconds(pid) is not { } seconds)
            {
                return null;
            }

            sum += seconds;
        }

        return siloPids.Count == 0 ? null : sum;
    }

    private static double? ReadProcessSeconds(int pid)
    {
        try
        {
            // Fields after the command name, which is in parentheses and may hold spaces: state is field 3, utime 14, stime 15.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / ClockTicksPerSecond;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static (long Busy, long Total) ReadMachineTicks()
    {
        try
        {
            // cpu user nice system idle iowait irq softirq steal ...
            var line = File.ReadLines("/proc/stat").First();
            var values = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
                .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            var total = values.Sum();
            return (total - values[3] - values[4], total);
        }
        catch (IOException)
        {
            return (0, 0);
        }
    }
}

/// <summary>CPU seconds used so far by each process, and the machine's busy and total clock ticks.</summary>
internal sealed record CpuSnapshot(double Bench, double? Silo, double? Redis, long MachineBusyTicks, long MachineTotalTicks)
{
    public CpuUsage Since(CpuSnapshot before, long decisions, TimeSpan elapsed)
    {
        var bench = Bench - before.Bench;
        double? silo = Silo is { } s && before.Silo is { } s0 ? s - s0 : null;
        double? redis = Redis is { } r && before.Redis is { } r0 ? r - r0 : null;
        var total = MachineTotalTicks - before.MachineTotalTicks;
        var busySeconds = (MachineBusyTicks - before.MachineBusyTicks) / 100.0;
        return new CpuUsage(
            PerDecision(bench, decisions),
            silo is { } siloSeconds ? PerDecision(siloSeconds, decisions) : null,
            redis is { } redisSeconds ? PerDecision(redisSeconds, decisions) : null,
            total > 0 ? (double)(MachineBusyTicks - before.MachineBusyTicks) / total : null,
            total > 0 && elapsed > TimeSpan.Zero ? Math.Max(0, busySeconds - bench - (silo ?? 0) - (redis ?? 0)) / elapsed.TotalSeconds : null);
    }

    private static double PerDecision(double seconds, long decisions) => decisions == 0 ? double.NaN : seconds * 1e6 / decisions;
}

/// <summary>
/// CPU microseconds per decision spent in each process; how busy the machine was (0 to 1, all cores); and how many
/// cores other processes used on average meanwhile (a run with much other work is noise, not a measurement).
/// </summary>
internal sealed record CpuUsage(double BenchMicroseconds, double? SiloMicroseconds, double? RedisMicroseconds, double? MachineBusy, double? OtherCores)
{
    /// <summary>Gets this process, the silos and redis-server together, in µs per decision (a part not read counts as zero).</summary>
    public double TotalMicroseconds => BenchMicroseconds + (SiloMicroseconds ?? 0) + (RedisMicroseconds ?? 0);
}
