namespace CacheCluster.Tests.EndToEnd;

/// <summary>A cluster id and service id unique to one test, so clusters of different tests never meet.</summary>
public sealed record ClusterIdentity(string ClusterId, string ServiceId)
{
    public static ClusterIdentity New(string prefix)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        return new ClusterIdentity($"{prefix}-cluster-{suffix}", $"{prefix}-service-{suffix}");
    }

    /// <summary>The silo's <c>--CacheCluster:ClusterId</c> and <c>--CacheCluster:ServiceId</c> arguments.</summary>
    public IReadOnlyList<string> SiloArguments => [$"--CacheCluster:ClusterId={ClusterId}", $"--CacheCluster:ServiceId={ServiceId}"];

    /// <summary>The CLI's <c>--cluster-id</c> and <c>--service-id</c> options.</summary>
    public IReadOnlyList<string> CliArguments => ["--cluster-id", ClusterId, "--service-id", ServiceId];
}
