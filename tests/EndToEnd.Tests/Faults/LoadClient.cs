using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CacheCluster.FaultLoad.Recording;
using CacheCluster.Tests.EndToEnd;

namespace CacheCluster.Tests.Faults;

/// <summary>
/// One load-client process (<c>CacheCluster.FaultLoad.dll</c>): started against the cluster's gateways, followed
/// through its progress lines, stopped with a <c>stop</c> line, and read back from its JSON result file.
/// </summary>
internal sealed class LoadClient : IAsyncDisposable
{
    private const string ReadyLine = "FaultLoad ready";
    private const string ProgressPrefix = "progress ";

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _resultPath;
    private TaskCompletionSource _progressed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _acknowledged;
    private long _failed;
    private long _limited;

    private LoadClient(Process process, string name, string resultPath)
    {
        _process = process;
        Name = name;
        _resultPath = resultPath;
    }

    public string Name { get; }

    /// <summary>Gets the writes acknowledged so far, from the last progress line.</summary>
    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    /// <summary>Gets the failed operations so far, from the last progress line.</summary>
    public long Failed => Interlocked.Read(ref _failed);

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

    /// <summary>Starts a load client on every gateway of <paramref name="gateways"/> and returns once it is connected and loading.</summary>
    public static Task<LoadClient> StartAsync(string name, IEnumerable<string> gateways, ClusterIdentity identity, string directory, string policy, int identifiers) =>
        StartAsync(name, gateways, identity, directory, ["--policy", policy, "--identifiers", identifiers.ToString(CultureInfo.InvariantCulture)]);

    /// <summary>
    /// Starts a load client on every gateway of <paramref name="gateways"/> with <paramref name="arguments"/> added (a
    /// mode and its options), and returns once it is connected and loading.
    /// </summary>
    public static async Task<LoadClient> StartAsync(string name, IEnumerable<string> gateways, ClusterIdentity identity, string directory, IEnumerable<string> arguments)
    {
        var resultPath = Path.Combine(directory, $"{name}.json");
        var process = ChildProcesses.Start(
            BuiltPrograms.FaultLoad,
            [
                "--gateway", .. gateways,
                "--cluster-id", identity.ClusterId,
                "--service-id", identity.ServiceId,
                "--name", name,
                "--result", resultPath,
                .. arguments,

                // A safety net: the tests stop the clients themselves.
                "--duration", "300",
            ],
            keepStandardInput: true);
        var client = new LoadClient(process, name, resultPath);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => client.OnLine(e.Data, ready);
        process.ErrorDataReceived += (_, e) => client.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var first = await Task.WhenAny(ready.Task, process.WaitForExitAsync()).WaitAsync(ReadyTimeout, TimeProvider.System);
            if (first != ready.Task)
            {
                throw new InvalidOperationException($"Load client {name} exited with code {process.ExitCode} before it was ready:\n{client.Output}");
            }
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }

        return client;
    }

    /// <summary>
    /// Tells the client that phase <paramref name="phase"/> begins at <paramref name="atMs"/> (Unix milliseconds); the
    /// application load files its calls by these marks.
    /// </summary>
    public async Task MarkPhaseAsync(string phase, long atMs)
    {
        await _process.StandardInput.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"phase {phase} {atMs}"));
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits until the client reports at least <paramref name="count"/> acknowledged writes.</summary>
    public Task WaitForAcknowledgedAsync(long count, TimeSpan timeout) =>
        WaitUntilAsync(() => Acknowledged >= count, $"{count} acknowledged writes", timeout);

    /// <summary>Gets the rate-limit requests the cluster refused so far, from the last progress line.</summary>
    public long Limited => Interlocked.Read(ref _limited);

    /// <summary>Waits until the cluster has refused the client at least <paramref name="count"/> rate-limit requests.</summary>
    public Task WaitForLimitedAsync(long count, TimeSpan timeout) =>
        WaitUntilAsync(() => Limited >= count, $"{count} refused rate-limit requests", timeout);

    /// <summary>Gets a task that completes at the client's next progress line.</summary>
    public Task NextProgress => Volatile.Read(ref _progressed).Task;

    private async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan timeout)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (!condition())
        {
            var left = timeout - TimeProvider.System.GetElapsedTime(started);
            if (left <= TimeSpan.Zero || _process.HasExited)
            {
                throw new TimeoutException(
                    $"Load client {Name} did not report {what} within {timeout.TotalSeconds} s ({Acknowledged} acknowledged, {Failed} failed):\n{Output}");
            }

            var progressed = Volatile.Read(ref _progressed).Task;
            await Task.WhenAny(progressed, Task.Delay(left, TimeProvider.System));
        }
    }

    /// <summary>Tells the client to stop, waits for it to write its result and exit, and returns the result.</summary>
    public Task<LoadReport> StopAsync(TimeSpan timeout) => StopAsync<LoadReport>(timeout);

    /// <summary>Tells the client to stop, waits for it to write its result and exit, and returns the result, read as <typeparamref name="TReport"/>.</summary>
    public async Task<TReport> StopAsync<TReport>(TimeSpan timeout)
        where TReport : class
    {
        if (!_process.HasExited)
        {
            await _process.StandardInput.WriteLineAsync("stop");
            await _process.StandardInput.FlushAsync();
        }

        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout, TimeProvider.System);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Load client {Name} did not stop within {timeout.TotalSeconds} s:\n{Output}");
        }

        if (_process.ExitCode != 0 || !File.Exists(_resultPath))
        {
            throw new InvalidOperationException($"Load client {Name} exited with code {_process.ExitCode} (result file there: {File.Exists(_resultPath)}):\n{Output}");
        }

        await using var file = File.OpenRead(_resultPath);
        return await JsonSerializer.DeserializeAsync<TReport>(file, LoadReportJson.Options)
            ?? throw new InvalidOperationException($"Load client {Name} wrote an empty result.");
    }

    public async ValueTask DisposeAsync()
    {
        await ChildProcesses.KillAsync(_process);
        ChildProcesses.Release(_process);
    }

    private void OnLine(string? line, TaskCompletionSource ready)
    {
        Append(line);
        if (line is null)
        {
            return;
        }

        if (line.StartsWith(ReadyLine, StringComparison.Ordinal))
        {
            ready.TrySetResult();
        }
        else if (line.StartsWith(ProgressPrefix, StringComparison.Ordinal))
        {
            // "progress acknowledged=123 failed=4 limited=5"
            var fields = line["progress ".Length..].Split(' ').Select(field => field.Split('=')).ToDictionary(pair => pair[0], pair => pair.Length == 2 ? pair[1] : string.Empty, StringComparer.Ordinal);
            if (Number(fields, "acknowledged") is { } acknowledged && Number(fields, "failed") is { } failed && Number(fields, "limited") is { } limited)
            {
                Interlocked.Exchange(ref _acknowledged, acknowledged);
                Interlocked.Exchange(ref _failed, failed);
                Interlocked.Exchange(ref _limited, limited);
                Interlocked.Exchange(ref _progressed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            }
        }
    }

    private static long? Number(Dictionary<string, string> fields, string name) =>
        fields.TryGetValue(name, out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            // Progress lines are many and say little once the run is over; keep the rest.
            if (!line.StartsWith(ProgressPrefix, StringComparison.Ordinal))
            {
                _output.AppendLine(line);
            }
        }
    }
}
