using System.Collections.Concurrent;
using CacheCluster.FaultLoad.Recording;

namespace CacheCluster.Tests.Faults;

/// <summary>
/// Reads every key the load clients wrote back from the cluster and holds it to its last acknowledged write: the final
/// value is that write's value, or the value of a later write whose outcome the client could not know (it failed).
/// </summary>
/// <param name="Keys">Keys checked.</param>
/// <param name="AcknowledgedWrites">Writes the cluster acknowledged, over all keys.</param>
/// <param name="AtLastAcknowledged">Keys whose final value is their last acknowledged write.</param>
/// <param name="AtLaterUnknown">Keys whose final value is a later write that failed with an unknown outcome.</param>
internal sealed record WriteCheck(int Keys, long AcknowledgedWrites, int AtLastAcknowledged, int AtLaterUnknown)
{
    public static async Task<WriteCheck> VerifyAsync(IClusterCache cache, IReadOnlyList<LoadReport> reports)
    {
        var writes = reports.SelectMany(report => report.Writes).ToList();
        Assert.NotEmpty(writes);
        var finals = new ConcurrentDictionary<string, CacheResult<long>>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(writes, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (write, ct) =>
            finals[write.Key] = await cache.TryGetAsync<long>(write.Key, ct));

        var atLast = 0;
        var atUnknown = 0;
        var wrong = new List<string>();
        foreach (var write in writes)
        {
            var final = finals[write.Key];
            if (final.Found ? final.Value == write.LastAcknowledged : write.LastAcknowledged == 0)
            {
                atLast++;
            }
            else if (final.Found && final.Value > write.LastAcknowledged && write.Unknown.Contains(final.Value))
            {
                atUnknown++;
            }
            else
            {
                wrong.Add($"{write.Key}: final {(final.Found ? final.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : "missing")}, " +
                    $"last acknowledged {write.LastAcknowledged}, unknown outcomes [{string.Join(", ", write.Unknown)}]");
            }
        }

        Assert.True(wrong.Count == 0, $"{wrong.Count} of {writes.Count} keys lost an acknowledged write:\n{string.Join("\n", wrong.Take(20))}");
        return new WriteCheck(writes.Count, writes.Sum(write => write.Acknowledged), atLast, atUnknown);
    }
}
