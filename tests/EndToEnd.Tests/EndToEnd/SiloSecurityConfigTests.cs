using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.EndToEnd;

/// <summary>A TLS certificate that cannot be used stops the silo at start with exit code 2 and the key at fault.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class SiloSecurityConfigTests
{
    [Fact]
    public async Task Silo_TlsCertificateFileMissing_ExitsTwoNamingTheKey()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.pfx");

        var result = await SiloProcess.RunToExitAsync($"--CacheCluster:Tls:CertificatePath={missing}");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            $"cachecluster-silo: invalid configuration: CacheCluster:Tls:CertificatePath: the file '{missing}' was not found.{Environment.NewLine}",
            result.Stderr);
        Assert.DoesNotContain(SiloProcess.ReadyLine, result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_TlsCertificatePasswordWrong_ExitsTwoNamingTheKey_WithoutEchoingThePassword()
    {
        using var certificates = TestCertificates.Create();
        const string Wrong = "not-the-pfx-password-4711";

        var result = await SiloProcess.RunToExitAsync($"--CacheCluster:Tls:CertificatePath={certificates.ClusterPfx}", $"--CacheCluster:Tls:CertificatePassword={Wrong}");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("cachecluster-silo: invalid configuration: CacheCluster:Tls:CertificatePath:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("CacheCluster:Tls:CertificatePassword", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Wrong, result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(SiloProcess.ReadyLine, result.Stdout, StringComparison.Ordinal);
    }
}
