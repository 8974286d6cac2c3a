using System.Net;

namespace CacheCluster.Tests.Fixtures;

/// <summary>
/// A stand-in OpenTelemetry collector: an <see cref="HttpListener"/> on a loopback port that answers every request 200
/// and records the POSTs (path, content type, body) for a test to await.
/// </summary>
public sealed class OtlpListener : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _loop;
    private readonly Lock _lock = new();
    private readonly List<(Func<OtlpRequest, bool> Match, TaskCompletionSource<OtlpRequest> Found)> _waits = [];
    private readonly List<OtlpRequest> _requests = [];

    private OtlpListener(HttpListener listener, string baseAddress)
    {
        _listener = listener;
        BaseAddress = baseAddress;
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>Gets the collector's base address, such as <c>http://127.0.0.1:4318/</c>.</summary>
    public string BaseAddress { get; }

    /// <summary>Starts on a free loopback port (picked again should another process take it first).</summary>
    public static OtlpListener Start()
    {
        for (var attempt = 1; ; attempt++)
        {
            var baseAddress = $"http://127.0.0.1:{LoopbackPorts.Next()}/";
            var listener = new HttpListener();
            listener.Prefixes.Add(baseAddress);
            try
            {
                listener.Start();
                return new OtlpListener(listener, baseAddress);
            }
            catch (HttpListenerException) when (attempt < LoopbackPorts.FreshAttempts)
            {
                listener.Close();
            }
        }
    }

    /// <summary>Arms a wait for the first request (already received or to come) that <paramref name="match"/> accepts.</summary>
    public Task<OtlpRequest> WaitForAsync(Func<OtlpRequest, bool> match)
    {
        lock (_lock)
        {
            if (_requests.FirstOrDefault(match) is { } found)
            {
                return Task.FromResult(found);
            }

            var wait = new TaskCompletionSource<OtlpRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waits.Add((match, wait));
            return wait.Task;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }

    private async Task ServeAsync()
    {
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var request = new OtlpRequest(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, context.Request.ContentType, body.ToArray());
            context.Response.StatusCode = 200;
            context.Response.Close();
            lock (_lock)
            {
                _requests.Add(request);
                foreach (var wait in _waits.Where(w => w.Match(request)).ToList())
                {
                    _waits.Remove(wait);
                    wait.Found.TrySetResult(request);
                }
            }
        }
    }
}
