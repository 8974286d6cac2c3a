using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using CacheCluster;
using CacheCluster.FaultLoad;
using CacheCluster.FaultLoad.Application;
using CacheCluster.FaultLoad.Recording;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// cachecluster-faultload: a steady mixed load against a cluster, for the fault tests. It prints "FaultLoad ready" once
// connected, a progress line every 500 ms ("progress acknowledged=N failed=N limited=N": writes acknowledged, operations
// failed, rate-limit requests refused), and "FaultLoad done" after it has written its result file. It stops at the
// end of --duration, on a "stop" line on stdin, or on SIGTERM/SIGINT. Exit codes: 0 done, 2 usage, 3 unreachable.
// --mode app runs the application-side load instead (Application/AppLoadRun.cs), whose phases the test marks with
// "phase NAME [UNIX-MS]" lines on stdin; its result file is an AppLoadReport.
var gateway = new Option<string[]>("--gateway") { Required = true, AllowMultipleArgumentsPerToken = true, HelpName = "HOST:PORT" };
var clusterId = new Option<string>("--cluster-id") { Required = true };
var serviceId = new Option<string>("--service-id") { Required = true };
var name = new Option<string>("--name") { Required = true, Description = "client name; prefixes this client's keys" };
var result = new Option<string>("--result") { Required = true, Description = "path of the JSON result file" };
var duration = new Option<double>("--duration") { DefaultValueFactory = _ => 20, Description = "seconds" };
var responseTimeout = new Option<double>("--response-timeout") { DefaultValueFactory = _ => 10, Description = "seconds" };
var policy = new Option<string?>("--policy") { Description = "rate-limit policy configured on the silos" };
var identifiers = new Option<int>("--identifiers") { DefaultValueFactory = _ => 4 };
var writers = new Option<int>("--writers") { DefaultValueFactory = _ => 4 };
var keysPerWriter = new Option<int>("--keys-per-writer") { DefaultValueFactory = _ => 25 };
var mode = new Option<string>("--mode") { DefaultValueFactory = _ => "steady", Description = "steady (the mixed load) or app (the application-side load)" };
mode.AcceptOnlyFromAmong("steady", "app");
var nearCache = new Option<bool>("--near-cache") { Description = "app mode: turn the client's near cache on" };
var root = new RootCommand("Steady mixed load for the CacheCluster fault tests.")
{
    gateway, clusterId, serviceId, name, result, duration, responseTimeout, policy, identifiers, writers, keysPerWriter, mode, nearCache,
};

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        Console.Error.WriteLine($"cachecluster-faultload: {error.Message}");
    }

    return 2;
}

var settings = new LoadSettings
{
    Client = parse.GetRequiredValue(name),
    Gateways = parse.GetRequiredValue(gateway),
    ClusterId = parse.GetRequiredValue(clusterId),
    ServiceId = parse.GetRequiredValue(serviceId),
    ResultPath = Path.GetFullPath(parse.GetRequiredValue(result)),
    Duration = TimeSpan.FromSeconds(parse.GetValue(duration)),
    ResponseTimeout = TimeSpan.FromSeconds(parse.GetValue(responseTimeout)),
    Policy = parse.GetValue(policy),
    Identifiers = parse.GetValue(identifiers),
    Writers = parse.GetValue(writers),
    KeysPerWriter = parse.GetValue(keysPerWriter),
};

var application = parse.GetValue(mode) == "app" ? new AppLoadSettings { NearCache = parse.GetValue(nearCache) } : null;
var marks = new PhaseMarks();
var clock = TimeProvider.System;
using var stopping = new CancellationTokenSource();
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stopping.Cancel();
}

using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
_ = Task.Run(async () =>
{
    // Only a "stop" line stops the run: stdin at its end (or /dev/null) does not.
    while (await Console.In.ReadLineAsync(stopping.Token) is { } line)
    {
        if (line.Trim().Equals("stop", StringComparison.OrdinalIgnoreCase))
        {
            await stopping.CancelAsync();
            return;
        }

        marks.TryMark(line.Trim(), clock.GetUtcNow().ToUnixTimeMilliseconds());
    }
});

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Services.AddCacheClusterClient(options =>
{
    options.WaitForCluster = true;
    foreach (var g in settings.Gateways)
    {
        options.Gateways.Add(g);
    }

    options.ClusterId = settings.ClusterId;
    options.ServiceId = settings.ServiceId;
    options.ConnectTimeout = TimeSpan.FromSeconds(30);
    options.ResponseTimeout = settings.ResponseTimeout;
    options.NearCache.Enabled = application?.NearCache == true;
    if (application is null)
    {
        // The steady load checks the cluster itself (every failure counted, every acknowledged write read back), not
        // the client's fallbacks: a call waits Orleans' response timeout, and a read that fails says so.
        options.ClusterTimeout = settings.ResponseTimeout;
        options.Resilience.ReadFailureMode = CacheCluster.Resilience.CacheReadFailureMode.Throw;
    }
});
using var host = builder.Build();
try
{
    await host.StartAsync(stopping.Token);
}
catch (Exception ex) when (ex is CacheClusterException or OrleansException or OperationCanceledException or TimeoutException)
{
    Console.Error.WriteLine($"cachecluster-faultload: could not connect: {ex.GetType().Name}: {ex.Message}");
    return 3;
}

if (application is not null)
{
    stopping.CancelAfter(settings.Duration);
    await AppLoadMain.RunAsync(host.Services.GetRequiredService<IClusterCache>(), settings, application, marks, clock, stopping.Token);
    await StopHostAsync(host, clock);
    return 0;
}

var recorder = new LoadRecorder(settings.Client, settings.Policy ?? string.Empty, settings.MaxErrors, clock);
var run = new LoadRun(host.Services.GetRequiredService<IClusterCache>(), host.Services.GetRequiredService<IClusterRateLimiter>(), settings, recorder, clock);
Console.WriteLine($"FaultLoad ready: client {settings.Client}, gateways {string.Join(' ', settings.Gateways)}");
recorder.Started();
stopping.CancelAfter(settings.Duration);
var running = run.RunAsync(stopping.Token);
using (var progress = new PeriodicTimer(TimeSpan.FromMilliseconds(500), clock))
{
    while (await Task.WhenAny(running, progress.WaitForNextTickAsync().AsTask()) != running)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"progress acknowledged={recorder.Acknowledged} failed={recorder.Failed} limited={recorder.Limited}"));
    }
}

await running;
var report = recorder.Report() with { GetOrSetRoundMs = (long)settings.GetOrSetRound.TotalMilliseconds };
var temporary = settings.ResultPath + ".tmp";
await using (var file = File.Create(temporary))
{
    await JsonSerializer.SerializeAsync(file, report, LoadReportJson.Options);
}

File.Move(temporary, settings.ResultPath, overwrite: true);
Console.WriteLine(string.Create(
    CultureInfo.InvariantCulture,
    $"FaultLoad done: {report.Operations.Values.Sum(o => o.Ok)} ok, {report.Operations.Values.Sum(o => o.Failed)} failed, {recorder.Acknowledged} writes acknowledged; result {settings.ResultPath}"));

await StopHostAsync(host, clock);
return 0;

// Leaving the cluster politely is bounded: with the cluster down it could otherwise wait for ever.
static async Task StopHostAsync(IHost host, TimeProvider clock)
{
    using var leave = new CancellationTokenSource(TimeSpan.FromSeconds(5), clock);
    try
    {
        await host.StopAsync(leave.Token);
    }
    catch (OperationCanceledException)
    {
    }
}
