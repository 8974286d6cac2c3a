using System.Diagnostics;
using System.Globalization;
using System.Text;
using CacheCluster.Tests.EndToEnd;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Samples;

/// <summary>
/// The sample shop (<c>CacheCluster.Samples.Shop.dll</c>) as an OS process: a client of a running silo (its gateway),
/// on a free loopback HTTP port, picked again when it was taken before the shop bound it. Disposal sends SIGTERM and
/// waits for a graceful exit, then kills whatever is left.
/// </summary>
public sealed class ShopProcess : IAsyncDisposable
{
    /// <summary>What the shop prints once it is connected and listening.</summary>
    public const string ReadyLine = "CacheCluster shop ready";

    private readonly Process _process;
    private readonly StringBuilder _output;
    private readonly Task _exited;
    private int _disposed;

    private ShopProcess(Process process, StringBuilder output, int httpPort)
    {
        _process = process;
        _output = output;
        _exited = process.WaitForExitAsync();
        Address = new Uri($"http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}/");
    }

    /// <summary>Gets the base address of the shop's HTTP API.</summary>
    public Uri Address { get; }

    /// <summary>Everything the shop wrote to stdout and stderr so far.</summary>
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

    /// <summary>
    /// Starts the shop as a client of the silo whose gateway is <paramref name="gateway"/>, with its data-protection
    /// keys in <paramref name="keysDirectory"/> (shared by the instances), and returns once it is ready.
    /// </summary>
    public static async Task<ShopProcess> StartAsync(string gateway, string keysDirectory)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(gateway, keysDirectory, LoopbackPorts.Next());
            }
            catch (PortInUseException) when (attempt < LoopbackPorts.FreshAttempts)
            {
            }
        }
    }

    private static async Task<ShopProcess> StartOnceAsync(string gateway, string keysDirectory, int httpPort)
    {
        var output = new StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = ChildProcesses.Start(
            BuiltPrograms.Shop,
            [
                "--Shop:HostSilo=false",
                "--CacheCluster:WaitForCluster=true",
                $"--Shop:KeysDirectory={keysDirectory}",
                $"--CacheCluster:Gateways:0={gateway}",
                $"--urls=http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}",
            ]);
        process.OutputDataReceived += (_, line) =>
        {
            SiloProcess.Append(output, line.Data);
            if (line.Data?.StartsWith(ReadyLine, StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, line) => SiloProcess.Append(output, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var shop = new ShopProcess(process, output, httpPort);
        try
        {
            var first = await Task.WhenAny(ready.Task, shop._exited).WaitAsync(SiloProcess.ReadyTimeout, TimeProvider.System);
            if (first != ready.Task)
            {
                var message = $"The shop (HTTP port {httpPort}) exited with code {process.ExitCode} before it was ready. Output:\n{shop.Output}";
                throw LoopbackPorts.SaysAddressInUse(shop.Output) ? new PortInUseException(message) : new InvalidOperationException(message);
            }
        }
        catch (TimeoutException)
        {
            await shop.DisposeAsync();
            throw new TimeoutException($"The shop (HTTP port {httpPort}) did not print '{ReadyLine}' within {SiloProcess.ReadyTimeout.TotalSeconds} s. Output:\n{shop.Output}");
        }
        catch
        {
            await shop.DisposeAsync();
            throw;
        }

        return shop;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                ChildProcesses.Terminate(_process);
                await _exited.WaitAsync(SiloProcess.GracefulExitTimeout, TimeProvider.System);
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
}
