using CacheCluster.Hosting;
using CacheCluster.Http.Hosting;
using CacheCluster.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Hosting;

// Configuration: appsettings.json, then CacheCluster__X environment variables, then --CacheCluster:X=value arguments.
// The HTTP API runs in every silo (grain calls stay local), on 127.0.0.1:5080 unless --urls (or ASPNETCORE_URLS) says otherwise.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});

if (string.IsNullOrEmpty(builder.Configuration["urls"])
    && string.IsNullOrEmpty(builder.Configuration["http_ports"])
    && string.IsNullOrEmpty(builder.Configuration["https_ports"])
    && !builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
{
    builder.WebHost.UseUrls(CacheClusterHttpOptions.DefaultUrl);
}

try
{
    // The silo's composition: the cache and its core features, then each optional feature in one line.
    builder.UseOrleans(silo => silo
        .AddCacheCluster(builder.Configuration)
        .AddCacheClusterCdn(builder.Configuration)
        .AddCacheClusterDashboard(builder.Configuration));
    builder.Services.AddCacheClusterHttp(builder.Configuration);
}
catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException or FormatException)
{
    // Binding and validation errors name the configuration key; say it plainly and stop.
    var lines = ex is OptionsValidationException validation ? validation.Failures : [ex.Message];
    foreach (var line in lines)
    {
        Console.Error.WriteLine($"cachecluster-silo: invalid configuration: {line}");
    }

    return 2;
}

// Graceful shutdown (leaving membership, draining activations) gets this long; past it the process exits anyway,
// so a silo whose Redis is gone cannot hang on SIGTERM.
var shutdownTimeout = TimeSpan.FromSeconds(30);
builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = shutdownTimeout);

await using var app = builder.Build();
app.UseCacheClusterHttp();

var options = app.Services.GetRequiredService<IOptions<CacheClusterOptions>>().Value;
var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
lifetime.ApplicationStarted.Register(() => Console.WriteLine(
    $"CacheCluster silo ready: silo port {options.SiloPort}, gateway port {options.GatewayPort}, " +
    $"cluster '{options.ClusterId}', service '{options.ServiceId}', " +
    (options.Redis is null ? "embedded mode (localhost clustering, in-memory entries)" : "Redis mode (Redis clustering, Redis entries)") +
    $", http {string.Join(' ', app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [])}"));

lifetime.ApplicationStopping.Register(() => _ = Task.Delay(shutdownTimeout + TimeSpan.FromSeconds(10), TimeProvider.System).ContinueWith(
    _ =>
    {
        Console.Error.WriteLine("cachecluster-silo: graceful shutdown did not finish in time; exiting.");
        Environment.Exit(1);
    },
    TaskScheduler.Default));

try
{
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ex is not OutOfMemoryException)
{
    Console.Error.WriteLine($"cachecluster-silo: stopped on an error: {CacheClusterRedis.DescribeError(ex)}");
    return 1;
}
