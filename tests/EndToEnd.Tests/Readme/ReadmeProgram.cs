using System.Diagnostics;
using System.Text;
using CacheCluster.Tests.EndToEnd;
using CacheCluster.Tests.Samples;

namespace CacheCluster.Tests.Readme;

/// <summary>
/// A program README starts in the foreground (<c>dotnet run --project src/Silo</c>, <c>dotnet run --project
/// samples/Shop</c>), run as its built dll with no arguments, so on README's own default ports, until it answers its
/// readiness address; disposal sends SIGTERM (Ctrl-C's graceful stop) and kills whatever is left.
/// </summary>
internal sealed class ReadmeProgram : IAsyncDisposable
{
    private static readonly TimeSpan ReadyPoll = TimeSpan.FromMilliseconds(200);

    private readonly Process _process;
    private readonly StringBuilder _output;

    private ReadmeProgram(Process process, StringBuilder output)
    {
        _process = process;
        _output = output;
    }

    /// <summary>Everything the program wrote so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>README's first command: the embedded silo, ready when <c>http://127.0.0.1:5080/health/ready</c> answers 200.</summary>
    /// <returns>The running silo.</returns>
    public static Task<ReadmeProgram> StartEmbeddedSiloAsync() =>
        StartAsync(BuiltPrograms.Silo, new Uri("http://127.0.0.1:5080/health/ready"));

    /// <summary>The sample shop with its own silo, ready when <c>http://127.0.0.1:5100/stats</c> answers 200.</summary>
    /// <returns>The running shop.</returns>
    public static Task<ReadmeProgram> StartShopAsync() =>
        StartAsync(BuiltPrograms.Shop, new Uri("http://127.0.0.1:5100/stats"));

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                ChildProcesses.Terminate(_process);
                await _process.WaitForExitAsync().WaitAsync(SiloProcess.GracefulExitTimeout, TimeProvider.System);
            }
        }
        catch (TimeoutException)
        {
        }
        finally
        {
            await ChildProcesses.ReleaseAsync(_process);
        }
    }

    private static async Task<ReadmeProgram> StartAsync(string assembly, Uri ready)
    {
        var output = new StringBuilder();
        var process = ChildProcesses.Start(assembly, []);
        process.OutputDataReceived += (_, line) => SiloProcess.Append(output, line.Data);
        process.ErrorDataReceived += (_, line) => SiloProcess.Append(output, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var program = new ReadmeProgram(process, output);
        try
        {
            await WaitReadyAsync(process, ready);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            await program.DisposeAsync();
            throw new InvalidOperationException($"{Path.GetFileName(assembly)}: {e.Message} Output:\n{program.Output}", e);
        }

        return program;
    }

    private static async Task WaitReadyAsync(Process process, Uri ready)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var start = TimeProvider.System.GetTimestamp();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"exited with code {process.ExitCode} before {ready} answered 200.");
            }

            try
            {
                using var response = await http.GetAsync(ready);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            if (TimeProvider.System.GetElapsedTime(start) > SiloProcess.ReadyTimeout)
            {
                throw new TimeoutException($"{ready} did not answer 200 within {SiloProcess.ReadyTimeout.TotalSeconds} s.");
            }

            await Task.Delay(ReadyPoll, TimeProvider.System);
        }
    }
}
