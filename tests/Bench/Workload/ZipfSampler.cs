namespace CacheCluster.Bench.Workload;

/// <summary>
/// Draws ranks 0 … n-1 with probability proportional to 1 / (rank + 1)^s, by binary search in the cumulative
/// distribution (built once, shared read-only by all callers; each caller brings its own <see cref="Random"/>).
/// </summary>
internal sealed class ZipfSampler
{
    private readonly double[] _cumulative;

    public ZipfSampler(int n, double exponent)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        ArgumentOutOfRangeException.ThrowIfNegative(exponent);
        _cumulative = new double[n];
        double sum = 0;
        for (var rank = 0; rank < n; rank++)
        {
            sum += 1 / Math.Pow(rank + 1, exponent);
            _cumulative[rank] = sum;
        }

        for (var rank = 0; rank < n; rank++)
        {
            _cumulative[rank] /= sum;
        }

        _cumulative[n - 1] = 1;
    }

    /// <summary>The probability of the most frequent rank, for the report.</summary>
    public double TopShare => _cumulative[0];

    public int Next(Random random)
    {
        var u = random.NextDouble();
        var index = Array.BinarySearch(_cumulative, u);
        return index >= 0 ? index : Math.Min(~index, _cumulative.Length - 1);
    }
}
