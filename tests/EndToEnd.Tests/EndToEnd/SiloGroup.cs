using System.Collections;

namespace CacheCluster.Tests.EndToEnd;

/// <summary>Several silo processes started together and stopped together, in parallel both ways.</summary>
public sealed class SiloGroup : IReadOnlyList<SiloProcess>, IAsyncDisposable
{
    private readonly SiloProcess[] _silos;

    private SiloGroup(SiloProcess[] silos) => _silos = silos;

    public int Count => _silos.Length;

    public SiloProcess this[int index] => _silos[index];

    /// <summary>Starts <paramref name="count"/> silos at once; if any fails, stops those that started and rethrows.</summary>
    public static async Task<SiloGroup> StartAsync(int count, ClusterIdentity identity, params string[] arguments)
    {
        var starts = Enumerable.Range(0, count).Select(_ => SiloProcess.StartAsync(identity, arguments)).ToArray();
        try
        {
            return new SiloGroup(await Task.WhenAll(starts));
        }
        catch
        {
            await Task.WhenAll(starts.Where(start => start.IsCompletedSuccessfully).Select(start => start.Result.DisposeAsync().AsTask()));
            throw;
        }
    }

    public async ValueTask DisposeAsync() => await Task.WhenAll(_silos.Select(silo => silo.DisposeAsync().AsTask()));

    public IEnumerator<SiloProcess> GetEnumerator() => ((IEnumerable<SiloProcess>)_silos).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
