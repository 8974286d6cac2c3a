using System.Globalization;
using System.Text.Json;
using CacheCluster.FaultLoad.Application.Report;
using CacheCluster.FaultLoad.Recording;

namespace CacheCluster.FaultLoad.Application;

/// <summary>The run of <c>--mode app</c>, once connected: the load, its progress lines, and its result file.</summary>
internal static class AppLoadMain
{
    public static async Task RunAsync(IClusterCache cache, LoadSettings settings, AppLoadSettings app, PhaseMarks marks, TimeProvider clock, CancellationToken stop)
    {
        var recorder = new AppLoadRecorder(settings.Client, app, marks, clock);
        var run = new AppLoadRun(cache, app, recorder, marks, clock);
        Console.WriteLine($"FaultLoad ready: client {settings.Client} (application load, near cache {(app.NearCache ? "on" : "off")}), gateways {string.Join(' ', settings.Gateways)}");
        recorder.Started();
        var running = run.RunAsync(stop);
        using (var progress = new PeriodicTimer(TimeSpan.FromMilliseconds(500), clock))
        {
            while (await Task.WhenAny(running, progress.WaitForNextTickAsync(CancellationToken.None).AsTask()) != running)
            {
                // The steady load's format, so the tests follow both alike: acknowledged = Sets acknowledged.
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"progress acknowledged={recorder.Acknowledged} failed={recorder.Failed} limited=0"));
            }
        }

        await running;
        var report = recorder.Report();
        var temporary = settings.ResultPath + ".tmp";
        await using (var file = File.Create(temporary))
        {
            await JsonSerializer.SerializeAsync(file, report, LoadReportJson.Options, CancellationToken.None);
        }

        File.Move(temporary, settings.ResultPath, overwrite: true);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"FaultLoad done: {report.Phases.Sum(p => p.Operations.Values.Sum(o => o.Calls))} calls, {recorder.Failed} failed, {report.Removes.Count} removes; result {settings.ResultPath}"));
    }
}
