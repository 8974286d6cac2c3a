namespace CacheCluster.Bench.Cli;

/// <summary>What the <c>cli</c> scenario runs against.</summary>
internal sealed record CliBenchSettings(string CliDll, string Url, string Gateway, string ClusterId, string ServiceId, string Redis, int ClosedPort, int Calls);
