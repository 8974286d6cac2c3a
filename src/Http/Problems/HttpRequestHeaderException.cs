namespace CacheCluster.Http.Problems;

/// <summary>A request header or query parameter the API cannot use; answered as 400 <c>invalid-header</c>.</summary>
internal sealed class HttpRequestHeaderException(string message) : Exception(message);
