using System.Diagnostics;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Dashboard;

/// <summary>
/// A real browser: Debian's headless Chromium (/usr/bin/chromium) loads a page, runs its scripts for a budget of virtual
/// time, then prints the DOM and saves a screenshot. A missing Chromium fails the tests loudly: they are never skipped.
/// Chromium runs as root here, so its sandbox is off (<c>--no-sandbox</c>); each run has a fresh profile directory.
/// </summary>
internal static class HeadlessChromium
{
    public const string Executable = "/usr/bin/chromium";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    /// <summary>Where the screenshots go: the test output directory, never the source tree.</summary>
    public static string ArtifactDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "artifacts");

    /// <summary>Loads <paramref name="url"/>, saves a 1280×2400 screenshot (a silo's page down to its activations by type) to <paramref name="screenshot"/> and returns the DOM.</summary>
    public static async Task<string> RenderAsync(Uri url, string screenshot)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at {Executable}. The dashboard tests need it and are never skipped: run ./test.sh, which installs it (apt-get install chromium).");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        File.Delete(screenshot);
        var profile = TestProcesses.CreateDirectory("cachecluster-chromium-");
        try
        {
            var start = new ProcessStartInfo(Executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in (string[])[
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions", "--hide-scrollbars",
                $"--user-data-dir={profile}", "--window-size=1280,2400", "--virtual-time-budget=3000",
                "--dump-dom", $"--screenshot={screenshot}", url.AbsoluteUri])
            {
                start.ArgumentList.Add(argument);
            }

            var process = TestProcesses.Start(start);
            try
            {
                var dom = process.StandardOutput.ReadToEndAsync();
                var errors = process.StandardError.ReadToEndAsync();
                using var timeout = new CancellationTokenSource(Timeout);
                try
                {
                    await process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    await TestProcesses.KillAsync(process);
                    throw new TimeoutException($"Chromium did not finish rendering {url} within {Timeout.TotalSeconds} s: {Tail(await errors)}");
                }

                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException($"Chromium exited with {process.ExitCode} rendering {url}: {Tail(await errors)}");
                }

                return await dom;
            }
            finally
            {
                await TestProcesses.ReleaseAsync(process);
            }
        }
        finally
        {
            TestProcesses.DeleteDirectory(profile);
        }
    }

    private static string Tail(string text) => text.Length > 2000 ? "…" + text[^2000..] : text;
}
