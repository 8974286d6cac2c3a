using CacheCluster.Samples.Shop.Cart;
using CacheCluster.Samples.Shop.Catalog;
using CacheCluster.Samples.Shop.Checkout;
using CacheCluster.Samples.Shop.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

// The shop: a minimal API over CacheCluster. Configuration: appsettings.json, then Shop__X / CacheCluster__X environment
// variables, then --Shop:X=value / --CacheCluster:X=value arguments. HTTP on 127.0.0.1:5100 unless --urls says otherwise.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddOptions<ShopOptions>().Bind(builder.Configuration.GetSection(ShopOptions.SectionName)).ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<ShopOptions>, ShopOptionsValidator>();
var shop = builder.Configuration.GetSection(ShopOptions.SectionName).Get<ShopOptions>() ?? new ShopOptions();

if (shop.HostSilo)
{
    // Co-hosting: a silo in this process (embedded mode unless CacheCluster:Redis is set), added before the adapters,
    // which then use it directly: no gateway, no second connection.
    builder.UseOrleans(silo => silo.AddCacheCluster(builder.Configuration));
}

// Each adapter registers the one cluster client (bound from the "CacheCluster" section: Gateways or Redis).
builder.Services.AddCacheClusterHybridCache(builder.Configuration);
builder.Services.AddCacheClusterOutputCache(builder.Configuration);
builder.Services.AddCacheClusterDistributedCache(builder.Configuration);
builder.Services.AddOutputCache(options => options.AddPolicy(ProductEndpoints.ListPolicy, policy => policy
    .Expire(TimeSpan.FromMinutes(5))
    .SetVaryByHost(false)              // one cached list for every instance, whatever host and port it was asked on
    .Tag(ProductEndpoints.ListTag)));

// Session for the cart, in the cluster; every instance needs the same data-protection key ring and application name.
var dataProtection = builder.Services.AddDataProtection().SetApplicationName("cachecluster-shop");
if (shop.KeysDirectory is { Length: > 0 } keys)
{
    dataProtection.PersistKeysToFileSystem(new DirectoryInfo(keys));
}

builder.Services.AddSession(options => options.IdleTimeout = TimeSpan.FromMinutes(20));
builder.Services.AddShopRateLimiting();
builder.Services.TryAddSingleton(TimeProvider.System);
builder.Services.AddSingleton<ProductDatabase>();

await using var app = builder.Build();
app.UseRateLimiter();
app.UseSession();
app.UseOutputCache();

app.MapProducts();
app.MapCart();
app.MapCheckout();
app.MapGet("/stats", (ProductDatabase database) => Results.Ok(new { database.ProductReads, database.ListReads }));

app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine(
    $"CacheCluster shop ready: http {string.Join(' ', app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [])}, " +
    (shop.HostSilo ? "with a co-hosted silo" : "as a client of the cluster")));

await app.RunAsync();
