using System.Net.Http.Headers;

namespace CacheCluster.Tests.Http;

/// <summary>Request builders for the cache endpoints.</summary>
internal static class HttpCalls
{
    public static string PathOf(string key) => "/v1/cache/" + Uri.EscapeDataString(key);

    public static HttpRequestMessage Request(HttpMethod method, string path, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, path);
        foreach (var (name, value) in headers)
        {
            Assert.True(request.Headers.TryAddWithoutValidation(name, value), $"{name} is not a request header");
        }

        return request;
    }

    public static Task<HttpResponseMessage> GetKeyAsync(this HttpClient client, string key, params (string Name, string Value)[] headers) =>
        client.SendAsync(Request(HttpMethod.Get, PathOf(key), headers));

    public static Task<HttpResponseMessage> PutKeyAsync(this HttpClient client, string key, string value, params (string Name, string Value)[] headers) =>
        client.PutAsync(PathOf(key), value, "text/plain", headers);

    public static Task<HttpResponseMessage> PutAsync(this HttpClient client, string path, string value, string contentType, params (string Name, string Value)[] headers)
    {
        var request = Request(HttpMethod.Put, path, headers);
        request.Content = new StringContent(value);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return client.SendAsync(request);
    }
}
