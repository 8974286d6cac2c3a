using CacheCluster.Hosting;
using CacheCluster.Tests.EndToEnd;
using Microsoft.Extensions.Configuration;

namespace CacheCluster.Tests.Fixtures;

/// <summary>
/// The invalidation rules every test silo has: the seed rules exactly as the silo ships them (read from
/// src/Silo/appsettings.json), plus one tag rule for tests.
/// </summary>
internal static class TestRules
{
    /// <summary>A rule that invalidates the tag <c>entity:{id}</c>.</summary>
    public const string Tagged = "test.tagged";

    private static readonly Lazy<IConfigurationSection> Shipped = new(() => new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(BuiltPrograms.SolutionDirectory, "src", "Silo", "appsettings.json"), optional: false)
        .Build()
        .GetSection("CacheCluster:Invalidation"));

    public static void AddTo(InvalidationOptions options)
    {
        Shipped.Value.Bind(options);
        var tagged = new InvalidationRuleOptions { Entity = "entity:{id}" };
        tagged.Tags.Add("entity:{id}");
        options.Rules[Tagged] = tagged;
    }
}
