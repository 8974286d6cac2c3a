namespace CacheCluster.Http.Cdn;

/// <summary>One HTTP request to a CDN, built afresh for each attempt.</summary>
/// <param name="Provider">The provider, for logs and metrics.</param>
/// <param name="Kind">What it purges (url, tag, prefix, all), for logs and metrics.</param>
/// <param name="Count">How many URLs, tags or prefixes it carries.</param>
/// <param name="Create">Builds the request; <see langword="null"/> when the provider cannot purge this (counted and logged as unsupported).</param>
internal sealed record PurgeRequest(string Provider, string Kind, int Count, Func<HttpRequestMessage>? Create);
