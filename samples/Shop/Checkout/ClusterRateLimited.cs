namespace CacheCluster.Samples.Shop.Checkout;

/// <summary>Endpoint metadata: requests to the endpoint count against the cluster rate-limit <paramref name="Policy"/>, per client IP.</summary>
internal sealed record ClusterRateLimited(string Policy);
