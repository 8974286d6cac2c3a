using System.Net.Http.Headers;
using System.Net.Sockets;

namespace CacheCluster.Cli.Connection.Http;

/// <summary>
/// One HTTP connection to a silo's API (kept for every command of an interactive session). A silo that is not there
/// fails the call at once, with a message naming the URL; a connect that hangs gives up after the connect timeout.
/// </summary>
internal sealed class HttpApiClient : IDisposable
{
    /// <summary>Above the silo's own 30 s response timeout, which it reports as a 503.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(40);

    private readonly HttpClient _client;
    private readonly AuthenticationHeaderValue? _authorization;
    private readonly TimeSpan _connectTimeout;

    public HttpApiClient(Uri baseAddress, string? apiKey, TimeSpan connectTimeout)
    {
        BaseAddress = baseAddress;
        ApiKey = apiKey;
        _connectTimeout = connectTimeout;
        _authorization = apiKey is null ? null : new AuthenticationHeaderValue("Bearer", apiKey);
        var handler = new SocketsHttpHandler { ConnectTimeout = connectTimeout, AllowAutoRedirect = false };
        _client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = RequestTimeout };
    }

    public Uri BaseAddress { get; }

    public string? ApiKey { get; }

    /// <summary>Sends a request to <paramref name="path"/> (relative to the base address) and reads the whole answer.</summary>
    /// <exception cref="CacheClusterUnavailableException">The API could not be reached or did not answer in time.</exception>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, Action<HttpRequestHeaders>? headers, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = _authorization;
        headers?.Invoke(request.Headers);
        try
        {
            return await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new CacheClusterUnavailableException($"could not connect to the silo's HTTP API at {Describe()}: {Reason(ex)} {Hint}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            var what = ex.InnerException is TimeoutException ? $"no answer within {RequestTimeout.TotalSeconds:0} s" : $"timed out after {_connectTimeout.TotalSeconds:0.###} s";
            throw new CacheClusterUnavailableException($"could not reach the silo's HTTP API at {Describe()}: {what} {Hint}", ex);
        }
    }

    public void Dispose() => _client.Dispose();

    private const string Hint = "(is a silo running there? --url or $" + ConnectionEnvironment.Url + " names another; --gateway or --redis use the Orleans gateway instead)";

    private string Describe() => BaseAddress.AbsolutePath == "/" ? BaseAddress.GetLeftPart(UriPartial.Authority) : BaseAddress.ToString();

    private static string Reason(HttpRequestException ex) => ex.InnerException switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused",
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain } socket => $"host not found ({socket.Message})",
        SocketException socket => socket.Message,
        _ when ex.HttpRequestError == HttpRequestError.NameResolutionError => "host not found",
        _ => ClusterFailure.FirstLine(ex.Message),
    };
}
