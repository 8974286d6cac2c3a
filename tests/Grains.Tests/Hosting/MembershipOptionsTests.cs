using CacheCluster.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace CacheCluster.Tests.Hosting;

/// <summary>The failure-detection settings: checked at start, and passed to Orleans' membership under the same names.</summary>
public sealed class MembershipOptionsTests
{
    [Fact]
    public void Defaults_DetectACrashedSiloWithinNineSeconds()
    {
        var membership = new CacheClusterMembershipOptions();

        Assert.Equal(TimeSpan.FromSeconds(9), membership.DetectionTime);
        Assert.True(new CacheClusterMembershipOptionsValidator().Validate(null, new CacheClusterMembershipOptions()).Succeeded);
    }

    [Fact]
    public void Configuration_ReachesOrleansClusterMembershipOptions()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CacheCluster:Membership:ProbeTimeout"] = "00:00:02",
            ["CacheCluster:Membership:MaxProbeTimeout"] = "00:00:04",
            ["CacheCluster:Membership:NumMissedProbesLimit"] = "4",
            ["CacheCluster:Membership:NumVotesForDeathDeclaration"] = "3",
            ["CacheCluster:Membership:DeathVoteExpirationTimeout"] = "00:01:00",
            ["CacheCluster:Membership:IAmAliveTablePublishTimeout"] = "00:00:07",
            ["CacheCluster:Membership:TableRefreshTimeout"] = "00:00:08",
        });
        builder.UseOrleans(silo => silo.AddCacheCluster(builder.Configuration));
        using var host = builder.Build();

        var orleans = host.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(2), orleans.ProbeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), orleans.MinProbeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(4), orleans.MaxProbeTimeout);
        Assert.Equal(4, orleans.NumMissedProbesLimit);
        Assert.Equal(3, orleans.NumVotesForDeathDeclaration);
        Assert.Equal(TimeSpan.FromMinutes(1), orleans.DeathVoteExpirationTimeout);
        Assert.Equal(TimeSpan.FromSeconds(7), orleans.IAmAliveTablePublishTimeout);
        Assert.Equal(TimeSpan.FromSeconds(8), orleans.TableRefreshTimeout);
    }

    [Theory]
    [InlineData("ProbeTimeout", "00:00:00.050")]
    [InlineData("MaxProbeTimeout", "00:00:00.500")]
    [InlineData("NumMissedProbesLimit", "0")]
    [InlineData("NumVotesForDeathDeclaration", "11")]
    [InlineData("DeathVoteExpirationTimeout", "00:00:05")]
    [InlineData("IAmAliveTablePublishTimeout", "00:00:00")]
    [InlineData("TableRefreshTimeout", "02:00:00")]
    public void BadValue_FailureNamesTheConfigurationKey(string name, string value)
    {
        var options = new CacheClusterMembershipOptions();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [$"CacheCluster:Membership:{name}"] = value }).Build();
        configuration.GetSection(CacheClusterOptions.SectionName + ":Membership").Bind(options);

        var result = new CacheClusterMembershipOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith($"CacheCluster:Membership:{name} ", failure, StringComparison.Ordinal);
    }
}
