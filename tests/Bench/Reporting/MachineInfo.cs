using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using StackExchange.Redis;

namespace CacheCluster.Bench.Reporting;

/// <summary>The machine and software a run was measured on.</summary>
internal sealed record MachineInfo(
    int ProcessorCount,
    string CpuModel,
    double MemoryGiB,
    string LoadAverage,
    string OperatingSystem,
    string Runtime,
    string GarbageCollector,
    string RedisServer,
    IReadOnlyDictionary<string, string> Packages)
{
    public static async Task<MachineInfo> ReadAsync(IServer redis)
    {
        return new MachineInfo(
            Environment.ProcessorCount,
            ReadProcField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
            ReadMemoryGiB(),
            ReadFirstLine("/proc/loadavg") ?? "unknown",
            RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription,
            System.Runtime.GCSettings.IsServerGC ? "server" : "workstation, concurrent",
            await ReadRedisVersionAsync(redis),
            new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["Microsoft.Orleans.Client"] = VersionOf(typeof(IClusterClient)),
                ["RedisRateLimiting"] = VersionOf(typeof(RedisRateLimiting.RedisFixedWindowRateLimiter<>)),
                ["StackExchange.Redis"] = VersionOf(typeof(ConnectionMultiplexer)),
                ["HdrHistogram"] = VersionOf(typeof(HdrHistogram.LongHistogram)),
            });
    }

    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"{ProcessorCount} cores ({CpuModel}), {MemoryGiB:0.#} GiB; load {LoadAverage}; {OperatingSystem}; {Runtime} ({GarbageCollector} GC); redis-server {RedisServer}");

    private static async Task<string> ReadRedisVersionAsync(IServer redis)
    {
        try
        {
            var info = await redis.InfoAsync("server");
            return info.SelectMany(group => group).FirstOrDefault(pair => pair.Key == "redis_version").Value ?? "unknown";
        }
        catch (RedisException)
        {
            return "unknown";
        }
    }

    private static string VersionOf(Type type)
    {
        var version = type.Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? type.Assembly.GetName().Version?.ToString()
            ?? "unknown";
        // "10.4.2+abc" or "10.4.2. Commit Hash: abc": keep the version.
        var end = version.IndexOfAny(['+', ' ']);
        return (end < 0 ? version : version[..end]).TrimEnd('.');
    }

    private static string? ReadProcField(string path, string name)
    {
        try
        {
            return File.ReadLines(path)
                .Where(line => line.StartsWith(name, StringComparison.Ordinal))
                .Select(line => line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())
                .FirstOrDefault();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static double ReadMemoryGiB()
    {
        // "MemTotal:       24582128 kB"
        var total = ReadProcField("/proc/meminfo", "MemTotal");
        return total is not null && long.TryParse(total.Split(' ')[0], CultureInfo.InvariantCulture, out var kib)
            ? kib / (1024.0 * 1024.0)
            : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024.0 * 1024.0);
    }

    private static string? ReadFirstLine(string path)
    {
        try
        {
            return File.ReadLines(path).FirstOrDefault();
        }
        catch (IOException)
        {
            return null;
        }
    }
}
