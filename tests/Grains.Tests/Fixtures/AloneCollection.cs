namespace CacheCluster.Tests.Fixtures;

/// <summary>
/// Tests that must not share the test process with any other test: xUnit runs a collection that disables
/// parallelization after all the others, one test at a time. <c>RedisOutageTests</c> times failures against Redis'
/// timeouts, and <c>RedisSecurityTests</c> sets the process-wide <c>SERedis_IssuerCertPath</c>, which every Redis
/// connection and every child process started meanwhile would see.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "alone";
}
