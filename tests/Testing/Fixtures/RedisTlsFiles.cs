namespace CacheCluster.Tests.Fixtures;

/// <summary>The PEM files of a TLS redis-server: its certificate and key, and the CA that issued them.</summary>
public sealed record RedisTlsFiles(string CertificatePath, string KeyPath, string CaCertificatePath);
