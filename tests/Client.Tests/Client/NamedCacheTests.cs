using CacheCluster.Hosting;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CacheCluster.Tests.Client;

[Collection(CoHostedSiloCollection.Name)]
public sealed class NamedCacheTests(CoHostedSilo silo)
{
    private IClusterCache Default => silo.Host.Services.GetRequiredService<IClusterCache>();

    private IClusterCache Products => silo.Host.Services.GetRequiredKeyedService<IClusterCache>(CoHostedSilo.Products);

    private IClusterCache Orders => silo.Host.Services.GetRequiredKeyedService<IClusterCache>(CoHostedSilo.Orders);

    [Fact]
    public async Task TwoNamedCaches_SameKey_DoNotCollide()
    {
        var key = Guid.NewGuid().ToString("N");
        await Products.SetAsync(key, "product");
        await Orders.SetAsync(key, "order");

        Assert.Equal("product", (await Products.TryGetAsync<string>(key)).Value);
        Assert.Equal("order", (await Orders.TryGetAsync<string>(key)).Value);
        Assert.Equal("product", (await Default.TryGetAsync<string>("products:" + key)).Value);
        Assert.False((await Default.TryGetAsync<string>(key)).Found);
        Assert.True(await Orders.RemoveAsync(key));
        Assert.True(await Products.ExistsAsync(key));
        Assert.False(await Orders.ExistsAsync(key));
    }

    [Fact]
    public async Task DefaultEntryOptions_ApplyToWritesAndGetOrSet_UnlessTheCallPassesItsOwn()
    {
        var key = Guid.NewGuid().ToString("N");
        await Products.SetAsync(key + ":set", "v");
        await Products.GetOrSetAsync(key + ":fill", _ => Task.FromResult<string?>("v"));
        await Products.SetAsync(key + ":own", "v", new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(1) });
        await Orders.SetAsync(key + ":plain", "v");

        Assert.Equal(TimeSpan.FromMinutes(5), (await Products.GetTimeToLiveAsync(key + ":set")).TimeToLive);
        Assert.Equal(TimeSpan.FromMinutes(5), (await Products.GetTimeToLiveAsync(key + ":fill")).TimeToLive);
        Assert.Equal(TimeSpan.FromMinutes(1), (await Products.GetTimeToLiveAsync(key + ":own")).TimeToLive);
        Assert.Null((await Orders.GetTimeToLiveAsync(key + ":plain")).TimeToLive);


        // Tags are the cluster's shared vocabulary, never prefixed: the defaults' "catalog" tag, removed through another
        // named cache, removes the products' defaulted entries (and not the one written with its own options).
        await Orders.RemoveByTagAsync("catalog");
        Assert.False(await Products.ExistsAsync(key + ":set"));
        Assert.False(await Products.ExistsAsync(key + ":fill"));
        Assert.True(await Products.ExistsAsync(key + ":own"));
    }

    [Fact]
    public async Task PatternRemoval_StaysInsideThePrefix_AndItsStarNeedsAllowAll()
    {
        var key = Guid.NewGuid().ToString("N");
        await Products.SetAsync(key + ":a", 1);
        await Products.SetAsync(key + ":b", 2);
        await Orders.SetAsync(key + ":a", 3);
        await Default.SetAsync(key + ":a", 4);

        Assert.Equal(2, await Products.RemoveByPatternAsync(key + ":*"));
        Assert.False(await Products.ExistsAsync(key + ":a"));
        Assert.True(await Orders.ExistsAsync(key + ":a"));
        Assert.True(await Default.ExistsAsync(key + ":a"));

        var error = await Assert.ThrowsAsync<InvalidCacheOptionsException>(() => Orders.RemoveByPatternAsync("*"));
        Assert.Contains("named cache 'orders'", error.Message, StringComparison.Ordinal);
        Assert.True(await Orders.ExistsAsync(key + ":a"));
    }

    [Fact]
    public async Task Keys_ArePrefixedAndCheckedAgainstMaxKeyBytes()
    {
        var longest = new string('k', CacheKey.DefaultMaxKeyBytes - "orders:".Length);
        await Orders.SetAsync(longest, "fits");

        Assert.Equal("fits", (await Orders.TryGetAsync<string>(longest)).Value);
        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => Orders.SetAsync(longest + "k", "too long"));
        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => Orders.SetAsync(string.Empty, "empty"));
        Assert.False(await Default.ExistsAsync("orders:"));
    }

    [Fact]
    public void KeyedInjection_GivesTheNamedCache_OverTheOneClient()
    {
        using var provider = new ServiceCollection()
            .AddCacheClusterClient()
            .AddCacheClusterNamedCache("products", o => o.KeyPrefix = "p/")
            .AddSingleton<IClusterCache>(Default)
            .AddSingleton<Consumer>()
            .BuildServiceProvider();

        var consumer = provider.GetRequiredService<Consumer>();

        Assert.NotSame(Default, consumer.Products);
        Assert.Same(provider.GetRequiredKeyedService<IClusterCache>("products"), consumer.Products);
        Assert.Equal("p/", provider.GetRequiredKeyedService<NamedClusterCacheOptions>("products").KeyPrefix);
        Assert.Single(provider.GetServices<IClusterClient>());
    }

    [Fact]
    public void BadNamesAndOptions_AreTypedErrors()
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentException>(() => services.AddCacheClusterNamedCache(" "));
        Assert.Throws<ArgumentNullException>(() => services.AddCacheClusterNamedCache(null!));
        var prefix = Assert.Throws<OptionsValidationException>(() => services.AddCacheClusterNamedCache("bad", o => o.KeyPrefix = "a\nb"));
        Assert.StartsWith("Named cache 'bad': NamedClusterCacheOptions.KeyPrefix:", Assert.Single(prefix.Failures), StringComparison.Ordinal);
        var defaults = Assert.Throws<OptionsValidationException>(() => services.AddCacheClusterNamedCache("bad", o =>
            o.DefaultEntryOptions = new CacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(1), FreshFor = TimeSpan.FromSeconds(2) }));
        Assert.StartsWith("Named cache 'bad': NamedClusterCacheOptions.DefaultEntryOptions:", Assert.Single(defaults.Failures), StringComparison.Ordinal);
        Assert.DoesNotContain(services, d => d.IsKeyedService && Equals(d.ServiceKey, "bad"));
    }

    [Fact]
    public void APrefixsGlobCharacters_AreEscapedInPatterns()
    {
        var named = new CacheCluster.NamedCaches.NamedClusterCache(
            Default, new NamedClusterCacheOptions { Name = "odd", KeyPrefix = @"p*[x]?\:" }, new CacheClusterClientOptions());

        var pattern = CacheCluster.NearCache.CacheKeyPattern.Parse(named.Pattern("k*", allowAll: false));

        Assert.Equal(@"p\*\[x\]\?\\:k*", pattern.Text);
        Assert.True(pattern.IsMatch(@"p*[x]?\:k1"));
        Assert.False(pattern.IsMatch(@"pZx!\:k1"));
        Assert.False(pattern.IsMatch("k1"));
        Assert.Equal(@"p*[x]?\:k", named.Key("k"));
    }

    [Fact]
    public void TheSameNameAgain_ConfiguresTheSameCache()
    {
        var services = new ServiceCollection()
            .AddCacheClusterNamedCache("again")
            .AddCacheClusterNamedCache("again", o => o.DefaultEntryOptions = CoHostedSilo.ProductDefaults);

        var options = Assert.Single(services, d => d.ServiceType == typeof(NamedClusterCacheOptions)).KeyedImplementationInstance as NamedClusterCacheOptions;
        Assert.Single(services, d => d.ServiceType == typeof(IClusterCache) && d.IsKeyedService);
        Assert.Equal("again:", options!.KeyPrefix);
        Assert.Same(CoHostedSilo.ProductDefaults, options.DefaultEntryOptions);
    }

    private sealed class Consumer([FromKeyedServices("products")] IClusterCache products)
    {
        public IClusterCache Products { get; } = products;
    }
}
